"""The page list: adding a page to the app is one line in ``PAGES``."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from app_lib import present
from app_lib.i18n import t


@dataclass(frozen=True)
class PageSpec:
    path: str
    title_key: str
    icon: str  # a Material Symbol, which Streamlit ships: emoji need a font many PCs lack
    blurb_key: str = ""  # the one-line description the home page shows beside its link
    default: bool = False


PAGES = (
    PageSpec("app_pages/home.py", "nav.home", ":material/home:", default=True),
    PageSpec("app_pages/lessons.py", "nav.lessons", ":material/school:", "home.lessons"),
    PageSpec("app_pages/explore.py", "nav.explore", ":material/explore:", "home.explore"),
    PageSpec("app_pages/compare.py", "nav.compare", ":material/compare:", "home.compare"),
    PageSpec("app_pages/gaps.py", "nav.gaps", ":material/grid_off:", "home.gaps"),
    PageSpec("app_pages/denoising.py", "nav.denoising", ":material/auto_fix_high:",
             "home.denoising"),
    PageSpec("app_pages/anomaly.py", "nav.anomaly", ":material/warning:", "home.anomaly"),
    PageSpec("app_pages/sparse.py", "nav.sparse", ":material/lightbulb:", "home.sparse"),
    PageSpec("app_pages/compression.py", "nav.compression", ":material/compress:",
             "home.compression"),
    PageSpec("app_pages/features.py", "nav.features", ":material/label:", "home.features"),
    PageSpec("app_pages/train.py", "nav.train", ":material/model_training:", "home.train"),
    PageSpec("app_pages/models.py", "nav.models", ":material/inventory_2:", "home.models"),
    PageSpec("app_pages/data.py", "nav.data", ":material/folder:", "home.data"),
)


def navigation() -> st.navigation:
    """``st.navigation`` over ``PAGES``, titles in the current language; in the top bar in
    presentation mode, which hides the sidebar (``app_lib.present``). Every page is listed
    (``expanded``): behind Streamlit's "View more" a class would not find its pages."""
    return st.navigation([st.Page(p.path, title=t(p.title_key), icon=p.icon, default=p.default)
                          for p in PAGES], position="top" if present.on() else "sidebar",
                         expanded=True)
