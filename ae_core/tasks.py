"""Background tasks: any long computation in a worker thread, with progress and stop.

:mod:`ae_core.jobs` is the full training-job machinery of the Train page. Pages
that need a quick model of their own (an anomaly model for the chosen normal
classes, the sparse comparison, a rate–distortion sweep) use this smaller
piece instead: a function runs in a thread, reports a fraction and a line of
text through a :class:`TaskContext`, and checks ``ctx.stop_requested`` so a
stop button ends it within a batch. Tasks live on a process-level
:class:`TaskBoard` keyed by what they compute, so every session that asks for
the same thing shares one run and a page refresh finds it again.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from ae_core.errors import AECoreError
from ae_core.threads import lower_current_thread_priority

RUNNING, DONE, STOPPED, FAILED = "running", "done", "stopped", "failed"


class TaskRefused(AECoreError):
    """Too many tasks are running on this machine to start another."""


class TaskContext:
    """What a task function sees: a progress reporter and a stop flag."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.fraction = 0.0
        self.text = ""

    def progress(self, fraction: float, text: str | None = None) -> None:
        """Report how far along the task is (clamped to [0, 1])."""
        with self._lock:
            self.fraction = min(max(float(fraction), 0.0), 1.0)
            if text is not None:
                self.text = text

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    def request_stop(self) -> None:
        self._stop.set()

    def watch(self, trainer, text: str | None = None) -> None:
        """Mirror a :class:`~ae_core.training.Trainer`'s progress here and stop it on request.

        Checked after every batch, so a stop takes effect within one batch.
        """

        def on_batch(tr) -> None:
            self.progress(tr.progress, text)
            if self.stop_requested:
                tr.stop()

        trainer.add_callback("on_batch_end", on_batch)


@dataclass(frozen=True)
class TaskState:
    """An immutable view of a task for the UI thread."""

    key: Hashable
    status: str
    fraction: float
    text: str
    elapsed: float
    result: Any = None
    error: str | None = None

    @property
    def running(self) -> bool:
        return self.status == RUNNING

    @property
    def eta(self) -> float | None:
        """Seconds left at the pace so far (None before any progress)."""
        if not self.running or self.fraction <= 0.02:
            return None
        return self.elapsed * (1.0 - self.fraction) / self.fraction


class BackgroundTask:
    """One function call in a daemon thread; thread-safe to poll and stop."""

    def __init__(self, key: Hashable, fn: Callable[[TaskContext], Any]):
        self.key = key
        self._fn = fn
        self._ctx = TaskContext()
        self._status = RUNNING
        self._result: Any = None
        self._error: str | None = None
        self._started = time.monotonic()
        self._ended: float | None = None
        self._thread = threading.Thread(target=self._run, name=f"task-{key}", daemon=True)

    def start(self) -> BackgroundTask:
        self._thread.start()
        return self

    def _run(self) -> None:
        lower_current_thread_priority()  # a click elsewhere in the app comes first
        try:
            result = self._fn(self._ctx)
        except AECoreError as e:  # an expected refusal: its sentence is the message
            self._finish(FAILED, error=str(e))
        except Exception as e:  # reported to the UI, never lost silently
            traceback.print_exc()
            self._finish(FAILED, error=f"{type(e).__name__}: {e}")
        else:
            self._finish(STOPPED if self._ctx.stop_requested else DONE, result=result)

    def _finish(self, status: str, result: Any = None, error: str | None = None) -> None:
        self._result, self._error = result, error
        self._ended = time.monotonic()
        self._status = status  # last: a reader that sees the status sees the result too

    def stop(self) -> None:
        """Ask the function to stop; it decides what partial result to return."""
        self._ctx.request_stop()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the task ends (tests, CLI); True when it did."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def state(self) -> TaskState:
        end = self._ended if self._ended is not None else time.monotonic()
        with self._ctx._lock:
            fraction, text = self._ctx.fraction, self._ctx.text
        status = self._status
        if status == DONE:
            fraction = 1.0
        return TaskState(self.key, status, fraction, text, end - self._started,
                         self._result, self._error)


class TaskBoard:
    """Process-level tasks keyed by what they compute; finished ones are kept (LRU)."""

    def __init__(self, max_running: int = 2, keep: int = 32):
        self.max_running = max_running
        self.keep = keep
        self._tasks: OrderedDict[Hashable, BackgroundTask] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> BackgroundTask | None:
        with self._lock:
            return self._tasks.get(key)

    def start(self, key: Hashable, fn: Callable[[TaskContext], Any]) -> BackgroundTask:
        """The task for ``key``: the running or finished one, else a new one.

        A failed or stopped task is replaced, so "try again" just calls this again.
        """
        with self._lock:
            task = self._tasks.get(key)
            if task is not None and task.state().status in (RUNNING, DONE):
                self._tasks.move_to_end(key)
                return task
            running = sum(t.state().running for t in self._tasks.values())
            if running >= self.max_running:
                raise TaskRefused(f"{running} background computations are already running on "
                                  "this machine (the limit); try again when one finishes.",
                                  code="task.busy", count=running)
            task = BackgroundTask(key, fn)
            self._tasks[key] = task
            self._evict()
        return task.start()

    def forget(self, key: Hashable) -> None:
        """Drop a finished task (e.g. to recompute it); a running one is stopped first."""
        with self._lock:
            task = self._tasks.pop(key, None)
        if task is not None:
            task.stop()

    def _evict(self) -> None:
        finished = [k for k, t in self._tasks.items() if not t.state().running]
        for key in finished[: max(0, len(self._tasks) - self.keep)]:
            del self._tasks[key]


TASKS = TaskBoard()
