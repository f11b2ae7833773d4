"""The autoencoder base class: one network, one objective, one embedder protocol.

A variant subclasses :class:`AutoEncoder` and overrides only what its
objective changes: the latent head (VAE), the input corruption (denoising) or
a penalty on the codes (sparse). Everything else — batching, devices, the
fit/encode/decode/reconstruct protocol shared with PCA — lives here once.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ae_core.models.arch import Decoder, Encoder, activation
from ae_core.models.config import AEConfig

INFERENCE_BATCH = 4096


class AutoEncoder(nn.Module):
    """Deterministic undercomplete autoencoder; the base of every variant."""

    config_class: type[AEConfig] = AEConfig
    description: ClassVar[str] = "plain undercomplete autoencoder"
    """One line for ``python -m ae_core list variants``."""

    # ----- capabilities: what metrics and pages may ask of a variant, declared once here
    probabilistic: ClassVar[bool] = False
    """The encoder gives q(z | x) = N(μ, σ²) against an N(0, I) prior (``encode_distribution``):
    the ELBO, active units, the prior drawn on a map and sampling from it apply."""
    denoising: ClassVar[bool] = False
    """Trained to rebuild clean images from corrupted ones (the Denoising page's models)."""

    def __init__(self, config: AEConfig):
        super().__init__()
        self.config = config.validate()
        self.encoder = Encoder(config)
        self.head = nn.Linear(self.encoder.out_features, self.head_width())
        self.code_act = activation(config.code_activation)
        self.decoder = Decoder(config)
        self.metadata: dict[str, Any] = {}
        self.history: list[dict[str, float]] = []

    # ----- what variants override ---------------------------------------
    def head_width(self) -> int:
        return self.config.latent_dim

    def corrupt(self, x: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
        """Input seen by the encoder during training (identity except for denoising)."""
        return x

    def latent(self, x: torch.Tensor, generator: torch.Generator | None = None,
               sample: bool = False) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Codes for ``x`` plus whatever the regulariser needs (e.g. μ and log σ²)."""
        return self.code_act(self.head(self.encoder(x))), {}

    def regularizers(self, z: torch.Tensor, extras: dict[str, torch.Tensor]
                     ) -> dict[str, tuple[float, torch.Tensor]]:
        """Named (weight, per-batch value) penalties added to the reconstruction loss."""
        return {}

    # ----- objective ------------------------------------------------------
    def reconstruction_loss(self, logits: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """Per-image reconstruction loss summed over pixels, averaged over the batch.

        Summing over pixels makes BCE the negative log-likelihood in nats, the
        unit the VAE literature reports, and keeps β's meaning standard.
        """
        if self.config.loss == "bce":
            per_pixel = F.binary_cross_entropy_with_logits(logits, x, reduction="none")
        else:
            per_pixel = (self.output(logits) - x) ** 2
        return per_pixel.flatten(1).sum(1).mean()

    def loss_terms(self, x: torch.Tensor, generator: torch.Generator | None = None,
                   penalty_scale: float = 1.0) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Total training loss and its parts (unweighted, per image) for reporting.

        ``penalty_scale`` multiplies every regulariser's weight: the trainer's warm-up
        (``TrainConfig.penalty_warmup``) raises it from 0 to 1.
        """
        z, extras = self.latent(self.corrupt(x, generator), generator, sample=True)
        recon = self.reconstruction_loss(self.decoder(z), x)
        total = recon
        parts = {"recon": recon.detach()}
        for name, (weight, value) in self.regularizers(z, extras).items():
            total = total + (weight * penalty_scale) * value
            parts[name] = value.detach()
        parts["total"] = total.detach()
        return total, parts

    def output(self, logits: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(logits) if self.config.output == "sigmoid" else logits

    # ----- the embedder protocol (shared with PCA) ------------------------
    @property
    def latent_dim(self) -> int:
        return self.config.latent_dim

    @property
    def device(self) -> torch.device:
        return next(self.parameters()).device

    def fit(self, x: Any, y: Any = None, **train_options: Any) -> AutoEncoder:
        """Train on images ``x`` with :class:`ae_core.training.Trainer` (sklearn-style)."""
        # deferred: the trainer builds on this module (a cycle at import)
        from ae_core.training import TrainConfig, Trainer

        config = TrainConfig(**train_options)
        Trainer(self, config).fit(_as_images(x, self.config.input_shape))
        return self

    def encode(self, x: Any) -> torch.Tensor:
        """Deterministic codes (μ for a VAE), shape (N, latent_dim), on the CPU."""
        images = _as_images(x, self.config.input_shape)
        return self._batched(images, lambda b: self.latent(b)[0])

    def decode(self, z: Any) -> torch.Tensor:
        """Images (N, C, H, W) decoded from codes, on the CPU."""
        codes = _float_tensor(z)
        codes = codes.float().reshape(-1, self.latent_dim)
        return self._batched(codes, lambda b: self.output(self.decoder(b)))

    def reconstruct(self, x: Any) -> torch.Tensor:
        images = _as_images(x, self.config.input_shape)
        return self._batched(images, lambda b: self.output(self.decoder(self.latent(b)[0])))

    def _batched(self, data: torch.Tensor, fn) -> torch.Tensor:
        """Run ``fn`` in eval mode without gradients over chunks, gather on the CPU."""
        was_training = self.training
        self.eval()
        try:
            with torch.inference_mode():
                device = self.device
                out = [fn(chunk.to(device)).float().cpu() for chunk in data.split(INFERENCE_BATCH)]
        finally:
            self.train(was_training)
        if not out:
            return torch.empty(0)
        return torch.cat(out)


def _as_images(x: Any, shape: tuple[int, int, int]) -> torch.Tensor:
    """Accept tensors or arrays, flat or image-shaped; return float32 (N, C, H, W)."""
    return _float_tensor(x).reshape(-1, *shape)


def _float_tensor(x: Any) -> torch.Tensor:
    """``x`` as a float32 tensor; a read-only array (a stored map's memory-mapped codes or
    images) is copied, since torch cannot share memory it may not write."""
    if torch.is_tensor(x):
        return x.float()
    a = np.asarray(x, dtype=np.float32)
    return torch.from_numpy(a if a.flags.writeable else a.copy())
