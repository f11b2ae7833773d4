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

from collections.abc import Mapping
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


# ------------------------------------------------------------------ decoded manifold grid

MANIFOLD_N = 12
"""Cells per side of the decoded manifold grid of the Gaps page (coarser than ``GRID_N``)."""


@dataclass(frozen=True)
class ManifoldGrid:
    """An n × n grid over a model's gap window, in the model's own latent coordinates.

    ``latent`` (n·n, 2) are the cell centres row-major, top row first (as
    ``grid_points`` and ``ae_core.imaging.grid_image``), ready to decode;
    ``gap`` (n, n) marks the cells whose centre is farther than the gap radius
    r from every code — the module's definition, on the normalised scale.
    """

    window: Window          # on the normalised scale (the Gaps map's axes)
    n: int
    latent: np.ndarray      # (n * n, 2) raw latent coordinates of the cell centres
    gap: np.ndarray         # (n, n) bool

    @property
    def fraction(self) -> float:
        return float(np.mean(self.gap))


def manifold_grid(codes: Any, n: int = MANIFOLD_N) -> ManifoldGrid:
    """The decoded-manifold grid of a 2-D model, gap cells marked by the module's convention."""
    raw = _codes_2d(codes)
    centre = raw.mean(0)
    rms = float(np.sqrt(np.mean(np.sum((raw - centre) ** 2, axis=1))))
    report = gap_analysis(raw, n)
    scale = rms if rms > 0 else 1.0
    latent = grid_points(report.window, n) * scale + centre
    return ManifoldGrid(report.window, n, latent, report.field > report.radius)


def cell_at(x: float, y: float, window: Window, n: int) -> int | None:
    """Row-major index (top row first) of the grid cell holding map position (x, y), or None."""
    if not (window.x0 <= x <= window.x1 and window.y0 <= y <= window.y1):
        return None
    col = min(int((x - window.x0) / window.width * n), n - 1)
    row = min(int((window.y1 - y) / window.height * n), n - 1)
    return row * n + col


# ------------------------------------------------------------------ β sweep


def beta_sweep_summary(models: Mapping[float, Any], dataset: Any, n: int = GRID_N
                       ) -> dict[float, dict[str, Any]]:
    """Per β (ascending): ``gap_fraction``, ``kl_per_dim`` (list, nats), ``active_units``,
    ``latent_dim`` and ``mse`` (per pixel) of each 2-D VAE on the dataset's test split.

    The gap fraction follows this module's convention, so the βs are comparable.
    """
    import torch  # deferred: only this sweep needs torch; the map maths are NumPy

    from ae_core import metrics  # deferred with torch (metrics imports it)

    x = dataset.x_test
    out: dict[float, dict[str, Any]] = {}
    for beta in sorted(models):
        model = models[beta]
        with torch.inference_mode():
            mu, logvar = model.encode_distribution(x)
            recon = model.reconstruct(x)
        mu_np = mu.detach().cpu().numpy() if hasattr(mu, "detach") else np.asarray(mu)
        recon_np = recon.detach().cpu().numpy() if hasattr(recon, "detach") else np.asarray(recon)
        x_np = x.detach().cpu().numpy() if hasattr(x, "detach") else np.asarray(x)
        out[float(beta)] = {
            "gap_fraction": gap_analysis(mu_np, n).fraction,
            "kl_per_dim": [float(v) for v in metrics.kl_per_dimension(mu, logvar)],
            "active_units": metrics.active_units(mu),
            "latent_dim": int(mu_np.shape[1]),
            "mse": float(np.mean((recon_np.reshape(len(x_np), -1)
                                  - x_np.reshape(len(x_np), -1)) ** 2)),
        }
    return out
