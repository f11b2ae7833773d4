"""Helpers shared by the Applications pages (denoising, anomaly, sparse, compression, features)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

import numpy as np
import streamlit as st

from ae_core.imaging import png_bytes, scale_for, tile
from ae_core.models import variant_names
from ae_core.tasks import DONE, FAILED, STOPPED, TASKS, Context, TaskRefused, TaskState
from app_lib import catalog
from app_lib.background import task_panel
from app_lib.catalog import ModelChoice
from app_lib.i18n import t

SAMPLE_SEED = 0


def models_of(dataset: str, variants: Sequence[str] | None = None) -> list[ModelChoice]:
    """Autoencoders of these variants (every registered one when None) available for
    ``dataset``, shipped first, then mine."""
    wanted = variant_names() if variants is None else variants
    return [c for c in catalog.model_choices(dataset) if c.variant in wanted]


def strip_png(images, ncols: int | None = None, target: int = 72) -> bytes:
    """Images (N, C, H, W) side by side as one PNG, each about ``target`` px."""
    images = np.clip(np.asarray(images, dtype=np.float64), 0.0, 1.0)
    side = images.shape[-1]
    return png_bytes(tile(list(images), ncols or len(images), pad=1),
                     scale=scale_for(side, target))


def sample_rows(n_total: int, n: int, seed: int = SAMPLE_SEED) -> np.ndarray:
    """A fixed seeded sample of test rows shown on a page."""
    return np.sort(np.random.default_rng(seed).choice(n_total, size=min(n, n_total),
                                                      replace=False))


# ----------------------------------------------------------------- background tasks of the pages
# What each page trains or computes in a worker thread (ae_core.tasks.TASKS), keyed by
# everything that changes the result, so sessions asking for the same thing share one run.

ANOMALY_LATENT_DIM = 8
ANOMALY_HIDDEN = (128,)
ANOMALY_EPOCHS = {"digits": 60}
ANOMALY_DEFAULT_EPOCHS = 8

SPARSE_UNITS = 64
SPARSE_FIT_MAX = 5000
SPARSE_EPOCHS = {"digits": 80}  # the L1 / KL / no-penalty comparison: ~900 steps on digits,
SPARSE_DEFAULT_EPOCHS = 40  # ~1600 on 5000 MNIST images (KL lands near ρ, few units die)


def anomaly_epochs(dataset: str) -> int:
    return ANOMALY_EPOCHS.get(dataset, ANOMALY_DEFAULT_EPOCHS)


def sparse_epochs(dataset: str) -> int:
    return SPARSE_EPOCHS.get(dataset, SPARSE_DEFAULT_EPOCHS)


def anomaly_task_key(dataset: str, normal: tuple[int, ...]) -> tuple:
    """The Anomaly page's model trained on the ``normal`` classes."""
    return ("anomaly", dataset, tuple(normal), ANOMALY_LATENT_DIM, ANOMALY_HIDDEN,
            anomaly_epochs(dataset))


def sparse_task_key(dataset: str) -> tuple:
    """The Sparse page's L1 / KL / no-penalty comparison models."""
    return ("sparse", dataset, SPARSE_UNITS, SPARSE_FIT_MAX, sparse_epochs(dataset))


def compression_task_key(dataset: str, stamps: tuple) -> tuple:
    """The Compression page's PCA fits and rate–PSNR curves of every model."""
    return ("compression", dataset, tuple(stamps))


def features_task_key(dataset: str, pca_k: int, seed: int, stamps: tuple) -> tuple:
    """The Feature learning page's label-efficiency scores."""
    return ("features", dataset, int(pca_k), int(seed), tuple(stamps))


def _start(key: Hashable, make_fn: Callable[[], Callable[[Context], Any]],
           widget_key: str) -> bool:
    """Start the task; the one this session started before on this page is stopped.

    Changing a setting (another normal class, another PCA size) should not leave the
    old computation running until the machine's cap refuses new ones; it ends as
    "stopped" and resumes from scratch with "Train again" if the user goes back.
    """
    slot = f"_{widget_key}_started"
    previous = st.session_state.get(slot)
    if previous is not None and previous != key:
        task = TASKS.get(previous)
        if task is not None and task.state().running:
            task.stop()
    try:
        TASKS.start(key, make_fn())
    except TaskRefused:
        st.warning(t("apps.busy"), icon="⏳")
        return False
    st.session_state[slot] = key
    return True


def background(key: Hashable, make_fn: Callable[[], Callable[[Context], Any]],
               widget_key: str, label: str, again: str) -> TaskState | None:
    """Run ``make_fn()`` (a task function built in the script run) as the task ``key``.

    Call on every run: starts the task if there is none, draws its progress panel
    (with Stop) while it runs, and offers ``again`` (a button label) after a stop or
    a failure. Returns the task's state once it has a result to draw (done, or
    stopped with its partial result), else None.
    """
    if TASKS.get(key) is None and not _start(key, make_fn, widget_key):
        return None
    state = task_panel(key, widget_key, label)
    if state is not None and state.status in (FAILED, STOPPED):

        def again_now() -> None:  # a callback: it runs before the next run draws anything
            TASKS.forget(key)
            _start(key, make_fn, widget_key)

        if st.button(again, key=f"{widget_key}_again", on_click=again_now,
                     help=t("apps.again_help")):
            st.rerun()  # draw the new task's progress instead of the stopped result
    if state is None or state.status not in (DONE, STOPPED):
        return None
    return state
