"""The models shipped in the repository's ``pretrained/`` folder (read-only)."""

from __future__ import annotations

from ae_core.paths import PRETRAINED_DIR
from ae_core.store import ModelStore, StoredModel

__all__ = ["PRETRAINED_DIR", "find_pretrained", "list_pretrained"]


def list_pretrained(dataset: str | None = None) -> list[StoredModel]:
    """Shipped models sorted by name (a stable order for menus)."""
    return sorted(ModelStore(PRETRAINED_DIR).list(dataset), key=lambda m: m.name)


def find_pretrained(name: str) -> StoredModel | None:
    return next((m for m in list_pretrained() if m.name == name), None)
