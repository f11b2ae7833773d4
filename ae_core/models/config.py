"""Typed model configuration shared by every variant, serialised as JSON.

A variant's config is a dataclass that subclasses :class:`AEConfig` and adds
its own objective's parameters; the architecture fields live here so that any
objective composes with either architecture.
"""

from __future__ import annotations

import dataclasses
import json
import math
import typing
from dataclasses import dataclass
from typing import Any, ClassVar

from ae_core.errors import ConfigError

ARCHITECTURES = ("mlp", "conv")
ACTIVATIONS = ("relu", "elu", "gelu", "tanh", "sigmoid", "identity")
LOSSES = ("mse", "bce")
OUTPUTS = ("sigmoid", "linear")
NOISE_KINDS = ("gaussian", "salt_pepper", "masking")

MAX_LATENT = 1024
MAX_WIDTH = 8192
MAX_LAYERS = 10
MAX_SIDE = 256


@dataclass
class AEConfig:
    """Architecture, code and reconstruction settings common to all variants.

    ``arch="mlp"`` uses ``hidden`` as the encoder's layer widths (the decoder
    mirrors them); a deep (stacked) AE is simply more entries. ``arch="conv"``
    applies one stride-2 3×3 convolution per entry of ``channels`` and then
    the ``hidden`` dense layers, so it works for 8×8 and 28×28 alike.
    """

    variant: ClassVar[str] = "vanilla"

    input_shape: tuple[int, int, int] = (1, 28, 28)
    latent_dim: int = 2
    arch: str = "mlp"
    hidden: tuple[int, ...] = (512, 256)
    channels: tuple[int, ...] = (32, 64)
    activation: str = "relu"
    code_activation: str = "identity"
    batch_norm: bool = False
    dropout: float = 0.0
    loss: str = "bce"
    output: str = "sigmoid"

    # ----- validation -------------------------------------------------
    def validate(self) -> AEConfig:
        """Refuse absurd or inconsistent settings with a sentence a user can act on."""
        _check(len(self.input_shape) == 3,
               f"the input shape must be (channels, height, width), not {self.input_shape}")
        c, h, w = self.input_shape
        _check(c in (1, 3), f"input channels must be 1 or 3, not {c}")
        _check(4 <= h <= MAX_SIDE and 4 <= w <= MAX_SIDE,
               f"image side must be between 4 and {MAX_SIDE} pixels, not {h}×{w}")
        _check(1 <= self.latent_dim <= MAX_LATENT,
               f"latent dimension must be between 1 and {MAX_LATENT}, not {self.latent_dim}")
        _check(self.arch in ARCHITECTURES, f"architecture must be one of {ARCHITECTURES}")
        _check(len(self.hidden) <= MAX_LAYERS, f"at most {MAX_LAYERS} hidden layers")
        _check(all(1 <= n <= MAX_WIDTH for n in self.hidden),
               f"hidden layer widths must be between 1 and {MAX_WIDTH}")
        if self.arch == "conv":
            _check(1 <= len(self.channels) <= 4, "a convolutional model needs 1 to 4 conv layers")
            _check(all(1 <= n <= 512 for n in self.channels), "conv channels must be 1 to 512")
            _check(min(h, w) >= 2 ** len(self.channels),
                   f"{len(self.channels)} stride-2 conv layers need images of at least "
                   f"{2 ** len(self.channels)} pixels a side")
        _check(self.activation in ACTIVATIONS, f"activation must be one of {ACTIVATIONS}")
        _check(0.0 <= self.dropout < 1.0,
               f"dropout must be at least 0 and below 1, not {self.dropout}")
        _check(self.code_activation in ACTIVATIONS,
               f"code activation must be one of {ACTIVATIONS}")
        _check(self.loss in LOSSES, f"reconstruction loss must be one of {LOSSES}")
        _check(self.output in OUTPUTS, f"output must be one of {OUTPUTS}")
        _check(not (self.loss == "bce" and self.output == "linear"),
               "BCE loss needs a sigmoid output; use output='sigmoid' or loss='mse'")
        self.validate_objective()
        return self

    def validate_objective(self) -> None:
        """Variants override this to check their own parameters."""

    # ----- serialisation ----------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["variant"] = self.variant
        return {k: list(v) if isinstance(v, tuple) else v for k, v in d.items()}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AEConfig:
        """Build and validate a config, refusing unknown keys and wrong types."""
        if not isinstance(data, dict):
            raise ConfigError("a model config must be a JSON object")
        data = {k: v for k, v in data.items() if k != "variant"}
        fields = {f.name: f for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - set(fields))
        if unknown:
            raise ConfigError(f"unknown setting(s) for variant '{cls.variant}': {unknown}")
        hints = typing.get_type_hints(cls)
        kwargs = {name: _coerce(name, value, hints[name]) for name, value in data.items()}
        return cls(**kwargs).validate()

    def replace(self, **changes: Any) -> AEConfig:
        """A validated copy with some fields changed (lists become tuples)."""
        return type(self).from_dict({**self.to_dict(), **changes})


def sentence(message: str) -> str:
    """Capitalise an ASCII first letter (never β → Β, ρ → Ρ) and end with a full stop."""
    first = message[:1].upper() if message[:1].isascii() else message[:1]
    return first + message[1:] + "."


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise ConfigError(sentence(message))


def _coerce(name: str, value: Any, hint: Any) -> Any:
    """Turn a JSON value into the field's declared type or explain why not."""
    origin = typing.get_origin(hint)
    if origin is tuple:
        if not isinstance(value, (list, tuple)):
            raise ConfigError(f"Setting '{name}' must be a list, not {value!r}.")
        item_type = typing.get_args(hint)[0]
        return tuple(_coerce(name, v, item_type) for v in value)
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"Setting '{name}' must be true or false, not {value!r}.")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"Setting '{name}' must be a whole number, not {value!r}.")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"Setting '{name}' must be a number, not {value!r}.")
        if not math.isfinite(value):
            raise ConfigError(f"Setting '{name}' must be a finite number, not {value!r}.")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"Setting '{name}' must be text, not {value!r}.")
        return value
    return value
