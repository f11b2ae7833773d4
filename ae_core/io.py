"""Model files: one safetensors file holding weights, JSON config and metadata.

Loading never executes code: the file is parsed as safetensors (a JSON header
plus raw little-endian tensors), the config is validated against the variant
registry and every tensor name, shape and dtype must match the model the
config describes. Anything else — a pickle, a truncated file, a crafted
header — is refused with :class:`ModelFileError`.
"""

from __future__ import annotations

import json
import os
import struct
import tempfile
import time
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load as st_load
from safetensors.torch import save as st_save

from ae_core import __version__
from ae_core.errors import AECoreError, ModelFileError
from ae_core.models import AutoEncoder, build_model, config_from_dict

FORMAT = "latent-explorer-model"
FORMAT_VERSION = "1"
EXTRA_PREFIX = "extra."
MAX_HEADER_BYTES = 16 * 1024 * 1024
MAX_FILE_BYTES = 512 * 1024 * 1024
SUFFIX = ".safetensors"


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


def atomic_write(path: Path, data: bytes) -> None:
    """Readers see the old file or the complete new one, never a partial write."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide shared models from other users
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
    return {"config": config, "metadata": metadata}


def model_from_bytes(data: bytes, source: str = "the file") -> AutoEncoder:
    """Validate and load a model; refuses anything that is not exactly what it claims."""
    if len(data) > MAX_FILE_BYTES:
        raise ModelFileError(f"{source} is larger than {MAX_FILE_BYTES // 2**20} MB.",
                             code="model_file.too_large", mb=MAX_FILE_BYTES // 2**20)
    header = read_header(data, source)
    try:
        config = config_from_dict(header["config"])
    except AECoreError as e:
        raise ModelFileError(f"{source} has an invalid model config: {e}") from e
    try:
        tensors = st_load(data)
    except Exception as e:  # safetensors raises its own error types for bad offsets
        raise ModelFileError(f"{source} is damaged or truncated ({e}).") from e
    model = build_model(config, seed=None)
    weights = {k: v for k, v in tensors.items() if not k.startswith(EXTRA_PREFIX)}
    _check_weights(model, weights, source)
    weights = {k: v.float() if v.dtype == torch.float16 else v for k, v in weights.items()}
    model.load_state_dict(weights, strict=True)
    model.eval()
    model.metadata = header["metadata"]
    model.history = list(model.metadata.get("history", []))
    model.extras = {k[len(EXTRA_PREFIX):]: v.float() if v.dtype == torch.float16 else v
                    for k, v in tensors.items() if k.startswith(EXTRA_PREFIX)}
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
    """Config and metadata of a model file, reading only its header (cheap listing)."""
    path = Path(path)
    with path.open("rb") as f:
        head = f.read(8)
        n = struct.unpack("<Q", head)[0] if len(head) == 8 else 0
        data = head + f.read(min(n, MAX_HEADER_BYTES))
    return read_header(data, f"'{path.name}'")


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
