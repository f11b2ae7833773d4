"""Where the app keeps files on disk: one place for the environment overrides and the XDG
fallbacks, so the model store, the dataset library, the downloads and the code cache agree.

Nothing here creates a folder: merely asking for a path never writes to disk.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

APP_DIR = "latent-explorer"
SUFFIX = ".safetensors"
"""A model file's name ends so: the store and the shipped folder list these."""
PRETRAINED_DIR = Path(os.environ.get("AE_PRETRAINED_DIR",
                                     Path(__file__).resolve().parents[1] / "pretrained"))
"""The models shipped in the repository (read-only); ``AE_PRETRAINED_DIR`` points elsewhere."""


def _env_path(env_var: str) -> Path | None:
    value = os.environ.get(env_var, "").strip()
    return Path(value).expanduser() if value else None


def _xdg_base(xdg_var: str, *default: str) -> Path:
    return _env_path(xdg_var) or Path.home().joinpath(*default)


def user_data(env_var: str, name: str) -> Path:
    """``$env_var`` when set, else ``$XDG_DATA_HOME/latent-explorer/<name>`` (XDG's default:
    ``~/.local/share``): what a user made (models, uploaded datasets), kept for good."""
    return _env_path(env_var) or _xdg_base("XDG_DATA_HOME", ".local", "share") / APP_DIR / name


def user_cache(env_var: str, name: str) -> Path:
    """``$env_var`` when set, else ``$XDG_CACHE_HOME/latent-explorer/<name>`` (XDG's default:
    ``~/.cache``): what can be fetched or computed again (downloads, stored codes)."""
    return _env_path(env_var) or _xdg_base("XDG_CACHE_HOME", ".cache") / APP_DIR / name


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
