"""Plain undercomplete autoencoder: the bottleneck alone forces a compact code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ae_core.models.base import AutoEncoder
from ae_core.models.config import AEConfig


@dataclass
class VanillaConfig(AEConfig):
    variant: ClassVar[str] = "vanilla"


class VanillaAE(AutoEncoder):
    config_class = VanillaConfig
    description = "plain undercomplete autoencoder (deep = more hidden layers)"
