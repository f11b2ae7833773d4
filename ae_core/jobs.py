"""Background training jobs: a process-level registry the UI polls.

A Streamlit script run must never train; it starts a :class:`TrainingJob`
here and polls :meth:`TrainingJob.snapshot` from a fragment. Jobs live in a
registry keyed by id (not in session state), so a page refresh or a visit to
another page finds the same running job. One running job per owner (browser
session) and a global cap keep a shared 2-core machine responsive.
"""

from __future__ import annotations

import hmac
import os
import secrets
import threading
import time
import traceback
import uuid
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import torch

from ae_core.errors import AECoreError, error_kind
from ae_core.threads import lower_current_thread_priority

ACTIVE = ("queued", "running", "stopping")
FALLBACK_STEM = "model"
ETA_WINDOW_S = 20.0
"""The time-left estimate extrapolates the progress rate of this many recent seconds."""
SAMPLE_EVERY_S = 0.25
UNWATCHED_S = float(os.environ.get("AE_JOB_UNWATCHED_S", 600))
"""A job that no page has looked at for this many seconds stops itself and saves what it
has (``AE_JOB_UNWATCHED_S``): a browser closed on a long training must not hold one of the
machine's training slots for the rest of the lesson."""


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


def default_model_name(dataset: str, variant: str, latent_dim: int) -> str:
    """``<dataset>-<variant>-<k>d``, valid for any dataset name a user can give.

    An upload's internal ``user:`` prefix is dropped and characters a model
    name cannot hold are replaced, so the default never fails at save time.
    """
    from ae_core.data.library import display_name
    from ae_core.store import safe_name

    suffix = f"-{variant}-{int(latent_dim)}d"
    return safe_name(display_name(dataset), room=len(suffix), fallback=FALLBACK_STEM) + suffix


def fallback_name() -> str:
    """A name that is always valid, for when the chosen one could not be saved."""
    return f"{FALLBACK_STEM}-{time.strftime('%Y%m%d-%H%M%S')}"


def _page_decoder(model):
    """The model's decoder lowered for a page (``ae_core.webdecoder``), None if it cannot be.

    Lowered in the training thread at the end of an epoch, so the weights are not read
    while an optimiser step writes them; a small copy (the decoder alone)."""
    from ae_core.webdecoder import UnsupportedDecoder, decoder_program

    try:
        return decoder_program(model)
    except UnsupportedDecoder:
        return None


class JobRefused(AECoreError):
    """A job could not start (cap reached, one already running for this session)."""


@dataclass(frozen=True)
class JobSpec:
    """Everything needed to train and store one model."""

    dataset: str
    variant: str
    model: dict[str, Any] = field(default_factory=dict)
    train: dict[str, Any] = field(default_factory=dict)
    name: str = ""
    probe_size: int = 1000
    eval_points: int = 2000


@dataclass(frozen=True)
class JobSnapshot:
    """An immutable copy of a job's state, safe to read from the UI thread."""

    id: str
    owner: str
    spec: JobSpec
    status: str
    message: str
    progress: float
    epoch: int
    epochs: int
    elapsed: float
    eta: float | None
    history: list[dict[str, float]]
    probe_codes: list[torch.Tensor]
    probe_labels: torch.Tensor | None
    model_name: str | None
    metrics: dict[str, Any]
    divergence: tuple[float, int] | None = None
    save_error: dict[str, Any] | None = None  # its kind; the model is kept: see save_as
    error: dict[str, Any] | None = None  # a failure's kind (ae_core.errors.error_kind)
    decoder: Any = None  # the last epoch's decoder as a page runs it (ae_core.webdecoder)
    unwatched: bool = False  # stopped because no page showed it for UNWATCHED_S

    @property
    def unsaved(self) -> bool:
        """Trained weights that no file holds yet (the save failed)."""
        return self.save_error is not None and self.model_name is None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE


class TrainingJob:
    """One training run in a worker thread; every public method is thread-safe."""

    def __init__(self, spec: JobSpec, owner: str, store=None, dataset_loader=None,
                 callbacks: dict[str, list] | None = None):
        self.id = uuid.uuid4().hex[:12]
        self.owner = owner
        self.secret = secrets.token_urlsafe(18)  # control; the id in the URL only watches
        self.unwatched_s = UNWATCHED_S
        self._seen = time.monotonic()
        self.spec = spec
        self._store = store
        self._load_dataset = dataset_loader
        self._lock = threading.Lock()
        self._trainer = None
        self._stop_requested = threading.Event()
        self._state: dict[str, Any] = {
            "status": "queued", "message": "", "progress": 0.0, "epoch": 0,
            "epochs": int(spec.train.get("epochs", 0)), "history": [], "probe_codes": [],
            "probe_labels": None, "model_name": None, "metrics": {}, "divergence": None,
            "save_error": None, "error": None, "decoder": None, "unwatched": False,
        }
        self._started = time.perf_counter()
        self._samples: deque[tuple[float, float]] = deque(maxlen=int(4 * ETA_WINDOW_S /
                                                                     SAMPLE_EVERY_S))
        self._finished_at: float | None = None
        self.model = None
        self._unsaved: tuple[dict, dict | None] | None = None  # (metadata, extras) to retry
        self._extra_callbacks = callbacks or {}
        self.thread = threading.Thread(target=self._run, name=f"train-{self.id}", daemon=True)

    # ----- control ------------------------------------------------------------
    def start(self) -> TrainingJob:
        self.thread.start()
        return self

    def controls(self, secret: str | None) -> bool:
        """Whether ``secret`` is this job's: who holds it may stop or save it; anyone who
        knows the id may only watch."""
        return bool(secret) and hmac.compare_digest(str(secret), self.secret)

    def seen(self) -> None:
        """A page is showing this job (see :data:`UNWATCHED_S`)."""
        self._seen = time.monotonic()

    def stop(self) -> None:
        """Stop at the next batch; the model keeps its last finished epoch."""
        self._stop_requested.set()
        with self._lock:
            if self._state["status"] in ("queued", "running"):
                self._state["status"] = "stopping"
            trainer = self._trainer
        if trainer is not None:
            trainer.stop()

    def wait(self, timeout: float | None = None) -> bool:
        self.thread.join(timeout)
        return not self.thread.is_alive()

    def snapshot(self) -> JobSnapshot:
        with self._lock:
            s = dict(self._state)
            history = list(s["history"])
            probes = list(s["probe_codes"])
            samples = list(self._samples)
        now = time.perf_counter()
        elapsed = (self._finished_at or now) - self._started
        progress = s["progress"]
        eta = estimate_eta(samples, now) if 0 < progress < 1 else None
        return JobSnapshot(self.id, self.owner, self.spec, s["status"], s["message"], progress,
                           s["epoch"], s["epochs"], elapsed, eta, history, probes,
                           s["probe_labels"], s["model_name"], dict(s["metrics"]),
                           s["divergence"], s["save_error"], s["error"], s["decoder"],
                           s["unwatched"])

    # ----- the worker -----------------------------------------------------------
    def _set(self, **changes: Any) -> None:
        with self._lock:
            self._state.update(changes)

    def _run(self) -> None:
        lower_current_thread_priority()  # a click elsewhere in the app comes first
        try:
            self._train_and_store()
        except AECoreError as e:
            self._set(status="failed", message=str(e), error=error_kind(e))
        except Exception as e:  # a bug must end the job visibly, never kill the app
            traceback.print_exc()
            self._set(status="failed", message=f"Training failed: {type(e).__name__}: {e}",
                      error=error_kind(e))
        finally:
            self._finished_at = time.perf_counter()

    def _train_and_store(self) -> None:
        from ae_core.data import load_dataset
        from ae_core.evaluate import evaluate
        from ae_core.models import build_model, make_config
        from ae_core.training import TrainConfig, Trainer

        spec = self.spec
        train_config = TrainConfig.from_dict(dict(spec.train))
        config = make_config(spec.variant, **spec.model)
        data = (self._load_dataset or load_dataset)(spec.dataset)
        if tuple(config.input_shape) != data.image_shape:
            config = config.replace(input_shape=list(data.image_shape))
        model = build_model(config, seed=train_config.seed)
        trainer = Trainer(model, train_config)
        probe = data.x_test[: spec.probe_size] if spec.probe_size else None
        self._set(status="running", epochs=train_config.epochs,
                  probe_labels=data.y_test[: spec.probe_size] if spec.probe_size else None)
        with self._lock:
            self._trainer = trainer
        if self._stop_requested.is_set():
            trainer.stop()
        trainer.add_callback("on_batch_end", self._on_batch)
        trainer.add_callback("on_epoch_end", self._on_epoch)
        for event, fns in self._extra_callbacks.items():
            for fn in fns:
                trainer.add_callback(event, fn)
        result = trainer.fit(data.x_train, x_val=data.x_test, probe=probe)
        if probe is not None:
            self._set(probe_codes=list(result.probe_codes))
        self.model = model
        self._set(divergence=result.divergence)
        if result.epochs_completed == 0:
            self._set(status=result.status, message=result.message + " Nothing was saved.")
            return
        self._set(message=result.message + " Measuring the test metrics…")
        try:
            scores = evaluate(model, data, trust_points=spec.eval_points or None)
        except Exception:  # a metric must never cost the trained weights
            traceback.print_exc()
            scores = {}
        name = self._save(model, data.name, train_config, result, scores, probe)
        self._set(status=result.status, message=result.message, model_name=name,
                  metrics=scores)
        if result.status == "finished":
            self._set(progress=1.0)

    def _on_batch(self, trainer) -> None:
        if time.monotonic() - self._seen > self.unwatched_s and not self._stop_requested.is_set():
            self._set(unwatched=True)
            self.stop()  # nobody is looking: keep the last epoch, free the slot
        now, progress = time.perf_counter(), trainer.progress
        with self._lock:
            self._state["progress"] = progress
            if not self._samples or now - self._samples[-1][0] >= SAMPLE_EVERY_S:
                self._samples.append((now, progress))

    def _on_epoch(self, trainer) -> None:
        with self._lock:
            self._samples.append((time.perf_counter(), trainer.progress))
            self._state["epoch"] = trainer.epoch
            self._state["progress"] = trainer.progress
            self._state["history"] = list(trainer.history)
            self._state["probe_codes"] = list(trainer.probe_codes)
        if trainer.probe_codes:  # the map's hover preview decodes with this epoch's weights
            decoder = _page_decoder(trainer.model)
            with self._lock:
                self._state["decoder"] = decoder

    def _save(self, model, dataset_name, train_config, result, scores, probe) -> str | None:
        """Save under the chosen (or default) name, else a fallback name; if even that
        fails, keep the model and say why (:meth:`save_as` retries)."""
        from ae_core.training import probe_extras

        metadata = {"dataset": dataset_name, "seed": train_config.seed,
                    "train": train_config.to_dict(), "metrics": scores,
                    "status": result.status, "train_seconds": round(result.seconds, 2),
                    "trained_in": "app"}
        extras = probe_extras(result.probe_codes, probe) if result.probe_codes else None
        self._unsaved = (metadata, extras)
        stem = self.spec.name or default_model_name(dataset_name, self.spec.variant,
                                                    model.latent_dim)
        error: Exception | None = None
        for candidate in (stem, fallback_name()):
            try:
                return self._write(self._store_or_default().unique_name(candidate))
            except (AECoreError, OSError) as e:
                error = e
        self._set(save_error=error_kind(error))
        return None

    def _store_or_default(self):
        from ae_core.store import ModelStore

        return self._store or ModelStore()

    def _write(self, name: str) -> str:
        metadata, extras = self._unsaved
        self._store_or_default().save(self.model, name, metadata, extras)
        self._unsaved = None
        self._set(model_name=name, save_error=None)
        return name

    def save_as(self, name: str) -> str:
        """Save a finished job's model that could not be saved, under ``name``.

        Raises the store's error (bad name, name taken…) and keeps the model.
        """
        from ae_core.store import validate_name

        if self._unsaved is None or self.model is None or self.thread.is_alive():
            raise AECoreError("This job has no unsaved model.")
        return self._write(self._store_or_default().check_free(validate_name(name)))


class JobRegistry:
    """Process-wide table of jobs with per-owner and global limits."""

    def __init__(self, max_running: int = 2, threads: int | None = 1):
        self.max_running = max_running
        self.threads = threads
        self._jobs: dict[str, TrainingJob] = {}
        self._lock = threading.Lock()

    def start(self, spec: JobSpec, owner: str, **job_options: Any) -> TrainingJob:
        """Start a job or raise :class:`JobRefused` with the reason."""
        with self._lock:
            running = [j for j in self._jobs.values() if j.snapshot().active]
            if any(j.owner == owner for j in running):
                raise JobRefused("A training job is already running in this session; stop it "
                                 "or wait for it to finish.", code="job.busy_session")
            if len(running) >= self.max_running:
                raise JobRefused(f"{len(running)} training jobs are already running on this "
                                 "machine (the limit); try again when one finishes.",
                                 code="job.busy_machine", count=len(running))
            if self.threads:
                # one intra-op thread per job leaves a core for the UI on a 2-core machine
                torch.set_num_threads(self.threads)
            job = TrainingJob(spec, owner, **job_options)
            self._jobs[job.id] = job
        return job.start()

    def get(self, job_id: str) -> TrainingJob | None:
        with self._lock:
            return self._jobs.get(job_id)

    def latest_for(self, owner: str) -> TrainingJob | None:
        with self._lock:
            mine = [j for j in self._jobs.values() if j.owner == owner]
        return mine[-1] if mine else None

    def jobs(self) -> list[TrainingJob]:
        with self._lock:
            return list(self._jobs.values())


REGISTRY = JobRegistry()
