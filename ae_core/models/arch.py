"""Encoder and decoder networks: an MLP of any depth, or a small strided CNN.

Both map images (N, C, H, W) to a flat feature vector and back; the variant
adds the latent head, so every objective composes with either architecture.
"""

from __future__ import annotations

import itertools
import math

import torch
from torch import nn

from ae_core.models.config import AEConfig

_ACTIVATIONS = {
    "relu": nn.ReLU,
    "elu": nn.ELU,
    "gelu": nn.GELU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "identity": nn.Identity,
}


def activation(name: str) -> nn.Module:
    return _ACTIVATIONS[name]()


def _dense_stack(widths: list[int], act: str, batch_norm: bool,
                 dropout: float = 0.0) -> list[nn.Module]:
    """Linear (+ batch norm) + activation (+ dropout) per layer; no dropout module is added
    when ``dropout`` is 0, so models without it keep their parameter names."""
    layers: list[nn.Module] = []
    for n_in, n_out in itertools.pairwise(widths):
        layers.append(nn.Linear(n_in, n_out))
        if batch_norm:
            layers.append(nn.BatchNorm1d(n_out))
        layers.append(activation(act))
        if dropout:
            layers.append(nn.Dropout(dropout))
    return layers


def conv_sizes(side: int, n_layers: int) -> list[int]:
    """Spatial side after each stride-2, padding-1, 3×3 convolution: ceil(s / 2)."""
    sizes = [side]
    for _ in range(n_layers):
        sizes.append((sizes[-1] - 1) // 2 + 1)
    return sizes


class Encoder(nn.Module):
    """Images → features of width ``out_features`` (before the latent head)."""

    def __init__(self, config: AEConfig):
        super().__init__()
        c, h, w = config.input_shape
        layers: list[nn.Module] = []
        if config.arch == "conv":
            chans = [c, *config.channels]
            for c_in, c_out in itertools.pairwise(chans):
                layers.append(nn.Conv2d(c_in, c_out, 3, stride=2, padding=1))
                if config.batch_norm:
                    layers.append(nn.BatchNorm2d(c_out))
                layers.append(activation(config.activation))
            n_layers = len(config.channels)
            flat = chans[-1] * conv_sizes(h, n_layers)[-1] * conv_sizes(w, n_layers)[-1]
        else:
            flat = c * h * w
        layers.append(nn.Flatten())
        widths = [flat, *config.hidden]
        layers += _dense_stack(widths, config.activation, config.batch_norm, config.dropout)
        self.net = nn.Sequential(*layers)
        self.out_features = widths[-1]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class Decoder(nn.Module):
    """Latent codes → output logits shaped like the input images."""

    def __init__(self, config: AEConfig):
        super().__init__()
        c, h, w = config.input_shape
        self.input_shape = (c, h, w)
        widths = [config.latent_dim, *reversed(config.hidden)]
        layers = _dense_stack(widths, config.activation, config.batch_norm, config.dropout)
        if config.arch == "conv":
            n = len(config.channels)
            hs, ws = conv_sizes(h, n), conv_sizes(w, n)
            chans = [c, *config.channels]
            layers.append(nn.Linear(widths[-1], chans[-1] * hs[-1] * ws[-1]))
            layers.append(activation(config.activation))
            layers.append(nn.Unflatten(1, (chans[-1], hs[-1], ws[-1])))
            for i in range(n, 0, -1):
                # output_padding picks 2s-1 or 2s so the sizes retrace the encoder's exactly
                pad = (hs[i - 1] - 2 * hs[i] + 1, ws[i - 1] - 2 * ws[i] + 1)
                layers.append(nn.ConvTranspose2d(chans[i], chans[i - 1] if i > 1 else chans[1],
                                                 3, stride=2, padding=1, output_padding=pad))
                if i > 1:
                    if config.batch_norm:
                        layers.append(nn.BatchNorm2d(chans[i - 1]))
                    layers.append(activation(config.activation))
            layers.append(activation(config.activation))
            layers.append(nn.Conv2d(chans[1], c, 3, padding=1))
        else:
            layers.append(nn.Linear(widths[-1], math.prod(self.input_shape)))
            layers.append(nn.Unflatten(1, self.input_shape))
        self.net = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)
