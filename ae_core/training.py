"""The trainer: in-memory batches, callbacks, cancellation, reproducibility, NaN guard.

Modelled on minGPT's callback trainer. Data stays one tensor on the device and
batches are index slices of a seeded permutation, so there is no per-sample
Python work. Another thread may call :meth:`Trainer.stop` at any time; the
model then holds the weights of the last finished epoch.
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
import typing
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from ae_core.augment import MAX_SHIFT, random_shift
from ae_core.errors import ConfigError
from ae_core.models.config import _coerce, sentence

EVENTS = ("on_train_start", "on_batch_end", "on_epoch_end", "on_train_end")
EVAL_BATCH = 4096


@dataclass
class TrainConfig:
    """Optimisation settings; the defaults train a 2-D MNIST model well untuned."""

    epochs: int = 20
    batch_size: int = 256
    lr: float = 2e-3
    weight_decay: float = 0.0
    schedule: str = "cosine"
    warmup_steps: int = 100
    # fraction of all steps over which the objective's penalties (a VAE's KL, a sparse
    # model's sparsity term) rise linearly from 0 to their full weight (0: off). "KL
    # warm-up" (Bowman et al. 2016; Sønderby et al. 2016): the decoder first learns to use
    # the codes, so a VAE's KL cannot collapse them before they carry information.
    penalty_warmup: float = 0.0
    grad_clip: float = 0.0
    augment_shift: int = 0  # move each training image by up to this many pixels (0: off)
    seed: int = 0
    device: str = "auto"

    def validate(self) -> TrainConfig:
        """Refuse a wrong type (epochs "5" or 2.5) or an absurd value with a sentence; ints
        given for float settings become floats."""
        hints = typing.get_type_hints(type(self))
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            value = value.item() if hasattr(value, "item") and not isinstance(value, str) \
                and getattr(value, "ndim", 1) == 0 else value  # a NumPy or torch scalar
            setattr(self, f.name, _coerce(f.name, value, hints[f.name]))
        checks = [
            (1 <= self.epochs <= 10_000, "epochs must be between 1 and 10000"),
            (1 <= self.batch_size <= 65_536, "batch size must be between 1 and 65536"),
            (0.0 < self.lr <= 1.0, "the learning rate must be above 0 and at most 1"),
            (0.0 <= self.weight_decay <= 1.0, "weight decay must be between 0 and 1"),
            (self.schedule in ("cosine", "constant"), "schedule must be 'cosine' or 'constant'"),
            (0 <= self.warmup_steps <= 100_000, "warm-up steps must be between 0 and 100000"),
            (0.0 <= self.penalty_warmup <= 1.0,
             "the penalty warm-up must be a fraction of the training between 0 and 1"),
            (0.0 <= self.grad_clip <= 1e6, "gradient clip must be 0 (off) or positive"),
            (0 <= self.augment_shift <= MAX_SHIFT,
             f"the augmentation shift must be between 0 (off) and {MAX_SHIFT} pixels"),
            (0 <= self.seed < 2**63, "the seed must be a non-negative integer"),
            (self.device in ("auto", "cpu", "cuda"), "device must be 'auto', 'cpu' or 'cuda'"),
        ]
        for ok, message in checks:
            if not ok:
                raise ConfigError(sentence(message))
        if self.device == "cuda" and not torch.cuda.is_available():
            raise ConfigError("CUDA was requested but no GPU is available; use device 'auto'.")
        return self

    def check_fits(self, image_shape: tuple[int, ...]) -> TrainConfig:
        """Refuse settings that cannot work on images of ``image_shape`` (C, H, W): a form
        can then say so before a job starts, as the trainer does before its first step."""
        h, w = image_shape[-2:]
        if self.augment_shift >= min(h, w):
            raise ConfigError(f"An augmentation shift of {self.augment_shift} pixels is too "
                              f"large for {h}×{w} images.")
        return self

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ConfigError(f"Unknown training setting(s): {unknown}.")
        return cls(**data).validate()


def resolve_device(name: str = "auto") -> torch.device:
    """CUDA when present (or asked for), else the CPU."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


@dataclass
class TrainResult:
    status: str  # "finished", "stopped" or "diverged"
    message: str
    epochs_completed: int
    history: list[dict[str, float]]
    seconds: float = 0.0
    divergence: tuple[float, int] | None = None  # (bad loss value, epoch) when diverged


class Trainer:
    """Fits an :class:`ae_core.models.AutoEncoder` on an image tensor, reporting through callbacks.

    The model is typed as a module: the models call the trainer (``AutoEncoder.fit``), so
    this module does not import them.

    Callbacks are ``fn(trainer)``; during ``on_batch_end`` the trainer exposes
    ``batch``, ``n_batches`` and ``last_parts``; during ``on_epoch_end`` the
    newest ``history`` entry. ``on_train_start`` fires once the model is on its device,
    before the first step (:class:`ProbeSnapshots` is such a callback).
    """

    def __init__(self, model: nn.Module, config: TrainConfig | None = None):
        self.model = model
        self.config = (config or TrainConfig()).validate()
        self.callbacks: dict[str, list[Callable[[Trainer], None]]] = defaultdict(list)
        self._stop = threading.Event()
        self._stop_reason = ""
        self.history: list[dict[str, float]] = []
        self.epoch = 0
        self.batch = 0
        self.n_batches = 0
        self.last_parts: dict[str, float] = {}
        self.penalty_scale = 1.0  # the warm-up's factor on the penalties at the last step
        self.started_at = 0.0
        self.result: TrainResult | None = None
        self.divergence: tuple[float, int] | None = None

    # ----- control --------------------------------------------------------
    def add_callback(self, event: str, fn: Callable[[Trainer], None]) -> None:
        if event not in EVENTS:
            raise ValueError(f"unknown event {event!r}; known: {EVENTS}")
        self.callbacks[event].append(fn)

    def stop(self, reason: str = "Stopped by the user.") -> None:
        """Ask the loop to stop at the next batch; safe to call from any thread."""
        self._stop_reason = reason
        self._stop.set()

    @property
    def progress(self) -> float:
        """Fraction of all batches done, 0..1."""
        total = self.config.epochs * max(self.n_batches, 1)
        return min(1.0, (self.epoch * max(self.n_batches, 1) + self.batch) / total)

    def _fire(self, event: str) -> None:
        for fn in self.callbacks[event]:
            fn(self)

    # ----- the loop ---------------------------------------------------------
    def fit(self, x_train: torch.Tensor, x_val: torch.Tensor | None = None) -> TrainResult:
        """Train; returns how it ended. The model ends on its last good weights."""
        cfg = self.config
        device = resolve_device(cfg.device)
        model = self.model.to(device)
        x = x_train.to(device, torch.float32)
        cfg.check_fits(tuple(self.model.config.input_shape))
        gen = torch.Generator(device=device).manual_seed(cfg.seed)
        # fused: one kernel per step instead of several per parameter tensor
        optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr,
                                     weight_decay=cfg.weight_decay, fused=True)
        n = x.shape[0]
        bs = min(cfg.batch_size, n)
        self.n_batches = n // bs
        scheduler = torch.optim.lr_scheduler.LambdaLR(
            optimizer, self._lr_lambda(cfg.epochs * self.n_batches))
        last_good = _state_copy(model)
        self.started_at = time.perf_counter()
        status, message = "finished", f"Trained {cfg.epochs} epochs."
        self._fire("on_train_start")

        for epoch in range(cfg.epochs):
            self.epoch, t0 = epoch, time.perf_counter()
            model.train()
            perm = torch.randperm(n, generator=gen, device=device)
            sums: dict[str, torch.Tensor] = defaultdict(lambda: torch.zeros((), device=device))
            status = self._run_epoch(x, perm, bs, optimizer, scheduler, gen, sums)
            if status == "finished" and not _all_finite(model):
                status = self._weights_diverged()
            if status != "finished":
                model.load_state_dict(last_good)
                message = self._stop_message(status, epoch)
                break
            entry = {"epoch": epoch + 1, "lr": optimizer.param_groups[0]["lr"]}
            entry.update({f"train_{k}": float(v) / (self.n_batches * bs) for k, v in sums.items()})
            if x_val is not None and len(x_val):
                entry.update({f"val_{k}": v for k, v in evaluate_loss(model, x_val,
                                                                      cfg.seed + 1).items()})
            entry["seconds"] = time.perf_counter() - t0
            self.history.append(entry)
            last_good = _state_copy(model)
            self.epoch, self.batch = epoch + 1, 0
            self._fire("on_epoch_end")

        model.eval()
        model.history = list(self.history)
        result = TrainResult(status, message, len(self.history), list(self.history),
                             time.perf_counter() - self.started_at, self.divergence)
        self.result = result
        self._fire("on_train_end")
        return result

    def _run_epoch(self, x, perm, bs, optimizer, scheduler, gen, sums) -> str:
        """One pass over the data; returns "finished", "stopped" or "diverged"."""
        model, clip = self.model, self.config.grad_clip
        shift, shape = self.config.augment_shift, self.model.config.input_shape
        for b in range(self.n_batches):
            if self._stop.is_set():
                return "stopped"
            xb = x.index_select(0, perm[b * bs:(b + 1) * bs])
            if shift:
                xb = random_shift(xb.view(-1, *shape), shift, gen).view(xb.shape)
            self.penalty_scale = self._penalty_factor(self.epoch * self.n_batches + b)
            loss, parts = model.loss_terms(xb, gen, penalty_scale=self.penalty_scale)
            if not torch.isfinite(loss):
                self.divergence = (float(loss.detach()), self.epoch + 1)
                self._stop_reason = f"loss became {self.divergence[0]} at epoch {self.epoch + 1}"
                return "diverged"
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if clip:
                torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
            optimizer.step()
            scheduler.step()
            for k, v in parts.items():
                sums[k] += v * bs
            self.batch = b + 1
            if self.callbacks["on_batch_end"]:
                self.last_parts = {k: float(v) for k, v in parts.items()}
                self._fire("on_batch_end")
        return "finished"

    def _weights_diverged(self) -> str:
        """The loss was finite on every batch but a step left a weight (or a batch-norm
        statistic) non-finite: this epoch must not become the state kept."""
        self.divergence = (float("nan"), self.epoch + 1)
        self._stop_reason = f"a weight became non-finite at epoch {self.epoch + 1}"
        return "diverged"

    def _stop_message(self, status: str, epoch: int) -> str:
        kept = (f"the weights of epoch {epoch}" if epoch else "the initial weights")
        if status == "diverged":
            return (f"Training diverged: {self._stop_reason}. The model keeps {kept}. "
                    "Try a lower learning rate.")
        return f"{self._stop_reason} The model keeps {kept}."

    def _penalty_factor(self, step: int) -> float:
        """The penalties' weight factor at ``step``: (step + 1) / warm-up steps, capped at 1."""
        warm = self.config.penalty_warmup * self.config.epochs * max(self.n_batches, 1)
        return 1.0 if warm < 1 else min(1.0, (step + 1) / warm)

    def _lr_lambda(self, total_steps: int) -> Callable[[int], float]:
        warm = min(self.config.warmup_steps, max(total_steps // 10, 1))
        cosine = self.config.schedule == "cosine"

        def factor(step: int) -> float:
            if step < warm:
                return (step + 1) / warm
            if not cosine:
                return 1.0
            t = (step - warm) / max(total_steps - warm, 1)
            return 0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * min(t, 1.0)))

        return factor


class ProbeSnapshots:
    """A trainer callback (minGPT style): the codes of a fixed probe set before training and
    after every finished epoch.

    What the Train page's live latent map draws, and what a saved model keeps for its replay
    (:meth:`extras`); a diverged or stopped epoch adds none, like the weights it would not keep.
    """

    def __init__(self, probe: torch.Tensor):
        self.probe = probe
        self.codes: list[torch.Tensor] = []

    def attach(self, trainer: Trainer) -> ProbeSnapshots:
        trainer.add_callback("on_train_start", self._snapshot)
        trainer.add_callback("on_epoch_end", self._snapshot)
        return self

    def _snapshot(self, trainer: Trainer) -> None:
        self.codes.append(trainer.model.encode(self.probe))

    def extras(self, max_frames: int = 60) -> dict[str, torch.Tensor] | None:
        """The snapshots to save with the model (None before any)."""
        return probe_extras(self.codes, self.probe, max_frames) if self.codes else None


def probe_extras(snapshots: list[torch.Tensor], probe: torch.Tensor,
                 max_frames: int = 60) -> dict[str, torch.Tensor]:
    """At most ``max_frames`` evenly spaced snapshots (first and last kept) for replay."""
    keep = kept_frames(len(snapshots), max_frames)
    return {"probe_codes": torch.stack([snapshots[i] for i in keep]),
            "probe_epochs": torch.tensor(keep, dtype=torch.int32),
            "probe_rows": torch.arange(len(probe), dtype=torch.int32)}


REPLAY_IMAGES = 24
"""Probe images whose reconstructions are kept every epoch: enough to pick a few of each
class, small enough (24 × 60 frames × 784 bytes ≈ 1.1 MB at most for 28×28) beside the
weights."""


def replay_rows(labels: torch.Tensor, n: int = REPLAY_IMAGES) -> torch.Tensor:
    """``n`` probe rows taken round-robin over the classes in label order (each class's first
    images first), so a replay shows every class, not the first few test images."""
    labels = torch.as_tensor(labels).reshape(-1).long()
    by_class = [torch.nonzero(labels == c).reshape(-1).tolist() for c in labels.unique().tolist()]
    rows: list[int] = []
    depth = 0
    while len(rows) < min(n, len(labels)):
        rows.extend(r[depth] for r in by_class if depth < len(r))
        depth += 1
    return torch.tensor(sorted(rows[:n]), dtype=torch.int32)


class ReconstructionSnapshots:
    """A trainer callback beside :class:`ProbeSnapshots`: the reconstructions of a few probe
    images before training and after every finished epoch, as uint8 (a quarter of float32's
    bytes; 1/255 is below what a screen shows).

    The snapshots fire on the same events as the probe codes, so frame k of both is the same
    epoch and a saved model replays the map and an image's reconstruction in step
    (:meth:`extras`)."""

    def __init__(self, probe: torch.Tensor, rows: torch.Tensor):
        self.rows = torch.as_tensor(rows, dtype=torch.int32)
        self.images = probe[self.rows.long()]
        self.frames: list[torch.Tensor] = []

    def attach(self, trainer: Trainer) -> ReconstructionSnapshots:
        trainer.add_callback("on_train_start", self._snapshot)
        trainer.add_callback("on_epoch_end", self._snapshot)
        return self

    def _snapshot(self, trainer: Trainer) -> None:
        self.frames.append(to_uint8(trainer.model.reconstruct(self.images)))

    def extras(self, max_frames: int = 60) -> dict[str, torch.Tensor] | None:
        """The originals, the kept frames (the same epochs :func:`probe_extras` keeps), their
        epochs and the images' rows in the probe set; None before any frame."""
        if not self.frames:
            return None
        keep = kept_frames(len(self.frames), max_frames)
        shape = tuple(self.frames[0].shape[1:])
        return {"recon_images": to_uint8(self.images).reshape(-1, *shape),
                "recon_frames": torch.stack([self.frames[i] for i in keep]),
                "recon_epochs": torch.tensor(keep, dtype=torch.int32),
                "recon_rows": self.rows.clone()}


def to_uint8(images: torch.Tensor) -> torch.Tensor:
    """Images in [0, 1] as bytes 0..255 (rounded; values outside are clipped)."""
    return (images.detach().float().cpu().clamp(0, 1) * 255).round().to(torch.uint8)


def kept_frames(count: int, max_frames: int = 60) -> list[int]:
    """At most ``max_frames`` evenly spaced indices of ``count`` snapshots, first and last kept."""
    n = min(max_frames, count)
    return sorted({round(i * (count - 1) / max(n - 1, 1)) for i in range(n)})


@torch.no_grad()
def evaluate_loss(model: nn.Module, x: torch.Tensor, seed: int = 1) -> dict[str, float]:
    """Mean per-image loss parts over ``x`` in eval mode, with seeded noise/sampling."""
    was_training = model.training
    model.eval()
    device = model.device
    gen = torch.Generator(device=device).manual_seed(seed)
    sums: dict[str, float] = defaultdict(float)
    try:
        for chunk in x.split(EVAL_BATCH):
            _, parts = model.loss_terms(chunk.to(device, torch.float32), gen)
            for k, v in parts.items():
                sums[k] += float(v) * len(chunk)
    finally:
        model.train(was_training)
    return {k: v / len(x) for k, v in sums.items()}


def _all_finite(model: torch.nn.Module) -> bool:
    """Every float parameter and buffer is finite: checked before a state is kept as good."""
    return all(torch.isfinite(v).all() for v in model.state_dict().values()
               if v.is_floating_point())


def _state_copy(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}
