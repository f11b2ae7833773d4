"""What autoencoders are used for: denoising, anomaly detection, sparse features,
compression and learning features from few labels.

Pure functions over embedders (PCA or any autoencoder: ``encode`` / ``decode`` /
``reconstruct``) and arrays, so the Applications pages only draw. Every random
choice takes an explicit seed. Never imports Streamlit.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import torch
from PIL import Image, ImageOps

from ae_core.errors import ConfigError, DataError
from ae_core.imaging import png_bytes, to_uint8
from ae_core.metrics import _np, per_image_squared_error, psnr, psnr_per_image
from ae_core.models import build_model, make_config
from ae_core.noise import NOISES, corrupt
from ae_core.tasks import Context, context
from ae_core.threads import torch_threads
from ae_core.training import TrainConfig, Trainer

# --------------------------------------------------------------------------- training helpers


def one_thread():
    """Train small models on one CPU thread (as ``ae_core.jobs`` does): on a busy
    2-core machine two threads fighting other processes are several times slower."""
    return torch_threads(1)


SPARSE_COMPARISON = {  # same single layer, three objectives, each at its documented default
    "sparse_l1": ("sparse_l1", {"l1_weight": 1.0},
                  {"lr": 1e-3, "warmup_steps": 100, "penalty_warmup": 0.5}),
    "sparse_kl": ("sparse_kl", {"rho": 0.05, "sparsity_weight": 3.0}, {}),
    "none": ("sparse_kl", {"rho": 0.05, "sparsity_weight": 0.0}, {}),
}
"""name → (variant, model settings, training settings over :data:`SPARSE_TRAIN`)."""
SPARSE_TRAIN = {"batch_size": 128, "lr": 5e-3, "warmup_steps": 0, "penalty_warmup": 0.3}
"""How the comparison trains. The penalty's warm-up lets the codes carry the images first:
a KL applied from the first step pulls every sigmoid unit down to ρ together, to codes
that are uniformly low (mean ρ, yet every unit on for every image) instead of sparse. ReLU
codes (L1) train at a lower, warmed-up rate: at 5e-3 from the first step a third of the
units die (never fire again) in the first epochs."""


def train_sparse_comparison(x: Any, image_shape: Sequence[int], units: int = 64,
                            epochs: int = 40, seed: int = 0,
                            ctx: Context | None = None) -> dict[str, Any]:
    """L1, KL and no-penalty single-layer models on the same data and seed.

    ``ctx`` hears the progress (a third of it a model) and may stop: the models trained so
    far are returned (the one being trained as of its last finished epoch) and the rest are
    skipped.
    """
    ctx = context(ctx)
    shape = tuple(int(s) for s in image_shape)
    images = _tensor(x).reshape(-1, *shape)
    out = {}
    with one_thread():
        for i, (name, (variant, settings, train)) in enumerate(SPARSE_COMPARISON.items()):
            if ctx.stop_requested:
                break
            model = build_model(make_config(variant, input_shape=shape, latent_dim=units,
                                            **settings), seed=seed)
            trainer = Trainer(model, TrainConfig(epochs=epochs, device="cpu", seed=seed,
                                                 **{**SPARSE_TRAIN, **train}))
            n = len(SPARSE_COMPARISON)
            ctx.part(i / n, 1 / n).watch(trainer)
            trainer.fit(images)
            out[name] = model
    return out


# --------------------------------------------------------------------------- denoising

NOISE_RANGES = {"gaussian": (0.0, 1.0), "salt_pepper": (0.0, 0.8), "masking": (0.0, 0.9)}
"""Slider range of each noise level (σ for Gaussian, a pixel fraction otherwise)."""


def _tensor(x: Any) -> torch.Tensor:
    return (x if torch.is_tensor(x) else torch.as_tensor(np.asarray(x))).float()


def add_noise(x: Any, kind: str, level: float, seed: int = 0) -> torch.Tensor:
    """``ae_core.noise.corrupt`` with a seeded generator: the same noise on every rerun."""
    if kind not in NOISES:
        raise ConfigError(f"Unknown noise '{kind}'; choose one of {sorted(NOISES)}.")
    gen = torch.Generator().manual_seed(int(seed))
    return corrupt(_tensor(x), kind, float(level), gen)


def _clip_np(images: Any) -> np.ndarray:
    out = images.detach().cpu().numpy() if torch.is_tensor(images) else np.asarray(images)
    return np.clip(out.astype(np.float64), 0.0, 1.0)


def denoise_grid(models: Mapping[str, Any], x: Any, kind: str, level: float, seed: int = 0
                 ) -> dict[str, np.ndarray]:
    """Columns of the clean | noisy | model outputs grid, each (N, C, H, W) in [0, 1]."""
    clean = _tensor(x)
    noisy = add_noise(clean, kind, level, seed)
    out = {"clean": clean.numpy().astype(np.float64), "noisy": noisy.numpy().astype(np.float64)}
    for name, model in models.items():
        out[name] = _clip_np(model.reconstruct(noisy))
    return out


def psnr_vs_noise(models: Mapping[str, Any], x: Any, kind: str, levels: Sequence[float],
                  seed: int = 0) -> dict[str, list[float]]:
    """Mean PSNR (dB, against the clean images) at each noise level.

    Key ``"noisy"`` is the corrupted input itself (the do-nothing baseline); the
    other keys are the models' outputs for that same noisy input.
    """
    clean = _tensor(x)
    curves: dict[str, list[float]] = {"noisy": [], **{name: [] for name in models}}
    for level in levels:
        noisy = add_noise(clean, kind, level, seed)
        curves["noisy"].append(psnr(clean, noisy))
        for name, model in models.items():
            curves[name].append(psnr(clean, _clip_np(model.reconstruct(noisy))))
    return curves


def _grey_array(img: Image.Image) -> np.ndarray:
    """Any PIL image as grey float32 in [0, 1] (transparent parts on white, like paper)."""
    if img.mode in ("I", "I;16", "I;16B", "I;16L", "F"):  # 16-bit / float grey: scale by max
        a = np.asarray(img, dtype=np.float32)
        top = float(a.max())
        return a / top if top > 0 else np.zeros_like(a)
    if img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info:
        rgba = img.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(paper, rgba)
    return np.asarray(img.convert("L"), dtype=np.float32) / 255.0


def _pad_square(a: np.ndarray, fill: float) -> np.ndarray:
    h, w = a.shape
    side = max(h, w)
    out = np.full((side, side), fill, dtype=np.float32)
    top, left = (side - h) // 2, (side - w) // 2
    out[top:top + h, left:left + w] = a
    return out


def prepare_upload(data: bytes, image_shape: Sequence[int], invert: bool | None = None
                   ) -> np.ndarray:
    """An uploaded picture as one model input (C, H, W) float32 in [0, 1].

    Turned upright (EXIF), converted to grey (transparency on white), padded to a
    square so it is not stretched, resized to the dataset's side and, when
    ``invert`` is None, inverted if its border is bright (datasets here are light
    strokes on black).
    """
    if not data:
        raise DataError("The uploaded file is empty.")
    try:
        img = Image.open(io.BytesIO(data))
        img.load()
        img = ImageOps.exif_transpose(img)
    except Exception as err:  # PIL raises many kinds for a bad file
        raise DataError(f"That file is not an image PIL can read: {err}") from err
    c, h, w = (int(s) for s in image_shape)
    a = _grey_array(img)
    border = np.concatenate([a[0], a[-1], a[:, 0], a[:, -1]])
    if invert is None:
        invert = float(border.mean()) > 0.5
    a = _pad_square(a, float(np.median(border)))
    grey = Image.fromarray(np.clip(a * 255.0, 0, 255).round().astype(np.uint8))
    a = np.asarray(grey.resize((w, h), Image.Resampling.LANCZOS), dtype=np.float32) / 255.0
    if invert:
        a = 1.0 - a
    return np.repeat(a[None], c, axis=0).astype(np.float32)


def noise_statistics(clean: Any, noisy: Any) -> dict[str, float]:
    """Fractions of pixels changed, set to 0 and set to 1, and the noise's std."""
    a, b = _np(clean), _np(noisy)
    if a.shape != b.shape:
        raise DataError(f"clean {a.shape} and noisy {b.shape} must have the same shape.")
    diff = b - a
    changed = diff != 0
    return {"changed": float(changed.mean()),
            "zeros": float((changed & (b == 0)).mean()),
            "ones": float((changed & (b == 1)).mean()),
            "std": float(diff.std())}


# --------------------------------------------------------------------------- anomaly detection


def normal_mask(labels: Any, normal_classes: Sequence[int]) -> np.ndarray:
    """True where the label is one of the normal classes."""
    if not len(normal_classes):
        raise ConfigError("Choose at least one normal class.")
    return np.isin(_np(labels, dtype=None).reshape(-1), np.asarray(list(normal_classes)))


def anomaly_scores(model: Any, x: Any) -> np.ndarray:
    """Reconstruction error per image (summed squared error): higher = more anomalous."""
    return per_image_squared_error(x, _clip_np(model.reconstruct(x)))


def threshold_report(scores: Any, is_anomaly: Any, threshold: float) -> dict[str, float]:
    """Confusion counts, precision and recall when images scoring above ``threshold`` are flagged.

    Precision is 1 when nothing is flagged (no false alarms), as scikit-learn's
    ``zero_division=1``.
    """
    s = _np(scores).reshape(-1)
    y = _np(is_anomaly, dtype=None).reshape(-1).astype(bool)
    if len(s) != len(y):
        raise DataError(f"{len(s)} scores but {len(y)} anomaly flags; they must match.")
    flagged = s > threshold
    tp, fp = int(np.sum(flagged & y)), int(np.sum(flagged & ~y))
    fn, tn = int(np.sum(~flagged & y)), int(np.sum(~flagged & ~y))
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn,
            "precision": tp / (tp + fp) if tp + fp else 1.0,
            "recall": tp / (tp + fn) if tp + fn else 0.0}


def train_normal_model(x_normal: Any, image_shape: Sequence[int], latent_dim: int = 8,
                       hidden: Sequence[int] = (64,), epochs: int = 30, seed: int = 0,
                       ctx: Context | None = None,
                       arch: str = "mlp", loss: str = "bce", batch_size: int = 64,
                       lr: float = 5e-3, **model_options: Any):
    """A small autoencoder fitted on normal images only (seconds on digits).

    ``ctx`` hears the progress and may stop the training within a batch (the model keeps
    its last finished epoch). Other keyword arguments go to the model config.
    """
    x = _tensor(x_normal).reshape(-1, *image_shape)
    if len(x) < 2:
        raise DataError("Need at least two normal training images.")
    config = make_config("vanilla", input_shape=tuple(int(s) for s in image_shape),
                         hidden=tuple(hidden), latent_dim=int(latent_dim), arch=arch,
                         loss=loss, **model_options)
    model = build_model(config, seed=seed)
    trainer = Trainer(model, TrainConfig(epochs=int(epochs), batch_size=int(batch_size),
                                         lr=float(lr), seed=seed, device="cpu",
                                         warmup_steps=0))
    context(ctx).watch(trainer)
    with one_thread():
        trainer.fit(x)
    return model


# --------------------------------------------------------------------------- sparse inspector


FIRE_SHARE = 0.1
"""Default firing threshold, as a share of each unit's largest activation."""
DEAD_SHARE = 1e-3
"""A unit whose largest activation is at most this share of the largest of any unit never
does anything visible (for ReLU codes: it is exactly 0 on every image): it is dead."""


def activation_stats(codes: Any, fire_share: float = FIRE_SHARE, on_above: float = 0.9,
                     dead_share: float = DEAD_SHARE) -> dict[str, np.ndarray]:
    """Per hidden unit: mean activation, its scale, the share of images it fires on,
    dead / always-on, and how many units fire on each image.

    "Firing" is measured on each unit's own scale, its largest activation over
    ``codes``: unit j fires on an image when its activation is above ``fire_share`` ×
    that largest value. An absolute threshold cannot mean the same for ReLU codes
    (any scale: an L1 model's may be 0 to 8) and for sigmoid codes pulled towards a
    small ρ; on a unit's own scale, "fires at 10 %" reads alike for both. A unit is
    dead when its largest activation is at most ``dead_share`` × the largest of any
    unit (it never fires); always-on when it fires on more than ``on_above`` of the
    images. ``relative`` is every activation over its unit's scale (0 for dead units).
    """
    c = _np(codes)
    if c.ndim != 2 or len(c) == 0:
        raise DataError(f"codes must be shaped (N, units); got {c.shape}.")
    if not 0.0 <= fire_share < 1.0:
        raise ConfigError(f"The firing threshold must be a share from 0 to below 1; "
                          f"got {fire_share}.")
    a = np.abs(c)
    scale = a.max(axis=0)
    dead = scale <= dead_share * max(float(scale.max()), 1e-12)
    relative = np.where(dead, 0.0, a / np.where(dead, 1.0, scale))
    fires = (relative > fire_share) & ~dead
    firing = fires.mean(axis=0)
    return {"mean": c.mean(axis=0), "scale": scale, "firing": firing, "dead": dead,
            "always_on": firing > on_above, "per_image": fires.sum(axis=1),
            "relative": relative}


def _first_linear(module: torch.nn.Module) -> torch.nn.Linear | None:
    return next((m for m in module.modules() if isinstance(m, torch.nn.Linear)), None)


def feature_weights(model: Any, which: str = "decoder") -> np.ndarray:
    """The raw weights drawn by :func:`feature_images`, as (units, C, H, W) float64.

    ``decoder``: column j of the decoder's last linear layer (what unit j paints);
    ``encoder``: row j of the latent head when there is no hidden layer (the
    filter unit j responds to). Needs a single-layer MLP model.
    """
    config = getattr(model, "config", None)
    if config is None or config.arch != "mlp" or config.hidden:
        raise ConfigError("Feature images need a single-layer MLP autoencoder (no hidden layers).")
    if which == "decoder":
        weight = _first_linear(model.decoder).weight.detach().cpu().numpy().T  # (units, D)
    elif which == "encoder":
        weight = model.head.weight.detach().cpu().numpy()  # (units, D)
    else:
        raise ConfigError('which must be "decoder" or "encoder".')
    return weight.astype(np.float64).reshape(-1, *tuple(config.input_shape))


def feature_images(model: Any, which: str = "decoder", blank: Any = None) -> np.ndarray:
    """Learned features as images (units, C, H, W), each scaled to [0, 1].

    The weights of :func:`feature_weights`. Units where the boolean mask ``blank``
    is True (e.g. dead units, whose weights never learned anything and would show
    as noise) are drawn plain mid-grey.
    """
    weight = feature_weights(model, which)
    flat = weight.reshape(len(weight), -1)
    lo = flat.min(axis=1, keepdims=True)
    span = np.maximum(flat.max(axis=1, keepdims=True) - lo, 1e-12)
    images = (flat - lo) / span
    if blank is not None:
        images[np.asarray(blank, dtype=bool)] = 0.5
    return images.reshape(weight.shape)


def _as_feature_stack(features: Any) -> np.ndarray:
    """(units, H, W) or (units, C, H, W) as (units, C, H, W) float64."""
    f = _np(features)
    if f.ndim == 3:
        f = f[:, None]
    if f.ndim != 4 or len(f) == 0:
        raise DataError(f"features must be shaped (units, H, W) or (units, C, H, W); "
                        f"got {f.shape}.")
    return f


def locality_window(height: int, width: int) -> int:
    """The side of :func:`feature_locality`'s square: a quarter of the shorter side,
    rounded up (7 pixels on 28×28, 2 on 8×8), a short pen stroke in a 20-pixel digit."""
    return max(1, -(-min(int(height), int(width)) // 4))


def feature_locality(features: Any, window: int | None = None) -> np.ndarray:
    """Per feature image, the share of its energy inside its best ``window``² square.

    The energy of a pixel is its squared deviation from the image's median (the
    feature's background level), summed over channels; the square is the
    ``window`` × ``window`` one (default :func:`locality_window`) holding the most
    of it. A pen stroke or a blob that fits the square scores near 1; a feature
    spread evenly over the image scores window² / (H·W) (0.06 on 28×28); a
    whole-digit template spreads over the digit's box and scores in between (the ten
    MNIST class-mean images: 0.21 to 0.50). A blank feature (no energy) scores 0.
    """
    f = _as_feature_stack(features)
    n, _, h, w = f.shape
    k = locality_window(h, w) if window is None else int(window)
    if not 1 <= k <= min(h, w):
        raise ConfigError(f"The window must be 1 to {min(h, w)} pixels; got {window}.")
    flat = f.reshape(n, f.shape[1], -1)
    energy = ((flat - np.median(flat, axis=2, keepdims=True)) ** 2).sum(axis=1)
    energy = energy.reshape(n, h, w)
    table = np.zeros((n, h + 1, w + 1))
    table[:, 1:, 1:] = energy.cumsum(axis=1).cumsum(axis=2)
    boxes = table[:, k:, k:] - table[:, :-k, k:] - table[:, k:, :-k] + table[:, :-k, :-k]
    total = energy.reshape(n, -1).sum(axis=1)
    best = boxes.reshape(n, -1).max(axis=1)
    return np.where(total > 0, best / np.where(total > 0, total, 1.0), 0.0)


def class_mean_images(x: Any, y: Any, image_shape: Sequence[int] | None = None) -> np.ndarray:
    """The mean image of each class present in ``y`` (sorted by label): the templates
    :func:`template_similarity` compares features against."""
    images, labels = _np(x), np.asarray(y).ravel()
    if image_shape is not None:
        images = images.reshape(-1, *tuple(int(s) for s in image_shape))
    if len(images) != len(labels) or len(labels) == 0:
        raise DataError(f"{len(images)} images but {len(labels)} labels.")
    return np.stack([images[labels == c].mean(axis=0) for c in np.unique(labels)])


def template_similarity(features: Any, templates: Any) -> np.ndarray:
    """Per feature image, its largest absolute correlation (Pearson, over the pixels)
    with any of ``templates`` (e.g. :func:`class_mean_images`): near 1 for a feature
    that is a whole-digit template, low for a stroke that many digits share only in
    part. A constant feature or template correlates 0."""
    f = _as_feature_stack(features)
    t = _as_feature_stack(templates)
    if f.shape[1:] != t.shape[1:]:
        raise DataError(f"features {f.shape[1:]} and templates {t.shape[1:]} differ in shape.")

    def unit(a: np.ndarray) -> np.ndarray:
        a = a.reshape(len(a), -1)
        a = a - a.mean(axis=1, keepdims=True)
        norm = np.linalg.norm(a, axis=1, keepdims=True)
        return np.where(norm > 0, a / np.where(norm > 0, norm, 1.0), 0.0)

    return np.abs(unit(f) @ unit(t).T).max(axis=1)


# --------------------------------------------------------------------------- compression


def quantize(codes: Any, bits: int, lo: Any, hi: Any) -> np.ndarray:
    """Codes as integers 0 … 2^bits − 1 on a uniform grid over [lo, hi] (per dimension)."""
    if int(bits) != bits or not 1 <= bits <= 32:
        raise ConfigError(f"bits must be an integer from 1 to 32; got {bits}.")
    c, lo, hi = _np(codes), np.asarray(lo, dtype=np.float64), np.asarray(hi, dtype=np.float64)
    levels = 2 ** int(bits) - 1
    span = np.where(hi > lo, hi - lo, 1.0)
    return np.rint(np.clip((c - lo) / span, 0.0, 1.0) * levels).astype(np.int64)


def dequantize(q: Any, bits: int, lo: Any, hi: Any) -> np.ndarray:
    """Inverse of ``quantize``: the grid value of each integer (float64)."""
    lo, hi = np.asarray(lo, dtype=np.float64), np.asarray(hi, dtype=np.float64)
    span = np.where(hi > lo, hi - lo, 1.0)
    return lo + np.asarray(q, dtype=np.float64) / (2 ** int(bits) - 1) * span


def code_range(codes: Any) -> tuple[np.ndarray, np.ndarray]:
    """Per-dimension min and max: the quantiser's range (fixed from training codes)."""
    c = _np(codes)
    return c.min(axis=0), c.max(axis=0)


def bytes_per_image(latent_dim: int, bits: int) -> float:
    """latent_dim × bits / 8: the size of one quantised code."""
    return latent_dim * bits / 8.0


def _decode_quantized(model: Any, codes: Any, bits: int, lo: Any, hi: Any) -> np.ndarray:
    q = quantize(codes, bits, lo, hi)
    return _clip_np(model.decode(dequantize(q, bits, lo, hi).astype(np.float32)))


def compress(model: Any, x_fit: Any, x: Any, bits: int,
             fitted_range: tuple[Any, Any] | None = None) -> np.ndarray:
    """Reconstructions (N, C, H, W) in [0, 1] after quantising the codes to ``bits`` bits.

    The quantiser's range is ``code_range`` of the codes of ``x_fit``; pass it as
    ``fitted_range`` to skip encoding ``x_fit`` again (``x_fit`` is then unused).
    """
    lo, hi = fitted_range if fitted_range is not None else code_range(model.encode(x_fit))
    return _decode_quantized(model, model.encode(x), bits, lo, hi)


def rate_psnr(models: Mapping[str, Any], x_fit: Any, x: Any, bits: Sequence[int],
              fitted_ranges: Mapping[str, tuple[Any, Any]] | None = None,
              ctx: Context | None = None) -> dict[str, list[tuple[float, float]]]:
    """Per model, (bytes per image, mean PSNR dB) at each bit depth.

    Each model encodes ``x_fit`` (for its quantiser range, unless given in
    ``fitted_ranges``) and ``x`` once for all bit depths. ``ctx`` hears the progress (a
    model at a time) and may stop: the models done so far are returned.
    """
    ctx = context(ctx)
    out: dict[str, list[tuple[float, float]]] = {}
    for i, (name, model) in enumerate(models.items()):
        if ctx.stop_requested:
            break
        given = (fitted_ranges or {}).get(name)
        lo, hi = given if given is not None else code_range(model.encode(x_fit))
        codes = model.encode(x)
        out[name] = [(bytes_per_image(model.latent_dim, b),
                      psnr(x, _decode_quantized(model, codes, b, lo, hi))) for b in bits]
        ctx.progress((i + 1) / len(models))
    return out


def mean_png_bytes(x: Any) -> float:
    """Mean size of each image saved losslessly as an 8-bit PNG (no enlargement)."""
    a = _clip_np(x)
    return float(np.mean([len(png_bytes(to_uint8(np.moveaxis(img, 0, -1).squeeze(-1)
                                                 if img.shape[0] == 1 else np.moveaxis(img, 0, -1)),
                                        scale=1)) for img in a]))


# --------------------------------------------------------------------------- feature learning


def sample_per_class(labels: Any, n_per_class: int, seed: int = 0) -> np.ndarray:
    """Sorted indices of ``n_per_class`` examples of each class (all of a smaller class)."""
    y = _np(labels, dtype=None).reshape(-1)
    rng = np.random.default_rng(seed)
    picked = []
    for cls in np.unique(y):
        idx = np.flatnonzero(y == cls)
        picked.append(rng.choice(idx, size=min(n_per_class, len(idx)), replace=False))
    return np.sort(np.concatenate(picked))


def label_efficiency(features: Mapping[str, tuple[Any, Any]], y_train: Any, y_test: Any,
                     n_per_class: Sequence[int] = (10, 100, 1000), seed: int = 0,
                     k: int = 5) -> dict[str, dict[str, list[float]]]:
    """Test accuracy of k-NN and logistic regression trained on few labels per class.

    ``features`` maps a name to (train features, test features). The same seeded
    labelled subset is used for every feature set. Returns
    ``{name: {"knn": [...], "logreg": [...]}}`` in the order of ``n_per_class``.
    """
    # deferred: scikit-learn loads on first use (start-up time)
    from sklearn.linear_model import LogisticRegression
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.preprocessing import StandardScaler

    ytr, yte = _np(y_train, dtype=None).reshape(-1), _np(y_test, dtype=None).reshape(-1)
    subsets = [sample_per_class(ytr, n, seed) for n in n_per_class]
    out: dict[str, dict[str, list[float]]] = {}
    for name, (ftr, fte) in features.items():
        a = _np(ftr).reshape(len(ytr), -1)
        b = _np(fte).reshape(len(yte), -1)
        row: dict[str, list[float]] = {"knn": [], "logreg": []}
        for idx in subsets:
            scaler = StandardScaler().fit(a[idx])
            xa, xb = scaler.transform(a[idx]), scaler.transform(b)
            knn = KNeighborsClassifier(n_neighbors=min(k, len(idx))).fit(xa, ytr[idx])
            row["knn"].append(float(knn.score(xb, yte)))
            lr = LogisticRegression(max_iter=200).fit(xa, ytr[idx])
            row["logreg"].append(float(lr.score(xb, yte)))
        out[name] = row
    return out


__all__ = [
    "DEAD_SHARE", "FIRE_SHARE", "NOISE_RANGES", "SPARSE_COMPARISON", "SPARSE_TRAIN",
    "activation_stats", "add_noise", "anomaly_scores", "bytes_per_image", "class_mean_images",
    "code_range", "compress", "denoise_grid", "dequantize", "feature_images",
    "feature_locality", "feature_weights", "label_efficiency", "locality_window",
    "mean_png_bytes", "noise_statistics", "normal_mask", "one_thread", "prepare_upload",
    "psnr_per_image", "psnr_vs_noise", "quantize", "rate_psnr", "sample_per_class",
    "template_similarity", "threshold_report", "train_normal_model", "train_sparse_comparison",
]
