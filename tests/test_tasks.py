"""Background tasks: progress, stop, failure, sharing by key, the running cap."""

from __future__ import annotations

import os
import threading
import time

import pytest
import torch

from ae_core.errors import AECoreError
from ae_core.models import build_model, make_config
from ae_core.tasks import DONE, FAILED, RUNNING, STOPPED, Board, TaskRefused
from ae_core.threads import BACKGROUND_NICE
from ae_core.training import TrainConfig, Trainer


def _gate_task(gate: threading.Event, steps: int = 4):
    """A task that reports progress and waits on ``gate`` between steps (or stops)."""

    def fn(ctx):
        for i in range(steps):
            if ctx.stop_requested:
                return f"partial {i}"
            ctx.progress((i + 1) / steps, f"step {i + 1}")
            gate.wait(5)
        return "finished"

    return fn


def test_a_task_reports_progress_and_its_result():
    board = Board()
    gate = threading.Event()
    task = board.start("k", _gate_task(gate))
    deadline = time.monotonic() + 5
    while task.state().fraction < 0.25 and time.monotonic() < deadline:
        time.sleep(0.01)
    state = task.state()
    assert state.status == RUNNING and state.fraction == 0.25 and state.text == "step 1"
    gate.set()
    assert task.wait(5)
    state = task.state()
    assert state.status == DONE and state.result == "finished" and state.fraction == 1.0
    assert state.eta is None and state.error is None


def test_stop_ends_the_task_with_the_partial_result():
    board = Board()
    gate = threading.Event()
    task = board.start("k", _gate_task(gate, steps=100))
    task.stop()
    gate.set()
    assert task.wait(5)
    state = task.state()
    assert state.status == STOPPED and state.result.startswith("partial")


def test_the_same_key_shares_one_run_and_a_failed_one_is_replaced():
    board = Board()
    calls = []

    def fails(ctx):
        calls.append("fail")
        raise AECoreError("the data has no normal class")

    first = board.start("k", fails)
    first.wait(5)
    assert first.state().status == FAILED
    assert first.state().error == "the data has no normal class"

    def works(ctx):
        calls.append("ok")
        return 7

    second = board.start("k", works)
    second.wait(5)
    assert board.start("k", works) is second  # done: shared, not recomputed
    assert second.state().result == 7 and calls == ["fail", "ok"]


def test_an_unexpected_exception_is_reported_not_raised():
    board = Board()
    task = board.start("k", lambda ctx: 1 / 0)
    task.wait(5)
    assert task.state().status == FAILED and "ZeroDivisionError" in task.state().error


def test_the_running_cap_refuses_with_a_sentence_and_frees_when_done():
    board = Board(max_running=1)
    gate = threading.Event()
    first = board.start("a", _gate_task(gate))
    with pytest.raises(TaskRefused, match="already running"):
        board.start("b", _gate_task(gate))
    gate.set()
    first.wait(5)
    board.start("b", lambda ctx: 1).wait(5)
    assert board.get("b").state().result == 1


def test_finished_tasks_are_evicted_oldest_first():
    board = Board(keep=2)
    for key in "abc":
        board.start(key, lambda ctx: 0).wait(5)
    board.start("d", lambda ctx: 0).wait(5)
    assert board.get("a") is None and board.get("d") is not None


def test_watch_mirrors_trainer_progress_and_stops_it_within_a_batch():
    board = Board()
    model = build_model(make_config("vanilla", input_shape=[1, 8, 8], hidden=[16],
                                    latent_dim=2), seed=0)
    x = torch.rand(512, 1, 8, 8)
    seen = []

    def fn(ctx):
        trainer = Trainer(model, TrainConfig(epochs=1000, batch_size=16, seed=0))
        ctx.watch(trainer, "training")
        trainer.add_callback("on_batch_end", lambda tr: seen.append(tr.progress))
        return trainer.fit(x)

    task = board.start("train", fn)
    deadline = time.monotonic() + 10
    while task.state().fraction == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert task.state().text == "training" and task.state().fraction > 0
    task.stop()
    assert task.wait(5)
    state = task.state()
    assert state.status == STOPPED and state.result.status == "stopped"
    assert 0 < max(seen) < 0.5  # stopped long before the 1000 epochs


@pytest.mark.skipif(not hasattr(os, "setpriority"), reason="per-thread priorities need Linux")
def test_workers_run_at_the_lowest_priority_and_the_caller_keeps_its_own():
    before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    task = Board().start("nice", lambda ctx: os.getpriority(
        os.PRIO_PROCESS, threading.get_native_id()))
    task.wait(5)
    assert task.state().result == BACKGROUND_NICE
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before
