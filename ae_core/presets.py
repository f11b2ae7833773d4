"""Named starting points a teacher picks in one click (the Train page and the CLI).

Each preset is a variant, model settings and training settings; the input
shape is filled in from the dataset at use time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Preset:
    key: str
    title: str
    title_ko: str
    variant: str
    model: dict[str, Any] = field(default_factory=dict)
    train: dict[str, Any] = field(default_factory=dict)


PRESETS: dict[str, Preset] = {p.key: p for p in [
    Preset("plain-2d", "Plain AE 2-D", "기본 오토인코더 2차원", "vanilla",
           {"latent_dim": 2, "hidden": [512, 256, 128]}, {"epochs": 20}),
    Preset("vae-2d", "VAE 2-D", "VAE 2차원", "vae",
           {"latent_dim": 2, "hidden": [512, 256, 128], "beta": 1.0}, {"epochs": 20}),
    Preset("sparse", "Sparse AE", "희소 오토인코더", "sparse_kl",
           {"latent_dim": 64, "hidden": [], "rho": 0.05, "sparsity_weight": 3.0},
           {"epochs": 20}),
    Preset("denoising", "Denoising AE", "잡음 제거 오토인코더", "denoising",
           {"latent_dim": 32, "hidden": [512, 256], "noise": "gaussian", "noise_level": 0.5},
           {"epochs": 20}),
    Preset("conv-vae", "Conv VAE", "합성곱 VAE", "vae",
           {"arch": "conv", "latent_dim": 2, "channels": [32, 64], "hidden": [256]},
           {"epochs": 15}),
    Preset("deep-30d", "Deep AE 30-D", "심층 오토인코더 30차원", "vanilla",
           {"latent_dim": 30, "hidden": [1000, 500, 250]}, {"epochs": 30}),
]}
