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
from dataclasses import dataclass, field
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
MAX_MODEL_NUMBERS = 128 * 1024 * 1024
"""Most numbers (weights and buffers) a model may hold: 134 million, 512 MiB as float32, the
most a model file may hold (``ae_core.io.MAX_FILE_BYTES``). A config beyond it is refused
before training, since its model could be trained but never saved or loaded."""


def setting(default: Any, doc: str, *, label: str | None = None, help: str | None = None,
            key: str | None = None, range: tuple[float, float] | None = None,
            step: float | None = None, fmt: str | None = None,
            choices: tuple[str, ...] | None = None, names: str | None = None,
            when: tuple[str, Any] | None = None) -> Any:
    """A config field described once for every front end that offers it.

    The command line (``python -m ae_core train``) and the app's Train form are both
    generated from this metadata, so a variant's new parameter appears in both by being
    declared here. ``doc`` is the English help of the command line. ``label`` and
    ``help`` are keys of the app's string table (``app_lib.i18n``): the library names the
    text, the app says it in the visitor's language; a field without ``label`` is not in
    the form. ``key`` is the form's name for the field when it differs from the field's;
    ``range`` the bounds ``validate`` enforces (also printed by the command line's help);
    ``step`` and ``fmt`` how a number input moves and prints; ``choices`` the options in the
    order offered and ``names`` the string-table prefix naming each (``names + "." + choice``);
    ``when`` = (other field, value) shows the field only while the other has that value.
    """
    metadata = {"doc": doc, "label": label, "help": help, "key": key, "range": range,
                "step": step, "format": fmt, "choices": choices, "names": names, "when": when}
    return field(default=default, metadata={k: v for k, v in metadata.items() if v is not None})


@dataclass
class AEConfig:
    """Architecture, code and reconstruction settings common to all variants.

    ``arch="mlp"`` uses ``hidden`` as the encoder's layer widths (the decoder
    mirrors them); a deep (stacked) AE is simply more entries. ``arch="conv"``
    applies one stride-2 3×3 convolution per entry of ``channels`` and then
    the ``hidden`` dense layers, so it works for 8×8 and 28×28 alike.
    """

    variant: ClassVar[str] = "vanilla"

    input_shape: tuple[int, int, int] = setting(
        (1, 28, 28), "image shape C,H,W (normally taken from the dataset)")
    latent_dim: int = setting(
        2, "size of the code (2 for a map you can look at)", label="train.latent",
        help="train.latent_help", key="latent", range=(1, MAX_LATENT), step=1)
    arch: str = setting("mlp", "mlp or conv", label="train.arch", choices=ARCHITECTURES,
                        names="arch")
    hidden: tuple[int, ...] = setting(
        (512, 256), "comma-separated dense widths, e.g. 1000,500,250 ('' for none)",
        label="train.hidden", help="train.hidden_help", range=(1, MAX_WIDTH))
    channels: tuple[int, ...] = setting(
        (32, 64), "comma-separated conv channels (conv only), e.g. 32,64",
        label="train.channels", help="train.channels_help", range=(1, 512),
        when=("arch", "conv"))
    activation: str = setting("relu", "relu, elu, gelu, tanh, sigmoid or identity")
    code_activation: str = setting(
        "identity", "activation on the code (sparse variants need relu / sigmoid)")
    batch_norm: bool = setting(False, "true/false: batch normalisation after each hidden layer")
    dropout: float = setting(
        0.0, "dropout probability after each hidden dense layer (0 = off), a regulariser",
        range=(0.0, 1.0))
    loss: str = setting("bce", "reconstruction loss: bce or mse", label="train.loss",
                        help="train.loss_help", choices=("bce", "mse"), names="loss")
    output: str = setting("sigmoid", "sigmoid or linear (linear needs mse)")

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


@dataclass(frozen=True)
class ConfigField:
    """One config field as the front ends see it: its type, default and description."""

    name: str
    type: Any
    default: Any
    meta: dict[str, Any]

    @property
    def form_key(self) -> str:
        return self.meta.get("key", self.name)


def config_fields(cls: type[AEConfig]) -> list[ConfigField]:
    """``cls``'s fields in declaration order, each described by the nearest declaration that
    has metadata: a variant that only changes a default (``latent_dim: int = 64``) keeps
    the description the base class gives."""
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        meta = next((dict(base.__dataclass_fields__[f.name].metadata) for base in cls.__mro__
                     if f.name in getattr(base, "__dataclass_fields__", {})
                     and base.__dataclass_fields__[f.name].metadata), {})
        out.append(ConfigField(f.name, hints[f.name], f.default, meta))
    return out


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
