"""Background training jobs: training is one kind of :mod:`ae_core.tasks` task.

A Streamlit script run must never train; it starts a :class:`TrainingJob` here and polls
:meth:`TrainingJob.snapshot`. Jobs live on a board keyed by id (not in session state), so a
page refresh or a visit to another page finds the same running job. One running job per
owner and a global cap keep a shared 2-core machine responsive; who a browser is, and
whether it may stop a job, is the app's business (``app_lib.jobs``).
"""

from __future__ import annotations

import threading
import time
import traceback
import uuid
from dataclasses import dataclass, field
from typing import Any

import torch

from ae_core.data import load_dataset
from ae_core.data.library import display_name
from ae_core.errors import AECoreError, error_kind
from ae_core.evaluate import evaluate
from ae_core.models import build_model, make_config
from ae_core.store import ModelStore, safe_name, validate_name
from ae_core.tasks import Board, Context, Task, TaskRefused
from ae_core.training import (
    REPLAY_IMAGES,
    ProbeSnapshots,
    ReconstructionSnapshots,
    TrainConfig,
    Trainer,
    replay_rows,
    to_uint8,
)
from ae_core.webdecoder import UnsupportedDecoder, decoder_program

ACTIVE = ("queued", "running", "stopping")
FALLBACK_STEM = "model"


def default_model_name(dataset: str, variant: str, latent_dim: int) -> str:
    """``<dataset>-<variant>-<k>d``, valid for any dataset name a user can give.

    An upload's internal ``user:`` prefix is dropped and characters a model
    name cannot hold are replaced, so the default never fails at save time.
    """
    suffix = f"-{variant}-{int(latent_dim)}d"
    return safe_name(display_name(dataset), room=len(suffix), fallback=FALLBACK_STEM) + suffix


def fallback_name() -> str:
    """A name that is always valid, for when the chosen one could not be saved."""
    return f"{FALLBACK_STEM}-{time.strftime('%Y%m%d-%H%M%S')}"


def _page_decoder(model):
    """The model's decoder lowered for a page (``ae_core.webdecoder``), None if it cannot be.

    Lowered in the training thread at the end of an epoch, so the weights are not read
    while an optimiser step writes them; a small copy (the decoder alone)."""
    try:
        return decoder_program(model)
    except UnsupportedDecoder:
        return None


class JobRefused(TaskRefused):
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
    replay_images: int = REPLAY_IMAGES  # probe images whose reconstructions each epoch keeps


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
    unwatched: bool = False  # stopped because no page showed it (Context.unwatched_s)
    recon_frames: list[torch.Tensor] = field(default_factory=list)  # uint8, one an epoch
    recon_images: torch.Tensor | None = None  # the replayed probe images, uint8
    recon_rows: torch.Tensor | None = None  # their rows in the probe set

    @property
    def unsaved(self) -> bool:
        """Trained weights that no file holds yet (the save failed)."""
        return self.save_error is not None and self.model_name is None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE


class TrainingJob(Task):
    """One training run as a task; every public method is thread-safe."""

    def __init__(self, spec: JobSpec, owner: str, store=None, dataset_loader=None,
                 callbacks: dict[str, list] | None = None, unwatched_s: float | None = None):
        super().__init__(uuid.uuid4().hex[:12], self._work, owner=owner,
                         unwatched_s=unwatched_s, name="train")
        self.id = self.key
        self.spec = spec
        self._store = store
        self._load_dataset = dataset_loader
        self._lock = threading.Lock()
        self._state: dict[str, Any] = {
            "status": "queued", "message": "", "epoch": 0,
            "epochs": int(spec.train.get("epochs", 0)), "history": [], "probe_codes": [],
            "probe_labels": None, "model_name": None, "metrics": {}, "divergence": None,
            "save_error": None, "error": None, "decoder": None,
            "recon_frames": [], "recon": None,
        }
        self._trainer = None
        self.model = None
        self._unsaved: tuple[dict, dict | None] | None = None  # (metadata, extras) to retry
        self._extra_callbacks = callbacks or {}

    def snapshot(self) -> JobSnapshot:
        task = self.state()
        with self._lock:
            s = dict(self._state)
            history = list(s["history"])
            probes = list(s["probe_codes"])
            recon_frames = list(s["recon_frames"])
        status = s["status"]
        if status in ("queued", "running") and self.ctx.stop_requested:
            status = "stopping"
        progress = 1.0 if status == "finished" else task.fraction
        eta = task.eta if 0 < progress < 1 and task.running else None
        return JobSnapshot(self.id, self.owner, self.spec, status, s["message"], progress,
                           s["epoch"], s["epochs"], task.elapsed, eta, history, probes,
                           s["probe_labels"], s["model_name"], dict(s["metrics"]),
                           s["divergence"], s["save_error"], s["error"], s["decoder"],
                           task.unwatched, recon_frames,
                           *(s["recon"] if s["recon"] is not None else (None, None)))

    # ----- the worker -----------------------------------------------------------
    def _set(self, **changes: Any) -> None:
        with self._lock:
            self._state.update(changes)

    def _work(self, ctx: Context) -> str | None:
        try:
            return self._train_and_store(ctx)
        except AECoreError as e:
            self._set(status="failed", message=str(e), error=error_kind(e))
            raise
        except Exception as e:  # a bug must end the job visibly, never kill the app
            self._set(status="failed", message=f"Training failed: {type(e).__name__}: {e}",
                      error=error_kind(e))
            raise

    def _train_and_store(self, ctx: Context) -> str | None:
        spec = self.spec
        train_config = TrainConfig.from_dict(dict(spec.train))
        config = make_config(spec.variant, **spec.model)
        data = (self._load_dataset or load_dataset)(spec.dataset)
        if tuple(config.input_shape) != data.image_shape:
            config = config.replace(input_shape=list(data.image_shape))
        model = build_model(config, seed=train_config.seed)
        trainer = Trainer(model, train_config)
        probes = ProbeSnapshots(data.x_test[: spec.probe_size]).attach(trainer) \
            if spec.probe_size else None
        recons = ReconstructionSnapshots(probes.probe, replay_rows(
            data.y_test[: spec.probe_size], spec.replay_images)).attach(trainer) \
            if probes is not None and spec.replay_images else None
        if recons is not None:
            self._set(recon=(to_uint8(recons.images), recons.rows))
        self._set(status="running", epochs=train_config.epochs,
                  probe_labels=data.y_test[: spec.probe_size] if spec.probe_size else None)
        with self._lock:
            self._trainer = trainer
        ctx.watch(trainer)
        trainer.add_callback("on_epoch_end", lambda tr: self._on_epoch(tr, probes, recons))
        for event, fns in self._extra_callbacks.items():
            for fn in fns:
                trainer.add_callback(event, fn)
        result = trainer.fit(data.x_train, x_val=data.x_test)
        if probes is not None:
            self._set(probe_codes=list(probes.codes))
        if recons is not None:
            self._set(recon_frames=list(recons.frames))
        self.model = model
        self._set(divergence=result.divergence)
        if result.epochs_completed == 0:
            self._set(status=result.status, message=result.message + " Nothing was saved.")
            return None
        self._set(message=result.message + " Measuring the test metrics…")
        try:
            scores = evaluate(model, data, trust_points=spec.eval_points or None)
        except Exception:  # a metric must never cost the trained weights
            traceback.print_exc()
            scores = {}
        name = self._save(model, data.name, train_config, result, scores, probes, recons)
        self._set(status=result.status, message=result.message, model_name=name,
                  metrics=scores)
        return name

    def _on_epoch(self, trainer, probes: ProbeSnapshots | None,
                  recons: ReconstructionSnapshots | None = None) -> None:
        self.ctx.progress(trainer.progress)
        with self._lock:
            self._state["epoch"] = trainer.epoch
            self._state["history"] = list(trainer.history)
            if probes is not None:
                self._state["probe_codes"] = list(probes.codes)
            if recons is not None:
                self._state["recon_frames"] = list(recons.frames)
        if probes is not None:  # the map's hover preview decodes with this epoch's weights
            decoder = _page_decoder(trainer.model)
            with self._lock:
                self._state["decoder"] = decoder

    def _save(self, model, dataset_name, train_config, result, scores, probes,
              recons=None) -> str | None:
        """Save under the chosen (or default) name, else a fallback name; if even that
        fails, keep the model and say why (:meth:`save_as` retries)."""
        metadata = {"dataset": dataset_name, "seed": train_config.seed,
                    "train": train_config.to_dict(), "metrics": scores,
                    "status": result.status, "train_seconds": round(result.seconds, 2),
                    "trained_in": "app"}
        extras = {**(probes.extras() or {} if probes is not None else {}),
                  **(recons.extras() or {} if recons is not None else {})} or None
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
        if self._unsaved is None or self.model is None or self.thread.is_alive():
            raise AECoreError("This job has no unsaved model.")
        return self._write(self._store_or_default().check_free(validate_name(name)))


class JobRegistry(Board):
    """The training jobs of this process: at most one running per owner, ``max_running`` in
    all; finished jobs are kept (a page's address names one)."""

    def __init__(self, max_running: int = 2, threads: int | None = 1):
        super().__init__(max_running=max_running, keep=None)
        self.threads = threads

    def start(self, spec: JobSpec, owner: str, **job_options: Any) -> TrainingJob:
        """Start a job or raise :class:`JobRefused` with the reason."""
        if self.threads:
            # one intra-op thread per job leaves a core for the UI on a 2-core machine
            torch.set_num_threads(self.threads)
        return self.add(TrainingJob(spec, owner, **job_options))

    def refused_owner(self) -> JobRefused:
        return JobRefused("A training job is already running in this session; stop it or wait "
                          "for it to finish.", code="job.busy_session")

    def refused_cap(self, running: int) -> JobRefused:
        return JobRefused(f"{running} training jobs are already running on this machine (the "
                          "limit); try again when one finishes.", code="job.busy_machine",
                          count=running)

    def jobs(self) -> list[TrainingJob]:
        return self.tasks()


REGISTRY = JobRegistry()
