"""Sparse autoencoder with an L1 penalty on the codes.

ReLU codes by default so the penalty yields exact zeros, and a wide single
layer so each code unit learns a feature worth drawing.

Two choices make the penalty mean something:

* Each code is weighed by the size of what it paints: |zⱼ| times the RMS per
  pixel of unit j's decoder column dⱼ, rms(dⱼ) = ‖dⱼ‖₂ / √D. A plain Σⱼ |zⱼ| can
  be paid off for nothing by shrinking the codes and growing the decoder in
  proportion; weighed by the column, that escape is closed.
* Like the KL variant's β (``ae_core.models.sparse_kl``), the weight λ is put on
  a per-pixel, per-unit footing: the reconstruction is a per-image sum over D
  pixels, so

      loss = Σ_pixels recon + λ · D · mean_j |zⱼ| · rms(dⱼ),

  i.e. D · (mean per-pixel recon + λ · mean per-unit painted amplitude), and
  one λ means the same on 8×8 digits and 28×28 MNIST and for any number of
  units. At the default λ = 1 most codes of a 64-unit model are exactly 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import torch

from ae_core.models.base import AutoEncoder
from ae_core.models.config import AEConfig, _check, setting
from ae_core.models.sparse_kl import penalty_scale


@dataclass
class SparseL1Config(AEConfig):
    variant: ClassVar[str] = "sparse_l1"
    latent_dim: int = 64
    hidden: tuple[int, ...] = ()
    code_activation: str = "relu"
    l1_weight: float = setting(  # λ, per pixel and per unit (see the module's docstring)
        1.0, "sparse_l1: λ, per pixel and per unit: the loss is the reconstruction summed over "
             "the D pixels + λ·D·mean_j |z_j|·rms(decoder column j); the variant's default is 1",
        label="train.l1_weight", help="train.l1_weight_help", range=(0.0, 100.0), step=0.001,
        fmt="%.4g")

    def validate_objective(self) -> None:
        _check(0.0 <= self.l1_weight <= 100.0, "the L1 weight must be between 0 and 100")


def l1_penalty(z: torch.Tensor, column_sizes: torch.Tensor | None = None) -> torch.Tensor:
    """Mean over the batch of Σⱼ |zⱼ| (· the size of dⱼ when the decoder's are given)."""
    a = z.abs()
    if column_sizes is not None:
        a = a * column_sizes
    return a.sum(1).mean()


def first_linear(module: torch.nn.Module) -> torch.nn.Linear:
    """The decoder's first dense layer: its column j is what code unit j feeds."""
    return next(m for m in module.modules() if isinstance(m, torch.nn.Linear))


class SparseL1AE(AutoEncoder):
    config_class = SparseL1Config
    description = "sparse autoencoder, L1 penalty on the codes"

    def regularizers(self, z, extras):
        """("sparsity": λ · D / K, Σⱼ |zⱼ| · rms(dⱼ) averaged over the batch)."""
        weight = first_linear(self.decoder).weight
        rms = weight.norm(dim=0) / math.sqrt(weight.shape[0])
        return {"sparsity": (self.config.l1_weight * penalty_scale(self.config),
                             l1_penalty(z, rms))}
