"""Training images loaded on first use: once, by any thread, checked, and never stale."""

from __future__ import annotations

import pickle
import threading
from pathlib import Path

import numpy as np
import pytest
import torch

from ae_core.data import Dataset, load_dataset
from ae_core.errors import AECoreError
from tests.synthetic_idx import IMAGES, LABELS, PAYLOADS, TRAIN_IMAGES, spec


def _cache(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for file, payload in PAYLOADS.items():
        (folder / file).write_bytes(payload)
    return tmp_path


def test_an_idx_dataset_opens_without_parsing_its_training_images(tmp_path):
    ds = load_dataset(spec("lazy-a"), _cache(tmp_path, "lazy-a"), download=False)
    assert not ds.train_loaded
    assert ds.n_train == 20 and ds.image_shape == (1, 4, 4) and ds.n_features == 16
    assert torch.equal(ds.x_test[0, 0], torch.from_numpy(IMAGES[20] / np.float32(255)))
    assert ds.y_train.tolist() == (LABELS[:20]).tolist()
    assert "not loaded yet" in repr(ds)
    x = ds.x_train
    assert ds.train_loaded and ds.x_train is x             # parsed once, then kept
    assert x.shape == (20, 1, 4, 4) and x.dtype == torch.float32
    assert torch.equal(x[:, 0], torch.from_numpy(IMAGES[:20] / np.float32(255)))
    assert torch.equal(ds.split("all")[0], torch.cat([x, ds.x_test]))


def test_a_training_file_damaged_after_opening_is_reported_not_parsed(tmp_path):
    root = _cache(tmp_path, "lazy-b")
    ds = load_dataset(spec("lazy-b"), root, download=False)
    train = root / "lazy-b" / TRAIN_IMAGES
    train.write_bytes(PAYLOADS[TRAIN_IMAGES][:-7])
    with pytest.raises(AECoreError, match="train-images"):
        ds.x_train  # noqa: B018 - the property access is the test
    assert not ds.train_loaded
    train.write_bytes(PAYLOADS[TRAIN_IMAGES])   # mended: the next use works
    assert ds.x_train.shape == (20, 1, 4, 4)


def test_many_threads_asking_at_once_load_the_images_once():
    calls = []
    gate = threading.Event()

    def load():
        calls.append(1)
        gate.wait(5)
        return torch.zeros(5, 1, 2, 2)

    ds = Dataset("t", load, torch.zeros(5, dtype=torch.int64), torch.ones(3, 1, 2, 2),
                 torch.zeros(3, dtype=torch.int64), ["a"])
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(ds.x_train)) for _ in range(6)]
    for t in threads:
        t.start()
    gate.set()
    for t in threads:
        t.join(10)
    assert len(calls) == 1 and len(seen) == 6 and all(s is seen[0] for s in seen)


def test_images_that_do_not_match_their_labels_are_refused():
    ds = Dataset("t", lambda: torch.zeros(4, 1, 2, 2), torch.zeros(5, dtype=torch.int64),
                 torch.ones(3, 1, 2, 2), torch.zeros(3, dtype=torch.int64), ["a"])
    with pytest.raises(ValueError, match="do not match"):
        ds.x_train  # noqa: B018


def test_a_pickled_dataset_carries_its_training_images():
    ds = Dataset("t", lambda: torch.full((2, 1, 2, 2), 0.5), torch.zeros(2, dtype=torch.int64),
                 torch.ones(1, 1, 2, 2), torch.zeros(1, dtype=torch.int64), ["a"], {"k": 1})
    copy = pickle.loads(pickle.dumps(ds))
    assert copy.train_loaded and float(copy.x_train.mean()) == 0.5 and copy.meta == {"k": 1}
