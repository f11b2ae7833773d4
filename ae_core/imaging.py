"""Turning model outputs into pictures people look at: PNGs, tiles, error maps, GIFs.

Small images are enlarged by whole-pixel repetition (nearest neighbour) so an
8×8 digit stays crisp on a projector instead of turning into browser blur.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import numpy as np
from PIL import Image

DISPLAY_PX = 224
"""Default on-screen side of one image: 8×8 → ×28, 28×28 → ×8."""

# Anchor colours of a perceptually ordered dark→bright map (black, purple, orange, yellow).
_HEAT_ANCHORS = np.array([[0, 0, 4], [87, 16, 110], [188, 55, 84], [249, 142, 9],
                          [252, 255, 164]], dtype=np.float64)


def to_array(image: Any) -> np.ndarray:
    """Tensor or array, (C, H, W) / (H, W, C) / (H, W) → float (H, W) or (H, W, 3) in [0, 1]."""
    a = image.detach().cpu().numpy() if hasattr(image, "detach") else np.asarray(image)
    a = a / 255.0 if a.dtype == np.uint8 else np.asarray(a, dtype=np.float64)
    if a.ndim == 3 and a.shape[0] in (1, 3):  # ae_core's (C, H, W) wins when ambiguous
        a = np.moveaxis(a, 0, -1)
    if a.ndim == 3 and a.shape[-1] == 1:
        a = a[..., 0]
    if a.ndim not in (2, 3):
        raise ValueError(f"expected one image, got an array of shape {a.shape}")
    return np.clip(np.nan_to_num(a), 0.0, 1.0)


def to_uint8(image: Any) -> np.ndarray:
    """[0, 1] floats (clipped: PCA decodes may overshoot) → uint8 for encoding."""
    a = np.asarray(image)
    if a.dtype == np.uint8:
        return a
    return np.round(to_array(a) * 255.0).astype(np.uint8)


def scale_for(side: int, target: int = DISPLAY_PX) -> int:
    """Whole-number enlargement that brings ``side`` closest to ``target`` pixels (≥ 1)."""
    return max(1, round(target / max(side, 1)))


def upscale(image: Any, scale: int) -> np.ndarray:
    """Enlarge by repeating each pixel ``scale`` times in both directions."""
    a = to_uint8(image)
    if scale <= 1:
        return a
    return np.repeat(np.repeat(a, scale, axis=0), scale, axis=1)


def png_bytes(image: Any, target: int | None = DISPLAY_PX, scale: int | None = None) -> bytes:
    """PNG of one image, enlarged by ``scale`` or to about ``target`` pixels."""
    a = to_uint8(image)
    if scale is None:
        scale = scale_for(max(a.shape[:2]), target) if target else 1
    buf = io.BytesIO()
    Image.fromarray(upscale(a, scale)).save(buf, format="PNG", optimize=False)
    return buf.getvalue()


def tile(images: Sequence[Any] | np.ndarray, ncols: int, pad: int = 1,
         pad_value: float = 1.0) -> np.ndarray:
    """Arrange equally sized images row by row with ``pad`` pixels of ``pad_value`` between."""
    arrays = [to_array(im) for im in images]
    if not arrays:
        raise ValueError("tile needs at least one image")
    h, w = arrays[0].shape[:2]
    extra = arrays[0].shape[2:]
    ncols = max(1, min(ncols, len(arrays)))
    nrows = -(-len(arrays) // ncols)
    out = np.full((nrows * h + (nrows - 1) * pad, ncols * w + (ncols - 1) * pad, *extra),
                  pad_value, dtype=np.float64)
    for i, a in enumerate(arrays):
        r, c = divmod(i, ncols)
        out[r * (h + pad): r * (h + pad) + h, c * (w + pad): c * (w + pad) + w] = a
    return out


def grid_image(images: Sequence[Any] | np.ndarray, n: int) -> np.ndarray:
    """An n×n decoded manifold (row-major, top row first) as one seamless picture."""
    return tile(images, n, pad=0)


def heatmap(values: Any, vmax: float = 1.0) -> np.ndarray:
    """Map values in [0, vmax] to an RGB uint8 image (dark = small, bright yellow = large)."""
    v = np.clip(np.asarray(values, dtype=np.float64) / max(vmax, 1e-12), 0.0, 1.0)
    pos = v * (len(_HEAT_ANCHORS) - 1)
    lo = np.floor(pos).astype(int).clip(0, len(_HEAT_ANCHORS) - 2)
    frac = (pos - lo)[..., None]
    rgb = _HEAT_ANCHORS[lo] * (1 - frac) + _HEAT_ANCHORS[lo + 1] * frac
    return np.round(rgb).astype(np.uint8)


def error_image(original: Any, reconstruction: Any) -> np.ndarray:
    """Per-pixel |x − x̂| as a heat map on a fixed 0…1 scale, so errors compare across clicks."""
    x, x_hat = to_array(original), to_array(reconstruction)
    err = np.abs(x - x_hat)
    if err.ndim == 3:
        err = err.mean(-1)
    return heatmap(err, 1.0)


def gif_bytes(frames: Sequence[Any], duration_ms: int = 150, scale: int | None = None,
              target: int = DISPLAY_PX, bounce: bool = True) -> bytes:
    """Animated, endlessly looping GIF; ``bounce`` plays forwards then backwards (A→B→A)."""
    arrays = [to_uint8(f) for f in frames]
    if not arrays:
        raise ValueError("a GIF needs at least one frame")
    if scale is None:
        scale = scale_for(max(arrays[0].shape[:2]), target)
    if bounce and len(arrays) > 2:
        arrays = arrays + arrays[-2:0:-1]
    images = [Image.fromarray(upscale(a, scale)) for a in arrays]
    buf = io.BytesIO()
    images[0].save(buf, format="GIF", save_all=True, append_images=images[1:],
                   duration=duration_ms, loop=0, disposal=2)
    return buf.getvalue()
