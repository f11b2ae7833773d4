"""The model store: a folder of model files that every page and the CLI share.

The folder comes from ``AE_MODEL_DIR``, else ``$XDG_DATA_HOME/latent-explorer/
models`` (``~/.local/share/...``). Names are validated so a user-typed name can
never escape the folder; writes are atomic; uploads are fully validated (see
:mod:`ae_core.io`) before a byte is written.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ae_core.errors import AECoreError, error_kind
from ae_core.paths import PRETRAINED_DIR, SUFFIX, atomic_write, user_cache, user_data

if TYPE_CHECKING:
    from ae_core.models import AutoEncoder

NAME_PATTERN = re.compile(r"^[\w][\w .\-]{0,79}$")
MAX_NAME_CHARS = 80
MAX_NAME_BYTES = 200
"""UTF-8 bytes: the file and its temporary twin during an atomic write
(``.NAME.safetensors.XXXXXXXX.tmp``) must fit a 255-byte file name, and 80
Korean letters are 240 bytes."""
FALLBACK_NAME = "model"
_LOCK = threading.Lock()


class StoreError(AECoreError):
    """A store operation was refused (bad name, name taken, no such model)."""

    code = "store"


class NameReserved(StoreError):
    """The name belongs to a shipped model: two list entries with one name would confuse."""

    def __init__(self, name: str):
        super().__init__(f"'{name}' is the name of a shipped model; choose another name.",
                         code="store.reserved", name=name)
        self.name = name


def default_store_dir() -> Path:
    return user_data("AE_MODEL_DIR", "models")


@dataclass(frozen=True)
class StoredModel:
    """What a listing shows without loading weights."""

    name: str
    path: Path
    config: dict[str, Any]
    metadata: dict[str, Any]
    capabilities: tuple[str, ...] = ()
    """The variant's capability flags that are set (``AutoEncoder.probabilistic``…), found
    when the header was validated, so a listing can say what a model can do without torch."""

    @property
    def variant(self) -> str:
        return self.config.get("variant", "?")

    @property
    def latent_dim(self) -> int:
        return int(self.config.get("latent_dim", 0))

    @property
    def dataset(self) -> str:
        return str(self.metadata.get("dataset", "?"))

    @property
    def created(self) -> str:
        return str(self.metadata.get("created", ""))

    @property
    def metrics(self) -> dict[str, float]:
        return dict(self.metadata.get("metrics", {}))


@dataclass(frozen=True)
class DamagedModel:
    """A file in the store that cannot be listed as a model: shown as damaged, deletable.

    ``error`` is the refusal's kind (see :func:`ae_core.errors.error_kind`), so a page
    can say in its own language what is wrong with it.
    """

    name: str
    path: Path
    error: dict[str, Any]


def validate_name(name: str) -> str:
    """Letters (any script), digits, space, '.', '_' and '-'; no path separators."""
    name = name.strip()
    if name.endswith(SUFFIX):
        name = name[: -len(SUFFIX)]
    if (not NAME_PATTERN.match(name) or name in (".", "..") or ".." in name
            or len(name.encode("utf-8")) > MAX_NAME_BYTES):
        raise StoreError(f"'{name}' is not a valid model name: use up to 80 letters, digits, "
                         "spaces, '.', '_' or '-', starting with a letter or digit.",
                         code="store.bad_name", name=name)
    return name


def _fits(name: str, room: int) -> bool:
    return (len(name) + room <= MAX_NAME_CHARS
            and len(name.encode("utf-8")) + room <= MAX_NAME_BYTES)


def _trim(name: str, room: int = 0) -> str:
    """``name`` cut (at a character) so that ``room`` more ASCII characters still fit."""
    while name and not _fits(name, room):
        name = name[:-1]
    return name.rstrip(" .-")


def safe_name(text: str, room: int = 0, fallback: str = FALLBACK_NAME) -> str:
    """A valid name made from any text (a file or dataset name a user chose).

    Characters a name cannot hold (':', '/', emoji…) become '-', runs of them
    one; the result is cut so that ``room`` more ASCII characters (a suffix
    such as ``-vae-2d``) still fit. NFC first: a Korean or accented file
    name from a Mac arrives decomposed, and its combining marks are not
    letters. Text with nothing usable gives ``fallback``.
    """
    name = unicodedata.normalize("NFC", str(text))
    name = re.sub(r"[^\w .\-]+", "-", name)
    name = re.sub(r"\.{2,}", ".", name)
    name = re.sub(r"\s+", " ", name)
    name = re.sub(r"-{2,}", "-", name)
    name = re.sub(r"^[^\w]+", "", name)
    name = _trim(name.rstrip(" .-"), room)
    return name or _trim(fallback, room)


def _same_name(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()


def shipped_names() -> set[str]:
    """Names of the models in the repository's ``pretrained/`` folder."""
    return {m.name for m in ModelStore(PRETRAINED_DIR).list()}


class ModelStore:
    """List, save, load, rename, delete and import model files in one folder.

    ``reserved`` gives names this store must not take (by default, for the
    user's store, the shipped models' names): the sidebar lists shipped and
    stored models together, and "mnist-vae-2d · shipped" beside
    "mnist-vae-2d · mine" would be two different models under one name.
    """

    def __init__(self, root: str | os.PathLike | None = None,
                 reserved: Callable[[], Iterable[str]] | None = None):
        self.root = Path(root) if root is not None else default_store_dir()
        self._reserved = reserved if reserved is not None else (
            shipped_names if root is None else (lambda: ()))

    def is_reserved(self, name: str) -> bool:
        return any(_same_name(name, taken) for taken in self._reserved())

    def check_free(self, name: str) -> str:
        """The valid form of ``name``; raises if it is invalid, reserved or taken."""
        name = validate_name(name)
        if self.is_reserved(name):
            raise NameReserved(name)
        if self.exists(name):
            raise StoreError(f"A model named '{name}' already exists.", code="store.exists",
                             name=name)
        return name

    def path(self, name: str) -> Path:
        return self.root / (validate_name(name) + SUFFIX)

    def list(self, dataset: str | None = None) -> list[StoredModel]:
        """Models sorted newest first; damaged files are left out (see :meth:`damaged`)."""
        found = [m for m in self.scan() if isinstance(m, StoredModel)]
        found = [m for m in found if dataset is None or m.dataset == dataset]
        return sorted(found, key=lambda m: (m.created, m.name), reverse=True)

    def damaged(self) -> list[DamagedModel]:
        """Files in the folder that are not loadable models (a crafted upload, a file copied
        in by hand, a partial copy), by name, so the UI can say so and offer Delete."""
        found = [m for m in self.scan() if isinstance(m, DamagedModel)]
        return sorted(found, key=lambda m: m.name)

    def scan(self) -> list[StoredModel | DamagedModel]:
        """Every model file of the folder, read from its header and checked as a load
        would check it; one bad file never hides the others. Headers checked before (see
        :class:`HeaderIndex`) are not checked again, so a listing needs no torch."""
        if not self.root.is_dir():
            return []
        index = HeaderIndex.open()
        found: list[StoredModel | DamagedModel] = []
        for p in self.root.glob("*" + SUFFIX):
            if p.name.startswith(".") or not p.is_file():
                continue  # an atomic write's temporary twin, or not a file
            name = p.name[: -len(SUFFIX)]
            try:
                validate_name(name)
            except StoreError as e:
                found.append(DamagedModel(name, p, error_kind(e)))
                continue
            info = index.describe(p)
            found.append(DamagedModel(name, p, info["error"]) if "error" in info else
                         StoredModel(name, p, info["config"], info["metadata"],
                                     tuple(info["capabilities"])))
        index.save()
        return found

    def exists(self, name: str) -> bool:
        return self.path(name).is_file()

    def save(self, model: AutoEncoder, name: str, metadata: dict[str, Any] | None = None,
             extras: dict | None = None, overwrite: bool = False,
             half: bool = False) -> StoredModel:
        from ae_core.io import model_to_bytes  # deferred: listing must not import torch

        return self._write(name, model_to_bytes(model, metadata, extras, half), overwrite)

    def load(self, name: str) -> AutoEncoder:
        from ae_core.io import load_model  # deferred: listing must not import torch

        path = self.path(name)
        if not path.is_file():
            raise StoreError(f"There is no stored model named '{name}'.", code="store.missing",
                             name=name)
        return load_model(path)

    def import_bytes(self, data: bytes, name: str, overwrite: bool = False) -> StoredModel:
        """Validate an uploaded file completely, then store it; refusals write nothing."""
        from ae_core.io import model_from_bytes  # deferred: listing must not import torch

        model_from_bytes(data, "The uploaded file")
        return self._write(name, data, overwrite)

    def rename(self, old: str, new: str) -> StoredModel:
        src, dst = self.path(old), self.path(new)
        if self.is_reserved(validate_name(new)):
            raise NameReserved(validate_name(new))
        with _LOCK:
            if not src.is_file():
                raise StoreError(f"There is no stored model named '{old}'.", code="store.missing",
                                 name=old)
            if dst.exists():
                raise StoreError(f"A model named '{validate_name(new)}' already exists.",
                                 code="store.exists", name=validate_name(new))
            os.replace(src, dst)
        return self._describe(dst)

    def delete(self, name: str) -> None:
        """Delete a model, or a damaged file of the folder by its exact listed name (which
        may not be a valid name: it was not made by this store)."""
        path = self._listed_path(name)
        if not path.is_file():
            raise StoreError(f"There is no stored model named '{name}'.", code="store.missing",
                             name=name)
        path.unlink()

    def _listed_path(self, name: str) -> Path:
        """The path of a valid name, or of a file the scan listed under an invalid one (only
        a plain name directly in this folder: never a path that leaves it)."""
        try:
            return self.path(name)
        except StoreError:
            listed = {p.name[: -len(SUFFIX)]: p for p in self.root.glob("*" + SUFFIX)}
            if name in listed and listed[name].parent == self.root:
                return listed[name]
            raise

    def unique_name(self, stem: str) -> str:
        """``stem`` or ``stem-2``, ``stem-3``… whichever is free and not reserved.

        A long stem is shortened so that the number still fits a valid name.
        """
        stem = validate_name(stem)
        reserved = list(self._reserved())
        candidate, i = stem, 2
        while self.exists(candidate) or any(_same_name(candidate, r) for r in reserved):
            suffix = f"-{i}"
            candidate, i = _trim(stem, len(suffix)) + suffix, i + 1
        return candidate

    def _write(self, name: str, data: bytes, overwrite: bool) -> StoredModel:
        path = self.path(name)
        if self.is_reserved(validate_name(name)):
            raise NameReserved(validate_name(name))
        with _LOCK:
            if path.exists() and not overwrite:
                raise StoreError(f"A model named '{validate_name(name)}' already exists.",
                                 code="store.exists", name=validate_name(name))
            atomic_write(path, data)
        return self._describe(path)

    def _describe(self, path: Path) -> StoredModel:
        index = HeaderIndex.open()
        info = index.describe(path)
        index.save()
        if "error" in info:
            info = validated_info(path)  # raises the refusal itself
        return StoredModel(path.name[: -len(SUFFIX)], path, info["config"], info["metadata"],
                           tuple(info["capabilities"]))


def validated_info(path: Path) -> dict[str, Any]:
    """Config, metadata and capability flags of a model file, its header checked as a load
    would check it (:func:`ae_core.io.read_model_info`); raises what the check raises."""
    from ae_core.io import read_model_info  # deferred: a check needs torch, a listing not
    from ae_core.models import VARIANTS, AutoEncoder  # deferred with io: torch

    info = read_model_info(path)
    cls = VARIANTS.get(info["config"].get("variant"))
    flags = [n for n, v in vars(AutoEncoder).items() if isinstance(v, bool) and n[0] != "_"]
    return {**info, "capabilities": sorted(f for f in flags if getattr(cls, f, False) is True)}


class HeaderIndex:
    """Model headers already checked, kept on disk: the app lists models without torch.

    Checking a header builds its model on torch's ``meta`` device, so the first listing of
    a fresh server would wait for torch's import (over a second) before the first page
    could show. An entry keeps what the check found — config, metadata and capability
    flags, or the refusal — under the file's size and modification time and a digest of
    the code that checked it (``io.py``, ``models/``, the version): a changed file, or
    changed checking code, is checked again, so nothing unchecked is ever listed. The
    index is a cache: unreadable, it is rebuilt; unwritable, listings just check again.
    """

    FORMAT = "model-headers-v1"

    def __init__(self, path: Path, entries: dict[str, Any]):
        self.path, self.entries, self.changed = path, entries, False

    @classmethod
    def open(cls, path: Path | None = None) -> HeaderIndex:
        path = path or user_cache("AE_CACHE_DIR", "codes") / "model-headers.json"
        return cls(path, dict(_parsed_index(path, *_file_stamp(path)[:2])))

    def describe(self, path: Path) -> dict[str, Any]:
        """The file's checked info, or ``{"error": kind}`` for a file a load would refuse."""
        key, stamp = str(path.resolve()), _file_stamp(path)
        entry = self.entries.get(key)
        if isinstance(entry, dict) and entry.get("stamp") == stamp and (
                isinstance(entry.get("info"), dict)):
            return entry["info"]
        try:
            info = validated_info(path)
        except (OSError, AECoreError) as e:
            info = {"error": error_kind(e)}
        self.entries[key] = {"stamp": _file_stamp(path), "info": info}
        self.changed = True
        return info

    def save(self) -> None:
        if not self.changed:
            return
        with _LOCK, suppress(OSError, TypeError, ValueError):
            atomic_write(self.path, json.dumps({"format": self.FORMAT, "entries": self.entries},
                                               default=str).encode("utf-8"))
        self.changed = False


@lru_cache(maxsize=4)
def _parsed_index(path: Path, size: int | None = None, mtime_ns: int | None = None
                  ) -> dict[str, Any]:
    """The index file's entries, parsed once per version of the file (listings run on page
    reruns; the file holds every model's metadata, a few hundred KB of JSON)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["entries"] if data.get("format") == HeaderIndex.FORMAT else {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        entries = {}
    return entries if isinstance(entries, dict) else {}


def _file_stamp(path: Path) -> list:
    try:
        st = path.stat()
    except OSError:
        return []
    return [st.st_size, st.st_mtime_ns, _checker_digest()]


@lru_cache(maxsize=1)
def _checker_digest() -> str:
    """A digest of the source of everything that decides whether a header passes."""
    here = Path(__file__).parent
    h = hashlib.blake2b(digest_size=12)
    for source in [here / "version.py", here / "io.py", *sorted((here / "models").glob("*.py"))]:
        with suppress(OSError):
            h.update(source.name.encode() + source.read_bytes())
    return h.hexdigest()
