"""The Applications pages render real content on digits with the shipped models (AppTest)."""

from __future__ import annotations

import json
import threading
import time

import pytest
from streamlit.testing.v1 import AppTest

import ae_core.applications
from ae_core.pretrained import find_pretrained
from ae_core.tasks import DONE, STOPPED, TASKS, Context
from app_lib.applications import anomaly_task_key, compression_task_key, sparse_task_key
from tests.test_app_compare import values
from tests.test_app_pages import APP, assert_clean


def open_app(page: str, state: dict | None = None, **params: str) -> AppTest:
    """``test_app_pages.open_app`` plus widget values set before the first run."""
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in {"lang": "en", "dataset": "digits", **params}.items():
        at.query_params[key] = value
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.switch_page(page)
    return at.run()

DENOISING = "app_pages/denoising.py"
ANOMALY = "app_pages/anomaly.py"
SPARSE = "app_pages/sparse.py"
COMPRESSION = "app_pages/compression.py"
FEATURES = "app_pages/features.py"

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


def finish_task(at, key, timeout: float = 300.0):
    """Wait for the page's background task to end, then rerun the page to draw its result."""
    task = TASKS.get(key)
    assert task is not None, f"the page started no task {key!r}"
    assert task.wait(timeout), f"task {key!r} still running"
    at.run()
    return task.state()


def wait_for(condition, timeout: float = 120.0) -> None:
    """Poll until ``condition()`` (a readiness wait, not a timing assertion)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition never became true"
        time.sleep(0.02)


def open_with_task(page: str, key, **params):
    """Open a page that starts a background task, wait for it, and draw the result."""
    at = open_app(page, **params)
    assert_clean(at)
    finish_task(at, key)
    assert_clean(at)
    return at


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
    at = open_with_task(ANOMALY, anomaly_task_key("digits", (0,)))
    assert TASKS.get(anomaly_task_key("digits", (0,))).state().status == DONE
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
    at = open_with_task(SPARSE, sparse_task_key("digits"))
    assert at.title[0].value == "Sparse inspector"
    assert not any("Choices of the activation" in m.value for m in at.markdown)  # item 2
    bars = chart(at, "Mean activation of each unit")
    assert len(values(bars["data"][0]["y"])) == 64
    assert any("0.05" in s.get("text", "") for s in bars["layout"].get("annotations", []))
    table = at.dataframe[0].value
    assert list(table["penalty"]) == ["L1 on the codes", "KL to ρ", "no penalty"]
    # the KL penalty pulls the mean activation down to ρ: within 1.5 × ρ, few units always on
    kl, none = table.iloc[1], table.iloc[2]
    assert kl["mean activation"] < 1.5 * 0.05 < none["mean activation"]
    assert kl["always-on units"] <= 3 < none["always-on units"]
    assert kl["units firing per image"] < none["units firing per image"] / 2
    assert table["PSNR (dB)"].gt(12).all()
    for name in ("L1 on the codes", "KL to ρ", "no penalty"):
        assert any(c.startswith(name) for c in captions(at)), name
    # thresholds are shares of each unit's largest activation: the default is 10 %
    assert at.select_slider(key="sparse_fire").value == 0.1
    assert "share of activations ≤ 10% of their unit's largest" in table.columns
    per_image = float({m.label: m.value for m in at.metric}["units firing per image"]
                      .split(" / ")[0])
    at.select_slider(key="sparse_fire").set_value(0.5).run()
    assert_clean(at)
    higher = float({m.label: m.value for m in at.metric}["units firing per image"]
                   .split(" / ")[0])
    assert higher < per_image   # fewer units count as firing at a higher share
    hist = chart(at, "All activations on the test set")
    assert [sh["x0"] for sh in hist["layout"]["shapes"]] == [0.5]
    assert all(0 <= v <= 1 for v in values(hist["data"][0]["x"]))
    wide = at.dataframe[0].value
    assert "share of activations ≤ 50% of their unit's largest" in wide.columns
    assert (wide.iloc[:, 3] >= table.iloc[:, 3]).all()


def stamps(dataset: str = "digits") -> tuple:
    from app_lib import catalog

    return tuple(catalog.model_stamp(c) for c in catalog.model_choices(dataset))


def compression_key(dataset: str = "digits"):
    return compression_task_key(dataset, stamps(dataset))


def test_compression_curve_png_line_and_bits_slider():
    at = open_with_task(COMPRESSION, compression_key())
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


def features_key(dataset: str = "digits", pca_k: int = 16, seed: int = 0):
    from app_lib.applications import features_task_key

    return features_task_key(dataset, pca_k, seed, stamps(dataset))


def test_feature_learning_label_efficiency():
    at = open_with_task(FEATURES, features_key())
    spec = chart(at, "Label efficiency")
    lines = {tr["name"]: values(tr["y"]) for tr in spec["data"]}
    assert {"raw pixels", "PCA 16-D", "digits-ae-2d (2-D)"} <= set(lines)
    for ys in lines.values():
        assert len(ys) == 3 and all(0 < y <= 1 for y in ys)
    assert lines["raw pixels"][1] > lines["raw pixels"][0]
    assert lines["raw pixels"][1] > 0.85


# ------------------------------------------------------------------ stop keeps a usable model


class _Held(Context):
    """The task's context, passed on, that also hands every trainer it watches to ``attach``."""

    def __init__(self, inner: Context, attach) -> None:
        self._inner, self._attach = inner, attach

    def progress(self, fraction, text=None) -> None:
        self._inner.progress(fraction, text)

    @property
    def stop_requested(self) -> bool:
        return self._inner.stop_requested

    def request_stop(self) -> None:
        self._inner.request_stop()

    def part(self, start, span) -> Context:
        return _Held(self._inner.part(start, span), self._attach)

    def watch(self, trainer, text=None) -> None:
        self._inner.watch(trainer, text)
        self._attach(trainer)


def _gated(monkeypatch, name: str, hold_after_epochs: int, index: int | None = None):
    """Wrap ``ae_core.applications.<name>`` so its training pauses after some epochs.

    The page's real training runs; the gate only holds it still until the test has
    pressed Stop, so the stop lands mid-training on every machine, fast or slow.
    Returns (gate, epochs seen).
    """
    gate, seen = threading.Event(), []
    real = getattr(ae_core.applications, name)

    def hold(tr) -> None:
        seen.append(tr.epoch)
        if tr.epoch >= hold_after_epochs:
            gate.wait(60)

    def wrapped(*args, ctx=None, **kwargs):
        trainers = []

        def attach(trainer) -> None:  # the page's function hands each trainer to its context
            if index is None or len(trainers) == index:
                trainer.add_callback("on_epoch_end", hold)
            trainers.append(trainer)

        return real(*args, ctx=_Held(ctx, attach), **kwargs)

    monkeypatch.setattr(ae_core.applications, name, wrapped)
    return gate, seen


def test_anomaly_stop_keeps_the_model_as_trained_so_far_and_it_still_scores(monkeypatch):
    key = anomaly_task_key("digits", (3,))
    TASKS.forget(key)
    gate, seen = _gated(monkeypatch, "train_normal_model", hold_after_epochs=2)
    try:
        at = open_app(ANOMALY, state={"anom_class": 3})   # never starts the class-0 model
        assert_clean(at)
        assert TASKS.get(key) is not None and TASKS.get(key).state().running
        assert not at.metric                       # no results while it trains
        wait_for(lambda: 2 in seen)
        at.run()
        at.button(key="anom_task_stop").click().run()   # the panel's Stop button
        gate.set()
        state = finish_task(at, key)
        assert_clean(at)
        assert state.status == STOPPED
        model = state.result
        stopped_task = TASKS.get(key)
        assert len(model.history) == 2             # the epochs finished before the stop
        assert any("Stopped after" in i.value for i in at.info)
        metrics = {m.label: float(m.value) for m in at.metric}
        assert metrics["AUROC"] > 0.6              # two epochs on 3s already separate them
        assert chart(at, "ROC · AUROC")
        at.button(key="anom_task_again").click().run()   # and it can be trained again in full
        assert TASKS.get(key) is not stopped_task
        again = finish_task(at, key)
        assert_clean(at)
        assert again.status == DONE and again.result is not model
        assert len(again.result.history) == 60          # digits: the page's full 60 epochs
        assert not any("Stopped after" in i.value for i in at.info)
    finally:
        gate.set()
        TASKS.forget(key)


def test_sparse_stop_keeps_the_models_trained_so_far(monkeypatch):
    key = sparse_task_key("digits")
    TASKS.forget(key)
    gate, seen = _gated(monkeypatch, "train_sparse_comparison", hold_after_epochs=1, index=1)
    try:
        at = open_app(SPARSE)
        assert_clean(at)
        assert "sparse_table" not in [d.key for d in at.dataframe]
        wait_for(lambda: 1 in seen)               # the KL model (second) finished an epoch
        TASKS.get(key).stop()
        gate.set()
        state = finish_task(at, key)
        assert_clean(at)
        assert state.status == STOPPED
        assert list(state.result) == ["sparse_l1", "sparse_kl"]   # "none" never started
        assert len(state.result["sparse_kl"].history) == 1
        table = at.dataframe[0].value
        assert list(table["penalty"]) == ["L1 on the codes", "KL to ρ"]
        assert table["PSNR (dB)"].gt(8).all()
    finally:
        gate.set()
        TASKS.forget(key)


def test_choosing_another_class_stops_the_training_this_session_started(monkeypatch):
    first, second = anomaly_task_key("digits", (4,)), anomaly_task_key("digits", (5,))
    for key in (first, second):
        TASKS.forget(key)
    gate, seen = _gated(monkeypatch, "train_normal_model", hold_after_epochs=1)
    try:
        at = open_app(ANOMALY, state={"anom_class": 4})
        wait_for(lambda: 1 in seen)                     # class 4 is training
        at.selectbox(key="anom_class").set_value(5).run()
        assert_clean(at)
        assert TASKS.get(second).state().running
        gate.set()
        assert TASKS.get(first).wait(60)
        assert TASKS.get(first).state().status == STOPPED    # not left running
        assert finish_task(at, second).status == DONE
        assert_clean(at)
        assert at.metric                                     # class 5's results
    finally:
        gate.set()
        for key in (first, second):
            TASKS.forget(key)


def test_a_busy_machine_gets_a_message_and_the_task_starts_on_a_later_run():
    key = anomaly_task_key("digits", (6,))
    TASKS.forget(key)
    release = threading.Event()
    blockers = [("blocker", i) for i in range(TASKS.max_running)]
    try:
        for b in blockers:
            TASKS.start(b, lambda ctx: release.wait(60))
        at = open_app(ANOMALY, state={"anom_class": 6})
        assert not at.exception
        assert any("background computations" in w.value for w in at.warning)
        assert TASKS.get(key) is None and not at.metric
        release.set()
        for b in blockers:
            assert TASKS.get(b).wait(10)
        at.run()
        finish_task(at, key)
        assert_clean(at)
        assert not at.warning and at.metric
    finally:
        release.set()
        for k in (key, *blockers):
            TASKS.forget(k)


def test_feature_learning_stop_keeps_the_feature_sets_scored_so_far(monkeypatch):
    key = features_key(seed=7)
    TASKS.forget(key)
    gate, calls = threading.Event(), []
    real = ae_core.applications.label_efficiency

    def held(*args, **kwargs):
        out = real(*args, **kwargs)
        calls.append(list(out))
        gate.wait(60)
        return out

    monkeypatch.setattr(ae_core.applications, "label_efficiency", held)
    try:
        at = open_app(FEATURES, state={"feat_seed": 7})
        assert_clean(at)
        wait_for(lambda: calls)                     # raw pixels scored, PCA not yet
        at.button(key="feat_task_stop").click().run()
        gate.set()
        state = finish_task(at, key)
        assert_clean(at)
        assert state.status == STOPPED and list(state.result) == ["raw"]
        lines = [tr["name"] for tr in chart(at, "Label efficiency")["data"]]
        assert lines == ["raw pixels"]
        assert any("Stopped after" in i.value for i in at.info)
        assert at.button(key="feat_task_again")
    finally:
        gate.set()
        TASKS.forget(key)
