"""The Train, My models and My data pages (AppTest): a short real training, form refusals.

Training runs in a worker thread; AppTest does not fire ``run_every``, so the tests poll by
re-running the app until the job ends (with a deadline).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ae_core import binpack
from ae_core.store import ModelStore

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")
TRAIN = "app_pages/train.py"
MODELS = "app_pages/models.py"
DATA = "app_pages/data.py"


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
    at.number_input(key="tr_weight_decay").set_value(0.001)  # the Advanced expander
    at.radio(key="tr_schedule").set_value("constant")
    at.number_input(key="tr_shift").set_value(1)
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
    assert len(at.get("plotly_chart")) == 1  # the losses
    [latent_map] = [c for c in at.get("bidi_component")  # the latent canvas, map only
                    if c.proto.component_name == "latent_canvas"]
    header, arrays = binpack.unpack(latent_map.proto.bytes)
    assert header["options"]["map_only"] and len(arrays["xy"]) == header["map"]["n"] > 0
    assert any(s.key.startswith("replay_") for s in at.slider)
    assert "job" in at.query_params
    assert "digits-vanilla-2d · mine" in at.sidebar.selectbox[1].options
    [stored] = ModelStore().list()
    assert stored.name == "digits-vanilla-2d"
    trained = stored.metadata["train"]  # what the trainer really used, as the file records it
    assert (trained["weight_decay"], trained["schedule"], trained["augment_shift"]) == (
        0.001, "constant", 1)
    assert [h["lr"] for h in stored.metadata["history"]] == [0.002, 0.002]  # not annealed
    models = open_page(MODELS)
    assert not models.exception
    assert "digits-vanilla-2d" in str(models.dataframe[0].value)


@pytest.mark.parametrize("key, value, says", [
    ("tr_lr", 5.0, "learning rate"),
    ("tr_latent", 0, "latent dimension"),
    ("tr_epochs", 0, "epochs"),
    ("tr_hidden", "12, x", "Hidden layer sizes"),
    ("tr_weight_decay", 2.0, "weight decay"),
    ("tr_shift", 8, "too large for 8×8 images"),
    ("tr_hidden", "8192, 8192, 8192, 8192", "more than the 134,217,728 a model file may hold"),
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
    assert at.text_input(key="tr_channels").value == "16, 32"
    assert at.number_input(key="tr_beta").value == 1.0
    # resolved for the form's dataset (digits: 1437 images): batches of 64, ~2000 steps
    assert at.number_input(key="tr_batch").value == 64
    assert at.number_input(key="tr_epochs").value == 91


def test_the_first_form_is_the_default_preset_resolved_for_the_dataset():
    """Issue 17: the page's default run on digits was 120 steps and drew a line; the first
    form is now the plain-2d preset with its step budget for the sidebar's dataset."""
    at = open_page(TRAIN)
    assert at.selectbox(key="tr_variant").value == "vanilla"
    assert at.text_input(key="tr_hidden").value == "512, 256, 128"
    assert (at.number_input(key="tr_epochs").value, at.number_input(key="tr_batch").value) \
        == (91, 64)


@pytest.mark.parametrize("key", ["plain-2d", "vae-2d", "sparse", "denoising", "conv-vae",
                                 "deep-30d"])
@pytest.mark.parametrize("dataset", ["digits", "user:shapes"])
def test_the_page_and_the_cli_resolve_a_preset_alike(key, dataset, monkeypatch):
    """``python -m ae_core train --dataset D --preset P`` trains what the page's preset
    button then Start trains: the same model config and training settings (so, with the
    same seed, the same model)."""
    from ae_core.bench import synthetic_shapes
    from ae_core.cli import build_parser, train_settings
    from ae_core.data import load_dataset
    from ae_core.models import make_config
    from ae_core.training import TrainConfig
    from app_lib import cache
    from app_lib import train_view as tv

    data = load_dataset("digits") if dataset == "digits" else synthetic_shapes()
    monkeypatch.setattr(cache, "get_dataset", lambda name: data)
    spec = tv.build_spec(tv.preset_values(key, dataset), dataset, data.image_shape)
    args = build_parser().parse_args(["train", "--dataset", dataset, "--preset", key])
    variant, config, train_config = train_settings(args, data)
    assert spec.variant == variant
    assert make_config(spec.variant, **spec.model).to_dict() == config.to_dict()
    assert TrainConfig.from_dict(spec.train).to_dict() == train_config.to_dict()


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


def test_the_form_keeps_its_values_after_visiting_another_page():
    at = open_page(TRAIN)
    at.selectbox(key="tr_variant").set_value("vae").run()
    at.number_input(key="tr_beta").set_value(2.5)
    at.text_input(key="tr_hidden").set_value("64, 32")
    at.number_input(key="tr_epochs").set_value(7)
    at.text_input(key="tr_name").set_value("kept")
    at.run()
    at.switch_page(MODELS).run()
    assert not at.exception and "tr_hidden" not in [w.key for w in at.text_input]
    at.switch_page(TRAIN).run()
    assert not at.exception
    assert at.selectbox(key="tr_variant").value == "vae"
    assert at.number_input(key="tr_beta").value == 2.5
    assert at.text_input(key="tr_hidden").value == "64, 32"
    assert at.number_input(key="tr_epochs").value == 7
    assert at.text_input(key="tr_name").value == "kept"


def test_a_second_job_in_the_same_session_is_refused_with_a_message():
    from ae_core.jobs import REGISTRY

    before = set(REGISTRY.jobs())
    at = open_page(TRAIN)
    at.text_input(key="tr_hidden").set_value("32")
    at.number_input(key="tr_epochs").set_value(10_000)
    at.button(key="train_start").click().run()
    started = [j for j in REGISTRY.jobs() if j not in before]
    try:
        assert not at.exception and not errors(at) and len(started) == 1
        at.button(key="train_start").click().run()
        assert not at.exception
        assert len(errors(at)) == 1, errors(at)
        assert "could not start" in errors(at)[0] and "already running in this session" in \
            errors(at)[0]
        assert [j for j in REGISTRY.jobs() if j not in before] == started  # still one job
    finally:
        for job in started:
            job.stop()
            assert job.wait(60)  # saved while this test's store folder is still set


def test_a_diverged_job_is_explained_once_in_each_language(tmp_path):
    import torch

    from ae_core.jobs import JobRegistry, JobSpec
    from app_lib.train_view import outcome_text

    def poison(trainer):
        if trainer.epoch == 1 and trainer.batch == 2:
            with torch.no_grad():
                next(trainer.model.parameters()).fill_(float("nan"))

    spec = JobSpec("digits", "vanilla", {"hidden": [16], "latent_dim": 2},
                   {"epochs": 4, "batch_size": 64}, probe_size=50, eval_points=0)
    job = JobRegistry(threads=None).start(spec, owner="s", store=ModelStore(tmp_path),
                                          callbacks={"on_batch_end": [poison]})
    assert job.wait(60)
    snap = job.snapshot()
    assert snap.status == "diverged" and snap.epoch == 1
    en = outcome_text(snap.status, snap.message, snap.epoch, "en", snap.divergence)
    ko = outcome_text(snap.status, snap.message, snap.epoch, "ko", snap.divergence)
    assert en.startswith("Training diverged") and "epoch 2" in en and "epoch 1." in en
    assert en.count("learning rate") == 1
    assert ko.count("학습률을 낮춰") == 1 and "learning rate" not in ko.lower()
    assert "2번째 에포크" in ko and "1번째 에포크의 가중치" in ko


def test_the_stopped_message_says_stopped_once():
    from app_lib.train_view import outcome_text

    message = "Stopped by the user. The model keeps the weights of epoch 3."
    en = outcome_text("stopped", message, 3, "en")
    assert en.lower().count("stopped") == 1 and "epoch 3" in en
    assert "멈췄습니다" in outcome_text("stopped", message, 3, "ko")
    assert "nothing was saved" in outcome_text("stopped", "", 0, "en")


def test_the_training_map_is_fitted_to_the_points_it_shows():
    """Codes spread far at epoch 2 and settle near 0 (as a digits AE does): each frame's map
    must fit its own points, not sit in a corner of a window kept from epoch 2."""
    import numpy as np

    from ae_core.binpack import unpack
    from app_lib import train_view as tv

    rng = np.random.default_rng(0)
    labels = np.arange(60) % 3
    for dim in (2, 5):
        frames = [rng.normal(scale=s, size=(60, dim)) + shift
                  for s, shift in ((0.01, 0), (1.0, -3.0), (0.2, -0.5))]
        for codes in frames:
            header, arrays = unpack(tv.probe_message(codes, labels, ["a", "b", "c"],
                                                     prior=False, map_id="job"))
            assert header["options"]["map_only"] and header["decoder"] is None
            x0, x1, y0, y1 = header["map"]["window"]
            xy = arrays["xy"]
            assert (xy[:, 0] > x0).all() and (xy[:, 0] < x1).all()  # every point shows
            assert (xy[:, 1] > y0).all() and (xy[:, 1] < y1).all()
            widest = (xy.max(0) - xy.min(0)).max()
            assert x1 - x0 < 1.25 * widest                          # and fills the map


def test_a_preset_carries_its_regularisation_and_schedule_into_the_form(monkeypatch):
    """No shipped preset sets them yet; one that does must not be silently ignored."""
    from ae_core.presets import PRESETS, Preset
    from app_lib import train_view as tv

    preset = Preset("regularised", "R", "vanilla", {"latent_dim": 30},
                    {"weight_decay": 1e-3, "schedule": "constant", "augment_shift": 1})
    monkeypatch.setitem(PRESETS, preset.key, preset)
    values = tv.preset_values(preset.key)
    assert (values["weight_decay"], values["schedule"], values["shift"]) == (1e-3, "constant", 1)
    spec = tv.build_spec(values, "mnist", (1, 28, 28))
    assert spec.train["augment_shift"] == 1 and spec.train["schedule"] == "constant"


def _run_until(at: AppTest, done, seconds: float = 90) -> AppTest:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not done(at):
        time.sleep(0.5)
        at.run()
    return at


def _small_form(at: AppTest, epochs: int = 1) -> None:
    at.text_input(key="tr_hidden").set_value("16")
    at.number_input(key="tr_epochs").set_value(epochs)


def test_a_model_whose_save_fails_is_kept_and_saved_under_another_name(tmp_path, monkeypatch):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the model folder should be")
    monkeypatch.setenv("AE_MODEL_DIR", str(blocked))     # every write fails (an OSError)
    at = open_page(TRAIN)
    _small_form(at)
    at.button(key="train_start").click().run()
    _run_until(at, lambda a: any(b.key.startswith("save_btn_") for b in a.button))
    assert not at.exception
    [unsaved] = [e.value for e in at.error]
    assert "could not be saved" in unsaved and "kept here" in unsaved
    assert not at.success                                  # no "saved as None"
    [box] = [w for w in at.text_input if w.key.startswith("save_as_")]
    assert box.value == "digits-vanilla-2d"
    good = tmp_path / "models"
    monkeypatch.setenv("AE_MODEL_DIR", str(good))          # the teacher frees the disk
    box.set_value("class demo")
    [button] = [b for b in at.button if b.key.startswith("save_btn_")]
    button.click().run()
    assert not at.exception and not errors(at)
    assert (good / "class demo.safetensors").is_file()
    assert "class demo" in at.success[0].value
    assert "class demo · mine" in at.sidebar.selectbox[1].options


def test_a_shipped_models_name_is_refused_before_training_in_both_languages():
    for lang, says in (("en", "comes with the app"), ("ko", "제공되는 모델의 이름")):
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params["lang"] = lang
        at.query_params["dataset"] = "digits"
        at.switch_page(TRAIN)
        at.run()
        at.text_input(key="tr_name").set_value("digits-vae-2d")
        at.button(key="train_start").click().run()
        assert not at.exception
        assert any(says in e for e in errors(at)), errors(at)
        assert "job" not in at.query_params                 # no job started
    assert ModelStore().list() == []


def test_my_models_shows_readable_local_dates_and_upload_names():
    from ae_core.models import build_model, make_config

    model = build_model(make_config("vanilla", input_shape=[1, 8, 8], hidden=[8]), seed=0)
    ModelStore().save(model, "from shapes", {"dataset": "user:shapes",
                                             "created": "2026-12-05T23:14:02+0000"})
    for lang, when in (("en", "6 Dec 2026, 08:14"), ("ko", "2026년 12월 6일 08:14")):
        at = AppTest.from_file(APP, default_timeout=60)
        at.context = {"timezone": "Asia/Seoul", "timezone_offset": -540}
        at.query_params["lang"] = lang
        at.query_params["dataset"] = "digits"
        at.switch_page(MODELS)
        at.run()
        assert not at.exception
        [row] = at.dataframe[0].value.to_dict("records")
        values = list(row.values())
        assert when in values and "shapes" in values and "user:shapes" not in values


def test_a_stored_model_cannot_be_renamed_to_a_shipped_models_name():
    from ae_core.models import build_model, make_config

    model = build_model(make_config("vanilla", input_shape=[1, 8, 8], hidden=[8]), seed=0)
    ModelStore().save(model, "mine", {"dataset": "digits"})
    for lang, says in (("en", "comes with the app"), ("ko", "제공되는 모델의 이름")):
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params["lang"] = lang
        at.query_params["dataset"] = "digits"
        at.switch_page(MODELS)
        at.run()
        at.text_input(key="models_new_mine").set_value("digits-vae-2d")
        at.button(key="models_rename").click().run()
        assert not at.exception
        assert any(says in e for e in errors(at)), errors(at)
    assert [m.name for m in ModelStore().list()] == ["mine"]


def test_another_browser_with_the_job_s_address_watches_but_cannot_stop_it():
    at = open_page(TRAIN)
    at.number_input(key="tr_epochs").set_value(400)
    at.button(key="train_start").click().run()
    assert not at.exception and not errors(at)
    job_id = at.query_params["job"]
    owner_buttons = [b.label for b in at.button]
    assert "Stop" in owner_buttons
    other = AppTest.from_file(APP, default_timeout=60)  # a new session: no cookie, no secret
    for key, value in {"lang": "en", "dataset": "digits", "job": job_id}.items():
        other.query_params[key] = value
    other.switch_page(TRAIN)
    other.run()
    assert not other.exception
    assert any("only the browser that started it" in i.value for i in other.info)
    assert "Stop" not in [b.label for b in other.button]
    at.button(key="train_stop").click().run()  # the owner still can
    from ae_core.jobs import REGISTRY

    assert REGISTRY.get(job_id).wait(60)
