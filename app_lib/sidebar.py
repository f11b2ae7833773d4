"""The sidebar every page shares: language, dataset and model."""

from __future__ import annotations

import streamlit as st

from ae_core.data import DATASETS, is_cached
from ae_core.data.library import display_name
from app_lib import catalog, classroom_ui, present, state
from app_lib.i18n import LANG_KEY, LANGUAGES, current_language, dataset_title, t, variant_name


def dataset_name(name: str, lang: str) -> str:
    """What every page calls a dataset: a built-in one's title, an upload's own name
    (never the internal ``user:`` key)."""
    spec = DATASETS.get(name)
    return display_name(name) if spec is None else dataset_title(spec, lang)


def _dataset_label(name: str, lang: str) -> str:
    """The dataset's short name in a picker, saying when its files still need downloading
    (a built-in one's full title and that note did not fit the sidebar at 1280 px)."""
    spec = DATASETS.get(name)
    try:
        label = t(f"dataset.short.{name}", lang)
    except KeyError:  # an upload: its own name
        label = dataset_name(name, lang)
    if spec is None or is_cached(spec):
        return label
    return f"{label} · {t('sidebar.not_cached', lang)}"


dataset_label = _dataset_label  # the Train and data pages name datasets the same way


def _model_label(dataset: str, key: str, lang: str) -> str:
    choice = catalog.find_choice(dataset, key)
    if choice is None:
        return key
    if choice.kind == "pca":
        return t("model.pca", lang, k=choice.latent_dim)
    return t(f"model.{choice.kind}", lang, name=choice.name)


def _copy(widget_key: str, key: str) -> None:
    st.session_state[key] = st.session_state[widget_key]
    state.ensure_model_fits()


def _bound(widget, label: str, options: list, key: str, suffix: str, **kwargs) -> None:
    """A widget mirroring the plain session key ``key``.

    The widget key carries the language (and, for models, the dataset): a
    selectbox keeps showing its old option labels when only the labels
    change, so a language switch must create a fresh widget.
    """
    widget_key = f"_w_{key}_{suffix}"
    st.session_state[widget_key] = st.session_state[key]
    widget(label, options, key=widget_key, on_change=_copy, args=(widget_key, key), **kwargs)


def render() -> state.Selection:
    """Draw the shared controls; their values live in plain session keys (see ``state``)."""
    state.ensure_model_fits()
    lang = current_language()
    with st.sidebar:
        _bound(st.radio, t("sidebar.language"), list(LANGUAGES), LANG_KEY, "",
               format_func=LANGUAGES.get, horizontal=True)
        _bound(st.selectbox, t("sidebar.dataset"), catalog.dataset_names(), state.DATASET_KEY,
               lang, format_func=lambda n: _dataset_label(n, lang))
        dataset = st.session_state[state.DATASET_KEY]
        keys = [c.key for c in catalog.model_choices(dataset)]
        if st.session_state[state.MODEL_KEY] not in keys:  # e.g. pca:5 from a URL
            keys.append(st.session_state[state.MODEL_KEY])
        _bound(st.selectbox, t("sidebar.model"), keys, state.MODEL_KEY, f"{lang}_{dataset}",
               help=t("sidebar.model_help"), format_func=lambda k: _model_label(dataset, k, lang))
        choice = catalog.find_choice(dataset, st.session_state[state.MODEL_KEY])
        if choice is not None:
            st.caption(t("model.info", variant=variant_name(choice.variant),
                         dim=choice.latent_dim))
        present.toggle()
        classroom_ui.render()
    return state.current()
