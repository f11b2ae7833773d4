"""A decoder as a small program a web page can run: a list of layer ops and float32 tensors.

The Explore page decodes in the browser while a slider or the pointer moves, for any
model the registry can build. Instead of shipping a general runtime, a decoder is
lowered to the handful of ops the registry's decoders use, with everything that is
constant at inference folded away (batch norm into the layer before it, dropout and
``Unflatten`` dropped, the output sigmoid made an explicit op):

- ``linear``: ``y = W x + b`` on a flat vector (``W`` is out × in, row-major);
- ``act``: an element-wise activation (relu, elu, gelu, tanh, sigmoid);
- ``convT``: a 3×3, stride-2, padding-1 transposed convolution with output padding;
- ``conv``: a 3×3, padding-1 convolution, stride 1 (the decoders' last layer) or 2 (the
  encoders' layers, ``"stride": 2`` with the output size ``oh`` × ``ow``).

Tensors are laid out channel-major (C, H, W), as PyTorch does, so ``Unflatten`` is a
no-op. :func:`run_program` is the NumPy reference of the same program: tests hold it
against the model's own ``decode`` and the browser's implementation against both.
PCA decodes with one ``linear`` op (its inverse transform). Anything else is refused
with :class:`UnsupportedDecoder`, and the page falls back to decoding on the server.

The encoder is lowered the same way (:func:`encoder_program`): the Explore page's drawing
pad encodes what a student draws on every stroke, in the page when it can. Its
``Flatten`` is a no-op in the same layout; the latent head follows the encoder's layers
(a VAE's μ rows only: the code its maps show), then the code activation (sigmoid for
sparse KL, ReLU for sparse L1). PCA encodes with one ``linear`` op, ``W (x − mean)``.
:func:`run_encoder` is the NumPy reference.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

ACTIVATIONS = ("relu", "elu", "gelu", "tanh", "sigmoid")
MAX_PARAMETERS = 8_000_000
"""Above this many decoder weights (32 MB of float32) the page decodes on the server: a
class downloading that per student and per model is not worth a live preview."""


class UnsupportedDecoder(ValueError):
    """This decoder cannot be run in a page (unknown layer, or too large to send)."""


@dataclass
class DecoderProgram:
    """Ops in order, the float32 tensors they name, and the shape of one decoded image."""

    latent_dim: int
    output_shape: tuple[int, int, int]
    ops: list[dict[str, Any]] = field(default_factory=list)
    tensors: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def parameters(self) -> int:
        return sum(int(t.size) for t in self.tensors.values())

    @property
    def nbytes(self) -> int:
        return sum(int(t.nbytes) for t in self.tensors.values())

    def add(self, op: dict[str, Any], **tensors: np.ndarray) -> None:
        """Append ``op``; its tensors are stored under ``<index>.<name>`` and named in it."""
        index = len(self.ops)
        for name, value in tensors.items():
            key = f"{index}.{name}"
            self.tensors[key] = np.ascontiguousarray(value, dtype=np.float32)
            op[name] = key
        self.ops.append(op)


class EncoderProgram(DecoderProgram):
    """Ops from one image (C, H, W), flattened channel-major, to its code of ``latent_dim``."""

    def __init__(self, input_shape: tuple[int, ...], latent_dim: int):
        super().__init__(int(latent_dim), tuple(int(v) for v in input_shape))
        self.input_shape = self.output_shape


# ------------------------------------------------------------------ lowering


def decoder_program(embedder: Any) -> DecoderProgram:
    """Lower an autoencoder's decoder (or PCA's inverse) to a :class:`DecoderProgram`."""
    if hasattr(embedder, "pca"):
        return _pca_program(embedder)
    if not hasattr(embedder, "decoder"):
        raise UnsupportedDecoder(f"no decoder to lower on {type(embedder).__name__}")
    config = embedder.config
    program = DecoderProgram(int(config.latent_dim), tuple(config.input_shape))
    shape = _lower_layers(program, list(embedder.decoder.net), (int(config.latent_dim),))
    if config.output == "sigmoid":
        program.ops.append({"op": "act", "fn": "sigmoid"})
    if math.prod(shape) != math.prod(program.output_shape):
        raise UnsupportedDecoder(f"decoder ends in shape {shape}, not {program.output_shape}")
    _check_size(program)
    return program


def encoder_program(embedder: Any) -> EncoderProgram:
    """Lower an autoencoder's encoder and latent head (or PCA's transform) to a program from
    an image (C, H, W) to its code: the same code as ``embedder.encode``."""
    if hasattr(embedder, "pca"):
        return _pca_encoder(embedder)
    if not hasattr(embedder, "encoder") or not hasattr(embedder, "head"):
        raise UnsupportedDecoder(f"no encoder to lower on {type(embedder).__name__}")
    config = embedder.config
    d = int(config.latent_dim)
    program = EncoderProgram(tuple(int(v) for v in config.input_shape), d)
    shape = _lower_layers(program, list(embedder.encoder.net), program.input_shape)
    head = embedder.head
    if type(head).__name__ != "Linear" or head.out_features not in (d, 2 * d):
        raise UnsupportedDecoder(f"the page cannot run the latent head {head}")
    if math.prod(shape) != head.in_features:
        raise UnsupportedDecoder(f"encoder ends in shape {shape}, not {head.in_features}")
    # a VAE's head gives μ then log σ² (``chunk(2)``): its code is μ, the first d rows
    w, b = _tensor(head.weight)[:d], _bias(head, head.out_features)[:d]
    program.add({"op": "linear", "in": head.in_features, "out": d}, w=w, b=b)
    code_act = getattr(embedder, "code_act", None)
    if code_act is not None and type(code_act).__name__ != "Identity":
        _lower_layers(program, [code_act], (d,))
    _check_size(program)
    return program


def _lower_layers(program: DecoderProgram, layers: list[Any],
                  shape: tuple[int, ...]) -> tuple[int, ...]:
    """Append ``layers`` (a ``Sequential``'s, in order) as ops; returns the shape they end in."""
    i = 0
    while i < len(layers):
        layer, following = layers[i], layers[i + 1] if i + 1 < len(layers) else None
        name = type(layer).__name__
        if name in ("Dropout", "Identity"):
            pass
        elif name == "Flatten":
            if tuple(int(v) for v in (layer.start_dim, layer.end_dim)) != (1, -1):
                raise UnsupportedDecoder(f"the page cannot run {layer}")
            shape = (math.prod(shape),)  # channel-major data is already flat
        elif name == "Unflatten":
            shape = tuple(int(s) for s in layer.unflattened_size)
        elif name == "Linear":
            w, b = _tensor(layer.weight), _bias(layer, layer.out_features)
            if _is_batch_norm(following, "BatchNorm1d"):
                w, b = _fold(w, b, following)
                i += 1
            program.add({"op": "linear", "in": layer.in_features, "out": layer.out_features},
                        w=w, b=b)
            shape = (layer.out_features,)
        elif name == "ConvTranspose2d":
            shape = _lower_conv_transpose(program, layer, following, shape)
            if _is_batch_norm(following, "BatchNorm2d"):
                i += 1
        elif name == "Conv2d":
            shape = _lower_conv(program, layer, following, shape)
            if _is_batch_norm(following, "BatchNorm2d"):
                i += 1
        elif name in ("ReLU", "ELU", "GELU", "Tanh", "Sigmoid"):
            program.ops.append(_activation_op(layer))
        else:
            raise UnsupportedDecoder(f"the page cannot run a {name} layer")
        i += 1
    return shape


def _pca_program(pca_embedder: Any) -> DecoderProgram:
    """PCA's inverse transform, ``x = z @ components + mean``, as one linear op."""
    pca = pca_embedder._fitted()
    components = np.asarray(pca.components_, dtype=np.float64)  # (k, D)
    if getattr(pca, "whiten", False):
        components = components * np.sqrt(pca.explained_variance_)[:, None]
    shape = tuple(int(s) for s in pca_embedder.image_shape)
    program = DecoderProgram(int(pca_embedder.latent_dim), shape)  # type: ignore[arg-type]
    program.add({"op": "linear", "in": components.shape[0], "out": components.shape[1]},
                w=components.T, b=np.asarray(pca.mean_, dtype=np.float64))
    _check_size(program)
    return program


def _pca_encoder(pca_embedder: Any) -> EncoderProgram:
    """PCA's transform, ``z = W (x − mean)`` with ``W`` the components (whitened: divided
    by the square roots of their variances), as one linear op."""
    pca = pca_embedder._fitted()
    w = np.asarray(pca.components_, dtype=np.float64)  # (k, D)
    if getattr(pca, "whiten", False):
        w = w / np.sqrt(pca.explained_variance_)[:, None]
    mean = np.asarray(pca.mean_, dtype=np.float64)
    program = EncoderProgram(tuple(int(s) for s in pca_embedder.image_shape),
                             int(pca_embedder.latent_dim))
    program.add({"op": "linear", "in": w.shape[1], "out": w.shape[0]}, w=w, b=-(w @ mean))
    _check_size(program)
    return program


def _check_size(program: DecoderProgram) -> None:
    if program.parameters > MAX_PARAMETERS:
        part = "encoder" if isinstance(program, EncoderProgram) else "decoder"
        raise UnsupportedDecoder(f"{part} has {program.parameters:,} weights, more than the "
                                 f"{MAX_PARAMETERS:,} a page is sent")


def encoder_parts(embedder: Any) -> tuple[dict[str, Any], dict[str, np.ndarray]] | None:
    """The encoder as :func:`program_parts` packs it (prefix ``enc:``), or None when the page
    cannot run it (then the server encodes a drawing)."""
    try:
        return program_parts(encoder_program(embedder), prefix="enc:")
    except UnsupportedDecoder:
        return None


def _tensor(t: Any) -> np.ndarray:
    return t.detach().cpu().double().numpy()


def _bias(layer: Any, width: int) -> np.ndarray:
    return _tensor(layer.bias) if layer.bias is not None else np.zeros(width)


def _is_batch_norm(layer: Any, kind: str) -> bool:
    return layer is not None and type(layer).__name__ == kind


def _bn_scale_shift(bn: Any) -> tuple[np.ndarray, np.ndarray]:
    """Batch norm at inference is ``x * scale + shift`` per channel."""
    mean, var = _tensor(bn.running_mean), _tensor(bn.running_var)
    gamma = _tensor(bn.weight) if bn.weight is not None else np.ones_like(mean)
    beta = _tensor(bn.bias) if bn.bias is not None else np.zeros_like(mean)
    scale = gamma / np.sqrt(var + bn.eps)
    return scale, beta - mean * scale


def _fold(w: np.ndarray, b: np.ndarray, bn: Any) -> tuple[np.ndarray, np.ndarray]:
    """Fold batch norm into the linear layer before it (rows are output features)."""
    scale, shift = _bn_scale_shift(bn)
    return w * scale[:, None], b * scale + shift


def _lower_conv_transpose(program: DecoderProgram, layer: Any, bn: Any,
                          shape: tuple[int, ...]) -> tuple[int, int, int]:
    _require_conv_geometry(layer, stride=2)
    c_in, h, w = shape
    c_out = layer.out_channels
    oph, opw = (int(p) for p in layer.output_padding)
    oh, ow = (h - 1) * 2 - 2 + 3 + oph, (w - 1) * 2 - 2 + 3 + opw
    weight, bias = _tensor(layer.weight), _bias(layer, c_out)  # weight: (c_in, c_out, 3, 3)
    if _is_batch_norm(bn, "BatchNorm2d"):
        scale, shift = _bn_scale_shift(bn)
        weight, bias = weight * scale[None, :, None, None], bias * scale + shift
    program.add({"op": "convT", "cin": c_in, "cout": c_out, "ih": h, "iw": w, "oh": oh, "ow": ow},
                w=weight, b=bias)
    return c_out, oh, ow


def _lower_conv(program: DecoderProgram, layer: Any, bn: Any,
                shape: tuple[int, ...]) -> tuple[int, int, int]:
    stride = int(layer.stride[0])
    _require_conv_geometry(layer, stride=stride if stride in (1, 2) else 1)
    c_in, h, w = shape
    c_out = layer.out_channels
    weight, bias = _tensor(layer.weight), _bias(layer, c_out)  # weight: (c_out, c_in, 3, 3)
    if _is_batch_norm(bn, "BatchNorm2d"):
        scale, shift = _bn_scale_shift(bn)
        weight, bias = weight * scale[:, None, None, None], bias * scale + shift
    op = {"op": "conv", "cin": c_in, "cout": c_out, "ih": h, "iw": w}
    if stride == 2:  # the encoders' downsampling: ceil(side / 2)
        op |= {"stride": 2, "oh": (h - 1) // 2 + 1, "ow": (w - 1) // 2 + 1}
    program.add(op, w=weight, b=bias)
    return c_out, op.get("oh", h), op.get("ow", w)


def _require_conv_geometry(layer: Any, stride: int) -> None:
    ok = (tuple(layer.kernel_size) == (3, 3) and tuple(layer.stride) == (stride, stride)
          and tuple(layer.padding) == (1, 1) and tuple(layer.dilation) == (1, 1)
          and layer.groups == 1)
    if not ok:
        raise UnsupportedDecoder(f"the page runs only the registry's 3×3 convolutions, not "
                                 f"{layer}")


def _activation_op(layer: Any) -> dict[str, Any]:
    name = type(layer).__name__.lower()
    if name == "elu":
        return {"op": "act", "fn": "elu", "alpha": float(layer.alpha)}
    if name == "gelu" and getattr(layer, "approximate", "none") != "none":
        return {"op": "act", "fn": "gelu_tanh"}
    return {"op": "act", "fn": name}


# ------------------------------------------------------------------ reference


def run_program(program: DecoderProgram, codes: Any) -> np.ndarray:
    """Decode ``codes`` (N, d) with the program in NumPy (float64): the page's reference."""
    z = np.asarray(codes, dtype=np.float64).reshape(-1, program.latent_dim)
    return np.stack([_run_one(program, row) for row in z]).reshape(-1, *program.output_shape)


def run_encoder(program: EncoderProgram, images: Any) -> np.ndarray:
    """Encode ``images`` (N, C, H, W) with the program in NumPy (float64): the page's reference."""
    x = np.asarray(images, dtype=np.float64).reshape(-1, math.prod(program.input_shape))
    return np.stack([_run_one(program, row) for row in x]).reshape(-1, program.latent_dim)


def _run_one(program: DecoderProgram, z: np.ndarray) -> np.ndarray:
    x = z
    for op in program.ops:
        tensors = {k: program.tensors[v].astype(np.float64) for k, v in op.items()
                   if k in ("w", "b")}
        x = _OPS[op["op"]](op, x, **tensors)
    return x


def _linear(op, x, w, b):
    return w @ x + b


def _act(op, x):
    fn = op["fn"]
    if fn == "relu":
        return np.maximum(x, 0.0)
    if fn == "elu":
        return np.where(x > 0, x, op.get("alpha", 1.0) * np.expm1(np.minimum(x, 0.0)))
    if fn == "gelu":
        from scipy.special import erf  # deferred: SciPy loads on first use (start-up time)

        return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))
    if fn == "gelu_tanh":
        return 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x ** 3)))
    if fn == "tanh":
        return np.tanh(x)
    if fn == "sigmoid":
        return 1.0 / (1.0 + np.exp(-x))
    raise UnsupportedDecoder(f"unknown activation {fn}")


def _conv_t(op, x, w, b):
    """Transposed 3×3 convolution, stride 2, padding 1: scatter each input pixel."""
    c_in, h, wd, c_out, oh, ow = (op[k] for k in ("cin", "ih", "iw", "cout", "oh", "ow"))
    x = x.reshape(c_in, h, wd)
    full = np.zeros((c_out, 2 * h + 1, 2 * wd + 1))  # output before cropping padding 1
    for ky in range(3):
        for kx in range(3):
            contrib = np.einsum("ihw,io->ohw", x, w[:, :, ky, kx])
            full[:, ky:ky + 2 * h:2, kx:kx + 2 * wd:2] += contrib
    out = np.zeros((c_out, oh, ow))
    crop = full[:, 1:1 + oh, 1:1 + ow]
    out[:, :crop.shape[1], :crop.shape[2]] = crop
    return (out + b[:, None, None]).ravel()


def _conv(op, x, w, b):
    """3×3 convolution, stride 1 or 2, zero padding 1."""
    c_in, h, wd, s = op["cin"], op["ih"], op["iw"], op.get("stride", 1)
    oh, ow = op.get("oh", h), op.get("ow", wd)
    padded = np.pad(x.reshape(c_in, h, wd), ((0, 0), (1, 1), (1, 1)))
    out = np.zeros((op["cout"], oh, ow))
    for ky in range(3):
        for kx in range(3):
            window = padded[:, ky:ky + s * oh:s, kx:kx + s * ow:s]
            out += np.einsum("ihw,oi->ohw", window, w[:, :, ky, kx])
    return (out + b[:, None, None]).ravel()


_OPS = {"linear": _linear, "act": _act, "convT": _conv_t, "conv": _conv}


def program_parts(program: DecoderProgram, prefix: str = "dec:"
                  ) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The program as a JSON spec and named float32 arrays, ready for ``binpack.pack``."""
    spec = {"latent_dim": program.latent_dim, "output_shape": list(program.output_shape),
            "ops": program.ops}
    if isinstance(program, EncoderProgram):
        spec = {"input_shape": list(program.input_shape), "latent_dim": program.latent_dim,
                "ops": program.ops}
    return spec, {prefix + name: t for name, t in program.tensors.items()}
