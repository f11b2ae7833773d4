"""Named starting points a teacher picks in one click (the Train page and the CLI).

Each preset is a variant, model settings, training settings and a budget of
optimisation steps. :func:`resolve_preset` turns one into the exact settings for
a dataset, and both the Train page and ``python -m ae_core train --preset`` call
it, so a preset gives the same model in either place.

Why a step budget. A fixed number of epochs means very different amounts of
training: 20 epochs at batch 256 are 4,680 steps on MNIST's 60,000 images but
120 on the 1,437 of digits (where a 2-D map then comes out as a line) and 20 on
an upload of 200 images (where a VAE's KL collapses the codes to one blob). So
a preset asks for a number of *steps*; batches shrink for small sets (about 20
a pass, at least 32 images) and the epochs follow from the dataset's size:

    digits (1,437)   plain-2d: batch 64,  91 epochs, 2,002 steps, ~10 s on one core
    MNIST (60,000)   plain-2d: batch 256,  9 epochs, 2,106 steps, ~50 s on one core
    an upload (192)  vae-2d:   batch 32, 334 epochs, 2,004 steps, ~15 s on one core

The VAE and sparse presets also warm their penalty up (``TrainConfig.
penalty_warmup``): the KL's weight rises from 0 over the first 30 % of the steps,
so the decoder learns to use the codes before the KL can switch them off.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ae_core.errors import ConfigError

MIN_BATCH = 32
BATCHES_PER_EPOCH = 20
"""A small set is cut into about this many batches a pass (never fewer than MIN_BATCH
images a batch): more, smaller steps than one or two full-set batches."""
MAX_EPOCHS = 2000


@dataclass(frozen=True)
class Preset:
    key: str
    title: str  # English, for ``python -m ae_core list``; the app's are in its string table
    variant: str
    model: dict[str, Any] = field(default_factory=dict)
    train: dict[str, Any] = field(default_factory=dict)
    steps: int = 0  # optimisation steps of the default run (0: ``train``'s epochs as given)


@dataclass(frozen=True)
class ResolvedPreset:
    """A preset's exact settings for one dataset: ``make_config(variant, **model)`` and
    ``TrainConfig(**train)`` build what the Train page and the CLI train."""

    key: str
    variant: str
    model: dict[str, Any]
    train: dict[str, Any]
    n_batches: int = 1  # batches an epoch on the dataset it was resolved for

    @property
    def steps(self) -> int:
        """Optimisation steps of the whole run."""
        return self.train["epochs"] * self.n_batches


PRESETS: dict[str, Preset] = {p.key: p for p in [
    Preset("plain-2d", "Plain AE 2-D", "vanilla",
           {"latent_dim": 2, "hidden": [512, 256, 128]}, {"lr": 2e-3}, steps=2000),
    Preset("vae-2d", "VAE 2-D", "vae",
           {"latent_dim": 2, "hidden": [512, 256, 128], "beta": 1.0},
           {"lr": 2e-3, "penalty_warmup": 0.3}, steps=2000),
    Preset("sparse", "Sparse AE", "sparse_kl",
           {"latent_dim": 64, "hidden": [], "rho": 0.05, "sparsity_weight": 3.0},
           {"lr": 5e-3, "penalty_warmup": 0.3}, steps=3000),
    Preset("denoising", "Denoising AE", "denoising",
           {"latent_dim": 32, "hidden": [512, 256], "noise": "gaussian", "noise_level": 0.5},
           {"lr": 2e-3}, steps=2000),
    Preset("conv-vae", "Conv VAE", "vae",
           {"arch": "conv", "latent_dim": 2, "channels": [16, 32], "hidden": [256]},
           {"lr": 2e-3, "batch_size": 128, "penalty_warmup": 0.3}, steps=2000),
    Preset("deep-30d", "Deep AE 30-D", "vanilla",
           {"latent_dim": 30, "hidden": [1000, 500, 250]}, {"lr": 2e-3}, steps=2000),
]}
DEFAULT_PRESET = "plain-2d"
"""The preset the Train page's form starts from."""


def batch_size_for(n_train: int, preferred: int = 256) -> int:
    """``preferred``, or for a small set the largest power of two giving about
    :data:`BATCHES_PER_EPOCH` batches a pass (at least :data:`MIN_BATCH`, at most the set)."""
    if n_train < 1:
        raise ConfigError("A dataset needs at least one training image.")
    fit = 2 ** int(math.log2(max(n_train // BATCHES_PER_EPOCH, 1)))
    return max(1, min(preferred, max(MIN_BATCH, fit), n_train))


def resolve_preset(key: str, n_train: int, image_shape: tuple[int, ...] | list[int]
                   ) -> ResolvedPreset:
    """Preset ``key`` for a dataset of ``n_train`` training images of ``image_shape``.

    The model gets the dataset's input shape; training gets a batch size for the
    set's size and the epochs that make up the preset's step budget.
    """
    if key not in PRESETS:
        raise ConfigError(f"Unknown preset '{key}'; known: {', '.join(PRESETS)}.")
    preset = PRESETS[key]
    model = {**preset.model, "input_shape": [int(s) for s in image_shape]}
    train = dict(preset.train)
    if preset.steps:
        batch = batch_size_for(n_train, int(train.get("batch_size", 256)))
        n_batches = max(n_train // batch, 1)
        train["batch_size"] = batch
        train["epochs"] = min(MAX_EPOCHS, max(1, math.ceil(preset.steps / n_batches)))
    else:
        n_batches = max(n_train // min(int(train.get("batch_size", 256)), n_train), 1)
        train.setdefault("epochs", 20)
    return ResolvedPreset(key, preset.variant, model, train, n_batches)


def preset_for(key: str, dataset) -> ResolvedPreset:
    """:func:`resolve_preset` for a :class:`ae_core.data.Dataset` (its training images are
    counted, not loaded)."""
    return resolve_preset(key, dataset.n_train, dataset.image_shape)
