"""Helpers shared by the Applications pages (denoising, anomaly, sparse, compression, features)."""

from __future__ import annotations

import numpy as np

from ae_core.imaging import png_bytes, scale_for, tile
from app_lib import catalog
from app_lib.catalog import ModelChoice

SAMPLE_SEED = 0


def models_of(dataset: str, variants: tuple[str, ...]) -> list[ModelChoice]:
    """Autoencoders of these variants available for ``dataset`` (shipped first, then mine)."""
    return [c for c in catalog.model_choices(dataset) if c.variant in variants]


def strip_png(images, ncols: int | None = None, target: int = 72) -> bytes:
    """Images (N, C, H, W) side by side as one PNG, each about ``target`` px."""
    images = np.clip(np.asarray(images, dtype=np.float64), 0.0, 1.0)
    side = images.shape[-1]
    return png_bytes(tile(list(images), ncols or len(images), pad=1),
                     scale=scale_for(side, target))


def sample_rows(n_total: int, n: int, seed: int = SAMPLE_SEED) -> np.ndarray:
    """A fixed seeded sample of test rows shown on a page."""
    return np.sort(np.random.default_rng(seed).choice(n_total, size=min(n, n_total),
                                                      replace=False))
