"""What the library reports, told in the UI's language: error kinds and metric names.

ae_core's errors carry a kind (``code``, ``params``, ``details``; see
:mod:`ae_core.errors`) beside their English message. The page shows the kind's
sentence in its language (what happened and what to do) and puts the facts
(paths, addresses, the original message) in an expander below, each once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import streamlit as st

from ae_core.errors import error_kind
from app_lib.i18n import STRINGS, current_language, t

SAID = "said"
"""The code of an error the app raised with a sentence already in the UI's language."""


def kind_of(error: BaseException | Mapping[str, Any]) -> dict[str, Any]:
    """An error's kind, whether an exception or the plain data a job kept of it."""
    return dict(error) if isinstance(error, Mapping) else error_kind(error)


def sentence(error: BaseException | Mapping[str, Any], lang: str | None = None) -> str:
    """What went wrong and what to do, in the UI's language: the most specific ``err.<code>``
    string there is (``model_file.version`` → ``model_file`` → the general one).

    An English screen gets the library's own sentence where no string names this very
    kind: written for people, it is more specific than its family's (which value is
    wrong, say); a Korean screen gets the family's sentence and the original in
    :func:`details`.
    """
    kind = kind_of(error)
    if kind["code"] == SAID:
        return kind["message"]
    exact = "." in kind["code"] and f"err.{kind['code']}" in STRINGS  # not just its family
    if not exact and kind["code"] != "unexpected" and (lang or current_language()) == "en":
        return kind["message"]
    code = kind["code"]
    while code:
        if f"err.{code}" in STRINGS:
            try:
                return t(f"err.{code}", lang, **kind["params"])
            except (KeyError, IndexError, ValueError):  # a parameter it needs is missing
                pass
        code = code.rpartition(".")[0]
    return t("err.error", lang)


def details(error: BaseException | Mapping[str, Any]) -> list[str]:
    """The facts behind the sentence, each once: the error's own list (paths, addresses)
    when it has one, else its original message."""
    kind = kind_of(error)
    if kind["code"] == SAID:
        return []
    return list(dict.fromkeys(kind["details"])) or [kind["message"]]


def _said_in_full(error: BaseException | Mapping[str, Any], text: str) -> bool:
    """The sentence shown is the original message itself (an English screen), with nothing
    else to add: no expander repeating it."""
    kind = kind_of(error)
    return not kind["details"] and text == kind["message"]


def show(error: BaseException | Mapping[str, Any], key: str | None = None, icon: str = "⚠️",
         **values: Any) -> None:
    """The error as a red box (inside the sentence ``key`` when given, as its ``{error}``),
    then its details in an expander with a label that says what is inside."""
    text = sentence(error)
    st.error(t(key, error=text, **values) if key else text, icon=icon)
    if not _said_in_full(error, text):
        show_details(error)


def show_details(error: BaseException | Mapping[str, Any]) -> None:
    """The error's details in a closed expander (nothing when there are none)."""
    facts = details(error)
    if not facts:
        return
    files = kind_of(error)["code"].startswith("dataset_unavailable")
    with st.expander(t("err.details_files" if files else "err.details")):
        st.code("\n".join(facts), language=None, wrap_lines=True)


def metric_name(key: str, lang: str | None = None) -> str:
    """A metric's display name (``knn5`` → "5-NN accuracy"), the key itself if unknown."""
    return t(f"metric.{key}", lang) if f"metric.{key}" in STRINGS else key


def metrics_text(metrics: Mapping[str, Any], keys: Iterable[str], digits: int = 3,
                 lang: str | None = None) -> str:
    """``5-NN accuracy 0.912 · trustworthiness 0.95`` for the numeric ``keys`` present."""
    return " · ".join(f"{metric_name(k, lang)} {metrics[k]:.{digits}g}" for k in keys
                      if isinstance(metrics.get(k), int | float))
