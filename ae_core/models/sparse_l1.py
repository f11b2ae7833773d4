"""Sparse autoencoder with an L1 penalty on the codes.

ReLU codes by default so the penalty yields exact zeros, and a wide single
layer so each code unit learns a stroke-like feature worth drawing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import torch

from ae_core.models.base import AutoEncoder
from ae_core.models.config import AEConfig, _check


@dataclass
class SparseL1Config(AEConfig):
    variant: ClassVar[str] = "sparse_l1"
    latent_dim: int = 64
    hidden: tuple[int, ...] = ()
    code_activation: str = "relu"
    l1_weight: float = 1e-2

    def validate_objective(self) -> None:
        _check(0.0 <= self.l1_weight <= 100.0, "the L1 weight must be between 0 and 100")


def l1_penalty(z: torch.Tensor) -> torch.Tensor:
    """Mean over the batch of the per-image sum of |code|."""
    return z.abs().sum(1).mean()


class SparseL1AE(AutoEncoder):
    config_class = SparseL1Config

    def regularizers(self, z, extras):
        return {"sparsity": (self.config.l1_weight, l1_penalty(z))}
