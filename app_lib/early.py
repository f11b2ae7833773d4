"""What the shell sends before the app's modules are imported: the browser's share of a cold start.

On a fresh server the warm-up thread (``app_lib.warmup``) is still importing torch
when the first visitor's session starts, and the shell's own imports wait for it.
The browser would sit idle meanwhile, then fetch and compile Plotly's 4.7 MB script
only once the map arrives (1.5–2 s on the 2-core machine). So, while the imports are
still pending, the shell first sends a hidden, empty chart: the browser compiles
Plotly during the import, and the chart is removed again as soon as it is done
(its empty slot stays, on every run).
Only Streamlit and Plotly are imported here: nothing that waits for torch.
"""

from __future__ import annotations

import functools
import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

KEY = "plotly-early"
_HIDE = f"<style>.st-key-{KEY} {{ display: none; }}</style>"
_imported = False


@contextmanager
def plotly_while_importing() -> Iterator[None]:
    """Wrap the shell's imports: on the process's first runs, a hidden chart is on the page
    for as long as they take. The empty slot stays on every run, so what follows keeps its
    place (a shifted element is a new one to the browser, and the map would be redrawn)."""
    slot = st.empty()
    if _imported:
        yield
        return
    finish_import("pandas")  # the warm-up's, if under way: plotly reads it (app_lib.warmup.FIRST)
    with slot.container(key=KEY):
        st.html(_HIDE)
        st.plotly_chart(_empty_figure(), config={"staticPlot": True, "displayModeBar": False})
    try:
        yield
    finally:
        slot.empty()
    _mark_imported()


def finish_import(name: str) -> None:
    """Wait until another thread's import of ``name`` is complete, if one is under way.

    A module being imported is in ``sys.modules`` before its body has run; code that only
    looks it up there (as plotly does with pandas) sees it half-built. An ``import`` of it
    waits on the import's own lock instead, and costs nothing once it is done.
    """
    if name in sys.modules:
        importlib.import_module(name)


def _mark_imported() -> None:
    global _imported
    _imported = True


@functools.cache
def _empty_figure():
    import plotly.graph_objects as go

    return go.Figure(go.Scatter(x=[], y=[]), layout={"height": 10, "width": 10})
