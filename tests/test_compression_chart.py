"""The Compression chart's log x-axis spans the sizes it shows, not 10^128.

Plotly reads a log axis's range, and an annotation's x on it, as exponents of 10: the PNG
label placed at "128 bytes" stretched the digits chart to 10^128 bytes.
"""

from __future__ import annotations

import math

from app_lib.compression_view import log_range, rate_figure
from tests.test_app_applications import COMPRESSION, chart, compression_key, open_with_task

BITS = (1, 2, 4, 8)


def _within_the_data(spec_or_fig, sizes) -> None:
    layout = spec_or_fig["layout"]
    lo, hi = layout["xaxis"]["range"]
    assert math.log10(min(sizes)) - 0.3 < lo < math.log10(min(sizes))
    assert math.log10(max(sizes)) < hi < math.log10(max(sizes)) + 0.3
    for note in layout.get("annotations", []):
        if note.get("xref", "x") == "x":
            assert lo <= note["x"] <= hi, note


def test_the_log_axis_range_and_the_png_label_are_in_log10_units():
    curves = {"PCA 2-D": [(2 * b / 8, 10 + b) for b in BITS],
              "AE 16-D": [(16 * b / 8, 14 + b) for b in BITS]}
    fig = rate_figure(curves, BITS, 4, png=288.0).to_plotly_json()
    _within_the_data(fig, [0.25, 16, 288])
    assert log_range([]) == [0.0, 1.0]


def test_the_compression_page_chart_spans_the_bytes_it_shows():
    at = open_with_task(COMPRESSION, compression_key())
    spec = chart(at, "Size against quality")
    sizes = [x for tr in spec["data"] for x in tr.get("x", []) if isinstance(x, int | float)]
    png = next(s for s in spec["layout"]["shapes"] if s.get("type") == "line")["x0"]
    assert len(sizes) > 10
    _within_the_data(spec, [*sizes, png])


def test_the_ticks_are_powers_of_two_within_the_axis():
    fig = rate_figure({"PCA 2-D": [(2 * b / 8, 10 + b) for b in BITS]}, BITS, 4, png=123.0)
    ticks = list(fig.layout.xaxis.tickvals)
    assert ticks == [0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128]
    assert list(fig.layout.xaxis.ticktext)[:3] == ["0.25", "0.5", "1"]
