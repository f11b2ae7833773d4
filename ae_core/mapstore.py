"""Opened maps kept on disk, so that a fresh server draws its first map without torch.

Opening a map costs the server torch's import (over a second), the dataset, the model
and the codes; on a freshly started server the first visitor would wait for all of it
before the map appears. Yet what the page draws — the 2-D positions, the labels, the
decoder's weights in the page's own format, the slider ranges — is fixed by the model
file and the images. A :class:`MapRecord` keeps exactly that, plus the latent space's
arrays and the dataset's few facts the page shows (class names, image shape), in one
``.npz`` file (no pickles). It is written whenever a map is opened, and read back with
NumPy alone.

A record is found under a digest of everything it derives from: the model file (path,
size, modification time), the dataset's files (the same), the split, the versions of
torch, NumPy, SciPy and scikit-learn, and the source of the modules that compute a map
(:func:`code_digest`). A changed model, dataset, library or computation is therefore a
different key: a stale record is never found, only left to age out (least recently used
files beyond ``MAX_FILES`` are deleted).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from ae_core.latent import LatentSpace, Projection, Window
from ae_core.paths import atomic_write, user_cache

FORMAT = "map-record-v2"
MAX_FILES = 24
"""Records kept (least recently used deleted): a 10k-point 2-D map with a conv decoder is
about 1 MB, a 70k-point one 2 MB."""
LIBRARIES = ("torch", "numpy", "scipy", "scikit-learn", "safetensors")
SOURCES = ("version.py", "latent.py", "webdecoder.py", "codecache.py", "embedders.py",
           "io.py", "models", "data")
"""The package's files (and folders) whose code decides a map's content."""


@dataclass(frozen=True)
class MapRecord:
    """One opened map: its latent space, the canvas's map and decoder, the dataset's facts.

    ``decoder`` is ``(spec, weights)`` as :func:`ae_core.webdecoder.program_parts` gives
    it, or None when the page cannot run this model's decoder; ``encoder`` is the same for
    the encoder (:func:`ae_core.webdecoder.encoder_parts`: the drawing pad encodes in the
    page), or None. ``facts`` holds the dataset's ``class_names``, ``meta`` and
    ``image_shape`` and the map's ``n_train``.
    """

    space: LatentSpace
    map_header: dict[str, Any]
    map_arrays: dict[str, np.ndarray]
    decoder: tuple[dict[str, Any], dict[str, np.ndarray]] | None
    facts: dict[str, Any]
    encoder: tuple[dict[str, Any], dict[str, np.ndarray]] | None = None


def records_dir() -> Path:
    """Next to the stored codes (``$AE_CACHE_DIR``, else the XDG cache), in ``maps/``."""
    return user_cache("AE_CACHE_DIR", "codes") / "maps"


def file_stamp(path: str | os.PathLike) -> list[Any]:
    """What changes when a file is replaced: its resolved path, size and modification time."""
    path = Path(path)
    try:
        st = path.stat()
    except OSError:
        return [str(path), None]
    return [str(path.resolve()), st.st_size, st.st_mtime_ns]


def record_key(model: Any, dataset: Any, split: str) -> str:
    """The digest a record is stored under: ``model`` and ``dataset`` are JSON-able stamps
    (see :func:`file_stamp`), combined with the libraries' versions and :func:`code_digest`."""
    parts = {"format": FORMAT, "model": model, "dataset": dataset, "split": split,
             "libraries": library_versions(), "code": code_digest()}
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


@lru_cache(maxsize=1)
def library_versions() -> dict[str, str]:
    """Installed versions, read from the packages' metadata (nothing is imported)."""
    found = {}
    for name in LIBRARIES:
        with suppress(metadata.PackageNotFoundError):
            found[name] = metadata.version(name)
    return found


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of the source of the modules that compute a map (``SOURCES``)."""
    here = Path(__file__).parent
    h = hashlib.blake2b(digest_size=16)
    for name in SOURCES:
        target = here / name
        files = sorted(target.rglob("*.py")) if target.is_dir() else [target]
        for source in files:
            with suppress(OSError):
                data = source.read_bytes()
                h.update(f"{source.relative_to(here)}:{len(data)}:".encode() + data)
    return h.hexdigest()


# ------------------------------------------------------------------ file format


def to_bytes(record: MapRecord) -> bytes:
    """The record as an ``.npz``: arrays by prefixed name, everything else in one JSON."""
    space = record.space
    arrays = {"space.codes": space.codes, "space.labels": np.asarray(space.labels),
              "space.xy": space.xy, "space.ranges": space.ranges,
              "projection.mean": space.projection.mean,
              "projection.components": space.projection.components}
    arrays |= {f"map.{k}": v for k, v in record.map_arrays.items()}
    spec, weights = record.decoder if record.decoder is not None else (None, {})
    arrays |= {f"decoder.{k}": v for k, v in weights.items()}
    enc_spec, enc_weights = record.encoder if record.encoder is not None else (None, {})
    arrays |= {f"encoder.{k}": v for k, v in enc_weights.items()}
    w = space.window
    info = {"format": FORMAT, "prior": bool(space.prior),
            "explained": list(space.projection.explained), "window": [w.x0, w.x1, w.y0, w.y1],
            "map_header": record.map_header, "decoder": spec, "encoder": enc_spec,
            "facts": record.facts}
    arrays["info"] = np.frombuffer(json.dumps(info, default=_json_default).encode(), np.uint8)
    buf = io.BytesIO()
    np.savez(buf, **{k: np.ascontiguousarray(v) for k, v in arrays.items()})
    return buf.getvalue()


def from_bytes(data: bytes) -> MapRecord:
    """Parse :func:`to_bytes`'s output; raises ``ValueError`` for anything else."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
        info = json.loads(arrays.pop("info").tobytes().decode())
        if info.get("format") != FORMAT:
            raise ValueError("not a map record")
        projection = Projection(arrays.pop("projection.mean"),
                                arrays.pop("projection.components"), tuple(info["explained"]))
        space = LatentSpace(codes=arrays.pop("space.codes"), labels=arrays.pop("space.labels"),
                            projection=projection, xy=arrays.pop("space.xy"),
                            ranges=arrays.pop("space.ranges"), window=Window(*info["window"]),
                            prior=bool(info["prior"]))
    except (OSError, EOFError, KeyError, TypeError, ValueError, zipfile.BadZipFile) as e:
        raise ValueError(f"not a map record ({e})") from e
    map_arrays = {k[4:]: v for k, v in arrays.items() if k.startswith("map.")}
    weights = {k[8:]: v for k, v in arrays.items() if k.startswith("decoder.")}
    decoder = (info["decoder"], weights) if info["decoder"] is not None else None
    enc_weights = {k[8:]: v for k, v in arrays.items() if k.startswith("encoder.")}
    encoder = (info["encoder"], enc_weights) if info.get("encoder") is not None else None
    return MapRecord(space, info["map_header"], map_arrays, decoder, info["facts"], encoder)


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON-able")


# ------------------------------------------------------------------ the folder


def load(key: str, root: Path | None = None) -> MapRecord | None:
    """The record stored under ``key``, or None (absent, or unreadable: then deleted)."""
    path = (root or records_dir()) / f"{key}.npz"
    try:
        record = from_bytes(path.read_bytes())
    except OSError:
        return None
    except ValueError:
        path.unlink(missing_ok=True)
        return None
    with suppress(OSError):
        os.utime(path)  # recently used: kept by the trim
    return record


def save(key: str, record: MapRecord, root: Path | None = None) -> None:
    """Store ``record`` under ``key`` (atomic; a full or read-only disk is not an error)."""
    root = root or records_dir()
    with suppress(OSError):
        atomic_write(root / f"{key}.npz", to_bytes(record))
        _trim(root)


def _trim(root: Path, keep: int = MAX_FILES) -> None:
    files = sorted(root.glob("*.npz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[keep:]:
        old.unlink(missing_ok=True)
