"""Variational autoencoder with a KL weight β (β = 1 is the ELBO, β > 1 is β-VAE).

The head predicts μ and log σ²; training samples z = μ + σ·ε (the
reparameterisation trick) and adds β·KL(q(z|x) ‖ N(0, I)) in closed form.
``encode`` returns μ, the deterministic code the maps show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import torch

from ae_core.models.base import AutoEncoder, _as_images
from ae_core.models.config import AEConfig, _check, setting

LOGVAR_RANGE = (-30.0, 20.0)


@dataclass
class VAEConfig(AEConfig):
    variant: ClassVar[str] = "vae"
    beta: float = setting(1.0, "VAE: weight of the KL term (1 = ELBO)", label="train.beta",
                          help="train.beta_help", range=(0.0, 100.0), step=0.1, fmt="%.3g")

    def validate_objective(self) -> None:
        _check(0.0 <= self.beta <= 100.0, "β must be between 0 and 100")
        _check(self.code_activation == "identity", "a VAE's codes are Gaussian: code activation "
               "must be 'identity'")


def gaussian_kl(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """Per-image KL(N(μ, σ²) ‖ N(0, I)) = ½ Σ (μ² + σ² − 1 − log σ²)."""
    return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(1)


class VAE(AutoEncoder):
    config_class = VAEConfig
    description = "variational autoencoder with KL weight β"
    probabilistic = True

    def head_width(self) -> int:
        return 2 * self.config.latent_dim

    def distribution(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """μ and log σ² of q(z | x)."""
        mu, logvar = self.head(self.encoder(x)).chunk(2, dim=1)
        return mu, logvar.clamp(*LOGVAR_RANGE)

    def latent(self, x, generator=None, sample=False):
        mu, logvar = self.distribution(x)
        z = mu
        if sample:
            eps = torch.randn(mu.shape, generator=generator, device=mu.device, dtype=mu.dtype)
            z = mu + eps * torch.exp(0.5 * logvar)
        return z, {"mu": mu, "logvar": logvar}

    def regularizers(self, z, extras):
        return {"kl": (self.config.beta, gaussian_kl(extras["mu"], extras["logvar"]).mean())}

    def encode_distribution(self, x) -> tuple[torch.Tensor, torch.Tensor]:
        """(μ, log σ²) for every image, batched on the CPU; used by metrics and the UI."""
        images = _as_images(x, self.config.input_shape)
        both = self._batched(images, lambda b: torch.cat(self.distribution(b), dim=1))
        return both[:, : self.latent_dim], both[:, self.latent_dim:]
