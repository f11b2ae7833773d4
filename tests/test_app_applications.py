"""The Applications pages render real content on digits with the shipped models (AppTest)."""

from __future__ import annotations

import json

import pytest

from ae_core.pretrained import find_pretrained
from tests.test_app_compare import values
from tests.test_app_pages import assert_clean, open_app

DENOISING = "pages/denoising.py"
ANOMALY = "pages/anomaly.py"
SPARSE = "pages/sparse.py"
COMPRESSION = "pages/compression.py"
FEATURES = "pages/features.py"

pytestmark = pytest.mark.skipif(
    find_pretrained("digits-denoising-16d") is None or find_pretrained("digits-ae-2d") is None,
    reason="the shipped digits models are missing")


def specs(at) -> dict[str, dict]:
    return {c.key if hasattr(c, "key") else i: json.loads(c.proto.spec)
            for i, c in enumerate(at.get("plotly_chart"))}


def chart(at, title_part: str) -> dict:
    for c in at.get("plotly_chart"):
        spec = json.loads(c.proto.spec)
        if title_part in spec["layout"].get("title", {}).get("text", ""):
            return spec
    raise AssertionError(f"no chart titled like {title_part!r}")


def captions(at) -> list[str]:
    return [img.caption for el in at.get("image") for img in el.proto.imgs]


def test_denoising_grid_and_psnr_chart_and_the_denoiser_beats_the_noise():
    at = open_app(DENOISING)
    assert_clean(at)
    assert at.title[0].value == "Denoising"
    assert {"clean", "noisy", "digits-denoising-16d"} <= set(captions(at))
    spec = chart(at, "PSNR against noise level")
    curves = {tr["name"]: values(tr["y"]) for tr in spec["data"]}
    noisy, den = curves["noisy input (no model)"], curves["digits-denoising-16d"]
    assert len(curves) == 3 and len(noisy) == 6
    assert noisy[0] == 100.0 and noisy[-1] < 12   # capped at zero noise, poor at σ = 1
    assert den[3] > noisy[3] + 3                  # σ = 0.6: the denoiser clearly helps
    # another noise kind changes the chart's x axis and values
    at.radio(key="den_kind").set_value("masking").run()
    assert_clean(at)
    spec2 = chart(at, "PSNR against noise level")
    assert spec2["layout"]["xaxis"]["title"]["text"] == "Share of pixels set to 0"
    assert values(spec2["data"][0]["y"]) != noisy


def test_denoising_in_korean():
    at = open_app(DENOISING, lang="ko")
    assert_clean(at)
    assert at.title[0].value == "잡음 제거"


def test_anomaly_trains_on_one_class_and_detects_the_others():
    at = open_app(ANOMALY)
    assert_clean(at)
    assert at.title[0].value == "Anomaly detection"
    metrics = {m.label: float(m.value) for m in at.metric}
    assert metrics["AUROC"] > 0.9           # an AE trained on zeros flags the other digits
    assert 0 <= metrics["Precision"] <= 1 and 0 < metrics["Recall"] <= 1
    table = at.dataframe[0].value
    assert int(table["flagged"].sum() + table["passed"].sum()) == 360   # digits test split
    roc = chart(at, "ROC · AUROC")
    assert values(roc["data"][0]["x"])[0] == 0 and values(roc["data"][0]["x"])[-1] == 1
    hist = chart(at, "Reconstruction error")
    assert {tr["name"] for tr in hist["data"]} == {"normal", "anomalous"}
    assert chart(at, "Latent map")["data"][-1]["name"] == "flagged"
    # raising the threshold to the maximum flags nothing: recall 0, precision 1
    slider = at.slider[0]
    slider.set_value(slider.max).run()
    assert_clean(at)
    metrics = {m.label: float(m.value) for m in at.metric}
    assert metrics["Recall"] == 0 and metrics["Precision"] == 1


def test_sparse_inspector_shows_units_rho_and_the_three_way_comparison():
    at = open_app(SPARSE)
    assert_clean(at)
    assert at.title[0].value == "Sparse inspector"
    bars = chart(at, "Mean activation of each unit")
    assert len(values(bars["data"][0]["y"])) == 64
    assert any("0.05" in s.get("text", "") for s in bars["layout"].get("annotations", []))
    table = at.dataframe[0].value
    assert list(table["penalty"]) == ["L1 on the codes", "KL to ρ", "no penalty"]
    # the KL penalty pulls the mean activation down towards ρ compared with no penalty
    assert table["mean activation"].iloc[1] < table["mean activation"].iloc[2]
    assert table["PSNR (dB)"].gt(12).all()
    assert {"L1 on the codes", "KL to ρ", "no penalty"} <= set(captions(at))


def test_compression_curve_png_line_and_bits_slider():
    at = open_app(COMPRESSION)
    assert_clean(at)
    spec = chart(at, "Size against quality")
    lines = {tr["name"]: tr for tr in spec["data"] if tr.get("name")}
    assert {"PCA 2-D", "PCA 8-D", "digits-denoising-16d (16-D)"} <= set(lines)
    pca8 = values(lines["PCA 8-D"]["y"])
    assert pca8 == sorted(pca8)                          # more bits, better PSNR
    assert values(lines["PCA 8-D"]["x"]) == [1, 2, 3, 4, 6, 8]   # 8 dims × bits / 8 bytes
    before = [c for c in captions(at) if c.startswith("PCA 8-D")]
    at.select_slider(key="comp_bits").set_value(1).run()
    assert_clean(at)
    after = [c for c in captions(at) if c.startswith("PCA 8-D")]
    assert before != after and "1 B per image" in after[0]


def test_feature_learning_label_efficiency():
    at = open_app(FEATURES)
    assert_clean(at)
    spec = chart(at, "Label efficiency")
    lines = {tr["name"]: values(tr["y"]) for tr in spec["data"]}
    assert {"raw pixels", "PCA 16-D", "digits-ae-2d (2-D)"} <= set(lines)
    for ys in lines.values():
        assert len(ys) == 3 and all(0 < y <= 1 for y in ys)
    assert lines["raw pixels"][1] > lines["raw pixels"][0]
    assert lines["raw pixels"][1] > 0.85
