"""User datasets: an .npz of arrays, or a .zip of PNG/JPEG images in one folder per class.

Uploads are untrusted. Sizes, shapes and dtypes are checked from headers before
anything large is decompressed or decoded, nothing is unpickled or extracted to
disk, and every refusal is a ``DataError`` whose message a user can act on,
never a numpy, PIL or zipfile traceback. A zip's images are measured from their
headers first (JPEGs at the reduced size Pillow's ``draft`` will decode them at),
so an upload whose pixels would cost minutes of CPU is refused before one image is
decoded; the decoding itself reports progress and stops on request.
"""

from __future__ import annotations

import io
import math
import os
import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Protocol

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, UnidentifiedImageError

from ae_core.data.dataset import Dataset
from ae_core.errors import DataError

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
"""Largest .npz or .zip file accepted (200 MiB)."""
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
"""Largest total of decompressed arrays (npz) or image files (zip): 1 GiB."""
MAX_IMAGES = 200_000
MIN_IMAGES = 10
MAX_SIDE = 128
"""Largest image side kept as is; larger images need ``image_size`` to shrink them."""
MIN_SIDE = 4
MAX_CLASSES = 100
MAX_TOTAL_PIXELS = 200_000 * 28 * 28
"""Cap on images × side² after resizing, so the float32 tensor stays under ~630 MB."""
MAX_ZIP_FILES = 50_000
MAX_ZIP_MEMBER_BYTES = 20 * 1024 * 1024
MAX_DECODE_PIXELS = 4096 * 4096
"""Largest single image (width × height) decoded from a zip, as decoded: a JPEG counts at
the size ``draft`` reduces it to (up to 8 times smaller a side), a PNG at its full size
(PNG has no reduced decoding). A 12-megapixel photo passes as either."""
MAX_UPLOAD_DECODE_PIXELS = 1_000_000_000
"""Most pixels decoded for one zip, all images together (seconds of CPU, not minutes):
10,000 images of 316×316, or any number of JPEG photos reduced by ``draft``. Measured
from the images' headers before any is decoded."""
MAX_NPZ_ARRAYS = 64
MAX_CLASS_NAME_CHARS = 100
MAX_LABEL = 2**31 - 1
"""Labels above this are refused (they would not survive the conversion to int64)."""
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg")

IMAGE_KEYS = ("x", "images", "x_train")
LABEL_KEYS = ("y", "labels", "y_train")
TEST_IMAGE_KEY = "x_test"
TEST_LABEL_KEY = "y_test"
CLASS_NAMES_KEY = "class_names"

FLOAT_UNIT_TOLERANCE = 1e-3
_CHUNK = 4096
_JUNK_NAMES = {"__macosx", "thumbs.db", "desktop.ini"}

Source = str | os.PathLike | bytes | bytearray | memoryview | BinaryIO


class ImportProgress(Protocol):
    """What a long import reports to and hears from (an :class:`ae_core.tasks.Context`)."""

    def progress(self, fraction: float, text: str | None = None) -> None: ...

    @property
    def stop_requested(self) -> bool: ...


class ImportStopped(DataError):
    """The import was stopped on request; nothing was made."""

    code = "data.stopped"


class _Quiet:
    """The progress of an import nobody watches."""

    stop_requested = False

    def progress(self, fraction: float, text: str | None = None) -> None:
        pass


# ------------------------------------------------------------------ shared


def _err(message: str) -> DataError:
    """A DataError whose sentence starts with a capital even when it opens with the label."""
    if message.startswith("the "):
        message = "T" + message[1:]
    return DataError(message)


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def _read_source(source: Source) -> tuple[bytes, str]:
    """Bytes of a path, bytes or file-like (e.g. a Streamlit upload), size-capped."""
    if isinstance(source, bytes | bytearray | memoryview):
        data, label = bytes(source), "the uploaded file"
    elif isinstance(source, str | os.PathLike):
        data, label = _read_path(Path(source)), Path(source).name
    elif hasattr(source, "read"):
        label = Path(str(getattr(source, "name", "") or "the uploaded file")).name
        if getattr(source, "seekable", lambda: False)():
            source.seek(0)
        data = source.read(MAX_UPLOAD_BYTES + 1)
    else:
        raise DataError(f"Cannot read a dataset from a {type(source).__name__}.")
    _check_upload_size(len(data), label)
    return data, label


def _read_path(path: Path) -> bytes:
    try:
        _check_upload_size(path.stat().st_size, path.name)
        return path.read_bytes()
    except OSError as exc:
        raise DataError(f"The file {path} cannot be read ({exc.strerror or exc}).") from exc


def _check_upload_size(size: int, label: str) -> None:
    if size > MAX_UPLOAD_BYTES:
        raise _err(f"{label} is too large ({_mib(size)}); the limit is {_mib(MAX_UPLOAD_BYTES)}.")


def _check_args(image_size: int | None, test_fraction: float) -> None:
    if image_size is not None and (
        isinstance(image_size, bool)
        or not isinstance(image_size, int)
        or not MIN_SIDE <= image_size <= MAX_SIDE
    ):
        raise DataError(f"The image size must be a whole number from {MIN_SIDE} to {MAX_SIDE}.")
    if not 0.0 < float(test_fraction) <= 0.5:
        raise DataError("The test fraction must be above 0 and at most 0.5.")


def _clean_name(name: str) -> str:
    return str(name).strip()[:80] or "user-data"


def _check_counts(n: int, side: int, label: str) -> None:
    if n < MIN_IMAGES:
        raise _err(f"{label} has {n} images; at least {MIN_IMAGES} are needed.")
    if n > MAX_IMAGES:
        raise _err(f"{label} has {n:,} images; the limit is {MAX_IMAGES:,}.")
    if n * side * side > MAX_TOTAL_PIXELS:
        raise _err(
            f"{label} is too large: {n:,} images of {side}×{side} pixels exceed the limit "
            f"of {MAX_TOTAL_PIXELS:,} pixels in total; use fewer or smaller images."
        )


def split_indices(
    y: np.ndarray, test_fraction: float, seed: int
) -> tuple[np.ndarray, np.ndarray, str]:
    """Seeded (train, test, method) indices: stratified when every class has ≥ 2 samples."""
    n = len(y)
    n_test = min(n - 1, max(1, math.ceil(n * test_fraction)))
    counts = np.bincount(y)
    counts = counts[counts > 0]
    if counts.min() >= 2 and len(counts) <= min(n_test, n - n_test):
        # deferred: scikit-learn loads on first use (start-up time)
        from sklearn.model_selection import train_test_split

        train, test = train_test_split(
            np.arange(n), test_size=n_test, random_state=seed, stratify=y
        )
        return np.asarray(train), np.asarray(test), "stratified"
    perm = np.random.default_rng(seed).permutation(n)
    return perm[n_test:], perm[:n_test], "random"


def _build(
    name: str, x: torch.Tensor, y: np.ndarray, class_names: list[str], split, meta: dict
) -> Dataset:
    """Assemble the Dataset; ``split`` is (train_idx, test_idx, method)."""
    train, test, method = split
    y_t = torch.from_numpy(np.ascontiguousarray(y, dtype=np.int64))
    tr, te = torch.from_numpy(np.asarray(train)), torch.from_numpy(np.asarray(test))
    meta = {
        "title": name,
        "class_names_ko": list(class_names),
        "image_size": int(x.shape[-1]),
        "split": method,
        **meta,
    }
    return Dataset(name, x[tr], y_t[tr], x[te], y_t[te], list(class_names), meta)


# --------------------------------------------------------------------- npz


def load_npz(
    source: Source,
    name: str,
    image_size: int | None = None,
    test_fraction: float = 0.2,
    seed: int = 0,
) -> Dataset:
    """Load images (and optional labels, test split, class names) from an .npz file.

    Images: key ``x``, ``images`` or ``x_train`` (+ optional ``x_test``), shaped
    (N,H,W), (N,1,H,W), (N,H,W,1) or (N,D) with D a square number; square only.
    Labels: ``y``, ``labels`` or ``y_train`` (+ ``y_test``), whole numbers ≥ 0;
    without labels every image gets class "all". ``class_names``: strings.

    Pixel scaling, decided per array: bool → 0/1; integers must lie in 0..255
    and are divided by 255; floats must be finite and ≥ 0 and are used as is
    when their maximum is ≤ 1, divided by 255 when it is ≤ 255, refused above.

    Without ``x_test`` the data is split with a seeded stratified split
    (plain seeded shuffle when some class has fewer than 2 images). With
    ``image_size`` images are resized (area when shrinking, bilinear when
    growing); without it, sides above MAX_SIDE are refused.
    """
    _check_args(image_size, test_fraction)
    data, label = _read_source(source)
    headers = _npz_headers(data, label)
    keys = _pick_keys(headers, label)
    side = _check_geometry(headers, keys, image_size, label)
    arrays = _load_arrays(data, keys, label)
    return _npz_dataset(
        _clean_name(name), arrays, side, image_size or side, label, (test_fraction, seed)
    )


def _npz_headers(data: bytes, label: str) -> dict[str, tuple[tuple[int, ...], np.dtype]]:
    """Shape and dtype of every array, read from .npy headers without loading data."""
    if data[:6] == b"\x93NUMPY":
        raise _err(
            f"{label} is a single .npy array; save images (and labels) into an .npz "
            "file with numpy.savez, e.g. np.savez('data.npz', x=images, y=labels)."
        )
    zf = _open_zip(data, label, "an .npz file")
    infos = [i for i in zf.infolist() if i.filename.endswith(".npy") and not i.is_dir()]
    if len(infos) > MAX_NPZ_ARRAYS:
        raise _err(f"{label} holds {len(infos)} arrays; at most {MAX_NPZ_ARRAYS} allowed.")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise _err(
            f"{label} unpacks to {_mib(total)}; the limit is {_mib(MAX_UNCOMPRESSED_BYTES)}."
        )
    return {i.filename[:-4]: _npy_header(zf, i, label) for i in infos}


def _npy_header(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, label: str
) -> tuple[tuple[int, ...], np.dtype]:
    key = info.filename[:-4]
    try:
        with zf.open(info) as fh:
            version = np.lib.format.read_magic(fh)
            read = (
                np.lib.format.read_array_header_1_0
                if version == (1, 0)
                else np.lib.format.read_array_header_2_0
            )
            shape, _fortran, dtype = read(fh)
    except (ValueError, OSError, EOFError, RuntimeError, zipfile.BadZipFile, zlib.error) as exc:
        raise DataError(f"The array '{key}' in {label} is damaged ({exc}).") from exc
    if dtype.hasobject:
        raise DataError(
            f"The array '{key}' in {label} holds Python objects (pickled data), which are "
            "never loaded for safety; save plain numeric arrays and string class names."
        )
    return tuple(shape), dtype


def _pick_keys(headers: dict, label: str) -> dict[str, str | None]:
    """Choose which arrays hold images, labels, the test set and class names."""
    found = ", ".join(sorted(headers)) or "none"
    x = next((k for k in IMAGE_KEYS if k in headers), None)
    if x is None:
        raise _err(
            f"{label} has no images: expected an array named x, images or x_train (found: {found})."
        )
    y = next((k for k in LABEL_KEYS if k in headers), None)
    xt = TEST_IMAGE_KEY if TEST_IMAGE_KEY in headers else None
    yt = TEST_LABEL_KEY if TEST_LABEL_KEY in headers else None
    if yt is not None and (xt is None or y is None):
        raise _err(f"{label} has y_test but no x_test or no training labels.")
    if y is not None and xt is not None and yt is None:
        raise _err(
            f"{label} has training labels and x_test but no y_test; give y_test too, or "
            "leave out x_test to split the data automatically."
        )
    names = CLASS_NAMES_KEY if CLASS_NAMES_KEY in headers else None
    if names is not None and y is None:
        raise _err(f"{label} has class_names but no labels (y, labels or y_train).")
    return {"x": x, "y": y, "x_test": xt, "y_test": yt, "class_names": names}


def _check_geometry(headers: dict, keys: dict, image_size: int | None, label: str) -> int:
    """Validate shapes and dtypes from headers alone; return the square image side."""
    side, n = _image_side(*headers[keys["x"]], keys["x"], label), headers[keys["x"]][0][0]
    if keys["x_test"]:
        test_side = _image_side(*headers[keys["x_test"]], keys["x_test"], label)
        if test_side != side:
            raise DataError(
                f"In {label} the test images are {test_side}×{test_side} but the training "
                f"images are {side}×{side}; they must be the same size."
            )
        _check_nonempty(headers, keys, label)
        n += headers[keys["x_test"]][0][0]
    if side > MAX_SIDE and image_size is None:
        raise DataError(
            f"The images in {label} are {side}×{side}; the limit is {MAX_SIDE}×{MAX_SIDE} "
            "unless you choose an image size to shrink them to."
        )
    if side < MIN_SIDE:
        raise DataError(f"The images in {label} are {side}×{side}; at least {MIN_SIDE} needed.")
    _check_counts(n, image_size or side, label)
    for xk, yk in ((keys["x"], keys["y"]), (keys["x_test"], keys["y_test"])):
        if yk:
            _check_label_header(headers[yk], headers[xk][0][0], yk, label)
    return side


def _check_nonempty(headers: dict, keys: dict, label: str) -> None:
    for key in (keys["x"], keys["x_test"]):
        if headers[key][0][0] == 0:
            raise DataError(f"The array '{key}' in {label} is empty.")


def _image_side(shape: tuple[int, ...], dtype: np.dtype, key: str, label: str) -> int:
    """Side of the square images an array of this shape holds, or a refusal."""
    where = f"The array '{key}' in {label}"
    if dtype.kind not in "biuf" or dtype.fields is not None:
        raise DataError(f"{where} has type {dtype}; images must be integers or floats.")
    if len(shape) == 2:
        side = math.isqrt(shape[1])
        if side * side != shape[1]:
            raise DataError(
                f"{where} has flat images of {shape[1]} values, which is not a square number "
                "of pixels; reshape it to (N, height, width)."
            )
        return side
    if len(shape) == 4 and (shape[1] == 1 or shape[3] == 1):
        h, w = (shape[2], shape[3]) if shape[1] == 1 else (shape[1], shape[2])
    elif len(shape) == 3:
        h, w = shape[1], shape[2]
    else:
        raise DataError(
            f"{where} has shape {shape}; expected grayscale images shaped (N, H, W), "
            "(N, 1, H, W), (N, H, W, 1) or (N, H*W). Convert colour images to grayscale."
        )
    if h != w:
        raise DataError(f"{where} holds {h}×{w} images; only square images are supported.")
    return h


def _check_label_header(header: tuple, n: int, key: str, label: str) -> None:
    shape, dtype = header
    if len(shape) == 2 and shape[1] == 1:
        shape = shape[:1]
    if len(shape) != 1:
        raise DataError(f"The labels '{key}' in {label} must be one number per image.")
    if shape[0] != n:
        raise _err(f"{label} has {n:,} images but {shape[0]:,} labels in '{key}'; they must match.")
    if dtype.kind not in "biuf":
        raise DataError(f"The labels '{key}' in {label} must be whole numbers, not {dtype}.")


def _load_arrays(data: bytes, keys: dict, label: str) -> dict[str, np.ndarray | None]:
    """Load the chosen arrays with pickling disabled; wrap numpy's errors."""
    out: dict[str, np.ndarray | None] = {}
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            for role, key in keys.items():
                out[role] = None if key is None else npz[key]
    except (ValueError, OSError, EOFError, RuntimeError, zipfile.BadZipFile, zlib.error) as exc:
        raise _err(f"{label} could not be read as an .npz file ({exc}).") from exc
    return out


def _npz_dataset(
    name: str, arrays: dict, side: int, out_side: int, label: str, split_args: tuple
) -> Dataset:
    x_tr, how = _images_to_tensor(arrays["x"], side, out_side, "x", label)
    x_te = None
    if arrays["x_test"] is not None:
        x_te, _ = _images_to_tensor(arrays["x_test"], side, out_side, "x_test", label)
    n_all = len(x_tr) + (0 if x_te is None else len(x_te))
    if arrays["y"] is None:
        y_all, class_names = np.zeros(n_all, dtype=np.int64), ["all"]
    else:
        y_all = _labels(arrays["y"], "y", label)
        if x_te is not None:
            y_all = np.concatenate([y_all, _labels(arrays["y_test"], "y_test", label)])
        y_all, class_names = _classes(y_all, arrays["class_names"], label)
    meta = {"source": "npz", "file_name": label, "original_size": side, "scaling": how}
    if x_te is None:
        return _build(name, x_tr, y_all, class_names, split_indices(y_all, *split_args), meta)
    n = len(x_tr)
    split = (np.arange(n), np.arange(n, n + len(x_te)), "provided")
    return _build(name, torch.cat([x_tr, x_te]), y_all, class_names, split, meta)


def _images_to_tensor(
    array: np.ndarray, side: int, out_side: int, key: str, label: str
) -> tuple[torch.Tensor, str]:
    """Scale to [0, 1] float32 (N, 1, S, S), resizing chunk by chunk to bound memory."""
    images = array.reshape(len(array), side, side)
    divisor, how = _pixel_scale(images, key, label)
    out = torch.empty((len(images), 1, out_side, out_side), dtype=torch.float32)
    for start in range(0, len(images), _CHUNK):
        block = np.asarray(images[start : start + _CHUNK], dtype=np.float32) / np.float32(divisor)
        t = torch.from_numpy(block).unsqueeze(1)
        if out_side != side:
            t = _resize(t, out_side)
        out[start : start + len(t)] = t.clamp_(0.0, 1.0)
    return out, how


def _resize(t: torch.Tensor, size: int) -> torch.Tensor:
    """Area averaging when shrinking (no aliasing), bilinear when growing."""
    if size < t.shape[-1]:
        return F.interpolate(t, size=(size, size), mode="area")
    return F.interpolate(t, size=(size, size), mode="bilinear", align_corners=False)


def _pixel_scale(images: np.ndarray, key: str, label: str) -> tuple[float, str]:
    """Divisor that maps this array to [0, 1], by the rule documented in load_npz."""
    where = f"The images '{key}' in {label}"
    if images.dtype.kind == "b":
        return 1.0, "bool as 0/1"
    if images.dtype.kind == "f" and not np.isfinite(images).all():
        raise DataError(f"{where} contain NaN or infinite values.")
    lo, hi = (float(images.min()), float(images.max())) if images.size else (0.0, 0.0)
    if lo < 0:
        raise DataError(f"{where} contain negative values (minimum {lo:g}); pixels must be ≥ 0.")
    if images.dtype.kind in "iu":
        if hi > 255:
            raise DataError(f"{where} are integers up to {hi:g}; integer pixels must be 0..255.")
        return 255.0, "integers 0..255 divided by 255"
    if hi <= 1.0 + FLOAT_UNIT_TOLERANCE:
        return 1.0, "floats in [0, 1] used as is"
    if hi <= 255.0:
        return 255.0, "floats above 1 taken as 0..255 and divided by 255"
    raise DataError(f"{where} go up to {hi:g}; float pixels must lie in [0, 1] or 0..255.")


def _labels(array: np.ndarray, key: str, label: str) -> np.ndarray:
    """Whole-number labels ≥ 0 as int64."""
    y = array.reshape(-1)
    where = f"The labels '{key}' in {label}"
    if y.dtype.kind == "f" and (not np.isfinite(y).all() or not (y == np.round(y)).all()):
        raise DataError(f"{where} must be whole numbers; found fractions, NaN or infinity.")
    if y.size and y.min() < 0:
        raise DataError(f"{where} must be 0 or more; found {y.min():g}.")
    if y.size and y.max() > MAX_LABEL:  # 1e30 or a uint64 ≥ 2^63 would not fit an int64
        raise DataError(f"{where} must be at most {MAX_LABEL:,}; found {float(y.max()):g}.")
    return y.astype(np.int64)


def _classes(y: np.ndarray, names: np.ndarray | None, label: str) -> tuple[np.ndarray, list[str]]:
    """Labels and class names; without names, labels are renumbered 0..K-1 by value."""
    if names is None:
        values, y = np.unique(y, return_inverse=True)
        class_names = [str(v) for v in values]
        _check_class_count(len(class_names), label)
        return y.astype(np.int64), class_names
    class_names = _class_names(names, label)
    if int(y.max()) >= len(class_names):
        raise _err(
            f"{label} has a label {int(y.max())} but only {len(class_names)} class names; "
            "labels must run from 0 to the number of class names minus one."
        )
    return y, class_names


def _class_names(names: np.ndarray, label: str) -> list[str]:
    if names.ndim != 1 or names.dtype.kind not in "US":
        raise DataError(f"The class_names in {label} must be a list of strings.")
    out = [n.decode("utf-8", "replace") if isinstance(n, bytes) else str(n) for n in names]
    out = [n.strip() for n in out]
    if any(not n or len(n) > MAX_CLASS_NAME_CHARS for n in out):
        raise DataError(
            f"Every class name in {label} must have 1 to {MAX_CLASS_NAME_CHARS} characters."
        )
    if len(set(out)) != len(out):
        raise DataError(f"The class names in {label} must be different from each other.")
    _check_class_count(len(out), label)
    return out


def _check_class_count(k: int, label: str) -> None:
    if k > MAX_CLASSES:
        raise _err(f"{label} has {k} classes; the limit is {MAX_CLASSES}.")


# --------------------------------------------------------------------- zip


def load_image_zip(
    source: Source,
    name: str,
    image_size: int = 28,
    test_fraction: float = 0.2,
    seed: int = 0,
    ctx: ImportProgress | None = None,
) -> Dataset:
    """Load a zip of PNG/JPEG images stored in one folder per class.

    The folders may sit inside one top-level folder. Images become grayscale
    and are resized to ``image_size``×``image_size`` (non-square images are
    stretched). Class names are the folder names, sorted (numerically when
    all are numbers). Hidden and system files (``__MACOSX``, ``.DS_Store``)
    are skipped; any other non-image file is refused. Nothing is extracted to
    disk, and the split is seeded and stratified where possible.

    Every image's decoded size is read from its header first (see
    ``MAX_DECODE_PIXELS`` and ``MAX_UPLOAD_DECODE_PIXELS``). ``ctx`` hears the
    progress and can ask to stop, which raises :class:`ImportStopped`.
    """
    ctx = ctx or _Quiet()
    _check_args(image_size, test_fraction)
    data, label = _read_source(source)
    zf = _open_zip(data, label, "a zip file")
    members = _image_members(zf, label)
    class_of = _class_folders(members, label)
    class_names = _sorted_classes(set(class_of))
    _check_class_count(len(class_names), label)
    if any(len(n) > MAX_CLASS_NAME_CHARS for n in class_names):  # as an .npz's names are
        raise DataError(f"Every class folder in {label} must have a name of at most "
                        f"{MAX_CLASS_NAME_CHARS} characters.")
    _check_counts(len(members), image_size, label)
    sizes = _measure_all(zf, members, image_size, label, ctx)
    pixels = _decode_all(zf, members, sizes, image_size, label, ctx)
    index = {c: i for i, c in enumerate(class_names)}
    y = np.fromiter((index[c] for c in class_of), dtype=np.int64, count=len(class_of))
    x = torch.from_numpy(pixels).unsqueeze(1).float().div_(255.0)
    meta = {"source": "zip", "file_name": label, "original_size": None}
    return _build(_clean_name(name), x, y, class_names, split_indices(y, test_fraction, seed), meta)


def _open_zip(data: bytes, label: str, what: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
        raise _err(f"{label} is not {what} (it could not be opened as a zip).") from exc


def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's name, repairing UTF-8/CP949 names that zip tools stored without the flag."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for encoding in ("utf-8", "cp949"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _unsafe(name: str) -> bool:
    """Absolute paths, drive letters and '..' components could escape a folder."""
    path = name.replace("\\", "/")
    return path.startswith("/") or bool(re.match(r"[A-Za-z]:", path)) or ".." in path.split("/")


def _is_junk(parts: list[str]) -> bool:
    return any(p.startswith(".") or p.lower() in _JUNK_NAMES for p in parts)


def _image_members(zf: zipfile.ZipFile, label: str) -> list[tuple[zipfile.ZipInfo, list[str]]]:
    """Image members with their path parts, after the safety and size checks."""
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_FILES:
        raise _err(f"{label} holds {len(infos):,} files; the limit is {MAX_ZIP_FILES:,}.")
    members, total = [], 0
    for info in infos:
        name = _member_name(info)
        if _unsafe(name):
            raise _err(f"{label} contains an unsafe path ({name!r}); it was refused.")
        parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".")]
        if info.is_dir() or not parts or _is_junk(parts):
            continue
        _check_member(info, "/".join(parts), label)
        total += info.file_size
        if total > MAX_UNCOMPRESSED_BYTES:
            raise _err(
                f"{label} unpacks to more than {_mib(MAX_UNCOMPRESSED_BYTES)}; it was refused."
            )
        members.append((info, parts))
    if not members:
        raise _err(f"{label} contains no PNG or JPEG images.")
    return members


def _check_member(info: zipfile.ZipInfo, name: str, label: str) -> None:
    if Path(name).suffix.lower() not in IMAGE_EXTENSIONS:
        raise _err(
            f"{label} contains {name}, which is not a PNG or JPEG image; the zip may hold "
            "only images, in one folder per class."
        )
    if info.flag_bits & 0x1:
        raise _err(f"{label} is password-protected ({name}); upload an unencrypted zip.")
    if info.file_size > MAX_ZIP_MEMBER_BYTES:
        raise DataError(
            f"The image {name} in {label} is {_mib(info.file_size)}; the limit per image "
            f"is {_mib(MAX_ZIP_MEMBER_BYTES)}."
        )


def _class_folders(members: list, label: str) -> list[str]:
    """Class of each member: its folder, below one optional common top-level folder."""
    depths = {len(parts) for _, parts in members}
    tops = {parts[0] for _, parts in members}
    if depths == {2}:
        return [parts[0] for _, parts in members]
    if depths == {3} and len(tops) == 1:
        return [parts[1] for _, parts in members]
    odd = next((p for _, p in members if len(p) != 2), members[0][1])
    raise _err(
        f"{label} must hold one folder per class (e.g. cat/001.png), optionally inside a "
        f"single top-level folder; {'/'.join(odd)} does not fit that layout."
    )


def _sorted_classes(names: set[str]) -> list[str]:
    if all(n.isascii() and n.isdigit() for n in names):
        return sorted(names, key=int)
    return sorted(names)


_MEASURE_SHARE = 0.1
"""The part of the progress bar that reading the headers takes."""


def _measure_all(zf: zipfile.ZipFile, members: list, size: int, label: str,
                 ctx: ImportProgress) -> list[int]:
    """Pixels each image will decode to, from headers only; refuses the upload when one
    image or all together are over the caps, before anything is decoded."""
    sizes, total = [], 0
    for i, (info, parts) in enumerate(members):
        _check_stop(ctx)
        name = "/".join(parts)
        with (_reading(name, label), zf.open(info) as fh,
              Image.open(fh, formats=("PNG", "JPEG")) as im):
            im.draft("L", (size, size))
            pixels = _check_image_pixels(im.size, name, label)
        sizes.append(pixels)
        total += pixels
        if total > MAX_UPLOAD_DECODE_PIXELS:
            raise DataError(
                f"The images in {label} would decode to more than "
                f"{MAX_UPLOAD_DECODE_PIXELS:,} pixels; use fewer or smaller images.",
                code="data.too_many_pixels", limit=MAX_UPLOAD_DECODE_PIXELS)
        if i % 64 == 0:
            ctx.progress(_MEASURE_SHARE * i / len(members))
    return sizes


def _check_image_pixels(wh: tuple[int, int], name: str, label: str) -> int:
    width, height = wh
    if width * height > MAX_DECODE_PIXELS:
        raise DataError(
            f"The image {name} in {label} is {width}×{height} pixels; "
            f"at most {MAX_DECODE_PIXELS:,} pixels per image are accepted.",
            code="data.image_too_large", name=name, width=width, height=height,
            limit=MAX_DECODE_PIXELS)
    return width * height


def _check_stop(ctx: ImportProgress) -> None:
    if ctx.stop_requested:
        raise ImportStopped("The import was stopped.")


def _decode_all(zf: zipfile.ZipFile, members: list, sizes: list[int], size: int, label: str,
                ctx: ImportProgress) -> np.ndarray:
    """Decode each image in memory (a loop over files is unavoidable here), reporting
    progress by pixels decoded (a large image takes longer than a small one)."""
    out = np.empty((len(members), size, size), dtype=np.uint8)
    done, total = 0, max(sum(sizes), 1)
    for i, (info, parts) in enumerate(members):
        _check_stop(ctx)
        out[i] = _decode(zf, info, "/".join(parts), size, label)
        done += sizes[i]
        ctx.progress(_MEASURE_SHARE + (1 - _MEASURE_SHARE) * done / total)
    return out


def _decode(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, size: int, label: str):
    """One member → uint8 (size, size) grayscale, or a DataError naming the file.

    ``draft`` first: a JPEG is decoded at the smallest power-of-two reduction that is
    still at least ``size`` a side (and straight to grayscale)."""
    with _reading(name, label):
        blob = zf.read(info)
        with Image.open(io.BytesIO(blob), formats=("PNG", "JPEG")) as im:
            im.draft("L", (size, size))
            _check_image_pixels(im.size, name, label)
            gray = im.convert("L").resize((size, size), Image.Resampling.BILINEAR)
            return np.asarray(gray, dtype=np.uint8)


@contextmanager
def _reading(name: str, label: str) -> Iterator[None]:
    """Turns what Pillow and zipfile raise for a bad member into a DataError naming it."""
    try:
        yield
    except DataError:
        raise
    except Image.DecompressionBombError as exc:
        raise DataError(f"The image {name} in {label} is too large to decode.",
                        code="data.image_too_large", name=name,
                        limit=MAX_DECODE_PIXELS) from exc
    except (OSError, ValueError, SyntaxError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        detail = "" if isinstance(exc, UnidentifiedImageError) else f" ({exc})"
        raise DataError(
            f"The file {name} in {label} is not a readable PNG or JPEG image{detail}."
        ) from exc


# ------------------------------------------------------------------ either


def load_upload(
    data: bytes, file_name: str, image_size: int, ctx: ImportProgress | None = None
) -> Dataset:
    """An uploaded ``.zip`` (by its name) or ``.npz`` as a dataset named after the file."""
    stem = file_name.rsplit(".", 1)[0]
    if file_name.lower().endswith(".zip"):
        return load_image_zip(data, stem, image_size=image_size, ctx=ctx)
    return load_npz(data, stem, image_size=image_size)
