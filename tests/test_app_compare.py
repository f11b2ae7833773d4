"""The Compare and Gaps pages render real content on digits with the shipped models (AppTest)."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import pytest

from ae_core.pretrained import find_pretrained
from tests.conftest import mnist_dir
from tests.test_app_pages import assert_clean, open_app

COMPARE = "app_pages/compare.py"
GAPS = "app_pages/gaps.py"

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


def maps_of(at) -> list[dict]:
    """The Compare page's latent maps: the charts whose points carry test-row ids."""
    return [s for s in charts(at)
            if any(tr.get("customdata") is not None for tr in s["data"])
            and s["layout"].get("clickmode") == "event+select"]


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
    maps = maps_of(at)
    assert len(maps) == 3
    for spec in maps:   # every map point carries its test-row id
        ids = sorted(i for tr in spec["data"] for i in values(tr.get("customdata")))
        assert ids == list(range(360))
    rd = next(s for s in specs if s["layout"].get("xaxis", {}).get("type") == "log")
    names = [tr["name"] for tr in rd["data"]]
    assert names[0] == "PCA" and values(rd["data"][0]["x"]) == [1, 2, 4, 8, 16, 32]
    assert {"digits-ae-2d", "digits-vae-2d"} <= set(names)   # shipped models at their dims
    assert any("active" in c.value for c in at.caption)   # VAE: active units and KL per dim


def test_the_ae_curve_trains_in_the_background_and_lies_below_pca_at_low_sizes():
    from ae_core.tasks import TASKS

    at = open_app(COMPARE)
    TASKS.forget(("compare-ae-rate-distortion", "digits"))
    at.run()
    at.button(key="compare_rd_train").click().run()
    assert_clean(at)
    task = TASKS.get(("compare-ae-rate-distortion", "digits"))
    assert task is not None, "the button starts a background task"
    assert task.wait(240), "the AE sweep on digits should take well under a minute"
    at.run()
    assert_clean(at)
    rd = next(s for s in charts(at) if s["layout"].get("xaxis", {}).get("type") == "log")
    curves = {tr["name"]: dict(zip(values(tr["x"]), values(tr["y"]), strict=True))
              for tr in rd["data"]}
    pca, ae = curves["PCA"], curves["AE (trained here)"]
    assert sorted(ae) == [1, 2, 4, 8, 16, 32]
    assert ae[1] < pca[1] and ae[2] < pca[2]  # nonlinear codes beat linear ones when small
    assert not [b for b in at.button if b.key == "compare_rd_train"]  # done: no second run


def test_a_single_click_can_select_a_point_and_box_and_lasso_stay_offered():
    """Streamlit forces clickmode "event" (no selection event for a click) whenever dragmode is
    "select" or "lasso"; a map must therefore start in another drag mode to take a click."""
    at = open_app(COMPARE)
    assert_clean(at)
    maps = maps_of(at)
    assert len(maps) == 3
    for spec in maps:
        assert spec["layout"]["dragmode"] not in ("select", "lasso")
        assert spec["layout"]["clickmode"] == "event+select"
    modes = [tuple(c.proto.selection_mode) for c in at.get("plotly_chart")][:3]
    assert all(len(m) == 3 for m in modes)   # points, box and lasso: all three on every map
    assert any("Click a point" in c.value for c in at.caption)


def test_a_selection_in_one_map_highlights_every_map_and_shows_reconstructions():
    at = open_app(COMPARE)
    at.session_state["compare_rows"] = [3, 17]
    at.run()
    assert_clean(at)
    maps = maps_of(at)
    for spec in maps:
        ring = [tr for tr in spec["data"] if tr.get("name") == "selected"]
        assert len(ring) == 1 and len(values(ring[0]["x"])) == 2
    captions = [img.caption for el in at.get("image") for img in el.proto.imgs]
    assert "original #3" in captions and captions.count("digits-ae-2d") == 2
    # one line per selected image: the original, then every method's reconstruction
    lines = [[img.caption for col in block.children.values() for el in col.children.values()
              if el.type == "image" for img in el.proto.imgs]
             for block in at.main.children.values() if block.type == "flex_container"]
    lines = [line for line in lines if line and line[0].startswith("original #")]
    methods = [m for m in captions if not m.startswith("original #")][:len(maps)]
    assert lines == [["original #3", *methods], ["original #17", *methods]]
    assert "digits-ae-2d" in methods and len(methods) == len(set(methods)) >= 2


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


BETA_FILES = ["digits-vae-2d-beta0", "digits-vae-2d-beta0.5", "digits-vae-2d-beta2",
              "digits-vae-2d-beta4"]


@pytest.mark.skipif(any(find_pretrained(n) is None for n in BETA_FILES),
                    reason="the shipped digits β-sweep models are missing")
def test_gaps_beta_explorer_has_one_summary_chart_and_five_small_maps():
    at = open_app(GAPS)
    assert_clean(at)
    specs = charts(at)
    summary = next(s for s in specs if any(tr.get("name") == "gap fraction" for tr in s["data"]))
    by_name = {tr["name"]: tr for tr in summary["data"]}
    assert {"gap fraction", "KL z1", "KL z2", "active units", "reconstruction MSE"} <= set(by_name)
    assert list(by_name["gap fraction"]["x"]) == ["0", "0.5", "1", "2", "4"]
    gaps = values(by_name["gap fraction"]["y"])
    assert all(0 <= g <= 1 for g in gaps)
    assert all(0 <= a <= 2 for a in values(by_name["active units"]["y"]))
    assert all(m > 0 for m in values(by_name["reconstruction MSE"]["y"]))
    # β = 4 pulls the codes towards N(0, I): more KL pressure, less KL per dimension than β = 0
    kl = [a + b for a, b in zip(values(by_name["KL z1"]["y"]), values(by_name["KL z2"]["y"]),
                                strict=True)]
    assert kl[-1] < kl[0]
    maps = next(s for s in specs if any("β = 0 ·" in a.get("text", "")
                                        for a in s["layout"].get("annotations", [])))
    titles = [a["text"] for a in maps["layout"]["annotations"]]
    assert [x.split(" ·")[0] for x in titles] == ["β = 0", "β = 0.5", "β = 1", "β = 2", "β = 4"]
    assert not any("Not shipped" in i.value for i in at.info)


def test_gaps_manifold_grids_mark_gap_cells_and_show_a_clicked_cell_large():
    at = open_app(GAPS)
    assert_clean(at)
    grids = [s for s in charts(at) if any(tr.get("name") == "cells" for tr in s["data"])]
    assert len(grids) == 2   # the AE's grid first, then the VAE's
    marked = []
    for spec in grids:
        cells = next(tr for tr in spec["data"] if tr["name"] == "cells")
        n_cells = len(values(cells["customdata"]))
        assert values(cells["customdata"]) == list(range(n_cells))
        assert spec["layout"]["images"][0]["source"].startswith("data:image/png;base64,")
        gaps = [s for s in spec["layout"].get("shapes", []) if s.get("name") == "gap"]
        assert len(gaps) < n_cells
        marked.append(len(gaps))
    assert marked[0] > marked[1]   # on digits the AE's window has gaps, the VAE's ≈ none
    counts = [c.value for c in at.caption if "cells are gaps" in c.value]
    assert len(counts) == 2
    at.session_state["gaps_cell_pretrained:digits-ae-2d"] = 5
    at.run()
    assert_clean(at)
    captions = [img.caption for el in at.get("image") for img in el.proto.imgs]
    assert any(c.startswith("digits-ae-2d · cell 5 (") for c in captions)


def test_gaps_in_korean_has_the_new_sections():
    at = open_app(GAPS, lang="ko")
    assert_clean(at)
    subheaders = [h.value for h in at.subheader]
    assert "빈틈 칸을 표시한 디코딩 매니폴드" in subheaders
    assert "β 탐색기: KL 가중치가 지도를 어떻게 바꾸는가" in subheaders


def test_compare_offers_tsne_and_projects_higher_dim_codes_with_labelled_axes():
    at = open_app(COMPARE)
    at.multiselect[0].set_value(["pretrained:digits-denoising-16d"])
    at.toggle(key="compare_tsne").set_value(True)
    at.run()
    assert_clean(at)
    maps = maps_of(at)
    titles = [m["layout"]["title"]["text"] for m in maps]
    assert titles[0].startswith("PCA 16-D") and "2-D PCA projection" in titles[0]
    assert "digits-denoising-16d · 16-D codes, 2-D PCA projection" in titles
    assert titles[-1] == "t-SNE (reference, no decoder)"
    projected = maps[1]
    assert projected["layout"]["xaxis"]["title"]["text"].startswith("PC1 of the codes (")
    assert projected["layout"]["yaxis"]["title"]["text"].startswith("PC2 of the codes (")
    ids = sorted(i for tr in maps[-1]["data"] for i in values(tr.get("customdata")))
    assert ids == list(range(360))
    table = at.dataframe[0].value
    assert list(table["method"]) == ["PCA 16-D", "digits-denoising-16d",
                                     "t-SNE (reference, no decoder)"]
    row = table.iloc[-1]
    assert np.isnan(row["MSE"]) and 0 < row["5-NN accuracy"] <= 1


# ------------------------------------------------------------------ MNIST and Fashion-MNIST


def _open_downloaded(monkeypatch, page: str, dataset: str):
    """The page on a downloaded dataset with its shipped 2-D models (skips without them)."""
    if mnist_dir() is None:
        pytest.skip("MNIST / Fashion-MNIST files are not available (set AE_DATA_DIR)")
    if find_pretrained(f"{dataset}-ae-2d") is None or find_pretrained(f"{dataset}-vae-2d") is None:
        pytest.skip(f"the shipped {dataset} 2-D models are missing")
    monkeypatch.setenv("AE_DATA_DIR", str(mnist_dir()))
    at = open_app(page, dataset=dataset)
    assert_clean(at)
    return at


@pytest.mark.mnist
@pytest.mark.parametrize("dataset", ["mnist", "fashion-mnist"])
def test_compare_renders_on_the_downloaded_datasets_with_the_shipped_models(monkeypatch,
                                                                            dataset):
    at = _open_downloaded(monkeypatch, COMPARE, dataset)
    table = at.dataframe[0].value
    methods = list(table["method"])
    assert methods[0] == "PCA 2-D" and len(methods) == 3
    assert any("vae" in m for m in methods[1:]) and any("-ae-" in m for m in methods[1:])
    assert table["5-NN accuracy"].between(0.3, 1).all()
    maps = maps_of(at)
    assert len(maps) == 3
    for spec in maps:   # every one of the 10k test images is on every map, once
        ids = sorted(i for tr in spec["data"] for i in values(tr.get("customdata")))
        assert ids == list(range(10_000))


@pytest.mark.mnist
@pytest.mark.parametrize("dataset", ["mnist", "fashion-mnist"])
def test_gaps_renders_on_the_downloaded_datasets_with_the_shipped_models(monkeypatch, dataset):
    at = _open_downloaded(monkeypatch, GAPS, dataset)
    metrics = {m.label: m.value for m in at.metric}
    assert len(metrics) == 2 and all(label.startswith("Gap fraction · ") for label in metrics)
    for value in metrics.values():
        assert 0 <= float(value.rstrip("%")) <= 100
    heatmaps = [tr for s in charts(at) for tr in s["data"] if tr["type"] == "heatmap"]
    assert len(heatmaps) == 2
    if dataset == "mnist":  # the β sweep is shipped for MNIST too: all five, none missing
        summary = next(s for s in charts(at)
                       if any(tr.get("name") == "gap fraction" for tr in s["data"]))
        gap = next(tr for tr in summary["data"] if tr["name"] == "gap fraction")
        assert list(gap["x"]) == ["0", "0.5", "1", "2", "4"]
        assert not any("Not shipped" in i.value for i in at.info)
