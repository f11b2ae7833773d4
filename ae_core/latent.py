"""Latent-space maths behind an interactive map: projections, gaps, paths, exports.

Everything here is plain NumPy on arrays of codes, so a map in any front end
(the Streamlit app, a notebook) shares one tested implementation of "where is
that in latent space" and "is that a gap"; reading which point a click picked is
the front end's (``app_lib.selection``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

PRIOR_SIGMAS = 3.0
SPACING_SAMPLE = 2000
ON_MANIFOLD_QUANTILE = 0.95
GAP_FACTOR = 3.0


# ------------------------------------------------------------- projection


@dataclass(frozen=True)
class Projection:
    """Linear map between latent space (d dims) and the 2-D map.

    For d ≤ 2 it is the identity (padded with a zero axis for d = 1); for
    d > 2 it is the codes' own PCA plane, so a click on the map lifts back to
    the point of that plane: ``mean + xy @ components``.
    """

    mean: np.ndarray        # (d,)
    components: np.ndarray  # (2, d), orthonormal rows
    explained: tuple[float, float] = (1.0, 0.0)

    @property
    def latent_dim(self) -> int:
        return int(self.mean.shape[0])

    @property
    def is_identity(self) -> bool:
        return self.latent_dim <= 2

    def project(self, z: Any) -> np.ndarray:
        """Codes (N, d) or one code (d,) → map positions (N, 2) or (2,)."""
        z = np.asarray(z, dtype=np.float64)
        return (z - self.mean) @ self.components.T

    def lift(self, xy: Any) -> np.ndarray:
        """Map positions → latent vectors on the projection plane (the click → latent rule)."""
        xy = np.asarray(xy, dtype=np.float64)
        return self.mean + xy @ self.components


def fit_projection(codes: Any) -> Projection:
    """Identity for 1-D/2-D codes; otherwise the top-2 principal axes of the codes."""
    codes = np.asarray(codes, dtype=np.float64)
    d = codes.shape[1]
    if d <= 2:
        return Projection(np.zeros(d), np.eye(2, d), (1.0, 0.0))
    mean = codes.mean(0)
    centred = codes - mean
    var, vecs = np.linalg.eigh(centred.T @ centred / max(len(codes) - 1, 1))  # d×d: cheap
    var, vecs = var[::-1].clip(min=0), vecs[:, ::-1]
    explained = tuple(float(v) for v in var[:2] / max(var.sum(), 1e-12))
    return Projection(mean, _sign_fixed(vecs[:, :2].T.copy()), explained)  # type: ignore[arg-type]


def _sign_fixed(components: np.ndarray) -> np.ndarray:
    """Make each axis' largest loading positive so the map does not flip between runs."""
    signs = np.sign(components[np.arange(len(components)),
                               np.abs(components).argmax(1)])
    return components * np.where(signs == 0, 1.0, signs)[:, None]


# ------------------------------------------------------------- windows


@dataclass(frozen=True)
class Window:
    """An axis-aligned rectangle of the map: the visible latent window."""

    x0: float
    x1: float
    y0: float
    y1: float

    @property
    def center(self) -> tuple[float, float]:
        return (self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def fit_window(xy: Any, pad: float = 0.05, square: bool = True) -> Window:
    """Bounding box of the map points, padded, squared so distances look true."""
    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    lo, hi = xy.min(0), xy.max(0)
    span = np.maximum(hi - lo, 1e-6)
    if square:
        span = np.full(2, span.max())
    center = (lo + hi) / 2
    half = span * (0.5 + pad)
    return Window(center[0] - half[0], center[0] + half[0],
                  center[1] - half[1], center[1] + half[1])


def grid_points(window: Window, n: int) -> np.ndarray:
    """Cell centres of an n×n grid over ``window``, row-major, top row (largest y) first.

    The order matches an image tiled row by row, so the decoded manifold
    lines up with the map drawn beneath or beside it.
    """
    xs = window.x0 + (np.arange(n) + 0.5) * window.width / n
    ys = window.y1 - (np.arange(n) + 0.5) * window.height / n
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


# ------------------------------------------------------------- slider ranges


def latent_ranges(codes: Any, pad: float = 0.05,
                  prior_sigmas: float | None = None) -> np.ndarray:
    """(d, 2) slider bounds: the codes' extent padded, widened to ±kσ of an N(0, I) prior."""
    codes = np.asarray(codes, dtype=np.float64)
    lo, hi = codes.min(0), codes.max(0)
    span = np.maximum(hi - lo, 1e-3)
    lo, hi = lo - pad * span, hi + pad * span
    if prior_sigmas is not None:
        lo, hi = np.minimum(lo, -prior_sigmas), np.maximum(hi, prior_sigmas)
    return np.column_stack([lo, hi])


def clip_to_ranges(z: Any, ranges: np.ndarray) -> np.ndarray:
    return np.clip(np.asarray(z, dtype=np.float64), ranges[:, 0], ranges[:, 1])


# ------------------------------------------------------------- manifold indicator


@dataclass(frozen=True)
class ManifoldReading:
    """How far a latent position is from the codes, in units a student can read."""

    distance: float     # to the nearest code
    nearest_row: int    # which code that is
    spacing: float      # median nearest-neighbour distance between codes
    ratio: float        # distance / spacing
    percentile: float   # % of codes whose nearest neighbour is closer than this
    verdict: str        # "on", "edge" or "gap"


class NeighbourIndex:
    """Nearest-code look-ups plus the codes' typical spacing, built once per map.

    A k-d tree serves low-dimensional codes; above ``TREE_MAX_DIM`` dimensions
    k-d trees degrade to slower-than-brute-force, so chunked matrix products
    are used instead (one query against 70k 64-D codes is about a millisecond).
    """

    TREE_MAX_DIM = 8

    def __init__(self, codes: Any, sample: int = SPACING_SAMPLE, seed: int = 0):
        self.codes = np.ascontiguousarray(codes, dtype=np.float32)
        dim = self.codes.shape[1] if self.codes.ndim == 2 else 0
        from scipy.spatial import cKDTree  # deferred: a map restored from disk draws without it

        self.tree = cKDTree(self.codes) if 0 < dim <= self.TREE_MAX_DIM else None
        self.sq_norms = np.einsum("ij,ij->i", self.codes, self.codes)
        if self.tree is None:
            sample = min(sample, SPACING_SAMPLE // 4)
        self.nn_distances = self._sample_spacing(sample, seed)
        self.spacing = float(np.median(self.nn_distances)) if self.nn_distances.size else 0.0
        self.on_threshold = (float(np.quantile(self.nn_distances, ON_MANIFOLD_QUANTILE))
                             if self.nn_distances.size else 0.0)

    def _sample_spacing(self, sample: int, seed: int) -> np.ndarray:
        """Sorted nearest-neighbour distances of a random sample of codes (excluding itself)."""
        n = len(self.codes)
        if n < 2:
            return np.zeros(0)
        rows = np.random.default_rng(seed).choice(n, size=min(sample, n), replace=False)
        dist, _ = self._query(self.codes[rows], k=2)
        return np.sort(dist[:, 1])

    def _query(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Distances and rows of the k nearest codes for each query, nearest first."""
        queries = np.asarray(queries, dtype=np.float32).reshape(len(queries), -1)
        if self.tree is not None:
            dist, rows = self.tree.query(queries, k=k)
            return np.asarray(dist).reshape(len(queries), k), np.asarray(rows).reshape(
                len(queries), k)
        dists, rows = [], []
        for chunk in np.array_split(queries, max(1, len(queries) // 256)):
            sq = (np.einsum("ij,ij->i", chunk, chunk)[:, None] + self.sq_norms[None, :]
                  - 2.0 * chunk @ self.codes.T)
            found_rows, found_sq = [], []
            for _ in range(k):  # k is 1 or 2 here: repeated argmin beats a partition
                best = sq.argmin(1)
                found_rows.append(best)
                found_sq.append(sq[np.arange(len(sq)), best])
                sq[np.arange(len(sq)), best] = np.inf
            rows.append(np.column_stack(found_rows))
            dists.append(np.sqrt(np.maximum(np.column_stack(found_sq), 0.0)))
        return np.vstack(dists).astype(np.float64), np.vstack(rows)

    def nearest(self, z: Any) -> tuple[float, int]:
        """Distance to, and row of, the code nearest to ``z`` (exact, in float64)."""
        _, rows = self._query(np.asarray(z).reshape(1, -1), k=1)
        row = int(rows[0, 0])
        diff = self.codes[row].astype(np.float64) - np.asarray(z, dtype=np.float64).reshape(-1)
        return float(np.sqrt(diff @ diff)), row

    def reading(self, z: Any) -> ManifoldReading:
        distance, row = self.nearest(z)
        return manifold_reading(distance, row, self.nn_distances, self.on_threshold)


def manifold_reading(distance: float, row: int, nn_distances: np.ndarray,
                     on_threshold: float, gap_factor: float = GAP_FACTOR) -> ManifoldReading:
    """Judge a distance against the codes' own nearest-neighbour distances.

    "on": no farther than 95 % of codes are from their neighbour; "gap":
    more than ``gap_factor`` times that; "edge" in between.
    """
    spacing = float(np.median(nn_distances)) if len(nn_distances) else 0.0
    ratio = distance / spacing if spacing > 0 else (0.0 if distance == 0 else np.inf)
    pct = 100.0 * np.searchsorted(nn_distances, distance, side="left") / max(len(nn_distances), 1)
    if distance <= on_threshold:
        verdict = "on"
    elif distance <= gap_factor * on_threshold:
        verdict = "edge"
    else:
        verdict = "gap"
    return ManifoldReading(float(distance), int(row), spacing, float(ratio), float(pct), verdict)


# ------------------------------------------------------------- interpolation


def lerp_path(a: Any, b: Any, steps: int) -> np.ndarray:
    """``steps`` points on the straight segment from a to b, both ends included."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    t = np.linspace(0.0, 1.0, max(steps, 2))[:, None]
    return (1 - t) * a + t * b


def slerp_path(a: Any, b: Any, steps: int) -> np.ndarray:
    """Spherical interpolation (White 2016): follows the prior's shell instead of cutting
    through its low-density centre; falls back to a line when a and b are (anti)parallel.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na < 1e-12 or nb < 1e-12:
        return lerp_path(a, b, steps)
    omega = np.arccos(np.clip(a @ b / (na * nb), -1.0, 1.0))
    if omega < 1e-6 or np.pi - omega < 1e-6:
        return lerp_path(a, b, steps)
    t = np.linspace(0.0, 1.0, max(steps, 2))[:, None]
    return (np.sin((1 - t) * omega) * a + np.sin(t * omega) * b) / np.sin(omega)


def interpolation_path(a: Any, b: Any, steps: int, method: str = "linear") -> np.ndarray:
    if method == "spherical":
        return slerp_path(a, b, steps)
    if method == "linear":
        return lerp_path(a, b, steps)
    raise ValueError(f"unknown interpolation {method!r}; use 'linear' or 'spherical'")


# ------------------------------------------------------------- exports


def codes_csv_bytes(codes: Any, labels: Any, class_names: Sequence[str],
                    rows: Any = None) -> bytes:
    """UTF-8 CSV (with BOM, so spreadsheet apps read Korean names): index, label, class, z1…zd."""
    codes = np.asarray(codes)
    labels = np.asarray(labels)
    rows = np.arange(len(codes)) if rows is None else np.asarray(rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["index", "label", "class", *(f"z{i + 1}" for i in range(codes.shape[1]))])
    for r, lab, z in zip(rows, labels, codes, strict=True):
        writer.writerow([int(r), int(lab), class_names[int(lab)], *(f"{v:.6g}" for v in z)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def codes_npy_bytes(codes: Any, labels: Any, rows: Any = None) -> bytes:
    """One ``.npy`` structured array (index, label, z) that loads without pickle."""
    codes = np.asarray(codes, dtype=np.float32)
    rows = np.arange(len(codes)) if rows is None else np.asarray(rows)
    table = np.zeros(len(codes), dtype=[("index", "<i8"), ("label", "<i8"),
                                        ("z", "<f4", (codes.shape[1],))])
    table["index"], table["label"], table["z"] = rows, np.asarray(labels), codes
    buf = io.BytesIO()
    np.save(buf, table, allow_pickle=False)
    return buf.getvalue()


# ------------------------------------------------------------- one map


@dataclass(frozen=True)
class LatentSpace:
    """Everything a latent map needs, computed once per (model, data): treat as read-only."""

    codes: np.ndarray        # (N, d) float32
    labels: np.ndarray       # (N,) int
    projection: Projection
    xy: np.ndarray           # (N, 2) float32 map positions
    ranges: np.ndarray       # (d, 2) slider bounds
    window: Window           # the whole map, padded and square
    prior: bool              # True for a VAE: N(0, I) is meaningful

    @classmethod
    def build(cls, codes: Any, labels: Any, prior: bool = False) -> LatentSpace:
        codes = np.ascontiguousarray(codes, dtype=np.float32)
        projection = fit_projection(codes)
        xy = projection.project(codes).astype(np.float32)
        ranges = latent_ranges(codes, prior_sigmas=PRIOR_SIGMAS if prior else None)
        shown = xy
        if prior and projection.latent_dim == 2:  # keep the prior's ±3σ circle in view
            shown = np.vstack([xy, [[-PRIOR_SIGMAS, -PRIOR_SIGMAS], [PRIOR_SIGMAS, PRIOR_SIGMAS]]])
        window = fit_window(shown)
        if projection.latent_dim == 2:  # every visible spot of the map is reachable by slider
            ranges = np.array([[min(ranges[0, 0], window.x0), max(ranges[0, 1], window.x1)],
                               [min(ranges[1, 0], window.y0), max(ranges[1, 1], window.y1)]])
        return cls(codes=codes, labels=np.asarray(labels), projection=projection, xy=xy,
                   ranges=ranges, window=window, prior=prior)

    @cached_property
    def index(self) -> NeighbourIndex:
        """Built on first use: a map restored from disk (``ae_core.mapstore``) is drawn by
        the page, which has the neighbour distances already, before the server needs one."""
        return NeighbourIndex(self.codes)

    @property
    def latent_dim(self) -> int:
        return int(self.codes.shape[1])



def locate_row(row: int, n_train: int, split: str) -> tuple[str, int]:
    """Which part ("train"/"test") and index a map row names; "all" maps train then test."""
    if split == "all" and row < n_train:
        return "train", row
    return "test", row - n_train if split == "all" else row


def browser_map(space: LatentSpace) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """What a page needs to draw ``space`` and judge positions on it without the server.

    The map positions travel as float32 (8 bytes a point: 560 KB for 70k) and the labels as
    bytes; for d > 2 the codes themselves go too, as float16, so the on/off-manifold
    reading measures distances in latent space as :class:`NeighbourIndex` does. The
    reading's sorted nearest-neighbour distances and thresholds come from the index, so
    the page and the server give the same verdict.
    """
    labels = np.asarray(space.labels)
    arrays: dict[str, np.ndarray] = {
        "xy": np.ascontiguousarray(space.xy, dtype=np.float32),
        "labels": labels.astype(np.uint8 if labels.max(initial=0) < 256 else np.uint16),
        "nn": np.asarray(space.index.nn_distances, dtype=np.float32),
    }
    if not space.projection.is_identity:
        arrays["codes"] = space.codes.astype(np.float16)
    w = space.window
    header = {
        "n": len(space.codes), "d": space.latent_dim, "window": [w.x0, w.x1, w.y0, w.y1],
        "identity": space.projection.is_identity, "prior": bool(space.prior),
        "mean": space.projection.mean.tolist(),
        "components": space.projection.components.tolist(),
        "explained": list(space.projection.explained),
        "ranges": space.ranges.tolist(), "spacing": space.index.spacing,
        "on_threshold": space.index.on_threshold, "gap_factor": GAP_FACTOR,
    }
    return header, arrays
