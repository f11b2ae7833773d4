"""Reconstruction, latent and embedding metrics as pure functions.

Every function takes numpy arrays or torch tensors and returns plain Python
numbers (or numpy arrays for per-sample values), so the benchmark, the CLI and
the Compare page all report exactly the same quantities. Images may have any
trailing shape, ``(N, ...)``; they are flattened per image. Nothing loops over
samples in Python. scikit-learn and scipy.stats are imported by the functions
that use them: they take seconds to import, and the app's first page needs neither.
"""

from __future__ import annotations

import numpy as np
import torch

from ae_core.errors import ConfigError, DataError

PSNR_CAP_DB = 100.0
"""Largest PSNR ever reported: a perfect reconstruction has infinite PSNR, which
would poison means and JSON, so each MSE is floored at ``range² · 10^(-cap/10)``."""


# --------------------------------------------------------------------------- helpers


def _np(a, dtype=np.float64) -> np.ndarray:
    """Any array-like (torch tensors included, on any device) as a numpy array.

    float64 by default because sums over 10k × 784 pixels lose digits in float32;
    pass ``dtype=None`` to keep the dtype (labels).
    """
    if isinstance(a, torch.Tensor):
        t = a.detach().cpu()
        if t.dtype in (torch.bfloat16, torch.float16):  # numpy has no bfloat16
            t = t.float()
        a = t.numpy()
    return np.asarray(a, dtype=dtype)


def _flat(a, name: str) -> np.ndarray:
    """(N, ...) as float64 (N, D): one row per image or code."""
    arr = _np(a)
    if arr.ndim == 0 or arr.shape[0] == 0:
        raise DataError(f"{name} must hold at least one sample shaped (N, ...); got {arr.shape}.")
    return arr.reshape(arr.shape[0], -1)


def _pair(x, x_hat) -> tuple[np.ndarray, np.ndarray]:
    """Flatten originals and reconstructions, refusing mismatched shapes."""
    xa, xb = _np(x), _np(x_hat)
    if xa.shape != xb.shape:
        raise DataError(
            f"Originals {xa.shape} and reconstructions {xb.shape} must have the same shape."
        )
    return _flat(xa, "x"), _flat(xb, "x_hat")


def _check_k(k: int, n: int, what: str) -> int:
    if int(k) != k or k < 1:
        raise ConfigError(f"The number of neighbours must be a positive integer; got {k}.")
    if k > n:
        raise DataError(f"k={k} neighbours asked for, but only {n} {what} are available.")
    return int(k)


def _subset(n: int, max_points: int | None, seed: int) -> np.ndarray | None:
    """Sorted seeded sample of ``max_points`` row indices, or None when all fit."""
    if max_points is None or n <= max_points:
        return None
    if max_points < 1:
        raise ConfigError(f"max_points must be a positive integer; got {max_points}.")
    return np.sort(np.random.default_rng(seed).choice(n, size=int(max_points), replace=False))


# --------------------------------------------------------------------------- reconstruction


def per_image_squared_error(x, x_hat) -> np.ndarray:
    """Sum of squared pixel errors per image, shape (N,): the anomaly score."""
    a, b = _pair(x, x_hat)
    return np.sum((a - b) ** 2, axis=1)


def squared_error_per_image(x, x_hat) -> float:
    """Mean over images of the summed squared error.

    This is the number Hinton & Salakhutdinov (2006) report (3.00 on MNIST test
    for their 30-D deep autoencoder), so ours can be compared with theirs.
    """
    return float(np.mean(per_image_squared_error(x, x_hat)))


def mse_per_pixel(x, x_hat) -> float:
    """Mean squared error over all pixels of all images (resolution-independent)."""
    a, b = _pair(x, x_hat)
    return float(np.mean((a - b) ** 2))


def _psnr_from_mse(mse: np.ndarray, data_range: float) -> np.ndarray:
    if data_range <= 0:
        raise ConfigError(f"data_range must be positive; got {data_range}.")
    floor = data_range**2 * 10.0 ** (-PSNR_CAP_DB / 10.0)
    return 10.0 * np.log10(data_range**2 / np.maximum(mse, floor))


def psnr_per_image(x, x_hat, data_range: float = 1.0) -> np.ndarray:
    """PSNR of each image in dB, shape (N,), capped at ``PSNR_CAP_DB``."""
    a, b = _pair(x, x_hat)
    return _psnr_from_mse(np.mean((a - b) ** 2, axis=1), data_range)


def psnr(x, x_hat, data_range: float = 1.0, reduction: str = "mean") -> float:
    """Per-image PSNR reduced over images ("mean" or "median"), in dB.

    This is the usual image-quality figure: each image is judged on its own, so
    a few terrible reconstructions cannot hide behind many good ones (or vice
    versa). Identical images give ``PSNR_CAP_DB`` (100 dB), not infinity. By
    Jensen's inequality the mean is ≥ ``psnr_of_mean_mse``.
    """
    values = psnr_per_image(x, x_hat, data_range)
    if reduction == "mean":
        return float(np.mean(values))
    if reduction == "median":
        return float(np.median(values))
    raise ConfigError(f'reduction must be "mean" or "median"; got {reduction!r}.')


def psnr_of_mean_mse(x, x_hat, data_range: float = 1.0) -> float:
    """PSNR of the dataset-wide MSE, in dB (capped like ``psnr``).

    Some papers report this instead; it is a monotone transform of
    ``mse_per_pixel`` and is dominated by the worst images, so it is lower than
    the mean per-image PSNR. Label which one you quote.
    """
    return float(_psnr_from_mse(np.asarray(mse_per_pixel(x, x_hat)), data_range))


def bce_nats_per_image(x, p, eps: float = 1e-7) -> float:
    """Mean over images of the summed binary cross-entropy, in nats.

    The Bernoulli negative log-likelihood a sigmoid decoder is trained on, so it
    is comparable with the reconstruction term of a VAE's ELBO. ``p`` is clipped
    to [eps, 1 - eps] to keep log finite. ``x`` may be grey levels in [0, 1]; then
    the minimum is the entropy of ``x``, not 0.
    """
    a, q = _pair(x, p)
    if a.min() < 0.0 or a.max() > 1.0:
        raise DataError("Binary cross-entropy needs target pixels in [0, 1].")
    q = np.clip(q, eps, 1.0 - eps)
    bce = -(a * np.log(q) + (1.0 - a) * np.log1p(-q))
    return float(np.mean(np.sum(bce, axis=1)))


def reconstruction_metrics(x, x_hat) -> dict[str, float]:
    """The reconstruction block of a benchmark row.

    Keys: ``mse`` (per pixel), ``sq_err_per_image`` (Hinton & Salakhutdinov's
    figure), ``psnr`` (mean per-image, dB, data range 1) and ``bce_nats`` (per
    image). ``bce_nats`` clips ``x_hat`` into (0, 1), so it is a likelihood only
    for decoders whose outputs are Bernoulli means (sigmoid); it is NaN when the
    originals themselves leave [0, 1].
    """
    a, b = _pair(x, x_hat)
    in_range = a.min() >= 0.0 and a.max() <= 1.0
    return {
        "mse": mse_per_pixel(a, b),
        "sq_err_per_image": squared_error_per_image(a, b),
        "psnr": psnr(a, b),
        "bce_nats": bce_nats_per_image(a, b) if in_range else float("nan"),
    }


# --------------------------------------------------------------------------- latent (VAE)


def _mu_logvar(mu, logvar) -> tuple[np.ndarray, np.ndarray]:
    m, lv = _np(mu), _np(logvar)
    if m.ndim != 2 or m.shape != lv.shape:
        raise DataError(
            f"mu and logvar must both be shaped (N, latent_dim); got {m.shape} and {lv.shape}."
        )
    return m, lv


def _kl_terms(mu, logvar) -> np.ndarray:
    """Closed-form KL(N(mu, σ²) || N(0, 1)) per sample and dimension, (N, D)."""
    m, lv = _mu_logvar(mu, logvar)
    return 0.5 * (m**2 + np.exp(lv) - 1.0 - lv)


def gaussian_kl(mu, logvar) -> np.ndarray:
    """KL(q(z|x) || N(0, I)) per sample in nats, summed over latent dims, (N,)."""
    return np.sum(_kl_terms(mu, logvar), axis=1)


def kl_per_dimension(mu, logvar) -> np.ndarray:
    """Mean KL per latent dimension, (D,): near-zero entries are collapsed units."""
    return np.mean(_kl_terms(mu, logvar), axis=0)


def active_units(mu, threshold: float = 0.01) -> int:
    """Number of latent dims whose posterior mean varies over the data.

    Burda et al. (2016): unit u is active when Cov_x(E_q[z_u | x]) > 0.01; a unit
    whose mean ignores the input carries no information, whatever its KL.
    """
    m = _np(mu)
    if m.ndim != 2:
        raise DataError(f"mu must be shaped (N, latent_dim); got {m.shape}.")
    return int(np.sum(np.var(m, axis=0) > threshold))


def negative_elbo(recon_nats_per_image, kl_per_image) -> float:
    """Mean over images of reconstruction NLL + KL, in nats (the VAE's loss bound)."""
    r, k = _np(recon_nats_per_image), _np(kl_per_image)
    if r.shape != k.shape:
        raise DataError(
            f"Per-image reconstruction {r.shape} and KL {k.shape} must have the same shape."
        )
    return float(np.mean(r + k))


# --------------------------------------------------------------------------- embeddings


def _labelled(codes, labels, name: str) -> tuple[np.ndarray, np.ndarray]:
    c, y = _flat(codes, f"{name} codes"), _np(labels, dtype=None).reshape(-1)
    if len(c) != len(y):
        raise DataError(f"{len(c)} {name} codes but {len(y)} labels; they must match.")
    return c, y


def knn_accuracy(train_codes, train_labels, test_codes, test_labels, k: int = 5) -> float:
    """Test accuracy of a k-nearest-neighbour classifier on the codes.

    A label-free encoder is good when same-class images land close together; this
    measures that without training anything on top.
    """
    xtr, ytr = _labelled(train_codes, train_labels, "training")
    xte, yte = _labelled(test_codes, test_labels, "test")
    # deferred: scikit-learn loads on first use (start-up time)
    from sklearn.neighbors import KNeighborsClassifier
    clf = KNeighborsClassifier(n_neighbors=_check_k(k, len(xtr), "training codes"))
    return float(clf.fit(xtr, ytr).score(xte, yte))


def _vote(neigh_labels: np.ndarray, n_classes: int) -> np.ndarray:
    """Majority class index per row; ties go to the smallest class, as in sklearn."""
    n = neigh_labels.shape[0]
    flat = (np.arange(n)[:, None] * n_classes + neigh_labels).ravel()
    counts = np.bincount(flat, minlength=n * n_classes).reshape(n, n_classes)
    return np.argmax(counts, axis=1)


def _boundary_tied(dist: np.ndarray, k: int) -> np.ndarray:
    """Rows whose k-th and (k+1)-th neighbours are (numerically) equidistant.

    Only there does "the k nearest" depend on how scikit-learn breaks distance
    ties, which differs between a k query and the first k of a larger one. The
    tolerance is generous on purpose: a false alarm only costs a re-query.
    """
    return dist[:, k] - dist[:, k - 1] <= 1e-6 * (1.0 + dist[:, k])


def knn_accuracies(
    train_codes, train_labels, test_codes, test_labels, ks=(1, 5)
) -> dict[int, float]:
    """k-NN test accuracy for several k from a single neighbour query.

    The 10k × 60k search dominates; voting over the first k of the max(k)
    neighbours gives each smaller k for free, with scikit-learn's uniform-weight
    rule (most votes, ties to the smallest label). Test rows where equidistant
    training codes straddle the k-th place (duplicates, integer codes) are
    re-predicted by ``KNeighborsClassifier(k)`` itself, so the result always
    equals ``knn_accuracy(..., k)``.
    """
    xtr, ytr = _labelled(train_codes, train_labels, "training")
    xte, yte = _labelled(test_codes, test_labels, "test")
    ks = [_check_k(k, len(xtr), "training codes") for k in ks]
    if not ks:
        raise ConfigError("Give at least one k for the k-NN accuracies.")
    classes, y_idx = np.unique(ytr, return_inverse=True)
    n_query = min(max(ks) + 1, len(xtr))  # one extra neighbour to spot boundary ties
    # deferred: scikit-learn loads on first use (start-up time)
    from sklearn.neighbors import KNeighborsClassifier, NearestNeighbors
    dist, neigh = NearestNeighbors(n_neighbors=n_query).fit(xtr).kneighbors(xte)
    out = {}
    for k in ks:  # a handful of k values, not samples
        pred = classes[_vote(y_idx[neigh[:, :k]], len(classes))]
        tied = _boundary_tied(dist, k) if k < n_query else np.zeros(len(xte), dtype=bool)
        if tied.any():
            clf = KNeighborsClassifier(n_neighbors=k).fit(xtr, ytr)
            pred[tied] = clf.predict(xte[tied])
        out[k] = float(np.mean(pred == yte))
    return out


def trustworthiness(x, codes, k: int = 5, max_points: int | None = None, seed: int = 0) -> float:
    """How far the k nearest neighbours in code space are true neighbours in pixels.

    1.0 means no code-space neighbour is an intruder from far away in image space
    (Venna & Kaski 2001; scikit-learn's implementation).

    Cost: scikit-learn holds the full n × n distance matrix (float64, 0.8 GB at
    n = 10k) plus two n × n int64 rank arrays. For 10k MNIST-sized images we
    measured 2.5 GB peak and 13 s on two CPU cores: it fits a 24 GB machine but
    is slow for a page. ``max_points`` = m scores a seeded random subset instead
    (m = 2000: 0.1 GB, 1 s; cost grows as m²). Neighbours are then looked up
    within the subset only, so its k neighbours span a wider neighbourhood (about
    k·n/m points of the full set): compare models only at equal m and seed.
    """
    xs, cs = _flat(x, "x"), _flat(codes, "codes")
    if len(xs) != len(cs):
        raise DataError(f"{len(xs)} images but {len(cs)} codes; they must match.")
    idx = _subset(len(xs), max_points, seed)
    if idx is not None:
        xs, cs = xs[idx], cs[idx]
    k = _check_k(k, len(xs), "points")
    if k >= len(xs) / 2:
        raise DataError(
            f"Trustworthiness needs k below half the number of points; k={k} with {len(xs)}."
        )
    # deferred: scikit-learn loads on first use (start-up time)
    from sklearn.manifold import trustworthiness as _sk_trustworthiness
    return float(_sk_trustworthiness(xs, cs, n_neighbors=k))


def silhouette(codes, labels, max_points: int | None = None, seed: int = 0) -> float:
    """Mean silhouette of the classes in code space, in [-1, 1].

    High when classes form compact, separated clusters. With ``max_points`` it is
    computed on a seeded random sample of that size (scikit-learn's
    ``sample_size``), which keeps the O(n²) distance work bounded.
    """
    c, y = _labelled(codes, labels, "embedding")
    n_labels = len(np.unique(y))
    if not 2 <= n_labels <= len(y) - 1:
        raise DataError(
            "Silhouette needs between 2 and n-1 distinct labels; "
            f"got {n_labels} for {len(y)} codes."
        )
    sample = max_points if max_points is not None and len(c) > max_points else None
    try:
        # deferred: scikit-learn loads on first use (start-up time)
        from sklearn.metrics import silhouette_score
        return float(silhouette_score(c, y, sample_size=sample, random_state=seed))
    except ValueError as err:  # a tiny sample drew a single class
        raise DataError(f"Silhouette could not be computed on this sample: {err}") from err


def embedding_metrics(
    train_codes,
    train_labels,
    test_codes,
    test_labels,
    x_test,
    ks=(1, 5),
    trust_k: int = 5,
    max_points: int | None = None,
    seed: int = 0,
) -> dict[str, float]:
    """The "quality" block of the benchmark and the Compare page.

    Keys: ``knn{k}`` for each k in ``ks`` (test accuracy of k-NN fitted on train
    codes); ``trustworthiness`` (test images vs test codes, ``trust_k``
    neighbours); ``silhouette`` (test codes grouped by test labels). Both of the
    last two use at most ``max_points`` seeded points.
    """
    accs = knn_accuracies(train_codes, train_labels, test_codes, test_labels, ks=ks)
    out = {f"knn{k}": acc for k, acc in accs.items()}
    out["trustworthiness"] = trustworthiness(
        x_test, test_codes, k=trust_k, max_points=max_points, seed=seed
    )
    out["silhouette"] = silhouette(test_codes, test_labels, max_points=max_points, seed=seed)
    return out


# --------------------------------------------------------------------------- anomaly detection


def _scores_labels(scores, is_anomaly) -> tuple[np.ndarray, np.ndarray]:
    """Validate 1-D finite scores and binary labels with both classes present."""
    s, y = _np(scores).reshape(-1), _np(is_anomaly, dtype=None).reshape(-1)
    if len(s) != len(y):
        raise DataError(f"{len(s)} scores but {len(y)} anomaly flags; they must match.")
    if not np.all(np.isfinite(s)):
        raise DataError("Anomaly scores must be finite numbers (found NaN or infinity).")
    if not np.all((y == 0) | (y == 1)):
        raise DataError("Anomaly flags must be 0/1 or True/False.")
    y = y.astype(bool)
    if y.all() or not y.any():
        raise DataError(
            "AUROC needs both normal and anomalous samples; "
            f"got {int(y.sum())} anomalous out of {len(y)}."
        )
    return s, y


def anomaly_auroc(scores, is_anomaly) -> float:
    """Probability that a random anomaly scores higher than a random normal sample.

    Computed as the Mann–Whitney U statistic with average ranks, so tied scores
    count one half: identical scores give exactly 0.5. Higher score = more
    anomalous.
    """
    s, y = _scores_labels(scores, is_anomaly)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    from scipy.stats import rankdata  # deferred: SciPy loads on first use (start-up time)
    rank_sum = float(np.sum(rankdata(s)[y]))
    return (rank_sum - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg)


def roc_curve_points(scores, is_anomaly) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(fpr, tpr, thresholds) for plotting; scikit-learn's ``roc_curve``.

    The first threshold is +inf (nothing flagged), so the curve starts at (0, 0).
    """
    s, y = _scores_labels(scores, is_anomaly)
    # deferred: scikit-learn loads on first use (start-up time)
    from sklearn.metrics import roc_curve
    fpr, tpr, thresholds = roc_curve(y, s)
    return fpr, tpr, thresholds
