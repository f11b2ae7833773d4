"""Codes of a set of images under a model, kept on disk from one server start to the next.

Encoding is the slow part of opening a map: half a second of every cold start for
MNIST's 10k test images under the convolutional VAE, several seconds for all 70k.
Codes depend only on the model's weights and the images, so they are stored under
a digest of both (the model file's bytes, the images' bytes). A few images are
encoded again on every load and must match, so codes that today's code would no
longer produce (a changed model class, another torch) are recomputed, never served.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

import numpy as np

from ae_core.io import atomic_write
from ae_core.paths import user_cache
from ae_core.tasks import Context, context

CACHE_DIR_ENV = "AE_CACHE_DIR"
MAX_FILES = 32
"""Least recently used files beyond this many are deleted (70k 2-D codes: 0.6 MB a file)."""
SPOT_CHECK = 8
"""Images encoded again on every load: their codes must match the stored ones."""
TOLERANCE = 1e-4
FORMAT = "codes-v1"  # part of every key: bump it when the file's content changes meaning


def cache_dir() -> Path:
    """$AE_CACHE_DIR, else the XDG cache (``~/.cache/latent-explorer/codes``); nothing is
    created until codes are first written."""
    return user_cache(CACHE_DIR_ENV, "codes")


def digest(*parts: bytes | str | np.ndarray) -> str:
    """A 128-bit BLAKE2b of the parts, each length-prefixed so no two splits collide."""
    h = hashlib.blake2b(digest_size=16)
    for part in (FORMAT, *parts):
        if isinstance(part, str):
            data = memoryview(part.encode())
        elif isinstance(part, np.ndarray):
            data = memoryview(np.ascontiguousarray(part)).cast("B")
        else:
            data = memoryview(part)
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


class CodeCache:
    """``codes(key, images, encode)``: stored codes when they are there and still right."""

    def __init__(self, root: str | os.PathLike | None = None, max_files: int = MAX_FILES):
        self.root = Path(root) if root is not None else cache_dir()
        self.max_files = max_files

    def path(self, key: str) -> Path:
        return self.root / f"{key}.npz"

    def codes(self, key: str, images, encode: Callable[[object], np.ndarray]) -> np.ndarray:
        """Codes (N, d) float32 of ``images``: from disk, or ``encode(images)`` then stored.

        ``encode`` must be deterministic (an autoencoder in eval mode, a VAE's means).
        A cache that cannot be read or written only costs the encoding.
        """
        stored = self.load(key, len(images))
        if stored is not None and self._still_right(stored, images, encode):
            return stored
        codes = np.ascontiguousarray(encode(images), dtype=np.float32)
        self.save(key, codes)
        return codes

    def load(self, key: str, n: int) -> np.ndarray | None:
        """The stored (n, d) finite float32 codes, or None (absent, damaged, or other n)."""
        path = self.path(key)
        try:
            with np.load(path, allow_pickle=False) as npz:
                codes = npz["codes"]
            os.utime(path)  # most recently used
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            return None
        if (codes.dtype != np.float32 or codes.ndim != 2 or len(codes) != n
                or not np.isfinite(codes).all()):
            return None
        return codes

    def save(self, key: str, codes: np.ndarray) -> bool:
        """Write atomically, then forget the least recently used files; False if it failed."""
        buffer = io.BytesIO()
        np.savez(buffer, codes=np.ascontiguousarray(codes, dtype=np.float32))
        try:
            atomic_write(self.path(key), buffer.getvalue())
        except OSError:
            return False
        with suppress(OSError):  # another server pruning at the same time
            self._prune()
        return True

    def _still_right(self, stored: np.ndarray, images, encode) -> bool:
        fresh = np.asarray(encode(images[:SPOT_CHECK]), dtype=np.float32)
        head = stored[:SPOT_CHECK]
        return fresh.shape == head.shape and np.allclose(fresh, head, rtol=TOLERANCE,
                                                         atol=TOLERANCE)

    def _prune(self) -> None:
        files = sorted(self.root.glob("*.npz"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in files[self.max_files:]:
            old.unlink(missing_ok=True)


def encode_in_batches(encode: Callable[[object], np.ndarray], images, batch: int = 4096,
                      ctx: Context | None = None) -> np.ndarray | None:
    """``encode(images)`` a batch at a time, reporting the fraction done to ``ctx``; None if
    stopped.

    A map of 70k images takes a while to encode on a CPU: in pieces, the app can show
    how far it is and stop it between two batches.
    """
    ctx = context(ctx)
    parts = []
    for start in range(0, len(images), batch):
        if ctx.stop_requested:
            return None
        parts.append(np.asarray(encode(images[start:start + batch]), dtype=np.float32))
        ctx.progress(min(start + batch, len(images)) / max(len(images), 1))
    return np.ascontiguousarray(np.concatenate(parts) if parts else np.zeros((0, 0), np.float32))
