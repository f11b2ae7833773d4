"""No page prints a stray value: Streamlit's "magic" shows every bare expression of a page.

A string placed under a constant to document it (``X = 3`` then ``"What X is."``) is a
docstring to Python tools but a paragraph on the page to Streamlit. The scan uses
Streamlit's own rewriting (``add_magic``), so it flags exactly what Streamlit would draw.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from streamlit.runtime.scriptrunner.magic import MAGIC_MODULE_NAME, add_magic

from app_lib.nav import PAGES

REPO = Path(__file__).resolve().parents[1]
SCRIPTS = ["streamlit_app.py", *(p.path for p in PAGES)]
KNOWN: dict[str, str] = {}  # script → why it is expected to fail, while it is


def _marked(script: str):
    reason = KNOWN.get(script)
    return pytest.param(script, marks=pytest.mark.xfail(reason=reason)) if reason else script


def magic_writes(path: Path) -> list[str]:
    """``line: source`` of every expression Streamlit would write on the page."""
    code = path.read_text(encoding="utf-8")
    found = []
    for node in ast.walk(add_magic(code, str(path))):
        func = getattr(node, "func", None)
        if (isinstance(func, ast.Attribute) and func.attr == "transparent_write"
                and isinstance(func.value, ast.Name) and func.value.id == MAGIC_MODULE_NAME):
            for arg in node.args:
                found.append(f"{arg.lineno}: {ast.get_source_segment(code, arg)[:70]}")
    return found


@pytest.mark.parametrize("script", [_marked(s) for s in SCRIPTS])
def test_no_page_has_a_bare_expression_streamlit_would_print(script):
    assert magic_writes(REPO / script) == []


def test_the_scan_finds_a_documented_constant(tmp_path):
    page = tmp_path / "page.py"
    page.write_text('"""The page."""\nLEVELS = (1, 2)\n"""What LEVELS are."""\n\n\n'
                    'def f():\n    """Docstring: fine."""\n    x = 1\n    x\n')
    assert magic_writes(page) == ['3: """What LEVELS are."""', "9: x"]
