"""The registry of model variants.

Adding a variant is one file in this folder plus one line in ``VARIANTS``: its config's
fields (``config.setting``) become options of the command line and fields of the app's
Train form, its class's capability flags (``AutoEncoder.probabilistic``, ``.denoising``)
decide which metrics and pages use it, and every page that can use any autoencoder lists it.
Everything here reads ``VARIANTS`` when called, never at import.
"""

from __future__ import annotations

import threading
from typing import Any

import torch

from ae_core.errors import ConfigError
from ae_core.models.base import AutoEncoder
from ae_core.models.config import MAX_MODEL_NUMBERS, AEConfig, ConfigField, config_fields
from ae_core.models.denoising import DenoisingAE, DenoisingConfig
from ae_core.models.sparse_kl import SparseKLAE, SparseKLConfig
from ae_core.models.sparse_l1 import SparseL1AE, SparseL1Config
from ae_core.models.vae import VAE, VAEConfig
from ae_core.models.vanilla import VanillaAE, VanillaConfig

_SEED_LOCK = threading.Lock()

VARIANTS: dict[str, type[AutoEncoder]] = {
    "vanilla": VanillaAE,
    "sparse_l1": SparseL1AE,
    "sparse_kl": SparseKLAE,
    "denoising": DenoisingAE,
    "vae": VAE,
}


def variant_names() -> list[str]:
    return list(VARIANTS)


def variants_with(**capabilities: bool) -> list[str]:
    """Registered variants whose classes have these capability flags, in registry order
    (every variant when none is named)."""
    return [name for name, cls in VARIANTS.items()
            if all(getattr(cls, flag) == wanted for flag, wanted in capabilities.items())]


def has_capability(model: Any, flag: str) -> bool:
    """Whether a variant (its name) or a model has capability ``flag``; False for anything
    else (PCA, a variant no longer registered), so callers ask one way."""
    return getattr(VARIANTS.get(model) if isinstance(model, str) else model, flag, False) is True


def model_fields() -> dict[str, ConfigField]:
    """Every config field of every variant, first declaration wins (the command line's
    options and the Train form's fields)."""
    fields: dict[str, ConfigField] = {}
    for cls in VARIANTS.values():
        for f in config_fields(cls.config_class):
            fields.setdefault(f.name, f)
    return fields


def model_class(variant: str) -> type[AutoEncoder]:
    if variant not in VARIANTS:
        raise ConfigError(f"Unknown model variant '{variant}'; known: {', '.join(VARIANTS)}.")
    return VARIANTS[variant]


def config_class(variant: str) -> type[AEConfig]:
    return model_class(variant).config_class


def make_config(variant: str, **settings: Any) -> AEConfig:
    """A validated config of ``variant`` with ``settings`` over its defaults."""
    return config_class(variant).from_dict(settings)


def config_from_dict(data: dict[str, Any]) -> AEConfig:
    """Inverse of ``AEConfig.to_dict``: the 'variant' key picks the class."""
    if not isinstance(data, dict) or not isinstance(data.get("variant"), str):
        raise ConfigError("A model config must be a JSON object with a 'variant' name.")
    return config_class(data["variant"]).from_dict(data)


def parameter_count(config: AEConfig) -> int:
    """Numbers (weights and buffers) the config's model holds, counted on torch's ``meta``
    device: nothing is allocated."""
    with torch.device("meta"):
        return sum(t.numel() for t in model_class(config.variant)(config).state_dict().values())


def check_size(config: AEConfig) -> int:
    """The config's number count; raises ``ConfigError`` above ``MAX_MODEL_NUMBERS``."""
    count = parameter_count(config)
    if count > MAX_MODEL_NUMBERS:
        raise ConfigError(f"This model would hold {count:,} numbers, more than the "
                          f"{MAX_MODEL_NUMBERS:,} a model file may hold: choose fewer or "
                          "narrower layers, or smaller images.", code="config.too_big",
                          count=count, limit=MAX_MODEL_NUMBERS)
    return count


def build_model(config: AEConfig, seed: int | None = 0) -> AutoEncoder:
    """Instantiate the variant; ``seed`` fixes the initial weights without touching global RNG.

    A config too large to save (``check_size``) is refused before anything is allocated;
    ``seed=None`` builds without that check (the model files' header check counts on its
    own, and builds on the ``meta`` device)."""
    cls = model_class(config.variant)
    if seed is None:
        return cls(config)
    check_size(config)
    # the global RNG is shared by all threads: hold it while seeding and initialising
    with _SEED_LOCK, torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return cls(config)


__all__ = [
    "VAE", "VARIANTS", "AEConfig", "AutoEncoder", "DenoisingAE", "DenoisingConfig",
    "SparseKLAE", "SparseKLConfig", "SparseL1AE", "SparseL1Config", "VAEConfig", "VanillaAE",
    "VanillaConfig", "build_model", "check_size", "config_class", "config_from_dict",
    "has_capability", "make_config", "model_class", "model_fields", "parameter_count",
    "variant_names", "variants_with",
]
