"""Sparse autoencoder with the KL-to-ρ penalty on mean activations (UFLDL).

Codes pass through a sigmoid so each unit's mean activation ρ̂ⱼ over the batch
is a probability; the penalty KL(ρ ‖ ρ̂ⱼ) pulls every unit towards firing only a
fraction ρ of the time.

The weight's scale. The reconstruction loss is a per-image *sum* over the D
pixels (:meth:`AutoEncoder.reconstruction_loss`), so it grows with the image
size while a KL summed over K units grows with the code width. The penalty is
therefore scaled the same way, and β compares averages:

    loss = Σ_pixels recon + β · D · mean_j KL(ρ ‖ ρ̂ⱼ)
         = D · (mean per-pixel recon + β · mean per-unit KL),

which is UFLDL's cost (reconstruction summed per image, plus β · Σⱼ KL) with β
put on a per-pixel footing. One β then means the same on 8×8 digits and 28×28
MNIST and for any number of units: at the default β = 3 a 64-unit code's mean
activation lands near ρ (within 1.5× on both built-in digit sets).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import torch

from ae_core.models.base import AutoEncoder
from ae_core.models.config import AEConfig, _check, setting


@dataclass
class SparseKLConfig(AEConfig):
    variant: ClassVar[str] = "sparse_kl"
    latent_dim: int = 64
    hidden: tuple[int, ...] = ()
    code_activation: str = "sigmoid"
    rho: float = setting(0.05, "sparse_kl: target mean activation ρ", label="train.rho",
                         help="train.rho_help", range=(0.0, 1.0), step=0.01, fmt="%.3g")
    sparsity_weight: float = setting(  # β, per pixel and per unit (see the module's docstring)
        3.0, "sparse_kl: β, per pixel and per unit: the loss is the reconstruction summed over "
             "the D pixels + β·D·mean_j KL(ρ ‖ ρ̂_j); the variant's default is 3 (UFLDL's β)",
        label="train.sparsity_weight", help="train.sparsity_weight_help", range=(0.0, 100.0),
        step=0.5, fmt="%.3g")

    def validate_objective(self) -> None:
        _check(0.0 < self.rho < 1.0, "the target activation ρ must lie strictly between 0 and 1")
        _check(0.0 <= self.sparsity_weight <= 100.0,
               "the sparsity weight must be between 0 and 100")
        _check(self.code_activation == "sigmoid",
               "the KL sparsity penalty needs sigmoid codes (activations in (0, 1))")


def kl_sparsity(z: torch.Tensor, rho: float, eps: float = 1e-6) -> torch.Tensor:
    """Σⱼ KL(ρ ‖ ρ̂ⱼ) with ρ̂ⱼ the batch mean of unit j, for Bernoulli means."""
    rho_hat = z.mean(0).clamp(eps, 1 - eps)
    return (rho * torch.log(rho / rho_hat)
            + (1 - rho) * torch.log((1 - rho) / (1 - rho_hat))).sum()


def penalty_scale(config: AEConfig) -> float:
    """D / K: pixels per image over code units, the factor that puts a sparsity weight
    on the per-pixel, per-unit footing described in the module's docstring."""
    return math.prod(config.input_shape) / config.latent_dim


class SparseKLAE(AutoEncoder):
    config_class = SparseKLConfig
    description = "sparse autoencoder, KL(ρ ‖ ρ̂) penalty on mean activations"

    def regularizers(self, z, extras):
        """("sparsity": β · D / K, Σⱼ KL(ρ ‖ ρ̂ⱼ)); the value reported is the plain Σⱼ KL."""
        weight = self.config.sparsity_weight * penalty_scale(self.config)
        return {"sparsity": (weight, kl_sparsity(z, self.config.rho))}
