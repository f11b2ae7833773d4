"""Package attributes resolved on first use (PEP 562), so importing a package's leaf module
does not import what its other names need (torch, above all)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, exports: Mapping[str, str], namespace: dict[str, Any]
                 ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A package's ``__getattr__`` and ``__dir__`` for ``exports`` (name → module): a name is
    imported from its module when first read, then kept in ``namespace`` (the package's
    globals), so later reads are plain attribute look-ups."""

    def getattr_(name: str) -> Any:
        if name in exports:
            value = getattr(importlib.import_module(exports[name]), name)
            namespace[name] = value
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def dir_() -> list[str]:
        return sorted({*namespace, *exports})

    return getattr_, dir_
