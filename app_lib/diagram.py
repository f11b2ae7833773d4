"""The home page's picture: input → encoder → code on the latent map → decoder → output.

Drawn as SVG around real images and real codes of the selected model, so
the picture a class sees is the model they are about to explore.
"""

from __future__ import annotations

import base64
from html import escape

import numpy as np

from ae_core.latent import LatentSpace
from app_lib.figures import PALETTE, class_color

W, H = 960, 330
IMG = 170
MAP = 190


def _img(png: bytes, x: float, y: float) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (f'<image x="{x}" y="{y}" width="{IMG}" height="{IMG}" '
            f'style="image-rendering:pixelated" href="data:image/png;base64,{data}"/>'
            f'<rect x="{x}" y="{y}" width="{IMG}" height="{IMG}" fill="none" stroke="#999"/>')


def _text(x: float, y: float, text: str, size: int = 20, weight: str = "normal") -> str:
    return (f'<text x="{x}" y="{y}" font-size="{size}" font-weight="{weight}" '
            f'text-anchor="middle" font-family="sans-serif" fill="#222">{escape(text)}</text>')


def _funnel(x0: float, x1: float, wide_left: bool, color: str) -> str:
    top, bottom, narrow = 70, 250, 45
    mid = (top + bottom) / 2
    if wide_left:
        pts = [(x0, top), (x1, mid - narrow), (x1, mid + narrow), (x0, bottom)]
    else:
        pts = [(x0, mid - narrow), (x1, top), (x1, bottom), (x0, mid + narrow)]
    points = " ".join(f"{a},{b}" for a, b in pts)
    return f'<polygon points="{points}" fill="{color}" fill-opacity="0.85"/>'


def _mini_map(space: LatentSpace, row: int, x: float, y: float, sample: int = 500) -> str:
    """The latent map in miniature, with the example's code ringed."""
    w = space.window
    rows = np.random.default_rng(0).choice(len(space.xy), min(sample, len(space.xy)),
                                           replace=False)

    def place(px: float, py: float) -> tuple[float, float]:
        return (x + (px - w.x0) / w.width * MAP, y + (w.y1 - py) / w.height * MAP)

    parts = [f'<rect x="{x}" y="{y}" width="{MAP}" height="{MAP}" fill="#fafafa" stroke="#999"/>']
    for r in rows:
        cx, cy = place(*space.xy[r])
        color = class_color(int(space.labels[r]))
        parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="2.2" fill="{color}"/>')
    cx, cy = place(*space.xy[row])
    parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="9" fill="none" stroke="#d62728" '
                 'stroke-width="3"/>')
    return "".join(parts)


def autoencoder_svg(original: bytes, reconstruction: bytes, space: LatentSpace, row: int,
                    labels: dict[str, str]) -> str:
    """The whole picture as one SVG string (``st.image`` renders it)."""
    map_x = (W - MAP) / 2
    body = [
        f'<rect width="{W}" height="{H}" fill="white"/>',
        _img(original, 20, 75), _text(105, 275, labels["input"]),
        _funnel(215, 365, True, PALETTE[0]), _text(290, 166, labels["encoder"], 22, "bold"),
        _mini_map(space, row, map_x, 65),
        _text(W / 2, 40, labels["latent"], 20, "bold"), _text(W / 2, 285, labels["code"]),
        _funnel(W - 365, W - 215, False, PALETTE[1]),
        _text(W - 290, 166, labels["decoder"], 22, "bold"),
        _img(reconstruction, W - 20 - IMG, 75), _text(W - 105, 275, labels["output"]),
    ]
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" '
            f'width="{W}" height="{H}">{"".join(body)}</svg>')
