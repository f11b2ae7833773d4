"""The UI side of :mod:`ae_core.tasks`: the one poller of background work, and a progress bar
with a stop button.

A page starts its computation with ``TASKS.start(key, fn)`` and calls
:func:`task_panel` on every run. While a task runs, only a small fragment
reruns (:func:`poll`, every ``POLL_S`` seconds) to move the bar; when the task ends, the
fragment reruns the whole page once so it can draw the result. The Train page polls its
training job the same way with a view of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

import streamlit as st

from ae_core.tasks import FAILED, STOPPED, TASKS, Task, TaskState
from app_lib.i18n import t

POLL_S = 0.5


def _line(state: TaskState, label: str) -> str:
    eta = t("train.eta", s=state.eta) if state.eta is not None else t("train.eta_unknown")
    return t("task.progress", label=label, pct=100 * state.fraction, eta=eta)


def poll(task: Task, every_s: float, draw: Callable[[], None]) -> None:
    """Call ``draw()`` in a fragment rerun every ``every_s`` seconds while ``task`` runs.

    Only the fragment reruns, not the page: redrawing a whole page on every poll would cost
    the server and every watching browser CPU that a machine shared by a class does not
    have. Each poll tells the task it is watched (see ``ae_core.tasks.Context``); once the
    task has ended, the whole page reruns (it now has a result, or an error, to draw).
    """

    @st.fragment(run_every=every_s)
    def live() -> None:
        task.seen()
        if not task.state().running:
            st.rerun(scope="app")
        draw()

    live()


def task_panel(task_key: Hashable, widget_key: str, label: str) -> TaskState | None:
    """Draw the task's state; returns it (None when no task has that key)."""
    task = TASKS.get(task_key)
    if task is None:
        return None
    state = task.state()
    if state.running:

        def draw() -> None:
            now = task.state()
            bar, stop = st.columns([5, 1], vertical_alignment="bottom")
            bar.progress(now.fraction, text=_line(now, label))
            stop.button(t("train.stop"), key=f"{widget_key}_stop", on_click=task.stop,
                        help=t("task.stop_help"), width="stretch")

        poll(task, POLL_S, draw)
    elif state.status == FAILED:
        st.error(t("task.failed", error=state.error), icon="⚠️")
    elif state.status == STOPPED:
        st.info(t("task.stopped", s=state.elapsed), icon="⏹️")
    return state
