"""Sparse autoencoder with the KL-to-ρ penalty on mean activations (UFLDL).

Codes pass through a sigmoid so each unit's mean activation ρ̂ⱼ over the batch
is a probability; the penalty Σⱼ KL(ρ ‖ ρ̂ⱼ) pulls every unit towards firing
only a fraction ρ of the time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import torch

from ae_core.models.base import AutoEncoder
from ae_core.models.config import AEConfig, _check


@dataclass
class SparseKLConfig(AEConfig):
    variant: ClassVar[str] = "sparse_kl"
    latent_dim: int = 64
    hidden: tuple[int, ...] = ()
    code_activation: str = "sigmoid"
    rho: float = 0.05
    sparsity_weight: float = 3.0

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


class SparseKLAE(AutoEncoder):
    config_class = SparseKLConfig

    def regularizers(self, z, extras):
        return {"sparsity": (self.config.sparsity_weight, kl_sparsity(z, self.config.rho))}
