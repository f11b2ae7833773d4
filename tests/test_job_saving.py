"""A finished training always ends in a saved model, or keeps its weights until one is saved.

The default name comes from the dataset's name, which a user chose (an upload's file name):
it must be a valid model name whatever the text, and a shipped model's name is never taken.
"""

from __future__ import annotations

import itertools
import unicodedata

import numpy as np
import pytest
import torch

from ae_core.data.library import DatasetLibrary, load_any
from ae_core.data.user import load_npz
from ae_core.errors import AECoreError
from ae_core.jobs import JobRegistry, JobSpec, default_model_name
from ae_core.models import build_model, make_config
from ae_core.pretrained import list_pretrained
from ae_core.store import (
    MAX_NAME_BYTES,
    ModelStore,
    NameReserved,
    StoreError,
    safe_name,
    validate_name,
)
from ae_core.tasks import estimate_eta

SMALL = {"hidden": [16], "latent_dim": 2}
LONG_KOREAN = "손글씨" * 40
AWKWARD = {  # dataset name → what the default model name must start with
    "user:shapes": "shapes-vae-2d",
    "user:도형 모음": "도형 모음-vae-2d",
    "user:" + unicodedata.normalize("NFD", "한글 데이터"): "한글 데이터-vae-2d",
    "user:my shapes (v2)!": "my shapes -v2-vae-2d",
    "user:a/b\\c:d": "a-b-c-d-vae-2d",
    "user:..hidden": "hidden-vae-2d",
    "user:🙂🙂": "model-vae-2d",
    "user:": "model-vae-2d",
    "user:" + LONG_KOREAN: "손글씨손글씨",
    "user:" + "x" * 300: "xxxx",
    "digits": "digits-vae-2d",
}


def tiny():
    return build_model(make_config("vae", input_shape=[1, 8, 8], **SMALL), seed=0)


@pytest.mark.parametrize("dataset", list(AWKWARD))
def test_every_dataset_name_gives_a_valid_default_model_name(dataset, tmp_path):
    name = default_model_name(dataset, "vae", 2)
    assert validate_name(name) == name
    assert name.startswith(AWKWARD[dataset]) and name.endswith("-vae-2d")
    assert "user:" not in name and len(name.encode("utf-8")) <= MAX_NAME_BYTES
    store = ModelStore(tmp_path)
    store.save(tiny(), name)                         # the file system takes it too
    second = store.unique_name(name)                 # and a second one, numbered
    assert second.endswith("-2") and validate_name(second) == second
    store.save(tiny(), second)
    assert {m.name for m in store.list()} == {name, second}


def test_safe_name_keeps_valid_names_and_cuts_long_ones_at_a_character():
    assert safe_name("내 VAE 2d") == "내 VAE 2d"
    cut = safe_name(LONG_KOREAN, room=7)
    assert len(cut.encode("utf-8")) + 7 <= MAX_NAME_BYTES and LONG_KOREAN.startswith(cut)


def _shapes(tmp_path, name: str = "shapes") -> str:
    rng = np.random.default_rng(0)
    path = tmp_path / "upload.npz"
    np.savez(path, x=rng.integers(0, 256, size=(80, 8, 8), dtype=np.uint8),
             y=np.arange(80) % 2, class_names=np.array(["ring", "bar"]))
    return DatasetLibrary(tmp_path / "lib").save(load_npz(path, name), name)


def _job(tmp_path, dataset: str, store, variant: str = "vae", name: str = ""):
    spec = JobSpec(dataset, variant, dict(SMALL), {"epochs": 2, "batch_size": 16},
                   name=name, probe_size=20, eval_points=0)
    library = DatasetLibrary(tmp_path / "lib")
    job = JobRegistry(threads=None).start(spec, owner="t", store=store,
                                          dataset_loader=lambda n: load_any(n, library))
    assert job.wait(120)
    return job, job.snapshot()


def test_training_on_an_uploaded_dataset_saves_under_its_plain_name(tmp_path):
    dataset = _shapes(tmp_path, "도형 모음 v2")
    assert dataset == "user:도형 모음 v2"
    store = ModelStore(tmp_path / "store")
    _, snap = _job(tmp_path, dataset, store)
    assert snap.status == "finished", snap.message
    assert snap.model_name and not snap.model_name.startswith("user")
    assert snap.model_name == "도형 모음 v2-vae-2d" and store.exists(snap.model_name)
    assert store.load(snap.model_name).metadata["dataset"] == dataset


class _FailingStore(ModelStore):
    """A store whose disk refuses every write (full, read-only…) until ``fixed``."""

    fixed = False

    def save(self, model, name, metadata=None, extras=None, overwrite=False, half=False):
        if not self.fixed:
            raise OSError(28, "No space left on device")
        return super().save(model, name, metadata, extras, overwrite, half)


def test_a_failed_save_keeps_the_trained_weights_for_another_try(tmp_path):
    store = _FailingStore(tmp_path / "store")
    job, snap = _job(tmp_path, _shapes(tmp_path), store)
    assert snap.status == "finished" and snap.model_name is None
    assert snap.unsaved and "No space left" in snap.save_error["message"]
    from app_lib import messages

    assert "No space left" not in messages.sentence(snap.save_error, "ko")  # a Korean sentence
    trained = {k: v.clone() for k, v in job.model.state_dict().items()}
    store.fixed = True
    with pytest.raises(StoreError, match="not a valid model name"):
        job.save_as("a/b")
    assert job.snapshot().unsaved                     # a refused name keeps the model too
    assert job.save_as("kept shapes") == "kept shapes"
    snap = job.snapshot()
    assert snap.model_name == "kept shapes" and not snap.unsaved
    stored = store.load("kept shapes")
    assert all(torch.equal(stored.state_dict()[k], v) for k, v in trained.items())
    assert stored.metadata["dataset"] == "user:shapes"
    with pytest.raises(AECoreError, match="no unsaved model"):
        job.save_as("again")


def test_a_name_refused_at_save_time_falls_back_to_a_safe_one(tmp_path):
    class PickyStore(ModelStore):
        def save(self, model, name, *args, **kwargs):
            if not name.startswith("model-"):
                raise StoreError("refused")
            return super().save(model, name, *args, **kwargs)

    store = PickyStore(tmp_path / "store")
    _, snap = _job(tmp_path, _shapes(tmp_path), store, variant="vanilla")
    assert snap.status == "finished" and snap.model_name.startswith("model-")
    assert store.exists(snap.model_name) and not snap.unsaved


# ------------------------------------------------------------------ shipped names


def test_a_stored_model_cannot_take_a_shipped_models_name(tmp_path):
    store = ModelStore(tmp_path, reserved=lambda: {"mnist-vae-2d"})
    for name in ("mnist-vae-2d", "MNIST-VAE-2D"):
        with pytest.raises(NameReserved, match="shipped model"):
            store.save(tiny(), name)
    assert store.unique_name("mnist-vae-2d") == "mnist-vae-2d-2"
    store.save(tiny(), "mine")
    with pytest.raises(NameReserved):
        store.rename("mine", "mnist-vae-2d")
    with pytest.raises(NameReserved):
        store.check_free("mnist-vae-2d")
    assert [m.name for m in store.list()] == ["mine"]


def test_the_users_store_reserves_every_shipped_name(tmp_path):
    shipped = {m.name for m in list_pretrained()}
    assert "digits-vae-2d" in shipped
    store = ModelStore()                                # the user's store ($AE_MODEL_DIR)
    assert all(store.is_reserved(name) for name in shipped)
    assert not ModelStore(tmp_path).is_reserved("digits-vae-2d")  # any other folder: free
    # a digits VAE's default name is a shipped one: the job numbers it instead
    _, snap = _job(tmp_path, "digits", store)
    assert snap.model_name == "digits-vae-2d-2" and store.exists("digits-vae-2d-2")


# ------------------------------------------------------------------ time left


def _samples(rates, start=0.0, step=0.25):
    """(time, progress) samples; ``rates`` gives the progress per second, segment by segment."""
    t, p, out = start, 0.0, []
    for rate, seconds in rates:
        for _ in range(int(seconds / step)):
            t, p = t + step, p + rate * step
            out.append((t, p))
    return out


def test_time_left_is_the_recent_rate_not_the_whole_run_average():
    # 30 s at 1 %/s, then the run slows to 0.5 %/s: the old average would say 60 s left
    samples = _samples([(0.01, 30), (0.005, 40)])
    t, p = samples[-1]
    assert p == pytest.approx(0.5)
    assert estimate_eta(samples, now=t) == pytest.approx(100, rel=0.02)


def test_time_left_ignores_a_slow_start_and_counts_down_between_samples():
    samples = [(0.0, 0.0), (8.0, 0.001), *_samples([(0.02, 20)], start=8.0)]
    t, _ = samples[-1]
    eta = estimate_eta(samples, now=t)
    assert eta == pytest.approx((1 - samples[-1][1]) / 0.02, rel=0.02)
    assert estimate_eta(samples, now=t + 3) == pytest.approx(eta - 3)
    assert estimate_eta(samples, now=t + 1000) == 0.0


def test_time_left_shrinks_steadily_on_a_steady_run():
    samples = _samples([(0.01, 90)])
    etas = [estimate_eta(samples[:i], now=samples[i - 1][0]) for i in range(8, len(samples))]
    assert all(b < a for a, b in itertools.pairwise(etas))
    assert estimate_eta([], now=1.0) is None and estimate_eta([(1.0, 0.2)], now=2.0) is None
