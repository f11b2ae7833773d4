"""benchmarks/floor_app.py: the bare page bench_app.py times beside the app must render."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

FLOOR = Path(__file__).resolve().parents[1] / "benchmarks" / "floor_app.py"


def test_the_floor_page_has_a_10k_point_webgl_map_and_an_image():
    at = AppTest.from_file(str(FLOOR), default_timeout=30).run()
    assert not at.exception
    [chart] = at.get("plotly_chart")
    spec = json.loads(chart.proto.spec)
    assert {trace["type"] for trace in spec["data"]} == {"scattergl"}
    assert sum(len(trace["customdata"]["bdata"]) > 0 for trace in spec["data"]) == 10
    assert [e.type for e in at.main][-1] == "image"
