"""Shared fixtures: small data that needs no download, and the shared MNIST cache."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "datasets"


def mnist_dir() -> Path | None:
    """Where MNIST files are, if anywhere: AE_DATA_DIR, else ../shared/datasets."""
    for candidate in (os.environ.get("AE_DATA_DIR"), SHARED_DATA):
        if candidate and (Path(candidate) / "mnist" / "t10k-images-idx3-ubyte.gz").is_file():
            return Path(candidate)
    return None


@pytest.fixture(scope="session")
def digits_x() -> torch.Tensor:
    """All 1797 scikit-learn digits as (N, 1, 8, 8) float32 in [0, 1]."""
    d = load_digits()
    return torch.tensor(d.data / 16.0, dtype=torch.float32).reshape(-1, 1, 8, 8)


@pytest.fixture(scope="session")
def digits_y() -> np.ndarray:
    return load_digits().target


@pytest.fixture(autouse=True)
def _isolated_store(tmp_path, monkeypatch):
    """Every test gets its own empty model store and codes cache."""
    monkeypatch.setenv("AE_MODEL_DIR", str(tmp_path / "store"))
    monkeypatch.setenv("AE_CACHE_DIR", str(tmp_path / "codes"))


def pytest_collection_modifyitems(items):
    """Real-browser tests wait on a server and Chromium sharing 2 cores with the suite:
    a timing miss under load is retried (the assertions themselves never change)."""
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.flaky(reruns=2, reruns_delay=2))


@pytest.fixture(scope="session", autouse=True)
def _no_work_left_running():
    """At the end of the run, stop every background task and training job the tests' pages
    started, and wait for their threads: a thread still inside torch while the interpreter
    shuts down aborts the process ("terminate called without an active exception")."""
    yield
    from ae_core.jobs import REGISTRY
    from ae_core.tasks import TASKS

    running = [task for board in (TASKS, REGISTRY) for task in board.tasks()]
    for task in running:
        task.stop()
    for task in running:
        task.wait(timeout=30)
