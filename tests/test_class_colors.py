"""One class palette: class k has the same colour on every page's charts."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from ae_core.pretrained import find_pretrained
from app_lib import train_view
from app_lib.figures import class_color, class_colors
from tests.test_app_pages import open_app

DIGITS = [str(k) for k in range(10)]


def test_class_colors_are_hex_distinct_and_stable():
    colours = class_colors(20)
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in colours)
    assert len(set(colours)) == 20                 # up to 20 classes, never two alike
    assert class_colors(3) == colours[:3]          # a class's colour does not depend on n
    assert [class_color(k) for k in range(20)] == colours
    assert class_colors(0) == []


def _class_trace_colours(spec: dict, names: list[str]) -> dict[str, set[str]]:
    """The marker colours of the traces named after a class, by class name."""
    out: dict[str, set[str]] = {}
    for trace in spec["data"]:
        colour = (trace.get("marker") or {}).get("color")
        if trace.get("name") in names and isinstance(colour, str):
            out.setdefault(trace["name"], set()).add(colour)
    return out


def _assert_palette(specs: list[dict], names: list[str]) -> int:
    """Every class trace in these charts has its class's colour; returns how many were seen."""
    seen = 0
    for spec in specs:
        for name, colours in _class_trace_colours(spec, names).items():
            assert colours == {class_color(names.index(name))}, (name, colours)
            seen += 1
    return seen


def test_the_train_page_s_live_map_uses_the_class_palette():
    from ae_core.binpack import unpack
    from app_lib.figures import class_colors

    codes = np.random.default_rng(0).normal(size=(60, 2))
    labels = np.arange(60) % 10
    header, arrays = unpack(train_view.probe_message(codes, labels, DIGITS, prior=False,
                                                     map_id="job"))
    assert header["classes"] == {"names": DIGITS, "colors": class_colors(10)}
    assert np.array_equal(arrays["labels"], labels)


@pytest.mark.skipif(find_pretrained("digits-ae-2d") is None
                    or find_pretrained("digits-vae-2d") is None,
                    reason="the shipped digits 2-D models are missing")
@pytest.mark.parametrize("page", ["app_pages/compare.py", "app_pages/gaps.py",
                                  "app_pages/explore.py"])
def test_every_class_chart_of_a_page_uses_the_class_palette(page):
    at = open_app(page)
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    seen = _assert_palette(specs, DIGITS)
    if page != "app_pages/explore.py":   # Explore's map may be drawn without Plotly
        assert seen >= 10
    bars = [tr for spec in specs for tr in spec["data"]
            if tr.get("type") == "bar" and list(tr.get("x") or []) == DIGITS]
    for bar in bars:                 # a per-class histogram colours its bars by class
        assert bar["marker"]["color"] == class_colors(10)
