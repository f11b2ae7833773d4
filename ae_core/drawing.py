"""A drawing made into a dataset image the way the dataset's own images were made.

The Explore page's drawing pad encodes what a student draws. A model trained on MNIST
has only seen digits prepared one way (LeCun et al.: each NIST digit's ink was fitted
into a 20×20 box keeping its aspect ratio, anti-aliased, then placed in a 28×28 field so
that its centre of mass sits at the centre); a digit drawn anywhere on the pad, at any
size, lands where real ones do only after the same steps. This module is the reference
of that preparation; ``app_lib/canvas/drawpad.js`` does the same arithmetic in the page
(and a browser test holds the two together).

Strokes are polylines in the pad's unit square (x right, y down, both in [0, 1]), drawn
with a round pen. Rendering is analytic: a pixel's ink is ``clip(r + ½ − d, 0, 1)`` where
``d`` is the distance from the pixel's centre to the nearest stroke and ``r`` the pen's
radius in output pixels, a one-pixel anti-aliased rim like the one MNIST's downsampling
left. Because the strokes are geometry, not pixels, "fit" and "centre" move the geometry
and render once more, so the centre of mass lands on the field's centre to sub-pixel
precision. The modes:

- ``"mnist"`` (MNIST, 28×28): the ink's box (the strokes' box grown by the pen) is scaled
  to 20 pixels on its longer side, then shifted so the centre of mass is at (14, 14);
- ``"digits"`` (scikit-learn's 8×8 digits, from UCI optdigits): those were 32×32 bitmaps
  with the digit fitted to the field, each 4×4 block's count of set pixels (0..16) giving
  one value; the analogue fits the ink's box into the whole 32×32 keeping the aspect,
  centres the box, renders at 32×32 and averages 4×4 blocks (the dataset's 0..16 / 16);
- ``"resize"`` (every other dataset): the pad is the image, drawn at the dataset's size
  with a pen about 1/10 of its side wide; nothing is moved.
"""

from __future__ import annotations

from typing import Any

import numpy as np

MODES = ("mnist", "digits", "resize")
MNIST_BOX = 20.0
"""MNIST's digits fill 20 of the 28 pixels on their longer side."""
PEN = {"mnist": 1.3, "digits": 2.6, "resize": 0.05}
"""Pen radius: output pixels for MNIST (28-pixel field) and digits (32-pixel field before
4×4 blocks), a fraction of the image side for ``resize``."""


def drawing_mode(dataset: str, image_shape: tuple[int, ...]) -> str:
    """How the pad's drawing becomes one of ``dataset``'s images."""
    shape = tuple(int(v) for v in image_shape)
    if dataset == "mnist" and shape[-2:] == (28, 28):
        return "mnist"
    if dataset == "digits" and shape[-2:] == (8, 8):
        return "digits"
    return "resize"


def preprocess(strokes: Any, mode: str, image_shape: tuple[int, ...]) -> np.ndarray:
    """The image (C, H, W), float32 in [0, 1], that ``strokes`` (a list of (n, 2) point
    lists in the pad's unit square) make for a dataset prepared as ``mode``."""
    c, h, w = (int(v) for v in image_shape)
    segments = _segments(strokes)
    if mode == "mnist":
        image = _mnist(segments, h, w)
    elif mode == "digits":
        image = _digits(segments, h, w)
    elif mode == "resize":
        r = PEN["resize"] * max(h, w)
        image = _render(segments, h, w, (w, h), (0.0, 0.0), r) if len(segments) else (
            np.zeros((h, w)))
    else:
        raise ValueError(f"unknown drawing mode {mode!r}")
    return np.repeat(image[None], c, axis=0).astype(np.float32)


def _segments(strokes: Any) -> np.ndarray:
    """(m, 4) segments x0, y0, x1, y1; a one-point stroke is a dot (a zero-length segment)."""
    out = []
    for stroke in strokes:
        points = np.asarray(stroke, dtype=np.float64).reshape(-1, 2)
        if len(points) == 1:
            points = np.repeat(points, 2, axis=0)
        out.extend(np.hstack([points[:-1], points[1:]]))
    return np.asarray(out, dtype=np.float64).reshape(-1, 4)


def _render(segments: np.ndarray, h: int, w: int, scale: tuple[float, float],
            offset: tuple[float, float], r: float) -> np.ndarray:
    """Ink at each pixel centre of an h × w field, the strokes mapped by ``p·scale + offset``."""
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float64) + 0.5
    best = np.full((h, w), np.inf)
    for x0, y0, x1, y1 in segments:
        ax, ay = x0 * scale[0] + offset[0], y0 * scale[1] + offset[1]
        bx, by = x1 * scale[0] + offset[0], y1 * scale[1] + offset[1]
        dx, dy = bx - ax, by - ay
        length2 = dx * dx + dy * dy
        t = (np.clip(((xs - ax) * dx + (ys - ay) * dy) / length2, 0.0, 1.0) if length2 > 0
             else 0.0)
        px, py = xs - (ax + t * dx), ys - (ay + t * dy)
        best = np.minimum(best, np.sqrt(px * px + py * py))
    return np.clip(r + 0.5 - best, 0.0, 1.0)


def _box(segments: np.ndarray) -> tuple[float, float, float, float]:
    xs, ys = segments[:, [0, 2]], segments[:, [1, 3]]
    return float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())


def _fit(segments: np.ndarray, side: float, r: float) -> tuple[float, tuple[float, float]]:
    """The scale that makes the ink's box (strokes grown by the pen ``r``) ``side`` long on
    its longer side, and the offset that centres that box in a ``side`` square at 0."""
    x0, y0, x1, y1 = _box(segments)
    extent = max(x1 - x0, y1 - y0)
    s = (side - 2 * r) / extent if extent > 0 else 1.0
    return s, (side / 2 - s * (x0 + x1) / 2, side / 2 - s * (y0 + y1) / 2)


def _mnist(segments: np.ndarray, h: int, w: int) -> np.ndarray:
    if not len(segments):
        return np.zeros((h, w))
    r = PEN["mnist"]
    s, (ox, oy) = _fit(segments, MNIST_BOX, r)
    # first in the middle of the field, then moved by the centre of mass's offset
    ox, oy = ox + (w - MNIST_BOX) / 2, oy + (h - MNIST_BOX) / 2
    first = _render(segments, h, w, (s, s), (ox, oy), r)
    total = first.sum()
    if total > 0:
        ys, xs = np.mgrid[0:h, 0:w].astype(np.float64) + 0.5
        ox += w / 2 - float((first * xs).sum() / total)
        oy += h / 2 - float((first * ys).sum() / total)
    return _render(segments, h, w, (s, s), (ox, oy), r)


def _digits(segments: np.ndarray, h: int, w: int) -> np.ndarray:
    big = 4 * max(h, w)
    if not len(segments):
        return np.zeros((h, w))
    r = PEN["digits"]
    s, offset = _fit(segments, float(big), r)
    fine = _render(segments, big, big, (s, s), offset, r)
    return fine.reshape(h, big // h, w, big // w).mean(axis=(1, 3))
