"""The registry of model variants.

Adding a variant is one file in this folder plus one line in ``VARIANTS``.
"""

from __future__ import annotations

import threading
from typing import Any

import torch

from ae_core.errors import ConfigError
from ae_core.models.base import AutoEncoder
from ae_core.models.config import AEConfig
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

DESCRIPTIONS = {
    "vanilla": "plain undercomplete autoencoder (deep = more hidden layers)",
    "sparse_l1": "sparse autoencoder, L1 penalty on the codes",
    "sparse_kl": "sparse autoencoder, KL(ρ ‖ ρ̂) penalty on mean activations",
    "denoising": "denoising autoencoder (Gaussian, salt-and-pepper or masking noise)",
    "vae": "variational autoencoder with KL weight β",
}


def variant_names() -> list[str]:
    return list(VARIANTS)


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


def build_model(config: AEConfig, seed: int | None = 0) -> AutoEncoder:
    """Instantiate the variant; ``seed`` fixes the initial weights without touching global RNG."""
    cls = model_class(config.variant)
    if seed is None:
        return cls(config)
    # the global RNG is shared by all threads: hold it while seeding and initialising
    with _SEED_LOCK, torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return cls(config)


__all__ = [
    "DESCRIPTIONS", "VAE", "VARIANTS", "AEConfig", "AutoEncoder", "DenoisingAE",
    "DenoisingConfig", "SparseKLAE", "SparseKLConfig", "SparseL1AE", "SparseL1Config",
    "VAEConfig", "VanillaAE", "VanillaConfig", "build_model", "config_class",
    "config_from_dict", "make_config", "model_class", "variant_names",
]
