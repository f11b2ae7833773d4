"""The built-in datasets: digits (bundled with scikit-learn), MNIST and Fashion-MNIST.

Each dataset is described by a frozen ``DatasetSpec`` so the app can show
titles, sizes and download volumes without loading anything, and tests can
hand in a spec of their own (synthetic files, local mirror).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np

from ae_core.data import download as dl
from ae_core.data.download import FileSpec, Progress
from ae_core.data.idx import read_idx
from ae_core.errors import CorruptFileError, DataError

if TYPE_CHECKING:
    import torch

    from ae_core.data.dataset import Dataset  # deferred with torch: it imports torch

DIGITS_TEST_SIZE = 0.2
DIGITS_SEED = 0

IDX_ROLES = ("train_images", "train_labels", "test_images", "test_labels")
"""Order of ``DatasetSpec.files`` for IDX datasets."""

_DIGIT_NAMES = tuple(str(i) for i in range(10))


@dataclass(frozen=True)
class DatasetSpec:
    """Everything known about a built-in dataset before loading it."""

    name: str
    title: str  # English; the app's titles, in each of its languages, are in its string table
    class_names: tuple[str, ...]
    class_names_ko: tuple[str, ...]
    image_size: int
    kind: str  # "digits" (bundled) or "idx" (downloaded IDX gzip files, see IDX_ROLES)
    files: tuple[FileSpec, ...] = ()
    mirrors: tuple[str, ...] = ()
    license: str = ""
    homepage: str = ""

    @property
    def total_bytes(self) -> int:
        """Bytes to download when nothing is cached (0 for bundled data)."""
        return sum(f.size for f in self.files)

    @property
    def needs_download(self) -> bool:
        return bool(self.files)


def _idx_files(pairs: Sequence[tuple[str, int, str]]) -> tuple[FileSpec, ...]:
    return tuple(FileSpec(name=n, size=s, md5=m) for n, s, m in pairs)


DIGITS = DatasetSpec(
    name="digits",
    title="Handwritten digits 8×8 (scikit-learn)",
    class_names=_DIGIT_NAMES,
    class_names_ko=_DIGIT_NAMES,
    image_size=8,
    kind="digits",
    license="CC BY 4.0 (UCI Optical Recognition of Handwritten Digits)",
    homepage="https://scikit-learn.org/stable/datasets/toy_dataset.html#digits-dataset",
)

MNIST = DatasetSpec(
    name="mnist",
    title="MNIST handwritten digits 28×28",
    class_names=_DIGIT_NAMES,
    class_names_ko=_DIGIT_NAMES,
    image_size=28,
    kind="idx",
    files=_idx_files(
        [
            ("train-images-idx3-ubyte.gz", 9912422, "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
            ("train-labels-idx1-ubyte.gz", 28881, "d53e105ee54ea40749a09fcbcd1e9432"),
            ("t10k-images-idx3-ubyte.gz", 1648877, "9fb629c4189551a2d022fa330f9573f3"),
            ("t10k-labels-idx1-ubyte.gz", 4542, "ec29112dd5afa0611ce80d1b7f02629c"),
        ]
    ),
    mirrors=(
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
    ),
    license="CC BY-SA 3.0 (Y. LeCun, C. Cortes, C. Burges)",
    homepage="http://yann.lecun.com/exdb/mnist/",
)

FASHION_MNIST = DatasetSpec(
    name="fashion-mnist",
    title="Fashion-MNIST clothing 28×28",
    class_names=(
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ),
    class_names_ko=(
        "티셔츠/탑",
        "바지",
        "풀오버",
        "드레스",
        "코트",
        "샌들",
        "셔츠",
        "스니커즈",
        "가방",
        "앵클 부츠",
    ),
    image_size=28,
    kind="idx",
    files=_idx_files(
        [
            ("train-images-idx3-ubyte.gz", 26421880, "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
            ("train-labels-idx1-ubyte.gz", 29515, "25c81989df183df01b3e8a0aad5dffbe"),
            ("t10k-images-idx3-ubyte.gz", 4422102, "bef4ecab320f06d8554ea6380940ec79"),
            ("t10k-labels-idx1-ubyte.gz", 5148, "bb300cfdad3c16e7a12a480ee83cd310"),
        ]
    ),
    mirrors=(
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        "https://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    ),
    license="MIT (Zalando Research)",
    homepage="https://github.com/zalandoresearch/fashion-mnist",
)

DATASETS: MappingProxyType[str, DatasetSpec] = MappingProxyType(
    {s.name: s for s in (DIGITS, MNIST, FASHION_MNIST)}
)
"""Built-in specs by name, in display order; read-only."""

_parse_lock = threading.Lock()


def dataset_names() -> list[str]:
    """Built-in dataset names in display order."""
    return list(DATASETS)


def get_spec(name: str | DatasetSpec) -> DatasetSpec:
    """Look up a built-in spec; a spec passes through unchanged."""
    if isinstance(name, DatasetSpec):
        return name
    spec = DATASETS.get(name)
    if spec is None:
        known = ", ".join(DATASETS)
        raise DataError(f"There is no built-in dataset called {name!r}; choose one of: {known}.")
    return spec


def is_cached(name: str | DatasetSpec, data_dir: str | os.PathLike | None = None) -> bool:
    """True when every file is present with the right size (cheap: no md5, no network)."""
    return not missing_files(name, data_dir)


def missing_files(name: str | DatasetSpec, data_dir: str | os.PathLike | None = None) -> list[Path]:
    """Full paths of files that are absent or of the wrong size; empty for bundled data."""
    spec = get_spec(name)
    return dl.missing_paths(spec, dl.data_dir(data_dir))


def load_dataset(
    name: str | DatasetSpec,
    data_dir: str | os.PathLike | None = None,
    download: bool = True,
    progress: Progress | None = None,
    *,
    mirrors: Sequence[str] | None = None,
) -> Dataset:
    """Load a built-in dataset, downloading and md5-checking its files when needed.

    The result is cached per process (keyed by name and resolved cache folder)
    and the same ``Dataset`` object is returned to every caller: treat it as
    read-only. ``download=False`` never touches the network and raises
    ``DatasetUnavailable`` when files are missing.
    """
    spec = get_spec(name)
    if spec.kind == "digits":
        return _load_digits()
    root = dl.data_dir(data_dir).resolve()
    dl.ensure_files(spec, root, download=download, mirrors=mirrors, progress=progress)
    with _parse_lock:
        return _load_idx(spec, str(root))


def clear_cache() -> None:
    """Forget parsed datasets (tests, or after replacing cache files)."""
    _load_digits.cache_clear()
    _load_idx.cache_clear()


@lru_cache(maxsize=1)
def _load_digits() -> Dataset:
    """sklearn's bundled 8×8 digits, values 0..16 scaled to [0, 1], fixed stratified split."""
    # deferred: scikit-learn loads on first use (start-up time)
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    bunch = load_digits()
    x = (bunch.images.astype(np.float32) / 16.0)[:, None, :, :]
    y = bunch.target.astype(np.int64)
    x_tr, x_te, y_tr, y_te = train_test_split(
        x, y, test_size=DIGITS_TEST_SIZE, random_state=DIGITS_SEED, stratify=y
    )
    return _make_dataset(DIGITS, x_tr, y_tr, x_te, y_te)


@lru_cache(maxsize=4)
def _load_idx(spec: DatasetSpec, root: str) -> Dataset:
    """Parse the verified IDX files of ``spec`` found under ``root``; the training images
    are parsed on first use (see :class:`Dataset`), the rest now."""
    p = _idx_paths(spec, root)
    x_te = _images(read_idx(p["test_images"]), spec, p["test_images"])
    y_tr = read_idx(p["train_labels"])
    y_tr = _labels(y_tr, len(y_tr), spec, p["train_labels"])
    y_te = _labels(read_idx(p["test_labels"]), len(x_te), spec, p["test_labels"])
    return _make_dataset(spec, partial(_train_images, spec, root), y_tr, x_te, y_te)


def _idx_paths(spec: DatasetSpec, root: str) -> dict[str, Path]:
    folder = Path(root) / spec.name
    return dict(zip(IDX_ROLES, (folder / f.name for f in spec.files), strict=True))


def _train_images(spec: DatasetSpec, root: str) -> torch.Tensor:
    """The training images, checked again first: the file may have changed since the
    dataset was opened, and a changed or missing file is reported, never parsed (the
    :class:`Dataset` checks that they match its labels)."""
    import torch  # deferred, as in _images

    dl.ensure_files(spec, Path(root), download=False)
    path = _idx_paths(spec, root)["train_images"]
    return torch.from_numpy(_images(read_idx(path), spec, path))


def _images(array: np.ndarray, spec: DatasetSpec, path: Path) -> np.ndarray:
    """uint8 (N, S, S) → float32 (N, 1, S, S) in [0, 1], in one pass.

    The buffer comes from torch, not numpy: numpy asks for transparent huge pages,
    which made the first touch of these ~190 MB several times slower on our VMs.
    """
    import torch  # deferred: the sidebar lists datasets and checks files without torch

    s = spec.image_size
    if array.dtype != np.uint8 or array.ndim != 3 or array.shape[1:] != (s, s):
        raise CorruptFileError(
            f"The file {path} does not hold {s}×{s} uint8 images "
            f"(found {array.dtype} {array.shape})."
        )
    out = torch.empty((len(array), 1, s, s), dtype=torch.float32).numpy()
    np.divide(array, np.float32(255.0), out=out[:, 0], dtype=np.float32)
    return out


def _labels(array: np.ndarray, n: int, spec: DatasetSpec, path: Path) -> np.ndarray:
    """Labels must match the image count and name a known class."""
    k = len(spec.class_names)
    if array.ndim != 1 or len(array) != n:
        raise CorruptFileError(f"The file {path} has {array.shape} labels for {n} images.")
    if array.size and (int(array.min()) < 0 or int(array.max()) >= k):
        raise CorruptFileError(f"The file {path} has labels outside 0..{k - 1}.")
    return array.astype(np.int64)


def _make_dataset(spec: DatasetSpec, x_tr, y_tr, x_te, y_te) -> Dataset:
    import torch  # deferred, as in _images

    from ae_core.data.dataset import Dataset  # deferred with torch: it imports torch

    return Dataset(
        name=spec.name,
        x_train=x_tr if callable(x_tr) else torch.from_numpy(np.ascontiguousarray(x_tr)),
        y_train=torch.from_numpy(np.ascontiguousarray(y_tr)),
        x_test=torch.from_numpy(np.ascontiguousarray(x_te)),
        y_test=torch.from_numpy(np.ascontiguousarray(y_te)),
        class_names=list(spec.class_names),
        meta={
            "source": "builtin",
            "title": spec.title,
            "class_names_ko": list(spec.class_names_ko),
            "image_size": spec.image_size,
            "license": spec.license,
            "homepage": spec.homepage,
        },
    )
