"""Session state shared by all pages, mirrored in the URL so a view can be bookmarked.

The URL is read once per session (before any widget exists) and written
back after every run, so the address bar always names the exact view:
``?lang=en&dataset=digits&model=pretrained:digits-vae-2d&split=test``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import streamlit as st

from app_lib import catalog, present
from app_lib.i18n import DEFAULT_LANGUAGE, LANG_KEY, LANGUAGES, browser_language

DATASET_KEY = "dataset"
MODEL_KEY = "model"
SPLIT_KEY = "split"
SPLITS = ("test", "all")
URL_KEYS = (LANG_KEY, DATASET_KEY, MODEL_KEY, SPLIT_KEY, present.PRESENT_KEY)
_LOADED = "_url_loaded"
_PAGE_PARAMS = "_page_params"
_URL_EXTRA = "_url_extra"
_URL_SELECTION = "_url_selection"


@dataclass(frozen=True)
class Selection:
    """The sidebar's choice, as every page sees it."""

    lang: str
    dataset: str
    model: str
    split: str


def initial_values(params: Mapping[str, str],
                   default_lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """Validated start values from URL parameters, defaults for anything missing or wrong
    (``default_lang``: the browser's language, which a ``?lang=`` overrides)."""
    lang = params.get(LANG_KEY, default_lang)
    dataset = params.get(DATASET_KEY, "")
    if dataset not in catalog.dataset_names():
        dataset = catalog.default_dataset()
    model = params.get(MODEL_KEY, "")
    if catalog.find_choice(dataset, model) is None:
        model = catalog.default_model(dataset)
    split = params.get(SPLIT_KEY, "test")
    return {LANG_KEY: lang if lang in LANGUAGES else default_lang, DATASET_KEY: dataset,
            MODEL_KEY: model, SPLIT_KEY: split if split in SPLITS else "test"}


def load_from_url() -> None:
    """Seed the session from the URL once, before any widget is created."""
    if st.session_state.get(_LOADED):
        return
    params = {k: st.query_params.get(k) for k in st.query_params}
    for key, value in initial_values(params, browser_language()).items():
        st.session_state.setdefault(key, value)
    present.from_params(params)
    st.session_state[_PAGE_PARAMS] = {k: v for k, v in params.items() if k not in URL_KEYS}
    st.session_state[_URL_SELECTION] = current()
    st.session_state[_LOADED] = True


def url_param(name: str, sel: Selection) -> str | None:
    """A page-specific parameter (e.g. the explored position) of the URL the session opened,
    if ``sel`` is still the dataset and model that URL named."""
    opened = st.session_state.get(_URL_SELECTION)
    if opened is None or (opened.dataset, opened.model, opened.split) != (
            sel.dataset, sel.model, sel.split):
        return None
    return st.session_state.get(_PAGE_PARAMS, {}).get(name)


def page_param(name: str) -> str | None:
    """A page-specific parameter of the URL the session opened, whatever the selection."""
    return st.session_state.get(_PAGE_PARAMS, {}).get(name)


def forget_url_param(name: str) -> None:
    st.session_state.get(_PAGE_PARAMS, {}).pop(name, None)


def open_view(params: Mapping[str, str]) -> None:
    """Show the view an address's ``params`` name in this session, as a fresh visit to that
    address would (the shared choice checked, the page's extras for :func:`url_param`), but
    keeping the session's language: an in-app link then needs no reload."""
    lang = st.session_state.get(LANG_KEY) or browser_language()
    st.session_state.update(initial_values({**params, LANG_KEY: lang}, lang))
    st.session_state[_PAGE_PARAMS] = {k: v for k, v in params.items() if k not in URL_KEYS}
    st.session_state[_URL_SELECTION] = current()


def ensure_model_fits() -> None:
    """After a dataset change, fall back to that dataset's default model."""
    dataset = st.session_state[DATASET_KEY]
    if catalog.find_choice(dataset, st.session_state.get(MODEL_KEY)) is None:
        st.session_state[MODEL_KEY] = catalog.default_model(dataset)


def current() -> Selection:
    s = st.session_state
    return Selection(s.get(LANG_KEY) or browser_language(), s[DATASET_KEY], s[MODEL_KEY],
                     s.get(SPLIT_KEY, "test"))


def begin_page() -> None:
    """Forget the previous page's URL extras (a page sets its own while it runs)."""
    st.session_state[_URL_EXTRA] = {}


def sync_url(extra: Mapping[str, str] | None = None) -> None:
    """Write the shared choice (plus page-specific ``extra``) to the URL, touching only changes."""
    if extra is not None:
        st.session_state[_URL_EXTRA] = dict(extra)
    wanted = {k: str(st.session_state[k]) for k in URL_KEYS if k in st.session_state}
    wanted.update(st.session_state.get(_URL_EXTRA, {}))
    current_params = {k: st.query_params.get(k) for k in st.query_params}
    if current_params == wanted:
        return
    for k in set(current_params) - set(wanted):
        del st.query_params[k]
    for k, v in wanted.items():
        if current_params.get(k) != v:
            st.query_params[k] = v
