"""The UI speaks the browser's language unless the URL or the sidebar says otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_lib.i18n import language_of

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")
HOME = "app_pages/home.py"
TITLE = {"en": "What does an autoencoder learn?", "ko": "오토인코더는 무엇을 배울까요?"}


def open_home(locale: str | None, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.context = {"locale": locale}
    for key, value in {"dataset": "digits", **params}.items():
        at.query_params[key] = value
    at.switch_page(HOME)
    return at.run()


@pytest.mark.parametrize("locale, lang", [("en-US", "en"), ("en-GB", "en"), ("de-DE", "en"),
                                          ("ko-KR", "ko"), ("ko", "ko")])
def test_the_browser_language_chooses_the_ui_language(locale, lang):
    at = open_home(locale)
    assert not at.exception
    assert at.title[0].value == TITLE[lang]
    assert at.query_params["lang"] in (lang, [lang])          # and the URL says so


def test_the_url_and_the_sidebar_switch_override_the_browser():
    at = open_home("en-US", lang="ko")
    assert at.title[0].value == TITLE["ko"]
    at.sidebar.radio[0].set_value("en").run()
    assert at.title[0].value == TITLE["en"]
    at = open_home("ko-KR")
    at.sidebar.radio[0].set_value("en").run()
    assert at.title[0].value == TITLE["en"]


def test_language_of_a_locale():
    assert [language_of(x) for x in ("ko-KR", "KO", "en-US", "fr", "", None, "*")] == [
        "ko", "ko", "en", "en", None, None, None]
