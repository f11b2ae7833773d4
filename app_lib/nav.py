"""The page list: adding a page to the app is one line in ``PAGES``."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from app_lib import state
from app_lib.i18n import t


@dataclass(frozen=True)
class PageSpec:
    path: str
    title_key: str
    icon: str  # a Material Symbol, which Streamlit ships: emoji need a font many PCs lack
    blurb_key: str = ""  # the one-line description the home page shows beside its link
    default: bool = False


PAGES = (
    PageSpec("pages/home.py", "nav.home", ":material/home:", default=True),
    PageSpec("pages/lessons.py", "nav.lessons", ":material/school:", "home.lessons"),
    PageSpec("pages/explore.py", "nav.explore", ":material/explore:", "home.explore"),
    PageSpec("pages/compare.py", "nav.compare", ":material/compare:", "home.compare"),
    PageSpec("pages/gaps.py", "nav.gaps", ":material/grid_off:", "home.gaps"),
    PageSpec("pages/denoising.py", "nav.denoising", ":material/auto_fix_high:", "home.denoising"),
    PageSpec("pages/anomaly.py", "nav.anomaly", ":material/warning:", "home.anomaly"),
    PageSpec("pages/sparse.py", "nav.sparse", ":material/lightbulb:", "home.sparse"),
    PageSpec("pages/compression.py", "nav.compression", ":material/compress:", "home.compression"),
    PageSpec("pages/features.py", "nav.features", ":material/label:", "home.features"),
    PageSpec("pages/train.py", "nav.train", ":material/model_training:", "home.train"),
    PageSpec("pages/models.py", "nav.models", ":material/inventory_2:", "home.models"),
    PageSpec("pages/data.py", "nav.data", ":material/folder:", "home.data"),
)


def navigation() -> st.navigation:
    """``st.navigation`` over ``PAGES``, titles in the current language."""
    return st.navigation([st.Page(p.path, title=t(p.title_key), icon=p.icon, default=p.default)
                          for p in PAGES])


def require_shell() -> None:
    """Make sure a page runs inside ``app.py``'s shell (sidebar, URL state, navigation).

    Until a process first calls ``st.navigation``, Streamlit treats a folder
    named ``pages/`` as old-style automatic pages, so the very first request
    for ``/explore`` would run the page alone (and AppTest does so on every
    run). Calling ``st.navigation`` switches that off; the rerun then goes
    through ``app.py``.
    """
    if not state.in_shell():
        navigation()
        st.rerun()
