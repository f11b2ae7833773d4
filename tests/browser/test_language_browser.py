"""A first visit without ``?lang=`` speaks the browser's language (real Chromium locales)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.driver import VIEWPORT

TITLE = {"en": "What does an autoencoder learn?", "ko": "오토인코더는 무엇을 배울까요?"}


@pytest.mark.parametrize("locale, lang", [("en-US", "en"), ("ko-KR", "ko")])
def test_the_first_visit_follows_the_browsers_language(browser, app_server, locale, lang):
    context = browser.new_context(locale=locale, viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(app_server.url("/", dataset="digits"))
        page.get_by_role("heading", name=TITLE[lang]).wait_for()
        page.wait_for_function("(l) => new URL(location.href).searchParams.get('lang') === l",
                               arg=lang)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"language_{locale}.png"))
    finally:
        context.close()
