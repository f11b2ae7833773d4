"""Background work: any long computation in a worker thread, with progress, ETA and stop.

One framework for everything the app computes off its script runs (a training job of the
Train page is one kind of task, :mod:`ae_core.jobs`):

- a :class:`Context` is what a long function hears from and reports to: it calls
  ``ctx.progress(fraction, text)`` and checks ``ctx.stop_requested`` (or hands a trainer to
  ``ctx.watch``), so a stop button ends it within a batch. Every long function of the
  library takes one (``ctx=None``: nobody listens);
- a :class:`Task` runs one function in a daemon thread at the lowest CPU priority (a click
  elsewhere in the app comes first) and gives the UI an immutable :class:`TaskState`;
- a :class:`Board` is a process-level table of tasks with a cap on how many run at once
  (and, where tasks have owners, one running task per owner). :data:`TASKS` holds the
  pages' computations keyed by what they compute, so every session that asks for the same
  thing shares one run and a page refresh finds it again.

Torch-free: a trainer is only ever handed in.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from ae_core.errors import AECoreError, error_kind
from ae_core.threads import lower_current_thread_priority

RUNNING, DONE, STOPPED, FAILED = "running", "done", "stopped", "failed"
ETA_WINDOW_S = 20.0
"""The time-left estimate extrapolates the progress rate of this many recent seconds."""
SAMPLE_EVERY_S = 0.25


class TaskRefused(AECoreError):
    """Too many tasks are running on this machine (or for this owner) to start another."""


def estimate_eta(samples: Sequence[tuple[float, float]], now: float,
                 window_s: float = ETA_WINDOW_S) -> float | None:
    """Seconds left, from the rate of progress over the last ``window_s`` seconds.

    ``samples`` are ``(time, progress)`` pairs, oldest first. The whole run's
    average would count the start (loading data, the first slow steps) and
    would lag behind a run that slows down as the page redraws more; the
    recent rate does neither. Time since the newest sample counts down.
    """
    if not samples:
        return None
    t1, p1 = samples[-1]
    if p1 >= 1:
        return 0.0
    older = [(t, p) for t, p in samples if t1 - t <= window_s and t < t1]
    if not older:
        return None
    t0, p0 = older[0]
    if p1 <= p0:
        return None
    left = (1 - p1) * (t1 - t0) / (p1 - p0)
    return max(left - (now - t1), 0.0)


class Context:
    """What a long function sees: a progress reporter and a stop flag; thread-safe.

    ``unwatched_s`` (None: never) makes the work stop itself once nobody has called
    :meth:`seen` for that many seconds: a browser closed on a long run must not hold one of
    the machine's slots. Usable on its own (tests, the command line) without a task.
    """

    def __init__(self, unwatched_s: float | None = None) -> None:
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.fraction = 0.0
        self.text = ""
        self.unwatched_s = unwatched_s
        self.unwatched = False  # stopped because nobody watched
        self._seen = time.monotonic()
        self._samples: deque[tuple[float, float]] = deque(
            maxlen=int(4 * ETA_WINDOW_S / SAMPLE_EVERY_S))

    def progress(self, fraction: float, text: str | None = None) -> None:
        """Report how far along the work is (clamped to [0, 1])."""
        now = time.monotonic()
        with self._lock:
            self.fraction = min(max(float(fraction), 0.0), 1.0)
            if text is not None:
                self.text = text
            if not self._samples or now - self._samples[-1][0] >= SAMPLE_EVERY_S:
                self._samples.append((now, self.fraction))

    def seen(self) -> None:
        """Somebody is looking at this work (see ``unwatched_s``)."""
        self._seen = time.monotonic()

    @property
    def stop_requested(self) -> bool:
        """Whether the work should end now, with whatever partial result it has."""
        if (self.unwatched_s is not None and not self._stop.is_set()
                and time.monotonic() - self._seen > self.unwatched_s):
            self.unwatched = True
            self._stop.set()
        return self._stop.is_set()

    def request_stop(self) -> None:
        self._stop.set()

    def read(self) -> tuple[float, str, float | None]:
        """(fraction, text, seconds left or None), consistent with each other."""
        now = time.monotonic()
        with self._lock:
            fraction, text, samples = self.fraction, self.text, list(self._samples)
        return fraction, text, estimate_eta(samples, now)

    def part(self, start: float, span: float) -> Context:
        """This context as one stage of the work sees it (one model of several): the stage's
        progress 0..1 lands on ``start .. start + span`` here; the stop is shared."""
        return _Part(self, start, span)

    def watch(self, trainer, text: str | None = None) -> None:
        """Mirror a :class:`~ae_core.training.Trainer`'s progress here and stop it on request.

        Checked after every batch, so a stop takes effect within one batch.
        """

        def on_batch(tr) -> None:
            self.progress(tr.progress, text)
            if self.stop_requested:
                tr.stop()

        trainer.add_callback("on_batch_end", on_batch)
        if self.stop_requested:
            trainer.stop()


class _Part(Context):
    """A stage of a :class:`Context`'s work (see :meth:`Context.part`)."""

    def __init__(self, whole: Context, start: float, span: float) -> None:
        self._whole, self._start, self._span = whole, start, span

    def progress(self, fraction: float, text: str | None = None) -> None:
        self._whole.progress(self._start + self._span * min(max(float(fraction), 0.0), 1.0),
                             text)

    def seen(self) -> None:
        self._whole.seen()

    @property
    def stop_requested(self) -> bool:
        return self._whole.stop_requested

    def request_stop(self) -> None:
        self._whole.request_stop()

    def read(self) -> tuple[float, str, float | None]:
        return self._whole.read()


def context(ctx: Context | None) -> Context:
    """``ctx``, or a context nobody listens to (a long function called without one)."""
    return ctx if ctx is not None else Context()


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
    eta: float | None = None  # seconds left at the recent pace (None: not known yet)
    error_kind: dict[str, Any] | None = None  # a failure's kind (ae_core.errors.error_kind)
    unwatched: bool = False  # stopped because nobody watched it (Context.unwatched_s)

    @property
    def running(self) -> bool:
        return self.status == RUNNING


class Task:
    """One function call ``fn(ctx)`` in a daemon thread; thread-safe to poll and stop.

    ``owner`` says who started it (a board may allow one running task per owner).
    """

    def __init__(self, key: Hashable, fn: Callable[[Context], Any],
                 owner: Hashable | None = None, unwatched_s: float | None = None,
                 name: str = "task"):
        self.key = key
        self.owner = owner
        self.ctx = Context(unwatched_s)
        self._fn = fn
        self._status = RUNNING
        self._result: Any = None
        self._error: str | None = None
        self._error_kind: dict[str, Any] | None = None
        self._started = time.monotonic()
        self._ended: float | None = None
        self.thread = threading.Thread(target=self._run, name=f"{name}-{key}", daemon=True)

    @property
    def unwatched_s(self) -> float | None:
        return self.ctx.unwatched_s

    @unwatched_s.setter
    def unwatched_s(self, seconds: float | None) -> None:
        self.ctx.unwatched_s = seconds

    def start(self) -> Task:
        self.thread.start()
        return self

    def _run(self) -> None:
        lower_current_thread_priority()  # a click elsewhere in the app comes first
        try:
            result = self._fn(self.ctx)
        except AECoreError as e:  # an expected refusal: its sentence is the message
            self._finish(FAILED, error=str(e), kind=error_kind(e))
        except Exception as e:  # reported to the UI, never lost silently
            traceback.print_exc()
            self._finish(FAILED, error=f"{type(e).__name__}: {e}", kind=error_kind(e))
        else:
            self._finish(STOPPED if self.ctx.stop_requested else DONE, result=result)

    def _finish(self, status: str, result: Any = None, error: str | None = None,
                kind: dict[str, Any] | None = None) -> None:
        self._result, self._error, self._error_kind = result, error, kind
        self._ended = time.monotonic()
        self._status = status  # last: a reader that sees the status sees the result too

    def seen(self) -> None:
        """A page is showing this task (see :class:`Context`'s ``unwatched_s``)."""
        self.ctx.seen()

    def stop(self) -> None:
        """Ask the function to stop; it decides what partial result to return."""
        self.ctx.request_stop()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the task ends (tests, CLI); True when it did."""
        self.thread.join(timeout)
        return not self.thread.is_alive()

    def state(self) -> TaskState:
        status = self._status
        end = self._ended if self._ended is not None else time.monotonic()
        elapsed = end - self._started
        fraction, text, eta = self.ctx.read()
        if status == DONE:
            fraction = 1.0
        if status != RUNNING:
            eta = None
        elif eta is None and fraction > 0.02:  # no recent pace yet: the pace so far
            eta = elapsed * (1.0 - fraction) / fraction
        return TaskState(self.key, status, fraction, text, elapsed, self._result, self._error,
                         eta, self._error_kind, self.ctx.unwatched)


class Board:
    """Process-level tasks by key, with a cap on running ones; finished ones are kept (LRU,
    ``keep`` of them; None: all)."""

    def __init__(self, max_running: int = 2, keep: int | None = 32):
        self.max_running = max_running
        self.keep = keep
        self._tasks: OrderedDict[Hashable, Task] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Task | None:
        with self._lock:
            return self._tasks.get(key)

    def tasks(self) -> list[Task]:
        with self._lock:
            return list(self._tasks.values())

    def latest_for(self, owner: Hashable) -> Task | None:
        """The newest task ``owner`` started, running or not."""
        with self._lock:
            mine = [t for t in self._tasks.values() if t.owner == owner]
        return mine[-1] if mine else None

    def start(self, key: Hashable, fn: Callable[[Context], Any]) -> Task:
        """The task for ``key``: the running or finished one, else a new one.

        A failed or stopped task is replaced, so "try again" just calls this again.
        """
        with self._lock:
            task = self._tasks.get(key)
            if task is not None and task.state().status in (RUNNING, DONE):
                self._tasks.move_to_end(key)
                return task
        return self.add(Task(key, fn))

    def add(self, task: Task) -> Task:
        """Start ``task`` here, or raise :class:`TaskRefused` with the reason."""
        with self._lock:
            running = [t for t in self._tasks.values() if t.state().running]
            if task.owner is not None and any(t.owner == task.owner for t in running):
                raise self.refused_owner()
            if len(running) >= self.max_running:
                raise self.refused_cap(len(running))
            self._tasks[task.key] = task
            self._tasks.move_to_end(task.key)
            self._evict()
        return task.start()

    def refused_owner(self) -> TaskRefused:
        return TaskRefused("A computation of yours is already running; stop it or wait for it "
                           "to finish.", code="task.busy_owner")

    def refused_cap(self, running: int) -> TaskRefused:
        return TaskRefused(f"{running} background computations are already running on this "
                           "machine (the limit); try again when one finishes.",
                           code="task.busy", count=running)

    def forget(self, key: Hashable) -> None:
        """Drop a finished task (e.g. to recompute it); a running one is stopped first."""
        with self._lock:
            task = self._tasks.pop(key, None)
        if task is not None:
            task.stop()

    def _evict(self) -> None:
        if self.keep is None:
            return
        finished = [k for k, t in self._tasks.items() if not t.state().running]
        for key in finished[: max(0, len(self._tasks) - self.keep)]:
            del self._tasks[key]


TASKS = Board()
