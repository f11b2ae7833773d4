"""Reader for the IDX format that MNIST and Fashion-MNIST ship in.

The whole payload becomes one numpy array through ``np.frombuffer``, with no
per-sample Python loop, and a header that disagrees with the payload length is
refused instead of silently reshaped.
"""

from __future__ import annotations

import gzip
import math
import os
import zlib
from pathlib import Path

import numpy as np

from ae_core.errors import CorruptFileError

MAX_IDX_BYTES = 1 << 30
"""Largest decompressed IDX payload accepted (1 GiB); guards against gzip bombs."""

IDX_DTYPES: dict[int, np.dtype] = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}

_GZIP_MAGIC = b"\x1f\x8b"
_GZIP_WBITS = 16 + zlib.MAX_WBITS
"""zlib's window setting for "gzip header and trailer"."""


def read_idx(source: str | os.PathLike | bytes, *, label: str | None = None) -> np.ndarray:
    """Parse an IDX file (plain or gzip) from a path or bytes into a native-endian array.

    ``label`` names the file in error messages when ``source`` is bytes.
    """
    raw, label = _read_raw(source, label)
    data = _gunzip(raw, label) if raw[:2] == _GZIP_MAGIC else raw
    dtype, dims, offset = _parse_header(data, label)
    expected = math.prod(dims) * dtype.itemsize
    if len(data) - offset != expected:
        raise CorruptFileError(
            f"The file {label} is truncated or padded: its header promises {expected:,} bytes "
            f"of data for shape {tuple(dims)} but it holds {len(data) - offset:,}."
        )
    array = np.frombuffer(data, dtype=dtype, offset=offset).reshape(dims)
    return array if dtype.isnative else array.astype(dtype.newbyteorder("="))


def _read_raw(source: str | os.PathLike | bytes, label: str | None) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), label or "the IDX data"
    path = Path(source)
    try:
        return path.read_bytes(), label or str(path)
    except OSError as exc:
        raise CorruptFileError(f"The file {path} could not be read ({exc.strerror}).") from exc


def _gunzip(raw: bytes, label: str) -> bytes:
    """Decompress every gzip member with a size cap so a crafted file cannot exhaust memory.

    One zlib call per member instead of ``GzipFile``'s 8 KiB read loop; zlib checks
    each member's CRC and length itself. Zero padding between members is skipped.
    """
    parts: list[bytes] = []
    left, rest = MAX_IDX_BYTES + 1, raw
    try:
        while rest and left > 0:
            member = zlib.decompressobj(wbits=_GZIP_WBITS)
            parts.append(member.decompress(rest, left))
            left -= len(parts[-1])
            if not member.eof and left > 0:
                raise EOFError("Compressed file ended before the end-of-stream marker was reached")
            rest = member.unused_data.lstrip(b"\x00")
    except (EOFError, zlib.error) as exc:
        raise CorruptFileError(f"The file {label} is not a valid gzip file ({exc}).") from exc
    if left <= 0:
        raise CorruptFileError(f"The file {label} decompresses to more than 1 GiB; refused.")
    return b"".join(parts)


def _parse_header(data: bytes, label: str) -> tuple[np.dtype, list[int], int]:
    """Return (dtype, dims, payload offset) from the IDX magic and dimension sizes."""
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in IDX_DTYPES:
        raise CorruptFileError(
            f"The file {label} is not an IDX file (bad magic number {data[:4].hex() or 'empty'})."
        )
    ndim = data[3]
    offset = 4 + 4 * ndim
    if ndim == 0 or len(data) < offset:
        raise CorruptFileError(f"The file {label} has a damaged IDX header ({ndim} dimensions).")
    dims = [int(d) for d in np.frombuffer(data, dtype=">u4", count=ndim, offset=4)]
    return IDX_DTYPES[data[2]], dims, offset


def to_idx_bytes(array: np.ndarray, *, compress: bool = False) -> bytes:
    """Encode an array as IDX (optionally gzip), e.g. to build fixtures or export data."""
    array = np.asarray(array)
    big_endian = array.dtype.newbyteorder(">")
    code = next((c for c, dt in IDX_DTYPES.items() if dt == big_endian), None)
    if code is None or array.ndim == 0 or array.ndim > 255:
        raise ValueError(f"cannot encode a {array.dtype} array of {array.ndim} dims as IDX")
    header = bytes([0, 0, code, array.ndim]) + np.asarray(array.shape, dtype=">u4").tobytes()
    payload = np.ascontiguousarray(array, dtype=IDX_DTYPES[code]).tobytes()
    data = header + payload
    return gzip.compress(data, mtime=0) if compress else data
