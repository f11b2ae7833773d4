"""The UI side of :mod:`ae_core.tasks`: a progress bar with a stop button, polled.

A page starts its computation with ``TASKS.start(key, fn)`` and calls
:func:`task_panel` on every run. While the task runs, only a small fragment
reruns (every ``POLL_S`` seconds) to move the bar; when the task ends, the
fragment reruns the whole page once so it can draw the result.
"""

from __future__ import annotations

from collections.abc import Hashable

import streamlit as st

from ae_core.tasks import FAILED, STOPPED, TASKS, TaskState
from app_lib.i18n import t

POLL_S = 0.5


def _line(state: TaskState, label: str) -> str:
    eta = t("train.eta", s=state.eta) if state.eta is not None else t("train.eta_unknown")
    return t("task.progress", label=label, pct=100 * state.fraction, eta=eta)


def task_panel(task_key: Hashable, widget_key: str, label: str) -> TaskState | None:
    """Draw the task's state; returns it (None when no task has that key)."""
    task = TASKS.get(task_key)
    if task is None:
        return None
    state = task.state()
    if state.running:

        @st.fragment(run_every=POLL_S)
        def live() -> None:
            now = task.state()
            if not now.running:
                st.rerun()  # the whole page: it now has a result (or an error) to draw
            bar, stop = st.columns([5, 1], vertical_alignment="bottom")
            bar.progress(now.fraction, text=_line(now, label))
            stop.button(t("train.stop"), key=f"{widget_key}_stop", on_click=task.stop,
                        help=t("task.stop_help"), width="stretch")

        live()
    elif state.status == FAILED:
        st.error(t("task.failed", error=state.error), icon="⚠️")
    elif state.status == STOPPED:
        st.info(t("task.stopped", s=state.elapsed), icon="⏹️")
    return state
