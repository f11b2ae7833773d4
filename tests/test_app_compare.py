"""The Compare and Gaps pages render real content on digits with the shipped models (AppTest)."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import pytest

from ae_core.pretrained import find_pretrained
from tests.test_app_pages import assert_clean, open_app

COMPARE = "pages/compare.py"
GAPS = "pages/gaps.py"

pytestmark = pytest.mark.skipif(
    find_pretrained("digits-ae-2d") is None or find_pretrained("digits-vae-2d") is None,
    reason="the shipped digits 2-D models are missing")


def values(data) -> list:
    """A Plotly array as a list, whether plain JSON or base64-typed (``bdata``)."""
    if isinstance(data, dict) and "bdata" in data:
        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"]).tolist()
    return list(data or [])


def charts(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def test_compare_shows_pca_and_the_models_with_metrics_and_rate_distortion():
    at = open_app(COMPARE)
    assert_clean(at)
    assert at.title[0].value == "Compare methods"
    table = at.dataframe[0].value
    assert list(table["method"]) == ["PCA 2-D", "digits-vae-2d", "digits-ae-2d"]
    assert table["5-NN accuracy"].between(0, 1).all()
    assert table["MSE"].gt(0).all()
    # PCA 2-D is the worst reconstruction of the three on digits (shipped MSEs ≈ 0.03)
    assert table["MSE"].iloc[0] > table["MSE"].iloc[1:].max()
    specs = charts(at)
    maps = [s for s in specs if s["layout"].get("dragmode") == "select"]
    assert len(maps) == 3
    for spec in maps:   # every map point carries its test-row id
        ids = sorted(i for tr in spec["data"] for i in values(tr.get("customdata")))
        assert ids == list(range(360))
    rd = next(s for s in specs if s["layout"].get("xaxis", {}).get("type") == "log")
    names = [tr["name"] for tr in rd["data"]]
    assert names[0] == "PCA" and values(rd["data"][0]["x"]) == [1, 2, 4, 8, 16, 32]
    assert {"digits-ae-2d", "digits-vae-2d"} <= set(names)   # shipped models at their dims
    assert any("active" in c.value for c in at.caption)   # VAE: active units and KL per dim


def test_a_selection_in_one_map_highlights_every_map_and_shows_reconstructions():
    at = open_app(COMPARE)
    at.session_state["compare_rows"] = [3, 17]
    at.run()
    assert_clean(at)
    maps = [s for s in charts(at) if s["layout"].get("dragmode") == "select"]
    for spec in maps:
        ring = [tr for tr in spec["data"] if tr.get("name") == "selected"]
        assert len(ring) == 1 and len(values(ring[0]["x"])) == 2
    captions = [img.caption for el in at.get("image") for img in el.proto.imgs]
    assert "original #3" in captions and captions.count("digits-ae-2d") == 2


def test_compare_in_korean():
    at = open_app(COMPARE, lang="ko")
    assert_clean(at)
    assert at.title[0].value == "방법 비교"
    assert "방법" in at.dataframe[0].value.columns


def test_gaps_shows_both_fractions_as_numbers_and_scores_the_samples():
    at = open_app(GAPS)
    assert_clean(at)
    metrics = {m.label: m.value for m in at.metric}
    assert set(metrics) == {"Gap fraction · digits-ae-2d", "Gap fraction · digits-vae-2d"}
    for value in metrics.values():
        assert re.fullmatch(r"\d+(\.\d)?%", value)
        assert 0 <= float(value[:-1]) <= 100
    heatmaps = [tr for s in charts(at) for tr in s["data"] if tr["type"] == "heatmap"]
    assert len(heatmaps) == 2
    scores = at.dataframe[0].value
    assert list(scores["method"]) == ["digits-ae-2d", "digits-vae-2d"]
    assert scores["mean top probability"].between(0.1, 1).all()
    assert scores["share ≥ 0.9 confident"].between(0, 1).all()
