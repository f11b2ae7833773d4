"""Denoising autoencoder: corrupt the input, reconstruct the clean image."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ae_core.models.base import AutoEncoder
from ae_core.models.config import NOISE_KINDS, AEConfig, _check, setting
from ae_core.noise import corrupt


@dataclass
class DenoisingConfig(AEConfig):
    variant: ClassVar[str] = "denoising"
    latent_dim: int = 32
    noise: str = setting("gaussian", "denoising: gaussian, salt_pepper or masking",
                         label="train.noise", help="train.noise_help", choices=NOISE_KINDS,
                         names="noise")
    noise_level: float = setting(0.5, "denoising: σ for gaussian, pixel fraction otherwise",
                                 label="train.noise_level", help="train.noise_level_help",
                                 range=(0.0, 2.0), step=0.05, fmt="%.3g")

    def validate_objective(self) -> None:
        _check(self.noise in NOISE_KINDS, f"noise must be one of {NOISE_KINDS}")
        upper = 2.0 if self.noise == "gaussian" else 1.0
        _check(0.0 <= self.noise_level <= upper,
               f"the {self.noise} noise level must be between 0 and {upper}")


class DenoisingAE(AutoEncoder):
    config_class = DenoisingConfig
    description = "denoising autoencoder (Gaussian, salt-and-pepper or masking noise)"
    denoising = True

    def corrupt(self, x, generator):
        return corrupt(x, self.config.noise, self.config.noise_level, generator)
