"""The models shipped in the repository's ``pretrained/`` folder (read-only)."""

from __future__ import annotations

import os
from pathlib import Path

from ae_core.store import ModelStore, StoredModel

PRETRAINED_DIR = Path(os.environ.get("AE_PRETRAINED_DIR",
                                     Path(__file__).resolve().parents[1] / "pretrained"))


def list_pretrained(dataset: str | None = None) -> list[StoredModel]:
    """Shipped models sorted by name (a stable order for menus)."""
    return sorted(ModelStore(PRETRAINED_DIR).list(dataset), key=lambda m: m.name)


def find_pretrained(name: str) -> StoredModel | None:
    return next((m for m in list_pretrained() if m.name == name), None)
