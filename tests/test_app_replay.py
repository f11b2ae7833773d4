"""The per-image replay of training on the Train and My models pages (AppTest): a short real
training, then the replay's message at the map's epoch; a model saved without one says so.

AppTest cannot click inside the component; the scrubber is driven in
tests/browser/test_replay_browser.py, and the event it sends is handled by
``app_lib.replay._on_action`` (tested here as a function).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
import streamlit as st
import torch
from streamlit.testing.v1 import AppTest

from ae_core import binpack
from ae_core.store import ModelStore

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")
TRAIN = "app_pages/train.py"
MODELS = "app_pages/models.py"


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("AE_MODEL_DIR", str(tmp_path / "store"))
    monkeypatch.setenv("AE_USER_DATA_DIR", str(tmp_path / "user-data"))


def open_page(page: str, lang: str = "en", **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in {"lang": lang, "dataset": "digits", **params}.items():
        at.query_params[key] = value
    at.switch_page(page)
    return at.run()


def component(at: AppTest, name: str) -> tuple[dict, dict]:
    (element,) = [e for e in at.get("bidi_component") if e.proto.component_name == name]
    return binpack.unpack(element.proto.bytes)


def _train(at: AppTest, epochs: int = 3) -> AppTest:
    at.text_input(key="tr_hidden").set_value("16")
    at.number_input(key="tr_epochs").set_value(epochs)
    at.text_input(key="tr_name").set_value("replayed")
    at.button(key="train_start").click().run()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not at.success:
        time.sleep(0.5)
        at.run()
    assert not at.exception and at.success
    return at


def test_the_train_page_replays_an_image_beside_the_map_at_the_same_epoch():
    at = _train(open_page(TRAIN))
    header, arrays = component(at, "training_replay")
    assert header["n"] == 24 and header["shape"] == [1, 8, 8]
    assert header["epochs"] == [0, 1, 2, 3] and header["frame"] == 3  # the newest
    assert arrays["frames"].size == 4 * 24 * 64 and arrays["images"].size == 24 * 64
    assert sorted(set(header["labels"])) == [str(d) for d in range(10)]  # every digit
    (slider,) = [s for s in at.slider if s.key.startswith("replay_")]
    slider.set_value(1).run()
    header, _ = component(at, "training_replay")
    assert header["frame"] == 1
    stored = ModelStore().load("replayed").extras
    canvas_header, canvas_arrays = component(at, "latent_canvas")
    assert canvas_header["map"]["n"] == stored["probe_codes"].shape[1]
    # the map shows epoch 1 too: its points are that frame's codes
    assert not np.array_equal(canvas_arrays["xy"], component(_train_map(at, 3), "latent_canvas")
                              [1]["xy"])


def _train_map(at: AppTest, frame: int) -> AppTest:
    (slider,) = [s for s in at.slider if s.key.startswith("replay_")]
    return slider.set_value(frame).run()


def test_my_models_replays_a_saved_model_and_says_when_one_has_none(tmp_path):
    _train(open_page(TRAIN), epochs=2)
    at = open_page(MODELS, lang="ko")
    assert not at.exception
    assert "학습 과정 재생" in [h.value for h in at.subheader]
    header, arrays = component(at, "training_replay")
    assert header["epochs"] == [0, 1, 2] and header["frame"] == 2
    assert arrays["images"].max() > 0  # the originals, as bytes
    assert component(at, "latent_canvas")[0]["options"]["map_only"]
    (slider,) = [s for s in at.slider if s.key == "models_replay_replayed"]
    slider.set_value(0).run()
    assert component(at, "training_replay")[0]["frame"] == 0
    # a model saved without a replay (as the shipped ones were): said, not an error
    from ae_core import build_model, make_config

    ModelStore().save(build_model(make_config("vanilla", input_shape=(1, 8, 8), hidden=(16,))),
                      "a-plain-one", {"dataset": "digits"})
    at = open_page(MODELS)
    at.selectbox(key="models_pick").set_value("a-plain-one").run()
    assert not at.exception
    assert any("saved without a replay" in i.value for i in at.info)


def test_the_replay_s_events_set_the_pick_and_the_map_s_epoch():
    from app_lib import replay

    with _session({"k": {"action": {"kind": "frame", "frame": 4}}}) as state:
        replay._on_action("k", "job:x", "replay_x")
        assert state["replay_x"] == 4
    with _session({"k": {"action": {"kind": "pick", "index": 7}}}) as state:
        replay._on_action("k", "job:x", "replay_x")
        assert state[replay.PICK_PREFIX + "job:x"] == 7 and "replay_x" not in state
    with _session({"k": {"action": {"kind": "frame", "frame": "4"}}}) as state:
        replay._on_action("k", "job:x", "replay_x")  # not a number: ignored
        assert "replay_x" not in state


class _session:
    """A plain dict standing in for ``st.session_state`` while a callback runs."""

    def __init__(self, values):
        self.values = dict(values)

    def __enter__(self):
        self.patch = pytest.MonkeyPatch()
        self.patch.setattr(st, "session_state", self.values)
        return self.values

    def __exit__(self, *exc):
        self.patch.undo()


def test_uint8_frames_travel_unchanged():
    from app_lib import replay

    images = torch.randint(0, 256, (3, 1, 4, 4), dtype=torch.uint8)
    frames = torch.randint(0, 256, (2, 3, 1, 4, 4), dtype=torch.uint8)
    header, arrays = binpack.unpack(replay.message("r", images, frames.numpy(), [0, 5], frame=1,
                                                   pick=2, labels=["a", "b", "c"]))
    assert header["epochs"] == [0, 5] and header["pick"] == 2
    assert np.array_equal(arrays["frames"].reshape(frames.shape), frames.numpy())
