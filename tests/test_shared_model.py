"""``app_lib.cache.SharedModel``: one embedder shared by sessions, one caller at a time."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import torch

from ae_core import PCAEmbedder
from app_lib import catalog
from app_lib.cache import SharedModel


def _shared(digits_x) -> SharedModel:
    return SharedModel(PCAEmbedder(2).fit(digits_x), catalog.pca_choice(2))


def test_call_runs_on_the_embedder_under_the_lock_and_inference_mode(digits_x):
    model = _shared(digits_x)
    seen = {}

    def probe(embedder):
        seen["embedder"] = embedder
        seen["locked"] = model._lock.locked()
        seen["inference"] = torch.is_inference_mode_enabled()
        return "result"

    assert model.call(probe) == "result"
    assert seen == {"embedder": model.embedder, "locked": True, "inference": True}
    assert not model._lock.locked() and not torch.is_inference_mode_enabled()


def test_call_releases_the_lock_when_the_callable_raises(digits_x):
    model = _shared(digits_x)

    def boom(embedder):
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        model.call(boom)
    assert not model._lock.locked()


def test_a_second_caller_waits_for_the_first(digits_x):
    model = _shared(digits_x)
    inside, release, order = threading.Event(), threading.Event(), []

    def first(embedder):
        inside.set()
        release.wait(10)
        order.append("first")

    worker = threading.Thread(target=model.call, args=(first,))
    worker.start()
    inside.wait(10)
    second = threading.Thread(target=model.call, args=(lambda e: order.append("second"),))
    second.start()              # it cannot run its callable before the first one returns
    release.set()
    worker.join(10)
    second.join(10)
    assert order == ["first", "second"]


def test_encode_decode_reconstruct_still_give_numpy(digits_x):
    model = _shared(digits_x)
    codes = model.encode(digits_x[:5])
    assert isinstance(codes, np.ndarray) and codes.shape == (5, 2)
    assert model.decode(codes).shape == (5, 1, 8, 8)
    assert model.reconstruct(digits_x[:5]).shape == (5, 1, 8, 8)


def test_small_calls_run_on_one_torch_thread_and_restore_the_setting(digits_x):
    """A click or a slider decodes one image: one thread, so it never waits for a busy core."""
    model = _shared(digits_x)
    before = torch.get_num_threads()
    seen = []
    model.call(lambda embedder: seen.append(torch.get_num_threads()), threads=1)
    model.call(lambda embedder: seen.append(torch.get_num_threads()))
    assert seen == [1, before] and torch.get_num_threads() == before


def test_the_thread_setting_of_one_call_does_not_reach_other_threads():
    from ae_core.threads import torch_threads

    before = torch.get_num_threads()
    inside, other = threading.Event(), []
    release = threading.Event()

    def hold():
        with torch_threads(1):
            inside.set()
            release.wait(5)

    worker = threading.Thread(target=hold)
    worker.start()
    inside.wait(5)
    other.append(torch.get_num_threads())
    release.set()
    worker.join()
    assert other == [before]
