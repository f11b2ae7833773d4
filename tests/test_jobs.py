"""Background training jobs: start, poll, stop, finish, refuse, and run side by side."""

from __future__ import annotations

import os
import threading
import time

import pytest
import torch

from ae_core.data import load_dataset
from ae_core.jobs import JobRefused, JobRegistry, JobSpec
from ae_core.models import build_model, make_config
from ae_core.store import ModelStore
from ae_core.threads import BACKGROUND_NICE
from ae_core.training import TrainConfig, Trainer

SMALL = {"hidden": [32], "latent_dim": 2}


def spec(epochs=3, variant="vanilla", seed=0, name="", **train):
    return JobSpec("digits", variant, dict(SMALL), {"epochs": epochs, "batch_size": 64,
                                                    "seed": seed, **train}, name=name,
                   probe_size=100, eval_points=0)


def wait_until(predicate, timeout=60.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return False


@pytest.fixture
def registry():
    return JobRegistry(max_running=2, threads=None)


def test_a_job_runs_to_completion_and_lands_in_the_store(registry, tmp_path):
    store = ModelStore(tmp_path)
    job = registry.start(spec(epochs=4, name="class demo"), owner="s1", store=store)
    seen = []
    assert wait_until(lambda: seen.append(job.snapshot().progress) or not job.snapshot().active)
    snap = job.snapshot()
    assert snap.status == "finished" and snap.progress == 1.0 and snap.epoch == 4
    assert len(snap.history) == 4 and snap.eta is None
    assert len(snap.probe_codes) == 5 and snap.probe_labels.shape == (100,)
    assert seen == sorted(seen)  # progress never goes backwards
    assert snap.model_name == "class demo" and "knn5" in snap.metrics
    stored = store.load("class demo")
    assert stored.metadata["dataset"] == "digits" and stored.extras["probe_codes"].shape[1] == 100
    assert registry.latest_for("s1") is job and registry.get(job.id) is job


def test_stop_is_quick_and_keeps_the_last_finished_epoch(registry, tmp_path):
    store = ModelStore(tmp_path)
    job = registry.start(spec(epochs=10_000, batch_size=16), owner="s1", store=store)
    assert wait_until(lambda: job.snapshot().epoch >= 2)
    t0 = time.monotonic()
    job.stop()
    assert wait_until(lambda: job._trainer.result is not None, timeout=5)
    assert time.monotonic() - t0 < 1.0
    assert job.wait(60)
    snap = job.snapshot()
    assert snap.status == "stopped" and "Stopped by the user" in snap.message
    stored = store.load(snap.model_name)
    assert len(stored.history) == snap.epoch >= 2


def test_divergence_is_explained_and_keeps_the_last_good_weights(tmp_path):
    registry = JobRegistry(threads=None)
    store = ModelStore(tmp_path)

    def poison(t):
        if t.epoch == 1 and t.batch == 2:
            with torch.no_grad():
                next(t.model.parameters()).fill_(float("inf"))

    job = registry.start(spec(epochs=5), owner="s1", store=store,
                         callbacks={"on_batch_end": [poison]})
    assert job.wait(60)
    snap = job.snapshot()
    assert snap.status == "diverged" and "lower learning rate" in snap.message
    stored = store.load(snap.model_name)
    assert len(stored.history) == 1
    assert all(torch.isfinite(p).all() for p in stored.parameters())


def test_one_running_job_per_session_and_a_global_cap(registry, tmp_path):
    store = ModelStore(tmp_path)
    long = spec(epochs=10_000)
    a = registry.start(long, owner="s1", store=store)
    with pytest.raises(JobRefused, match="already running in this session"):
        registry.start(long, owner="s1", store=store)
    b = registry.start(long, owner="s2", store=store)
    with pytest.raises(JobRefused, match="limit"):
        registry.start(long, owner="s3", store=store)
    for job in (a, b):
        job.stop()
        assert job.wait(30)
    registry.start(spec(epochs=1), owner="s3", store=store).wait(60)


def test_two_concurrent_jobs_do_not_interfere(registry, tmp_path):
    store = ModelStore(tmp_path)
    jobs = [registry.start(spec(epochs=3, variant=v, seed=s, name=v), owner=v, store=store)
            for v, s in (("vanilla", 1), ("vae", 2))]
    assert all(job.wait(120) for job in jobs)
    data = load_dataset("digits")
    for (variant, seed), job in zip((("vanilla", 1), ("vae", 2)), jobs, strict=True):
        assert job.snapshot().status == "finished"
        alone = build_model(make_config(variant, input_shape=[1, 8, 8], **SMALL), seed=seed)
        Trainer(alone, TrainConfig(epochs=3, batch_size=64, seed=seed)).fit(data.x_train)
        stored = store.load(variant)
        for k, v in alone.state_dict().items():
            assert torch.allclose(stored.state_dict()[k], v, atol=1e-6), (variant, k)


def test_bad_settings_fail_the_job_with_a_message(registry, tmp_path):
    job = registry.start(JobSpec("digits", "vae", {"beta": -3.0}, {"epochs": 1}), owner="s1",
                         store=ModelStore(tmp_path))
    assert job.wait(30)
    snap = job.snapshot()
    assert snap.status == "failed" and "β must be between" in snap.message
    assert ModelStore(tmp_path).list() == []


@pytest.mark.skipif(not hasattr(os, "setpriority"), reason="per-thread priorities need Linux")
def test_the_training_thread_runs_at_the_lowest_priority(registry, tmp_path):
    seen = []

    def loader(name):  # called on the job's worker thread
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        return load_dataset(name)

    job = registry.start(spec(epochs=1), owner="nice", store=ModelStore(tmp_path),
                         dataset_loader=loader)
    assert job.wait(60)
    assert seen == [BACKGROUND_NICE]
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) != BACKGROUND_NICE


def test_each_epoch_publishes_its_decoder_for_the_training_map_s_hover_preview(registry,
                                                                                tmp_path):
    """The Train page's map decodes under the pointer with the latest epoch's weights: the
    published program decodes exactly like the finished model."""
    import numpy as np

    from ae_core.webdecoder import run_program

    store = ModelStore(tmp_path)
    job = registry.start(spec(epochs=2, name="preview"), owner="s1", store=store)
    assert wait_until(lambda: not job.snapshot().active)
    snap = job.snapshot()
    assert snap.decoder is not None and snap.decoder.output_shape == (1, 8, 8)
    z = np.random.default_rng(0).normal(size=(5, 2))
    model = store.load("preview")
    assert np.abs(run_program(snap.decoder, z) - model.decode(z).numpy()).max() < 1e-5


def test_only_the_holder_of_the_secret_controls_a_job_its_id_only_watches(registry, tmp_path):
    from app_lib.jobs import controls, issue_secret

    job = registry.start(spec(epochs=1), owner="s1", store=ModelStore(tmp_path))
    secret = issue_secret(job)
    assert controls(job, secret)
    assert not controls(job, job.id) and not controls(job, None) and not controls(job, "")
    assert secret not in (job.id, job.owner)
    job.wait(60)


def test_a_job_nobody_watches_stops_itself_and_keeps_its_model(registry, tmp_path):
    store = ModelStore(tmp_path)
    job = registry.start(spec(epochs=500, name="forgotten"), owner="s1", store=store)
    job.unwatched_s = 0.5
    assert wait_until(lambda: job.seen() or job.snapshot().epoch >= 2)  # watched for a while
    assert wait_until(lambda: not job.snapshot().active, timeout=60)  # then the tab closed
    snap = job.snapshot()
    assert snap.status == "stopped" and snap.unwatched and 0 < snap.epoch < 500
    assert snap.model_name == "forgotten" and store.load("forgotten") is not None
    assert registry.start(spec(epochs=1), owner="s2", store=store).wait(60)  # a slot is free


def test_a_watched_job_runs_on(registry, tmp_path):
    job = registry.start(spec(epochs=12), owner="s1", store=ModelStore(tmp_path))
    job.unwatched_s = 0.3
    while job.snapshot().active:
        job.seen()  # a page polls it
        time.sleep(0.1)
    assert job.snapshot().status == "finished" and not job.snapshot().unwatched
