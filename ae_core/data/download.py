"""Dataset cache folder, md5 checks and downloads from public mirrors.

A file in the cache is trusted only after its md5 matched, and a download only
reaches its final name after its md5 matched, so nothing half-written or
tampered with is ever parsed. A cache that already holds good files is only
read, which lets a read-only shared folder serve as the cache.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from ae_core.errors import CorruptFileError, DatasetUnavailable
from ae_core.paths import user_cache

DATA_DIR_ENV = "AE_DATA_DIR"
MIRROR_ENV = "AE_DATA_MIRROR"
ATTEMPTS_PER_MIRROR = 2
RETRY_BACKOFF_S = 0.5
TIMEOUT_S = 20.0
CHUNK_BYTES = 1 << 16
USER_AGENT = "latent-explorer/0.1 (+python urllib)"

Progress = Callable[[int, int, str], None]
"""``progress(done_bytes, total_bytes, filename)``, called after every chunk."""

_download_lock = threading.Lock()


@dataclass(frozen=True)
class FileSpec:
    """One file of a dataset: its bare name, expected md5 and size in bytes."""

    name: str
    md5: str
    size: int


class RemoteSource(Protocol):
    """What downloading needs from a dataset spec (``DatasetSpec`` fits)."""

    name: str
    files: tuple[FileSpec, ...]
    mirrors: tuple[str, ...]


class _Transient(Exception):
    """A failure worth retrying on the same mirror (network, 5xx, cut short)."""


class _Permanent(Exception):
    """A failure that the same mirror will repeat (404, 403)."""


class _Mismatch(Exception):
    """The mirror sent a complete file with the wrong size or md5."""

    def __init__(self, actual_md5: str, actual_size: int) -> None:
        super().__init__(f"md5 {actual_md5}, {actual_size} bytes")
        self.actual_md5 = actual_md5
        self.actual_size = actual_size


# --------------------------------------------------------------------- paths


def data_dir(override: str | os.PathLike | None = None) -> Path:
    """The cache root: ``override``, else $AE_DATA_DIR, else the XDG cache.

    Nothing is created here, so merely asking never writes to disk.
    """
    if override is not None:
        return Path(override).expanduser()
    return user_cache(DATA_DIR_ENV, "datasets")


_resolve_dir = data_dir  # download_dataset's parameter shadows the function name


def dataset_folder(source: RemoteSource, root: Path) -> Path:
    """Where a dataset's files live: ``<root>/<name>/``."""
    return root / source.name


def missing_paths(source: RemoteSource, root: Path) -> list[Path]:
    """Files absent or of the wrong size; a cheap check that reads no content."""
    folder = dataset_folder(source, root)
    return [folder / f.name for f in source.files if not _has_size(folder / f.name, f.size)]


def missing_bytes(source: RemoteSource, root: Path | None = None) -> int:
    """Bytes still to download: the sizes of the files absent or of the wrong size only
    (a set with one file missing is not its whole size away)."""
    folder = dataset_folder(source, data_dir() if root is None else root)
    return sum(f.size for f in source.files if not _has_size(folder / f.name, f.size))


def _has_size(path: Path, size: int) -> bool:
    try:
        return path.is_file() and path.stat().st_size == size
    except OSError:
        return False


def mirror_list(source: RemoteSource, mirrors: Sequence[str] | None = None) -> list[str]:
    """Mirrors to try in order: the argument, else $AE_DATA_MIRROR alone, else the spec's."""
    if mirrors is not None:
        return list(mirrors)
    env = os.environ.get(MIRROR_ENV, "").strip()
    return [env] if env else list(source.mirrors)


def file_url(base: str, filename: str) -> str:
    """Mirror base URL plus the bare file name."""
    return base.rstrip("/") + "/" + filename


# ----------------------------------------------------------------------- md5


def md5_of(path: Path) -> str:
    """md5 of a file, hashed once per process for a given path, inode, mtime and size.

    Hashing 26 MB on every page load would be noticeable; a changed file gets a
    new mtime or size and is hashed again.
    """
    st = path.stat()
    return _md5_memo(str(path.resolve()), st.st_ino, st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=256)
def _md5_memo(path: str, inode: int, mtime_ns: int, size: int) -> str:
    return _hash_file(Path(path))


def _hash_file(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_cached(path: Path, spec: FileSpec) -> str | None:
    """Return None when the cached file is good, else its actual md5."""
    actual = md5_of(path)
    if path.stat().st_size == spec.size and actual == spec.md5:
        return None
    return actual


def _try_remove(path: Path) -> bool:
    try:
        path.unlink()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return True


# ------------------------------------------------------------------ ensuring


def ensure_files(
    source: RemoteSource,
    root: Path,
    *,
    download: bool = True,
    mirrors: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> list[Path]:
    """Paths of all files of ``source``, each md5-verified, downloading the missing ones.

    A cached file with a wrong md5 is removed (when the folder allows it) and
    downloaded again, or reported with ``CorruptFileError`` when it cannot be.
    """
    folder = dataset_folder(source, root)
    needed = [f for f in source.files if not _good_in_cache(folder, f, download)]
    if needed and not download:
        why = "Its files are missing and downloading is off."
        raise _unavailable(source, root, needed, why, "dataset_unavailable.offline")
    if needed:
        with _download_lock:
            needed = [f for f in needed if not _good_in_cache(folder, f, True)]
            _download_all(source, root, needed, mirror_list(source, mirrors), progress)
    return [folder / f.name for f in source.files]


def _good_in_cache(folder: Path, spec: FileSpec, may_redownload: bool) -> bool:
    """True for a verified cached file; False when absent or removed as corrupt."""
    path = folder / spec.name
    if not path.is_file():
        return False
    actual = check_cached(path, spec)
    if actual is None:
        return True
    removed = _try_remove(path)
    if removed and may_redownload:
        return False
    raise CorruptFileError(_corrupt_cache_message(path, spec, actual, removed))


def _corrupt_cache_message(path: Path, spec: FileSpec, actual: str, removed: bool) -> str:
    what = (
        "It was deleted; allow downloading to fetch it again."
        if removed
        else ("It could not be deleted because the folder is read-only; replace it by hand.")
    )
    return (
        f"The cached file {path} is damaged: its md5 is {actual} but should be "
        f"{spec.md5} ({spec.size} bytes). {what}"
    )


def download_dataset(
    source: RemoteSource,
    data_dir: str | os.PathLike | None = None,
    *,
    mirrors: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> list[Path]:
    """Make every file of ``source`` present and verified in the cache; return their paths.

    ``mirrors`` overrides the spec's mirror list (tests point it at a local
    server). Raises ``DatasetUnavailable`` when no mirror delivers a file and
    ``CorruptFileError`` when mirrors deliver only wrong bytes.
    """
    root = _resolve_dir(data_dir)
    return ensure_files(source, root, download=True, mirrors=mirrors, progress=progress)


def _download_all(
    source: RemoteSource,
    root: Path,
    files: list[FileSpec],
    mirrors: list[str],
    progress: Progress | None,
) -> None:
    folder = dataset_folder(source, root)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        why = f"The folder {folder} is not writable ({exc.strerror or exc})."
        raise _unavailable(source, root, files, why, "dataset_unavailable.read_only",
                           folder=str(folder)) from exc
    total = sum(f.size for f in files)
    done = 0
    for i, spec in enumerate(files):
        _download_one(source, root, spec, mirrors, _offset(progress, done, total), files[i:])
        done += spec.size


def _offset(progress: Progress | None, base: int, total: int) -> Progress | None:
    """Turn per-file progress into dataset-wide progress."""
    if progress is None:
        return None
    return lambda done, _size, name: progress(base + done, total, name)


def _download_one(
    source: RemoteSource, root: Path, spec: FileSpec, mirrors: list[str], progress: Progress | None,
    missing: list[FileSpec] | None = None,
) -> None:
    """Try each mirror (with retries) until one delivers the right bytes; when none does,
    say where to put ``missing`` (this file and those still to come)."""
    target = dataset_folder(source, root) / spec.name
    failures: dict[str, str] = {}  # mirror → its last failure
    mismatch: tuple[str, _Mismatch] | None = None
    for base in mirrors:
        url = file_url(base, spec.name)
        for attempt in range(ATTEMPTS_PER_MIRROR):
            try:
                _fetch(url, target, spec, progress)
                return
            except _Mismatch as exc:
                mismatch = (url, exc)
                failures[base] = f"wrong content ({exc})"
                break
            except _Permanent as exc:
                failures[base] = str(exc)
                break
            except _Transient as exc:
                failures[base] = str(exc)
                if attempt + 1 < ATTEMPTS_PER_MIRROR:
                    time.sleep(RETRY_BACKOFF_S * (attempt + 1))
    if mismatch is not None:
        url, exc = mismatch
        raise CorruptFileError(
            f"The download of {spec.name} from {url} is corrupt: its md5 is {exc.actual_md5} "
            f"({exc.actual_size} bytes) but should be {spec.md5} ({spec.size} bytes). "
            "Nothing was saved."
        )
    reason = f"No mirror could deliver {spec.name}." if mirrors else "No mirror is configured."
    raise _unavailable(source, root, missing or [spec], reason, "dataset_unavailable.no_mirror",
                       mirrors=mirrors, failures=failures)


def _fetch(url: str, target: Path, spec: FileSpec, progress: Progress | None) -> None:
    """Stream ``url`` into a temp file beside ``target``; rename only if the md5 matches."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{spec.name}.", suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            actual_md5, size = _stream(url, out, spec, progress)
        if size != spec.size or actual_md5 != spec.md5:
            raise _Mismatch(actual_md5, size)
        os.replace(tmp, target)
    finally:
        _try_remove(tmp)


def _stream(url: str, out, spec: FileSpec, progress: Progress | None) -> tuple[str, int]:
    """Copy the response body in chunks, hashing as it goes; stop past the expected size."""
    digest = hashlib.md5(usedforsecurity=False)
    done = 0
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            declared = _content_length(response)
            while chunk := response.read(CHUNK_BYTES):
                done += len(chunk)
                if done > spec.size:
                    raise _Mismatch(digest.hexdigest(), done)
                digest.update(chunk)
                out.write(chunk)
                if progress is not None:
                    progress(done, spec.size, spec.name)
    except urllib.error.HTTPError as exc:
        kind = _Transient if exc.code >= 500 or exc.code == 429 else _Permanent
        raise kind(f"HTTP {exc.code} {exc.reason}") from exc
    except http.client.IncompleteRead as exc:
        raise _Transient(f"connection closed after {done} of {spec.size} bytes") from exc
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        raise _Transient(_network_reason(exc)) from exc
    if declared is not None and done < declared:
        raise _Transient(f"connection closed after {done} of {declared} bytes")
    return digest.hexdigest(), done


def _content_length(response) -> int | None:
    try:
        return int(response.headers.get("Content-Length", ""))
    except ValueError:
        return None


def _network_reason(exc: Exception) -> str:
    reason = getattr(exc, "reason", None) or exc
    return f"failed ({reason})"


def _unavailable(source: RemoteSource, root: Path, files: list[FileSpec], why: str, code: str,
                 mirrors: Sequence[str] | None = None, failures: dict[str, str] | None = None,
                 **params) -> DatasetUnavailable:
    """Tell the user exactly which files to put where, so an offline machine can work.

    Each address is named once, with what went wrong there if it was tried. The
    files and addresses are also the error's ``details``, for an app to show apart
    from its own sentence.
    """
    folder = dataset_folder(source, root)
    paths = [f"{folder / f.name}  ({f.size:,} bytes, md5 {f.md5})" for f in files]
    failures = failures or {}
    sources = [f"{url} ({failures[url]})" if url in failures else url
               for url in dict.fromkeys([*(mirrors or source.mirrors), *failures])]
    lines = "\n".join(f"  {p}" for p in paths)
    where = ("\nfrom one of:\n" + "\n".join(f"  {s}" for s in sources)) if sources else ""
    message = (
        f"The dataset '{source.name}' is not available. {why}\n"
        f"To use it offline, copy these files to exactly these paths:\n{lines}{where}\n"
        f"Or set the environment variable {DATA_DIR_ENV} to a folder that already "
        f"contains {source.name}/ with these files."
    )
    return DatasetUnavailable(message, code=code, details=[*paths, *sources],
                              dataset=source.name, folder=params.pop("folder", str(folder)),
                              env=DATA_DIR_ENV, **params)
