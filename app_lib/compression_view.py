"""The Compression page's chart: bytes per image (log scale) against PSNR, with PNG's size."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from app_lib.figures import PALETTE
from app_lib.i18n import t

PAD = 1.25
"""The x-axis reaches this factor beyond the smallest and largest size shown."""


def log_range(sizes: Sequence[float], pad: float = PAD) -> list[float]:
    """A log axis's range for these byte counts, in log10 units as Plotly wants it.

    Plotly reads a log axis's range, and an annotation's x on it, as
    exponents: a size of 128 bytes passed as is puts the axis end at 10^128.
    """
    positive = [s for s in sizes if s > 0 and math.isfinite(s)]
    if not positive:
        return [0.0, 1.0]
    return [math.log10(min(positive) / pad), math.log10(max(positive) * pad)]


def byte_ticks(axis_range: list[float]) -> list[float]:
    """Powers of two inside a log axis's range: a code value's bits double from step to
    step, so its size does too (¼, ½, 1, 2, 4… bytes read better than 2, 5, 1, 2, 5)."""
    lo, hi = (10 ** v for v in axis_range)
    return [2.0 ** k for k in range(-6, 24) if lo <= 2.0 ** k <= hi]


def rate_figure(curves: Mapping[str, list[tuple[float, float]]], bits: Sequence[int],
                chosen: int, png: float) -> go.Figure:
    """One line per method (bytes, PSNR) over ``bits``; diamonds at ``chosen`` bits; PNG's
    mean size as a dashed line."""
    fig = go.Figure()
    sizes = [png]
    for i, (name, points) in enumerate(curves.items()):
        color = PALETTE[i % len(PALETTE)]
        sizes += [b for b, _ in points]
        fig.add_trace(go.Scatter(x=[b for b, _ in points], y=[p for _, p in points],
                                 mode="lines+markers", name=name, line={"color": color},
                                 text=[f"{b} bit" for b in bits]))
        at = points[list(bits).index(chosen)]
        fig.add_trace(go.Scatter(x=[at[0]], y=[at[1]], mode="markers", showlegend=False,
                                 marker={"size": 13, "color": color, "symbol": "diamond"}))
    fig.add_vline(x=png, line_dash="dash", line_color="#111")  # a shape: x in bytes
    fig.add_annotation(x=math.log10(png), y=1, yref="paper", yanchor="bottom",
                       text=t("comp.png", size=f"{png:.0f}"), showarrow=False)
    span = log_range(sizes)
    ticks = byte_ticks(span)
    fig.update_layout(height=420, margin={"l": 10, "r": 10, "t": 30, "b": 10},
                      title={"text": t("comp.chart_title")},
                      xaxis={"type": "log", "title": {"text": t("comp.x")}, "range": span,
                             "tickvals": ticks, "ticktext": [f"{v:g}" for v in ticks]},
                      yaxis={"title": {"text": "PSNR (dB)"}})
    return fig
