"""Metrics for any embedder on a dataset: one function, one loop over embedders.

Codes are fitted/scored the way the Parametric UMAP paper does it: k-NN is fit
on the train split's codes and scored on the test split's; trustworthiness
and silhouette are measured on the test split.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

from ae_core import metrics
from ae_core.data.dataset import Dataset
from ae_core.embedders import Embedder
from ae_core.models import has_capability
from ae_core.training import evaluate_loss

Progress = Callable[[str, float], None]


def evaluate(embedder: Embedder, dataset: Dataset, *, trust_points: int | None = None,
             embedding: bool = True, normal_classes: Sequence[int] | None = None,
             progress: Progress | None = None, seed: int = 0) -> dict[str, Any]:
    """Reconstruction, latent-quality and (optionally) anomaly metrics for one embedder.

    ``trust_points`` caps the points used by trustworthiness and silhouette
    (None = the whole test split). ``normal_classes`` adds the AUROC of the
    per-image reconstruction error at telling other classes from these.
    """
    report = progress or (lambda step, frac: None)
    report("encoding", 0.0)
    x_test, y_test = dataset.x_test, dataset.y_test.numpy()
    test_codes = embedder.encode(x_test)
    report("reconstructing", 0.3)
    recon = embedder.decode(test_codes)
    out: dict[str, Any] = {"latent_dim": int(embedder.latent_dim), "n_test": len(x_test)}
    out.update(metrics.reconstruction_metrics(x_test, recon))
    out.update(elbo_metrics(embedder, x_test, seed))
    if normal_classes is not None:
        out["anomaly_auroc"] = anomaly_auroc_for(x_test, recon, y_test, normal_classes)
    if embedding:
        report("k-NN, trustworthiness, silhouette", 0.5)
        train_codes = embedder.encode(dataset.x_train)
        out.update(metrics.embedding_metrics(train_codes, dataset.y_train.numpy(), test_codes,
                                             y_test, x_test, max_points=trust_points, seed=seed))
    report("done", 1.0)
    return out


def elbo_metrics(embedder: Embedder, x: torch.Tensor, seed: int = 0) -> dict[str, float]:
    """Negative ELBO in nats (one posterior sample per image) for a BCE VAE, else nothing."""
    if not has_capability(embedder, "probabilistic") or embedder.config.loss != "bce":
        return {}
    parts = evaluate_loss(embedder, x, seed)
    return {"neg_elbo": parts["recon"] + parts["kl"], "kl": parts["kl"],
            "recon_nats": parts["recon"]}


def anomaly_auroc_for(x: torch.Tensor, recon: torch.Tensor, labels: np.ndarray,
                      normal_classes: Sequence[int]) -> float:
    """AUROC of per-image squared error, anomalies = classes not in ``normal_classes``."""
    scores = metrics.per_image_squared_error(x, recon)
    is_anomaly = ~np.isin(labels, list(normal_classes))
    return metrics.anomaly_auroc(scores, is_anomaly)
