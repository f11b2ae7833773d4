"""Presentation mode in real Chromium at 1280×720: what a class sees on a projector.

The Explore map, the generated image, the sliders and the clicked image fit the screen
without scrolling in both languages with the sidebar gone and the text larger; Esc and
the exit button bring the normal view back. Screenshots land in ``test-artifacts/``.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.driver import CanvasDriver

pytestmark = pytest.mark.browser

SCREEN = {"width": 1280, "height": 720}
PARTS = {"map": "canvas.lc-canvas", "image": "canvas.lc-image",
         "last slider": "input.lc-range >> nth=-1",
         "original": 'canvas.lc-thumb-image[data-part="original"]',
         "reconstruction": 'canvas.lc-thumb-image[data-part="reconstruction"]'}


_SIDEBAR_SHOWN_JS = ("() => { const s = document.querySelector('[data-testid=stSidebar]');"
                     " return !!s && s.getBoundingClientRect().width > 0; }")


def _sidebar_shown(page) -> bool:
    return page.evaluate(_SIDEBAR_SHOWN_JS)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_explore_fits_a_projector_in_presentation_mode(browser, app_server, lang):
    context = browser.new_context(viewport=SCREEN)
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(app_server.url("/explore", lang=lang, dataset="digits",
                                 model="pretrained:digits-vae-2d", pt="5", present="1"))
        driver = CanvasDriver(page).wait_ready()
        page.wait_for_function("() => window.__latentCanvas.clicked.dataset.shown === '5'")
        page.wait_for_function(f"() => !({_SIDEBAR_SHOWN_JS})()", timeout=10_000)
        assert driver.read("c.root.classList.contains('lc-present')")
        boxes = {name: page.locator(selector).first.bounding_box()
                 for name, selector in PARTS.items()}
        for name, box in boxes.items():
            assert box is not None, name
            assert box["y"] >= 0 and box["y"] + box["height"] <= SCREEN["height"], (name, box)
            assert box["x"] >= 0 and box["x"] + box["width"] <= SCREEN["width"], (name, box)
        # the map gets the sidebar's width: larger than beside the sidebar (about 560 px)
        assert boxes["map"]["width"] > 700
        title = page.locator("h1").first
        assert float(title.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) > 32
        assert page.get_by_role("link", name={"en": "Train", "ko": "학습"}[lang],
                                exact=True).is_visible()  # the page list, in the top bar
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"present_explore_{lang}.png"))
    finally:
        context.close()


def test_esc_and_the_switch_leave_and_enter_presentation_mode(browser, app_server):
    context = browser.new_context(viewport=SCREEN)
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(app_server.url("/explore", lang="en", dataset="digits", present="1"))
        CanvasDriver(page).wait_ready()
        exit_button = page.get_by_role("button", name="Exit presentation")
        box = exit_button.bounding_box()
        assert box["y"] + box["height"] <= SCREEN["height"]
        assert box["x"] + box["width"] <= SCREEN["width"]
        page.keyboard.press("Escape")
        page.wait_for_function("() => !new URL(location.href).searchParams.has('present')")
        page.wait_for_function("() => { const s = document.querySelector("
                               "'[data-testid=stSidebar]');"
                               " return !!s && s.getBoundingClientRect().width > 0; }")
        assert exit_button.count() == 0
        page.get_by_text("Presentation mode").click()
        page.wait_for_function("() => new URL(location.href).searchParams.get('present') "
                               "=== '1'")
        exit_button.wait_for()
        assert not _sidebar_shown(page)
        exit_button.click()
        page.wait_for_function("() => !new URL(location.href).searchParams.has('present')")
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/gaps", "/compare", "/train"])
def test_other_pages_in_presentation_mode(browser, app_server, path):
    """Gaps, Compare and Train render without the sidebar (screenshots to look at)."""
    context = browser.new_context(viewport=SCREEN)
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(app_server.url(path, lang="ko", dataset="digits", present="1"))
        page.get_by_role("button", name="발표 모드 끝내기").wait_for()
        page.locator("h1").first.wait_for()
        page.wait_for_timeout(2500)
        assert not _sidebar_shown(page)
        assert page.locator("[data-testid=stException]").count() == 0
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"present{path.replace('/', '_')}_ko.png"))
    finally:
        context.close()
