"""Input corruptions for denoising: Gaussian, salt-and-pepper and masking noise.

Used by the denoising variant during training and by the Denoising page, so
both corrupt images the same way. All draw from an explicit generator so a
seeded run is reproducible.
"""

from __future__ import annotations

import torch

from ae_core.errors import ConfigError


def _uniform(x: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
    return torch.rand(x.shape, generator=generator, device=x.device, dtype=x.dtype)


def gaussian(x: torch.Tensor, sigma: float, generator=None) -> torch.Tensor:
    """x + σ·ε, clipped back to the valid pixel range [0, 1]."""
    eps = torch.randn(x.shape, generator=generator, device=x.device, dtype=x.dtype)
    return (x + sigma * eps).clamp(0.0, 1.0)


def salt_pepper(x: torch.Tensor, fraction: float, generator=None) -> torch.Tensor:
    """A fraction of pixels set to 0 or 1 with equal odds."""
    u = _uniform(x, generator)
    out = x.clone()
    out[u < fraction / 2] = 0.0
    out[(u >= fraction / 2) & (u < fraction)] = 1.0
    return out


def masking(x: torch.Tensor, fraction: float, generator=None) -> torch.Tensor:
    """A fraction of pixels set to 0 (dropout on the input, Vincent et al. 2008)."""
    return x * (_uniform(x, generator) >= fraction).to(x.dtype)


NOISES = {"gaussian": gaussian, "salt_pepper": salt_pepper, "masking": masking}


def corrupt(x: torch.Tensor, kind: str, level: float, generator=None) -> torch.Tensor:
    """Apply noise ``kind`` at ``level`` (σ for Gaussian, pixel fraction otherwise)."""
    if kind not in NOISES:
        raise ConfigError(f"Unknown noise '{kind}'; choose one of {sorted(NOISES)}.")
    if level <= 0:
        return x
    return NOISES[kind](x, level, generator)
