"""Model files: one safetensors file holding weights, JSON config and metadata.

Loading never executes code: the file is parsed as safetensors (a JSON header
plus raw little-endian tensors), the config is validated against the variant
registry, every metadata field must have its documented type, and every
tensor name, shape and dtype listed in the header must match the model the
config describes. All of that is decided from the header alone (the model is
built on PyTorch's ``meta`` device, which allocates nothing), so a few bytes
of crafted config cannot make the process allocate gigabytes: only a file
that passes is loaded. Anything else — a pickle, a truncated file, a crafted
header — is refused with :class:`ModelFileError`.
"""

from __future__ import annotations

import json
import math
import os
import struct
import time
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load as st_load
from safetensors.torch import save as st_save

from ae_core.errors import AECoreError, ModelFileError
from ae_core.models import AEConfig, AutoEncoder, build_model, config_from_dict
from ae_core.models.config import MAX_MODEL_NUMBERS
from ae_core.paths import SUFFIX, atomic_write  # noqa: F401  (their home; kept importable here)
from ae_core.version import __version__

FORMAT = "latent-explorer-model"
FORMAT_VERSION = "1"
EXTRA_PREFIX = "extra."
MAX_HEADER_BYTES = 16 * 1024 * 1024
MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_PARAMETERS = MAX_MODEL_NUMBERS
"""Most numbers (weights and buffers) a model config may describe: 134 million, 512 MiB as
float32, i.e. the most any accepted file (``MAX_FILE_BYTES``) can hold at full precision.
The largest models the app and CLI train are far below it: Hinton's 1000-500-250-30 deep
autoencoder on 28×28 images has 2.8 million, the conv presets under 0.5 million, and a
128×128 dataset with the default 512-256 widths 17 million. It is computed from the config
alone, before any tensor exists, so a short file cannot ask for gigabytes."""

_ST_DTYPES = {"F64": torch.float64, "F32": torch.float32, "F16": torch.float16,
              "BF16": torch.bfloat16, "I64": torch.int64, "I32": torch.int32,
              "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8, "BOOL": torch.bool}
"""safetensors' dtype names for the dtypes a model or its extras may hold."""
_NUMBER = (int, float)
_METADATA_TYPES: dict[str, tuple[type, ...]] = {
    "library_version": (str,), "created": (str,), "dataset": (str,), "status": (str,),
    "trained_in": (str,), "command": (str,), "seed": (int, type(None)),
    "train_seconds": (*_NUMBER, type(None)), "train": (dict,), "metrics": (dict,),
    "history": (list,), "trained_classes": (list, type(None)),
}
"""The metadata fields the app and CLI read, with the JSON types each may have. Other
fields are kept as they are (a newer version may add some) since nothing reads them."""


def model_to_bytes(model: AutoEncoder, metadata: dict[str, Any] | None = None,
                   extras: dict[str, torch.Tensor] | None = None, half: bool = False) -> bytes:
    """Serialise weights, config, metadata and optional extra tensors (e.g. probe codes).

    ``half`` stores float weights as float16 (half the bytes, for shipped
    models); they are widened back to float32 on load.
    """
    tensors = {k: _storable(v, half) for k, v in model.state_dict().items()}
    for name, t in (extras or {}).items():
        tensors[EXTRA_PREFIX + name] = _storable(t, half)
    meta = {
        "library_version": __version__,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "history": model.history,
        **model.metadata,
        **(metadata or {}),
    }
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "config": model.config.to_json(),
        "metadata": json.dumps(meta, default=_json_default),
    }
    return st_save(tensors, metadata=header)


def save_model(model: AutoEncoder, path: str | os.PathLike, metadata: dict[str, Any] | None = None,
               extras: dict[str, torch.Tensor] | None = None, half: bool = False) -> Path:
    """Write the model file atomically (temp file in the same folder, then rename)."""
    path = Path(path)
    atomic_write(path, model_to_bytes(model, metadata, extras, half))
    return path


def round_to_half(model: AutoEncoder) -> AutoEncoder:
    """Round float weights through float16 in place, so metrics match a ``half`` file."""
    with torch.no_grad():
        for t in model.state_dict().values():
            if t.dtype == torch.float32:
                t.copy_(t.half().float())
    return model


def _storable(t: torch.Tensor, half: bool) -> torch.Tensor:
    t = t.detach().cpu()
    if half and t.dtype == torch.float32:
        t = t.half()
    return t.contiguous()


def read_header(data: bytes, source: str = "the file") -> dict[str, Any]:
    """Parse the safetensors JSON header and our metadata without touching tensors."""
    if len(data) < 8:
        raise ModelFileError(f"{source} is too short to be a model file.",
                             code="model_file.not_model")
    (n,) = struct.unpack("<Q", data[:8])
    if n > MAX_HEADER_BYTES or 8 + n > len(data):
        raise ModelFileError(f"{source} is not a Latent Explorer model file "
                             "(not safetensors, or truncated).", code="model_file.not_model")
    try:
        header = json.loads(data[8:8 + n].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ModelFileError(f"{source} has an unreadable header: it is not a "
                             "Latent Explorer model file.", code="model_file.not_model") from e
    meta = header.get("__metadata__") if isinstance(header, dict) else None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelFileError(f"{source} is a safetensors file but not a Latent Explorer model.",
                             code="model_file.not_model")
    if meta.get("format_version") != FORMAT_VERSION:
        raise ModelFileError(f"{source} uses model-file format {meta.get('format_version')!r}; "
                             f"this version reads format {FORMAT_VERSION}.",
                             code="model_file.version", found=str(meta.get("format_version")),
                             supported=FORMAT_VERSION)
    try:
        config = json.loads(meta["config"])
        metadata = json.loads(meta.get("metadata", "{}"))
    except (KeyError, TypeError, json.JSONDecodeError) as e:
        raise ModelFileError(f"{source} has a damaged config or metadata block.") from e
    if not isinstance(metadata, dict):
        raise ModelFileError(f"{source} has a damaged metadata block.")
    check_metadata(metadata, source)
    tensors = {k: v for k, v in header.items() if k != "__metadata__"}
    return {"config": config, "metadata": metadata, "tensors": tensors}


def check_metadata(metadata: dict[str, Any], source: str = "the file") -> None:
    """Every field the app reads has its type (``"metrics": "x"`` would break every page
    that lists the model); refused with ``model_file.metadata`` naming the field."""
    for key, types in _METADATA_TYPES.items():
        if key in metadata and (not isinstance(metadata[key], types)
                                or isinstance(metadata[key], bool)):
            _bad_field(source, key)
    numbers = (*_NUMBER, type(None))
    if not _map_of(metadata.get("metrics", {}), numbers):
        _bad_field(source, "metrics")
    if not all(isinstance(e, dict) and _map_of(e, numbers) for e in metadata.get("history", [])):
        _bad_field(source, "history")
    classes = metadata.get("trained_classes") or []
    if not all(isinstance(c, int) and not isinstance(c, bool) for c in classes):
        _bad_field(source, "trained_classes")


def _map_of(value: dict, types: tuple[type, ...]) -> bool:
    """A JSON object whose values are all of ``types`` (booleans are not numbers here)."""
    return all(isinstance(v, types) and not isinstance(v, bool) for v in value.values())


def _bad_field(source: str, key: str) -> None:
    raise ModelFileError(f"{source} has a damaged description: its metadata field '{key}' "
                         "does not have the type Latent Explorer writes.",
                         code="model_file.metadata", field=key)


def parse_config(raw: Any, source: str = "the file") -> AEConfig:
    """The validated config a header describes; any malformed value is a ModelFileError
    (never a TypeError from a list where a name belongs)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("variant"), str):
        raise ModelFileError(f"{source} has an invalid model config: it must be a JSON object "
                             "whose 'variant' is a name.")
    try:
        return config_from_dict(raw)
    except (AECoreError, TypeError, ValueError) as e:
        raise ModelFileError(f"{source} has an invalid model config: {e}") from e


def expected_tensors(config: AEConfig, source: str = "the file"
                     ) -> dict[str, tuple[tuple[int, ...], torch.dtype]]:
    """Name → (shape, dtype) of every tensor the config's model holds, computed on the
    ``meta`` device (no memory), refused above :data:`MAX_PARAMETERS`."""
    with torch.device("meta"):
        state = build_model(config, seed=None).state_dict()
    count = sum(t.numel() for t in state.values())
    if count > MAX_PARAMETERS:
        raise ModelFileError(f"{source} describes a model of {count:,} numbers; at most "
                             f"{MAX_PARAMETERS:,} are accepted.", code="model_file.too_big",
                             count=count, limit=MAX_PARAMETERS)
    return {k: (tuple(t.shape), t.dtype) for k, t in state.items()}


def check_tensor_table(table: dict[str, Any], expected: dict[str, tuple[tuple[int, ...],
                       torch.dtype]], source: str = "the file") -> None:
    """The header's tensors are exactly the expected ones (float32 may be stored as
    float16), and extras have a known dtype; nothing is read but the header."""
    weights = {k: v for k, v in table.items() if not k.startswith(EXTRA_PREFIX)}
    missing = sorted(set(expected) - set(weights))
    unexpected = sorted(set(weights) - set(expected))
    if missing or unexpected:
        raise ModelFileError(f"{source} does not match its config: missing tensors {missing[:3]}, "
                             f"unexpected tensors {unexpected[:3]}.")
    _check_extras({k[len(EXTRA_PREFIX):]: _entry(v, k, source) for k, v in table.items()
                   if k.startswith(EXTRA_PREFIX)}, source)
    for name, entry in table.items():
        shape, dtype = _entry(entry, name, source)
        if name not in expected:
            continue
        ref_shape, ref_dtype = expected[name]
        widened = ref_dtype == torch.float32 and dtype == torch.float16
        if shape != ref_shape or (dtype != ref_dtype and not widened):
            raise ModelFileError(f"{source}: tensor '{name}' is {shape} {dtype}, "
                                 f"expected {ref_shape} {ref_dtype}.")


EXTRA_KINDS = {"probe_codes": 3, "probe_epochs": 1, "probe_rows": 1,
               "recon_images": 4, "recon_frames": 5, "recon_epochs": 1, "recon_rows": 1}
"""The extra tensors a model file may carry (the Train page's replay: the probe's codes and
a few probe images' reconstructions, epoch by epoch) and their ranks."""
_UINT8_EXTRAS = ("recon_images", "recon_frames")
MAX_EXTRA_NUMBERS = 16_000_000
"""At most this many numbers in a file's extras (64 MB of float32): the replay keeps 60
frames of at most a few thousand probe codes."""


def _check_extras(extras: dict[str, tuple[tuple[int, ...], torch.dtype]], source: str) -> None:
    """Only the known extras, of their rank, consistent with each other and not too big."""
    unknown = sorted(set(extras) - set(EXTRA_KINDS))
    if unknown:
        raise ModelFileError(f"{source} carries unknown extra tensors {unknown[:3]}.")
    for name, (shape, _) in extras.items():
        if len(shape) != EXTRA_KINDS[name]:
            raise ModelFileError(f"{source}: extra tensor '{name}' has shape {shape}.")
    if sum(math.prod(shape) for shape, _ in extras.values()) > MAX_EXTRA_NUMBERS:
        raise ModelFileError(f"{source} carries more than {MAX_EXTRA_NUMBERS:,} extra numbers.",
                             code="model_file.too_big", count=MAX_EXTRA_NUMBERS,
                             limit=MAX_EXTRA_NUMBERS)
    codes = extras.get("probe_codes")
    if codes is not None:
        frames, rows = codes[0][0], codes[0][1]
        if ("probe_epochs" in extras and extras["probe_epochs"][0] != (frames,)) or (
                "probe_rows" in extras and extras["probe_rows"][0] != (rows,)):
            raise ModelFileError(f"{source}: its replay tensors do not match each other.")
    _check_recon_extras(extras, source)


def _check_recon_extras(extras: dict[str, tuple[tuple[int, ...], torch.dtype]],
                        source: str) -> None:
    """The per-image replay: bytes, and frames, epochs, rows and images that agree."""
    for name in _UINT8_EXTRAS:
        if name in extras and extras[name][1] != torch.uint8:
            raise ModelFileError(f"{source}: extra tensor '{name}' is not uint8.")
    frames = extras.get("recon_frames")
    if frames is None:
        return
    (count, n, *image), _ = frames
    if ("recon_epochs" in extras and extras["recon_epochs"][0] != (count,)) or (
            "recon_rows" in extras and extras["recon_rows"][0] != (n,)) or (
            "recon_images" in extras and extras["recon_images"][0] != (n, *image)):
        raise ModelFileError(f"{source}: its replay tensors do not match each other.")


def _entry(entry: Any, name: str, source: str) -> tuple[tuple[int, ...], torch.dtype]:
    """Shape and dtype of one header entry, or a refusal if it is malformed."""
    shape = entry.get("shape") if isinstance(entry, dict) else None
    dtype = _ST_DTYPES.get(entry.get("dtype")) if isinstance(entry, dict) else None
    if (dtype is None or not isinstance(shape, list)
            or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape)):
        raise ModelFileError(f"{source}: tensor '{name}' has a damaged header entry.")
    return tuple(shape), dtype


def inspect_header(data: bytes, source: str = "the file") -> dict[str, Any]:
    """Every check that needs only the header: format, metadata types, config, size cap and
    the tensor table. Returns the header with ``config`` as a validated :class:`AEConfig`."""
    header = read_header(data, source)
    config = parse_config(header["config"], source)
    check_tensor_table(header["tensors"], expected_tensors(config, source), source)
    return {**header, "config": config}


def model_from_bytes(data: bytes, source: str = "the file") -> AutoEncoder:
    """Validate and load a model; refuses anything that is not exactly what it claims."""
    if len(data) > MAX_FILE_BYTES:
        raise ModelFileError(f"{source} is larger than {MAX_FILE_BYTES // 2**20} MB.",
                             code="model_file.too_large", mb=MAX_FILE_BYTES // 2**20)
    header = inspect_header(data, source)  # nothing is allocated before this passes
    try:
        tensors = st_load(data)
    except Exception as e:  # safetensors raises its own error types for bad offsets
        raise ModelFileError(f"{source} is damaged or truncated ({e}).") from e
    model = build_model(header["config"], seed=None)
    weights = {k: v for k, v in tensors.items() if not k.startswith(EXTRA_PREFIX)}
    _check_weights(model, weights, source)
    weights = {k: v.float() if v.dtype == torch.float16 else v for k, v in weights.items()}
    model.load_state_dict(weights, strict=True)
    model.eval()
    model.metadata = header["metadata"]
    model.history = list(model.metadata.get("history", []))
    model.extras = {k[len(EXTRA_PREFIX):]: v.float() if v.dtype == torch.float16 else v
                    for k, v in tensors.items() if k.startswith(EXTRA_PREFIX)}
    if not all(torch.isfinite(v).all() for v in model.extras.values() if v.is_floating_point()):
        raise ModelFileError(f"{source} carries extra tensors with values that are not "
                             "finite numbers.")
    return model


def load_model(path: str | os.PathLike, device: str | torch.device | None = None) -> AutoEncoder:
    """Load a model file written by :func:`save_model`; never unpickles anything."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as e:
        raise ModelFileError(f"Cannot read model file '{path}': {e.strerror}.") from e
    if size > MAX_FILE_BYTES:
        raise ModelFileError(f"'{path.name}' is larger than {MAX_FILE_BYTES // 2**20} MB.",
                             code="model_file.too_large", mb=MAX_FILE_BYTES // 2**20)
    model = model_from_bytes(path.read_bytes(), f"'{path.name}'")
    return model.to(device) if device is not None else model


def read_model_info(path: str | os.PathLike) -> dict[str, Any]:
    """Config (as a dict) and metadata of a model file, reading only its header (cheap
    listing); a file that :func:`load_model` would refuse from its header is refused here."""
    path = Path(path)
    with path.open("rb") as f:
        head = f.read(8)
        n = struct.unpack("<Q", head)[0] if len(head) == 8 else 0
        data = head + f.read(min(n, MAX_HEADER_BYTES))
    info = inspect_header(data, f"'{path.name}'")
    return {"config": info["config"].to_dict(), "metadata": info["metadata"]}


def _check_weights(model: AutoEncoder, weights: dict[str, torch.Tensor], source: str) -> None:
    expected = model.state_dict()
    missing = sorted(set(expected) - set(weights))
    unexpected = sorted(set(weights) - set(expected))
    if missing or unexpected:
        raise ModelFileError(f"{source} does not match its config: missing tensors {missing[:3]}, "
                             f"unexpected tensors {unexpected[:3]}.")
    for name, ref in expected.items():
        t = weights[name]
        widened = ref.dtype == torch.float32 and t.dtype == torch.float16
        if t.shape != ref.shape or (t.dtype != ref.dtype and not widened):
            raise ModelFileError(f"{source}: tensor '{name}' is {tuple(t.shape)} {t.dtype}, "
                                 f"expected {tuple(ref.shape)} {ref.dtype}.")
        if t.is_floating_point() and not torch.isfinite(t).all():
            raise ModelFileError(f"{source}: tensor '{name}' contains NaN or infinite values.")


def _json_default(obj: Any) -> Any:
    if torch.is_tensor(obj):
        return obj.tolist()
    if hasattr(obj, "item"):
        return obj.item()
    if hasattr(obj, "tolist"):
        return obj.tolist()
    raise TypeError(f"cannot store {type(obj).__name__} in model metadata")
