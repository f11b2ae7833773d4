"""benchmarks/floor_app.py: the bare page bench_app.py times beside the app must render."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

FLOOR = Path(__file__).resolve().parents[1] / "benchmarks" / "floor_app.py"


def test_the_floor_page_is_one_line_with_the_title_the_benchmark_waits_for():
    at = AppTest.from_file(str(FLOOR), default_timeout=30).run()
    assert not at.exception
    assert len(at.main.children) == 1 and at.title[0].value == "Floor"
