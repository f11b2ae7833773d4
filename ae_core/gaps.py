"""Gaps in a 2-D latent map: how much of the map decodes from places no image was encoded to.

One convention, used by every function here and by the Gaps page, so the
fractions of two models are comparable:

* **Scale.** Each model's codes are first normalised (:func:`normalise_codes`):
  centred on their mean and divided by their RMS radius
  ``sqrt(mean ‖z − mean‖²)``. An AE spreading codes over ±40 and a VAE
  keeping them within ±3 then live on the same unit scale.
* **Window.** The axis-aligned box from the 1st to the 99th percentile of the
  normalised codes on each axis (:func:`code_window`): the bulk of the map,
  not stretched by a few outliers.
* **Gap radius r.** ``GAP_FACTOR`` (3, as in the Explore page's "gap" verdict)
  times the 95th percentile of the codes' own nearest-neighbour distances
  (:func:`gap_radius`). A map position farther than r from every code is a gap.
* **Gap fraction.** The share of the n × n cell centres of the window whose
  nearest code is farther than r (:func:`gap_fraction`).

Codes that fill the window evenly give ≈ 0; a few tight clusters give most of
the window. Both sets of codes should be the same images (the test split).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from ae_core.errors import DataError
from ae_core.latent import GAP_FACTOR, Window, grid_points

GAP_QUANTILE = 0.95
WINDOW_QUANTILES = (0.01, 0.99)
GRID_N = 64


def _codes_2d(codes: Any, minimum: int = 2) -> np.ndarray:
    c = np.asarray(codes.detach().cpu() if hasattr(codes, "detach") else codes,
                   dtype=np.float64)
    if c.ndim != 2 or c.shape[1] != 2 or len(c) < minimum:
        raise DataError(f"Gap analysis needs at least {minimum} 2-D codes shaped (N, 2); "
                        f"got {c.shape}.")
    return c


def normalise_codes(codes: Any) -> np.ndarray:
    """Codes centred on their mean and divided by their RMS radius (float64, (N, 2))."""
    c = _codes_2d(codes)
    centred = c - c.mean(0)
    rms = float(np.sqrt(np.mean(np.sum(centred**2, axis=1))))
    return centred / rms if rms > 0 else centred


def code_window(codes: Any, quantiles: tuple[float, float] = WINDOW_QUANTILES) -> Window:
    """The per-axis percentile box of the codes (the window of the convention above)."""
    c = _codes_2d(codes)
    lo, hi = np.quantile(c, quantiles[0], axis=0), np.quantile(c, quantiles[1], axis=0)
    hi = np.maximum(hi, lo + 1e-9)
    return Window(float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1]))


def gap_radius(codes: Any, quantile: float = GAP_QUANTILE, factor: float = GAP_FACTOR) -> float:
    """``factor`` × the ``quantile`` of the codes' nearest-neighbour distances (self excluded)."""
    c = _codes_2d(codes)
    dist, _ = cKDTree(c).query(c, k=2)
    return float(factor * np.quantile(dist[:, 1], quantile))


def distance_field(codes: Any, window: Window, n: int = GRID_N) -> np.ndarray:
    """(n, n) distance from each cell centre of ``window`` to its nearest code.

    Rows run top (largest y) to bottom, like ``ae_core.latent.grid_points`` and
    an image, so it can be drawn as a heatmap under the map.
    """
    dist, _ = cKDTree(_codes_2d(codes, 1)).query(grid_points(window, n), k=1)
    return np.asarray(dist, dtype=np.float64).reshape(n, n)


def gap_fraction(codes: Any, window: Window, r: float, n: int = GRID_N) -> float:
    """Share of the n × n cell centres of ``window`` whose nearest code is farther than ``r``."""
    return float(np.mean(distance_field(codes, window, n) > r))


@dataclass(frozen=True)
class GapReport:
    """One model's gap analysis on the common scale."""

    codes: np.ndarray    # normalised codes (N, 2)
    window: Window
    radius: float
    fraction: float
    field: np.ndarray    # (n, n) nearest-code distance over the window


def gap_analysis(codes: Any, n: int = GRID_N) -> GapReport:
    """Normalise, pick the window and r by the module's convention, and measure the gaps."""
    norm = normalise_codes(codes)
    window = code_window(norm)
    radius = gap_radius(norm)
    field = distance_field(norm, window, n)
    return GapReport(norm, window, radius, float(np.mean(field > radius)), field)
