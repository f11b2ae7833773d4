"""Does sampling the latent space give recognisable images? A classifier as the judge.

A VAE is trained so that decoding z ~ N(0, I) gives data-like images; a
plain AE is not, so the fairest sampler for it is a Gaussian fitted to its
own codes. :func:`score_samples` asks a pixel classifier trained on the real
data (:func:`train_classifier`, seeded) how sure it is about each sample.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import torch

from ae_core.data.dataset import Dataset
from ae_core.errors import DataError

CONFIDENT = 0.9
CLASSIFIER_MAX_TRAIN = 10_000


class ProbabilisticClassifier(Protocol):
    """Anything with scikit-learn's ``predict_proba`` on flattened images."""

    def predict_proba(self, x: np.ndarray) -> np.ndarray: ...


def _flat_images(images: Any) -> np.ndarray:
    a = images.detach().cpu().numpy() if torch.is_tensor(images) else np.asarray(images)
    if a.ndim < 2 or len(a) == 0:
        raise DataError(f"Expected a batch of images shaped (N, ...); got {a.shape}.")
    return np.clip(a.reshape(len(a), -1).astype(np.float64), 0.0, 1.0)


def train_classifier(dataset: Dataset, seed: int = 0,
                     max_train: int = CLASSIFIER_MAX_TRAIN) -> ProbabilisticClassifier:
    """Multinomial logistic regression on pixels, fitted on ≤ ``max_train`` seeded train images."""
    # deferred: scikit-learn loads on first use (start-up time)
    from sklearn.linear_model import LogisticRegression

    x, y = dataset.x_train, dataset.y_train.numpy()
    if len(x) > max_train:
        keep = np.sort(np.random.default_rng(seed).choice(len(x), max_train, replace=False))
        x, y = x[keep], y[keep]
    # Fashion-MNIST needs ~400 iterations to converge (MNIST ~160, digits ~70)
    clf = LogisticRegression(C=1.0, max_iter=1000, random_state=seed)
    return clf.fit(_flat_images(x), y)


def score_samples(classifier: ProbabilisticClassifier, images: Any,
                  confident: float = CONFIDENT) -> dict[str, Any]:
    """How recognisable ``images`` are to ``classifier``.

    ``mean_max_prob``: mean over images of the top class probability;
    ``confident_share``: share of images whose top probability is at least
    ``confident``; ``class_histogram``: share of images per predicted class
    (a list as long as the classifier's probability rows, summing to 1).
    """
    probs = np.asarray(classifier.predict_proba(_flat_images(images)), dtype=np.float64)
    top = probs.max(1)
    counts = np.bincount(probs.argmax(1), minlength=probs.shape[1])
    return {"mean_max_prob": float(top.mean()),
            "confident_share": float(np.mean(top >= confident)),
            "class_histogram": [float(c) for c in counts / len(probs)]}


def prior_codes(latent_dim: int, n: int, seed: int = 0) -> np.ndarray:
    """n codes drawn from N(0, I), seeded."""
    return np.random.default_rng(seed).standard_normal((n, latent_dim)).astype(np.float32)


def fitted_gaussian_codes(codes: Any, n: int, seed: int = 0) -> np.ndarray:
    """n codes drawn from the Gaussian (mean, full covariance) fitted to ``codes``, seeded."""
    c = np.asarray(codes.detach().cpu() if torch.is_tensor(codes) else codes, dtype=np.float64)
    if c.ndim != 2 or len(c) < 2:
        raise DataError(f"Need at least two codes shaped (N, d) to fit a Gaussian; got {c.shape}.")
    cov = np.atleast_2d(np.cov(c, rowvar=False))
    rng = np.random.default_rng(seed)
    return rng.multivariate_normal(c.mean(0), cov, size=n, method="eigh").astype(np.float32)


def sample_images(decoder: Any, codes: np.ndarray) -> np.ndarray:
    """Decode ``codes`` with anything that has ``decode`` (an embedder), as a NumPy array."""
    out = decoder.decode(codes)
    return out.detach().cpu().numpy() if torch.is_tensor(out) else np.asarray(out)
