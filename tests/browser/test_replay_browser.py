"""The per-image replay of training in real Chromium: train digits for a few epochs, pick an
image, scrub back to before training; the reconstruction shown is that epoch's, and the map
beside it moves to the same epoch. Screenshots (1280×720, both languages) land in
``test-artifacts/``."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.driver import start_training_from_form

pytestmark = pytest.mark.browser

SHOWN_JS = """() => { const r = window.__replay; const ctx = r.recon.getContext('2d');
  const d = ctx.getImageData(0, 0, r.recon.width, r.recon.height).data;
  const got = Array.from(d.filter((_, i) => i % 4 === 0));
  const at = (r.frame * r.n + r.pick) * r.size;
  const want = Array.from(r.frames.slice(at, at + r.size));
  return {frame: r.frame, pick: r.pick, same: got.join() === want.join()}; }"""

THUMB_JS = """(v) => { const t = document.querySelector('[data-testid=stSliderThumbValue]');
  return !!t && t.innerText.trim() === v; }"""


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_scrubbing_an_image_s_replay_moves_the_map_to_the_same_epoch(browser, app_server, lang):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(app_server.url("/train", lang=lang, dataset="digits"))
        if lang == "ko":
            page.get_by_role("button", name="학습 시작").wait_for()
            box = page.locator('input[aria-label="에포크"]')
            box.fill("4")
            box.press("Enter")
            page.wait_for_timeout(500)
            page.get_by_role("button", name="학습 시작").click()
        else:
            start_training_from_form(page, 4)
        page.wait_for_function("() => window.__replay && window.__replay.count === 5",
                               timeout=120_000)  # epochs 0 to 4
        page.get_by_text({"en": "Finished", "ko": "완료"}[lang]).first.wait_for()
        replay = page.locator("div.rp-root")
        replay.locator("button.rp-pickbtn").nth(5).click()
        page.wait_for_function("() => window.__replay.pick === 5")
        assert page.evaluate(SHOWN_JS) == {"frame": 4, "pick": 5, "same": True}
        mount = page.evaluate("() => window.__latentCanvas.mountId")
        scrubber = replay.locator("input.rp-range")
        scrubber.focus()
        scrubber.press("Home")  # back to before training: the page is told on release
        page.wait_for_function("(id) => window.__latentCanvas.mountId !== id", arg=mount)
        assert page.evaluate(SHOWN_JS) == {"frame": 0, "pick": 5, "same": True}
        page.wait_for_function(THUMB_JS, arg="0")  # the map's epoch slider
        # a strip cell jumps there too
        replay.locator("button.rp-cell").nth(2).click()
        page.wait_for_function(THUMB_JS, arg="2")
        assert page.evaluate(SHOWN_JS) == {"frame": 2, "pick": 5, "same": True}
        assert page.evaluate("() => window.__replay.pick") == 5  # kept across the rerun
        replay.scroll_into_view_if_needed()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"replay_train_{lang}.png"))
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"replay_train_{lang}_failed.png"))
        raise
    finally:
        context.close()
