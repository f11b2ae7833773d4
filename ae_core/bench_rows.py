"""A benchmark's result row, shared by every benchmark module and the table printers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Row:
    """One measured line: our figures, and the published ones beside them when comparable."""

    label: str
    ours: dict[str, float]
    reference: dict[str, float] | None = None
