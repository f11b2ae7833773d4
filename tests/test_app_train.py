"""The Train, My models and My data pages (AppTest): a short real training, form refusals.

Training runs in a worker thread; AppTest does not fire ``run_every``, so the tests poll by
re-running the app until the job ends (with a deadline).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ae_core.store import ModelStore

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TRAIN = "pages/train.py"
MODELS = "pages/models.py"
DATA = "pages/data.py"


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("AE_MODEL_DIR", str(tmp_path / "store"))
    monkeypatch.setenv("AE_USER_DATA_DIR", str(tmp_path / "user-data"))


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "en"
    at.query_params["dataset"] = "digits"
    at.switch_page(page)
    return at.run()


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def test_a_short_training_runs_to_the_end_and_the_model_appears_everywhere():
    at = open_page(TRAIN)
    assert not at.exception
    at.text_input(key="tr_hidden").set_value("64")
    at.number_input(key="tr_epochs").set_value(2)
    at.button(key="train_start").click().run()
    assert not at.exception and not errors(at)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not at.success:
        time.sleep(0.5)
        at.run()
    assert not at.exception and not errors(at)
    assert at.success and "digits-vanilla-2d" in at.success[0].value
    progress = at.get("progress")[0].proto
    assert progress.value == 100 and "Epoch 2 of 2" in progress.text
    assert len(at.get("plotly_chart")) == 2  # losses + latent map
    assert any(s.key.startswith("replay_") for s in at.slider)
    assert "job" in at.query_params
    assert "digits-vanilla-2d · mine" in at.sidebar.selectbox[1].options
    assert [m.name for m in ModelStore().list()] == ["digits-vanilla-2d"]
    models = open_page(MODELS)
    assert not models.exception
    assert "digits-vanilla-2d" in str(models.dataframe[0].value)


@pytest.mark.parametrize("key, value, says", [
    ("tr_lr", 5.0, "learning rate"),
    ("tr_latent", 0, "latent dimension"),
    ("tr_epochs", 0, "epochs"),
    ("tr_hidden", "12, x", "Hidden layer sizes"),
])
def test_absurd_values_are_refused_with_a_message(key, value, says):
    at = open_page(TRAIN)
    widget = at.text_input(key=key) if key == "tr_hidden" else at.number_input(key=key)
    widget.set_value(value)
    at.button(key="train_start").click().run()
    assert not at.exception
    assert len(errors(at)) == 1 and says.lower() in errors(at)[0].lower(), errors(at)
    assert not at.get("progress")  # no job started


def test_a_preset_fills_the_form():
    at = open_page(TRAIN)
    at.button(key="preset_conv-vae").click().run()
    assert at.selectbox(key="tr_variant").value == "vae"
    assert at.radio(key="tr_arch").value == "conv"
    assert at.text_input(key="tr_channels").value == "32, 64"
    assert at.number_input(key="tr_beta").value == 1.0


def test_every_page_renders_in_both_languages():
    for page in (TRAIN, MODELS, DATA):
        for lang in ("ko", "en"):
            at = AppTest.from_file(APP, default_timeout=60)
            at.query_params["lang"] = lang
            at.query_params["dataset"] = "digits"
            at.switch_page(page)
            at.run()
            assert not at.exception, (page, lang)
            assert not errors(at), (page, lang)


def test_a_garbage_model_file_is_refused_and_nothing_is_written(tmp_path):
    # AppTest cannot drive st.file_uploader: the page's import path is ModelStore.import_bytes
    store = ModelStore()
    for data in (b"", b"not a model", b"\x80\x04\x95" + b"\x00" * 64):  # empty, text, pickle
        with pytest.raises(Exception) as info:
            store.import_bytes(data, "evil")
        assert str(info.value)
    assert store.list() == []
