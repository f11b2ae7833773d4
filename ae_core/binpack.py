"""One binary message for a web page: a JSON header and typed arrays, read without copying.

Layout: ``b"LEX1"``, the header's length (uint32, little-endian), the UTF-8 JSON header,
zero padding to a multiple of 8, then each array's raw little-endian bytes, each starting
at a multiple of 8. The header's ``"arrays"`` maps a name to ``{"dtype", "shape",
"offset"}`` (offset from the start of the message), so a page makes a typed-array view
of each without parsing or copying, and a float16 array costs half the bytes on the wire.
"""

from __future__ import annotations

import json
import struct
from typing import Any

import numpy as np

MAGIC = b"LEX1"
DTYPES = {"f32": "<f4", "f16": "<f2", "u8": "|u1", "u16": "<u2", "i32": "<i4", "u32": "<u4"}
ALIGN = 8


def _pad(n: int) -> int:
    return -n % ALIGN


def pack(header: dict[str, Any], arrays: dict[str, np.ndarray]) -> bytes:
    """``header`` (JSON-able, without an ``"arrays"`` key) and ``arrays`` as one message."""
    if "arrays" in header:
        raise ValueError("'arrays' is reserved for the array table")
    names = {np.dtype(v).str: k for k, v in DTYPES.items()}
    stored = {}
    for name, array in arrays.items():
        a = np.ascontiguousarray(array)
        if a.dtype.str not in names:
            raise ValueError(f"array {name!r} has dtype {a.dtype}; use one of {list(DTYPES)}")
        stored[name] = a

    def table(start: int) -> dict[str, dict[str, Any]]:
        out, offset = {}, start
        for name, a in stored.items():
            out[name] = {"dtype": names[a.dtype.str], "shape": list(a.shape), "offset": offset}
            offset += a.nbytes + _pad(a.nbytes)
        return out

    # the table's offsets depend on the header's length, which depends on the offsets:
    # iterate until the length settles (it grows by a few digits at most)
    start = 0
    for _ in range(8):
        text = json.dumps({**header, "arrays": table(start)}, ensure_ascii=False,
                          separators=(",", ":")).encode()
        body_start = 8 + len(text) + _pad(8 + len(text))
        if body_start == start:
            break
        start = body_start
    parts = [MAGIC, struct.pack("<I", len(text)), text, b"\0" * _pad(8 + len(text))]
    for a in stored.values():
        parts += [a.tobytes(), b"\0" * _pad(a.nbytes)]
    return b"".join(parts)


def unpack(message: bytes) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Inverse of :func:`pack` (header without ``"arrays"``, and the arrays)."""
    if message[:4] != MAGIC:
        raise ValueError("not a packed message")
    (length,) = struct.unpack("<I", message[4:8])
    header = json.loads(message[8:8 + length].decode())
    arrays = {}
    for name, spec in header.pop("arrays").items():
        dtype = np.dtype(DTYPES[spec["dtype"]])
        count = int(np.prod(spec["shape"], dtype=np.int64))
        arrays[name] = np.frombuffer(message, dtype, count, spec["offset"]).reshape(spec["shape"])
    return header, arrays
