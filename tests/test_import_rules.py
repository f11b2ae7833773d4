"""The package's import rules, checked on the source.

An import inside a function is kept only where it buys start-up time (a heavy library, or
torch kept out of the first page) or breaks an import cycle, and says which in a comment
on its line or just above; everything else is imported at the top, where a reader looks.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("ae_core", "app_lib")


def _explained(lines: list[str], at: int) -> bool:
    """A comment on the import's line, on an import line of the same block above it, or on
    the line just above that block."""
    while at >= 0:
        text = lines[at].strip()
        if "#" in text:
            return True
        if not text.startswith(("import ", "from ")):
            return False
        at -= 1
    return False


def _function_imports_without_a_reason() -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            lines = path.read_text(encoding="utf-8").splitlines()
            for node in ast.walk(ast.parse("\n".join(lines))):
                if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Import | ast.ImportFrom) and not _explained(
                            lines, inner.lineno - 1):
                        found.append(f"{path.relative_to(REPO)}:{inner.lineno}: "
                                     f"{lines[inner.lineno - 1].strip()}")
    return found


def test_every_import_inside_a_function_says_why():
    assert _function_imports_without_a_reason() == []
