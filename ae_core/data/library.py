"""Uploaded datasets kept on disk, usable everywhere a built-in one is.

A user dataset is saved once, after validation, as an ``.npz`` (uint8 pixels,
labels, class names, its train/test split) plus a small JSON sidecar. It is
named ``user:<name>`` so it can never shadow a built-in dataset, and
:func:`load_any` resolves either kind. Reading goes back through
:func:`ae_core.data.user.load_npz`, so a file edited on disk is validated again.
"""

from __future__ import annotations

import io
import json
import os
import threading
import time
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ae_core.data import download as dl
from ae_core.data.builtin import DATASETS, dataset_names, load_dataset
from ae_core.errors import AECoreError, DataError
from ae_core.paths import atomic_write, user_data
from ae_core.store import validate_name

if TYPE_CHECKING:
    import torch

    from ae_core.data.dataset import Dataset

USER_PREFIX = "user:"
_LOCK = threading.Lock()


def default_library_dir() -> Path:
    return user_data("AE_USER_DATA_DIR", "datasets")


def is_user_dataset(name: str) -> bool:
    return name.startswith(USER_PREFIX)


def display_name(name: str) -> str:
    """What a person calls a dataset: an upload's own name, without the internal prefix
    that keeps it apart from the built-in ones (``user:shapes`` → ``shapes``)."""
    return name.removeprefix(USER_PREFIX)


class DatasetLibrary:
    """Save, list, load and delete user datasets in one folder."""

    def __init__(self, root: str | os.PathLike | None = None):
        self.root = Path(root) if root is not None else default_library_dir()

    def _paths(self, name: str) -> tuple[Path, Path]:
        stem = validate_name(name.removeprefix(USER_PREFIX))
        return self.root / f"{stem}.npz", self.root / f"{stem}.json"

    def save(self, dataset: Dataset, name: str, source: str = "",
             overwrite: bool = False) -> str:
        """Store a validated dataset; returns its full name ``user:<name>``."""
        data_path, meta_path = self._paths(name)
        stem = data_path.stem
        with _LOCK:
            if data_path.exists() and not overwrite:
                raise DataError(f"A dataset named '{stem}' already exists; choose another name.")
            atomic_write(data_path, _npz_bytes(dataset))
            meta = {"title": stem, "source": source, "created": time.strftime("%Y-%m-%d %H:%M"),
                    "n_train": dataset.n_train, "n_test": len(dataset.x_test),
                    "image_size": dataset.image_shape[-1], "class_names": dataset.class_names}
            atomic_write(meta_path, json.dumps(meta, ensure_ascii=False).encode("utf-8"))
        return USER_PREFIX + stem

    def list(self) -> list[dict[str, Any]]:
        """Sidecar metadata of every stored dataset, with its full ``name``."""
        if not self.root.is_dir():
            return []
        items = []
        for meta_path in sorted(self.root.glob("*.json")):
            if not meta_path.with_suffix(".npz").is_file():
                continue
            try:
                meta = json.loads(meta_path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                continue
            items.append({**meta, "name": USER_PREFIX + meta_path.stem})
        return items

    def load(self, name: str) -> Dataset:
        data_path, _ = self._paths(name)
        if not data_path.is_file():
            raise DataError(f"There is no uploaded dataset named '{name}'.")
        stat = data_path.stat()
        return _load_cached(str(data_path), stat.st_mtime_ns, stat.st_size)

    def delete(self, name: str) -> None:
        data_path, meta_path = self._paths(name)
        if not data_path.is_file():
            raise DataError(f"There is no uploaded dataset named '{name}'.")
        data_path.unlink()
        meta_path.unlink(missing_ok=True)


def _npz_bytes(dataset: Dataset) -> bytes:
    """uint8 pixels (the resolution every upload arrives at) plus labels and names."""
    import torch  # deferred: the sidebar lists saved uploads without torch

    def pixels(x: torch.Tensor) -> np.ndarray:
        return (x.clamp(0, 1) * 255).round().to(torch.uint8).numpy()

    buf = io.BytesIO()
    np.savez_compressed(buf, x_train=pixels(dataset.x_train), y_train=dataset.y_train.numpy(),
                        x_test=pixels(dataset.x_test), y_test=dataset.y_test.numpy(),
                        class_names=np.array(dataset.class_names, dtype=str))
    return buf.getvalue()


@lru_cache(maxsize=4)
def _load_cached(path: str, mtime_ns: int, size: int) -> Dataset:
    from ae_core.data.user import load_npz  # deferred: torch and PIL

    name = USER_PREFIX + Path(path).stem
    dataset = load_npz(path, name)
    dataset.meta["source"] = "user"
    return dataset


def load_any(name: str, library: DatasetLibrary | None = None, **builtin_options: Any
             ) -> Dataset:
    """A built-in dataset by name, or an uploaded one by ``user:<name>``."""
    if is_user_dataset(name):
        return (library or DatasetLibrary()).load(name)
    if name not in dataset_names():
        raise DataError(f"There is no dataset called {name!r}; built-in ones are "
                        f"{', '.join(dataset_names())}, uploaded ones start with 'user:'.")
    return load_dataset(name, **builtin_options)


def source_files(name: str, library: DatasetLibrary | None = None) -> list[Path] | None:
    """The files a dataset is read from (none for bundled digits), so a derived result can
    be keyed by their stamps; None for a name that is neither built in nor saved."""
    if is_user_dataset(name):
        try:
            return [(library or DatasetLibrary())._paths(name)[0]]
        except AECoreError:
            return None
    spec = DATASETS.get(name)
    if spec is None:
        return None
    folder = dl.dataset_folder(spec, dl.data_dir())
    return [folder / f.name for f in spec.files]
