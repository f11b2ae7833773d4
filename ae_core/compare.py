"""Side-by-side comparison of embedders: one metrics loop, PCA rate–distortion, VAE latent use.

Everything the Compare page shows is computed here, so a notebook or the CLI
gets exactly the same numbers:

* :func:`compare_metrics` — per-pixel MSE, PSNR, 1-NN / 5-NN (fit on train
  codes, scored on test codes), trustworthiness and silhouette for every
  embedder, by one call of :func:`ae_core.evaluate.evaluate` each. An entry
  may also be a :class:`ReferenceCodes` (e.g. a t-SNE map, which has no
  decoder): it gets the latent metrics only.
* :func:`pca_rate_distortion` — test MSE of PCA at several latent sizes from
  one SVD (the linear "rate–distortion" curve the autoencoders are judged by).
* :func:`vae_latent_stats` — KL per latent dimension and active units.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from ae_core import metrics
from ae_core.data.dataset import Dataset
from ae_core.errors import DataError
from ae_core.evaluate import evaluate
from ae_core.models import build_model, has_capability, make_config
from ae_core.training import TrainConfig, Trainer

Progress = Callable[[str, float], None]

RD_DIMS = (1, 2, 4, 8, 16, 32)
METRIC_KEYS = ("mse", "psnr", "knn1", "knn5", "trustworthiness", "silhouette")
"""The columns of the comparison table, in display order."""


@dataclass(frozen=True)
class ReferenceCodes:
    """Precomputed codes of a method that only embeds (no encoder for new data, no decoder).

    ``train_codes`` / ``test_codes`` are aligned with the dataset's splits, so
    k-NN is still fitted on train codes and scored on test codes.
    """

    train_codes: np.ndarray
    test_codes: np.ndarray

    @property
    def latent_dim(self) -> int:
        return int(np.asarray(self.test_codes).shape[1])


def tsne_reference(dataset: Dataset, max_train: int = 2000, seed: int = 0,
                   perplexity: float = 30.0) -> tuple[ReferenceCodes, Dataset]:
    """A 2-D t-SNE map of (a seeded subset of) train + test, fitted jointly.

    t-SNE cannot place new points, so both splits are embedded together; the
    returned dataset is the subset the codes belong to (all test images, at
    most ``max_train`` training images): evaluate the reference on it.
    """
    from sklearn.manifold import TSNE  # deferred: scikit-learn loads on first use (start-up time)

    rng = np.random.default_rng(seed)
    n_train = dataset.n_train
    keep = np.sort(rng.choice(n_train, min(max_train, n_train), replace=False))
    x_tr, y_tr = dataset.x_train[keep], dataset.y_train[keep]
    flat = torch.cat([x_tr, dataset.x_test]).reshape(len(keep) + len(dataset.x_test), -1)
    codes = TSNE(2, perplexity=min(perplexity, (len(flat) - 1) / 3), init="pca",
                 random_state=seed).fit_transform(flat.numpy().astype(np.float64))
    codes = codes.astype(np.float32)
    subset = Dataset(dataset.name, x_tr, y_tr, dataset.x_test, dataset.y_test,
                     dataset.class_names, dict(dataset.meta))
    return ReferenceCodes(codes[: len(keep)], codes[len(keep):]), subset


def compare_metrics(embedders: Mapping[str, Any], dataset: Dataset, trust_points: int = 2000,
                    progress: Progress | None = None, seed: int = 0) -> dict[str, dict]:
    """The comparison table: one row (a dict of metrics) per embedder name, in input order.

    Every row has ``latent_dim`` and the latent metrics (``knn1``, ``knn5``,
    ``trustworthiness``, ``silhouette``; trustworthiness and silhouette on the
    same ``trust_points`` seeded test points for every embedder). Embedders
    with a decoder add ``mse`` (per pixel) and ``psnr`` (mean per-image dB);
    a :class:`ReferenceCodes` entry has them as NaN. A VAE adds ``neg_elbo``
    (BCE models), ``kl_per_dim`` and ``active_units``.
    ``progress(step, fraction)`` is called with the overall fraction done.
    """
    report = progress or (lambda step, frac: None)
    names = list(embedders)
    out: dict[str, dict] = {}
    y_train, y_test = dataset.y_train.numpy(), dataset.y_test.numpy()
    for i, name in enumerate(names):
        def sub(step: str, frac: float, i: int = i, name: str = name) -> None:
            report(f"{name}: {step}", (i + frac) / len(names))

        embedder = embedders[name]
        if isinstance(embedder, ReferenceCodes):
            sub("k-NN, trustworthiness, silhouette", 0.0)
            row: dict[str, Any] = {"latent_dim": embedder.latent_dim,
                                   "n_test": len(embedder.test_codes),
                                   "mse": float("nan"), "psnr": float("nan")}
            row.update(metrics.embedding_metrics(
                embedder.train_codes, y_train, embedder.test_codes, y_test, dataset.x_test,
                max_points=trust_points, seed=seed))
        else:
            row = evaluate(embedder, dataset, trust_points=trust_points, progress=sub, seed=seed)
            row.update(vae_latent_stats(embedder, dataset.x_test))
        out[name] = row
    report("done", 1.0)
    return out


def vae_latent_stats(embedder: Any, x: Any) -> dict[str, Any]:
    """``kl_per_dim`` (list, nats) and ``active_units`` of a VAE on images ``x``; else {}."""
    if not has_capability(embedder, "probabilistic"):
        return {}
    mu, logvar = embedder.encode_distribution(x)
    return {"kl_per_dim": [float(v) for v in metrics.kl_per_dimension(mu, logvar)],
            "active_units": metrics.active_units(mu)}


def pca_rate_distortion(x_train: Any, x_test: Any, dims: Sequence[int] = RD_DIMS
                        ) -> dict[int, float]:
    """Per-pixel MSE on ``x_test`` of PCA fitted on ``x_train``, for each latent size in ``dims``.

    One SVD of the centred training data serves every size (the first k
    principal axes are the same whatever k is fitted). Reconstructions are
    the exact linear inverse, not clipped, so on the training set itself the
    MSE is the closed form: the sum of the discarded covariance eigenvalues
    (population, ``ddof=0``) divided by the number of pixels. Sizes above the
    data's rank are dropped.
    """
    train, test = metrics._flat(x_train, "x_train"), metrics._flat(x_test, "x_test")
    if train.shape[1] != test.shape[1]:
        raise DataError(f"Train images have {train.shape[1]} pixels, test images "
                        f"{test.shape[1]}; they must match.")
    mean = train.mean(0)
    _, _, vt = np.linalg.svd(train - mean, full_matrices=False)
    centred = test - mean
    out = {}
    for k in sorted({int(d) for d in dims}):
        if not 1 <= k <= len(vt):
            continue
        axes = vt[:k]
        residual = centred - (centred @ axes.T) @ axes
        out[k] = float(np.mean(residual**2))
    return out


def ae_rate_distortion(x_train: Any, x_test: Any, dims: Sequence[int] = RD_DIMS,
                       hidden: Sequence[int] = (256, 128), epochs: int = 60,
                       batch_size: int = 64, seed: int = 0, ctx: Any = None
                       ) -> dict[int, float]:
    """Per-pixel test MSE of a plain MLP autoencoder trained at each latent size in ``dims``.

    The nonlinear counterpart of :func:`pca_rate_distortion`: same data, same
    sizes, one small model per size with the same recipe and seed. ``ctx`` (an
    :class:`ae_core.tasks.Context`) gets the progress and can stop the
    sweep; the sizes finished so far are returned.
    """
    x_train = torch.as_tensor(np.asarray(x_train, dtype=np.float32))
    x_test = torch.as_tensor(np.asarray(x_test, dtype=np.float32))
    if x_train.ndim != 4 or x_train.shape[1:] != x_test.shape[1:]:
        raise DataError("Train and test images must be (N, C, H, W) arrays of the same shape.")
    sizes = sorted({int(d) for d in dims})
    out: dict[int, float] = {}
    for i, k in enumerate(sizes):
        if ctx is not None and ctx.stop_requested:
            break
        config = make_config("vanilla", input_shape=list(x_train.shape[1:]),
                             hidden=list(hidden), latent_dim=k)
        model = build_model(config, seed=seed)
        trainer = Trainer(model, TrainConfig(epochs=epochs, batch_size=batch_size, seed=seed,
                                             device="cpu"))
        if ctx is not None:
            trainer.add_callback("on_batch_end", lambda tr, i=i, k=k: _sweep_progress(
                ctx, tr, i, len(sizes), k))
        result = trainer.fit(x_train)
        if result.status == "stopped":
            break
        out[k] = metrics.mse_per_pixel(x_test, model.reconstruct(x_test))
    return out


def _sweep_progress(ctx: Any, trainer: Any, i: int, n: int, k: int) -> None:
    ctx.progress((i + trainer.progress) / n, f"{k}-D")
    if ctx.stop_requested:
        trainer.stop()
