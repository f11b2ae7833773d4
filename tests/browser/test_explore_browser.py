"""Real clicks in real Chromium against ``streamlit run app.py`` (digits, offline)."""

from __future__ import annotations

import base64
import io
import math
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ae_core.pretrained import find_pretrained
from tests.browser.driver import VIEWPORT, AppServer, MapDriver

pytestmark = pytest.mark.browser

HIGH_DIM = ("pretrained:digits-denoising-16d" if find_pretrained("digits-denoising-16d")
            else "pca:5")


@pytest.mark.parametrize("model", ["pretrained:digits-vae-2d", HIGH_DIM])
def test_clicking_a_point_shows_its_original_and_reconstruction(explore, page, model):
    driver = explore(model=model)
    x, y, row = driver.data_points(1, seed=7)[0]
    before = driver.image_src()
    driver.click(x, y)
    driver.wait_text(f"index {row} ·")
    for alt in ("original", "reconstruction", "per-pixel error"):
        assert page.locator(f'img[alt="{alt}"]').first.is_visible()
    driver.wait_image_change(before)          # the sliders moved to the point's code


def test_clicking_empty_space_decodes_it_and_flags_the_gap(explore, page):
    driver = explore()
    g = driver.geometry()
    cx, cy = sum(g["xr"]) / 2, sum(g["yr"]) / 2
    far = max(driver.empty_points(400), key=lambda p: math.hypot(p[0] - cx, p[1] - cy))
    before = driver.image_src()
    driver.click(far[0], far[1])
    driver.wait_image_change(before)
    driver.wait_text("In a gap")
    assert page.get_by_text(f"Position: ({far[0]:.2f}").first.is_visible()
    page.wait_for_function(  # the URL bookmarks the new position
        "(x) => new URL(location.href).searchParams.get('z')?.startsWith(x)",
        arg=f"{far[0]:.4g}"[:4])


def test_the_position_mark_is_drawn_exactly_where_the_map_was_clicked(explore, page):
    """The marks are an SVG image laid over the map: its ✕ must land on the clicked spot."""
    driver = explore()
    g = driver.geometry()
    box = g["box"]

    def inside(p) -> bool:  # clear of the plot area's edges, where the ✕ would be clipped
        px, py = driver.to_pixels(p[0], p[1], g)
        return (box["x"] + 40 < px < box["x"] + box["w"] - 40
                and box["y"] + 40 < py < box["y"] + box["h"] - 40)

    far = next(p for p in driver.empty_points(400, seed=3) if inside(p))
    before = driver.image_src()
    driver.click(far[0], far[1])
    driver.wait_image_change(before)
    page.mouse.move(5, 5)  # no hover label over the mark
    page.wait_for_function("(alt) => document.querySelector('.map-marks img')?.complete "
                           "&& document.querySelector('.map-marks img').alt.includes(alt)",
                           arg="current position")
    px, py = driver.to_pixels(far[0], far[1])
    shot = page.screenshot(clip={"x": px - 20, "y": py - 20, "width": 40, "height": 40})
    rgb = np.asarray(Image.open(io.BytesIO(shot)).convert("RGB")).astype(int)
    ink = np.argwhere(rgb.max(axis=2) < 25)  # the ✕'s near-black core, nothing else is as dark
    assert len(ink) > 20
    dy, dx = ink.mean(axis=0) - 19.5
    assert math.hypot(dx, dy) < 2.0, (dx, dy)


def _image_bytes(page, src: str) -> bytes:
    """The bytes behind an image source: an inline data URI or a media URL."""
    if src.startswith("data:"):
        return base64.b64decode(src.split(",", 1)[1])
    return page.request.get(src).body()


def test_releasing_a_slider_changes_the_image_bytes(explore, page):
    driver = explore()
    before = driver.image_src()
    old_bytes = _image_bytes(page, before)
    driver.drag_slider("z1", 0.25)
    driver.wait_image_change(before)
    new_bytes = _image_bytes(page, driver.image_src())
    assert new_bytes[:8] == b"\x89PNG\r\n\x1a\n"
    assert new_bytes != old_bytes


def test_switching_to_korean_changes_the_title_and_axis_labels(explore, page):
    driver = explore()
    assert page.locator("h1").first.inner_text() == "Explore the latent space"
    page.get_by_text("한국어", exact=True).click()
    page.wait_for_function("() => document.querySelector('h1')?.innerText === '잠재 공간 탐색'")
    driver.wait_ready()
    page.wait_for_function(  # the sidebar's option labels are translated too
        "() => [...document.querySelectorAll('[data-testid=stSidebar] input')]"
        ".some(i => i.value === 'digits-vae-2d · 기본 제공')")
    read_titles = ("() => { const l = document.querySelectorAll('.js-plotly-plot')[0]"
                   "?._fullLayout; return l ? [l.xaxis.title.text, l.yaxis.title.text] : []; }")
    # the chart re-renders after the text does: wait for it, then check both axes
    page.wait_for_function(f"() => ({read_titles})()[0] === '잠재 차원 z1'")
    assert page.evaluate(read_titles) == ["잠재 차원 z1", "잠재 차원 z2"]
    assert "lang=ko" in page.url


def test_the_interpolation_gif_and_the_codes_download(explore, page):
    explore()
    with page.expect_download() as gif:
        page.get_by_role("button", name="Animated GIF").click()
    animation = Image.open(gif.value.path())
    assert animation.format == "GIF" and animation.n_frames > 2
    with page.expect_download() as csv:
        page.get_by_role("button", name="Codes + labels (CSV)").click()
    lines = Path(csv.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "index,label,class,z1,z2" and len(lines) == 361   # digits' test split


CANVAS_JS = """() => { const gd = document.querySelectorAll('.js-plotly-plot')[0];
  const c = gd.querySelector('canvas.gl-canvas-focus');
  return [gd._context.plotGlPixelRatio, c.width / parseFloat(c.style.width)]; }"""


@pytest.mark.parametrize("screen", [1, 2])
def test_the_map_is_drawn_at_the_screen_s_own_pixel_density(browser, app_server, screen):
    """A 1x screen gets a 1x WebGL canvas (half the pixels to paint on a click), a 2x one 2x."""
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=screen)
    try:
        page = context.new_page()
        page.goto(app_server.url("/explore", lang="en", dataset="digits",
                                 model="pretrained:digits-vae-2d"))
        MapDriver(page).wait_ready()
        assert page.evaluate(CANVAS_JS) == [screen, screen]
        assert f"latent_explorer_dpr={screen}" in page.evaluate("() => document.cookie")
    finally:
        context.close()


def test_home_links_to_explore_and_the_choice_follows_in_the_url(page, app_server):
    page.goto(app_server.url("/", lang="en", dataset="digits", model="pca:2"))
    page.get_by_text("What does an autoencoder learn?").wait_for()
    page.locator("[data-testid=stMain]").get_by_role("link", name="Explore").click()
    MapDriver(page).wait_ready()
    assert page.locator("h1").first.inner_text() == "Explore the latent space"
    for param in ("lang=en", "dataset=digits", "model=pca%3A2"):
        assert param in page.url


SEEN_EARLY_CHART_JS = """() => { window.__earlyChart = false;
  new MutationObserver(() => { if (document.querySelector('.st-key-plotly-early'))
    window.__earlyChart = true; }).observe(document, {childList: true, subtree: true}); }"""


def test_a_first_visit_to_a_cold_server_keeps_its_map_through_a_full_rerun(browser, tmp_path):
    """The shell's early chart (``app_lib.early``) comes and goes on a fresh server's first
    visit; what follows it must keep its place, or the next full rerun redraws the map."""
    env = {"AE_MODEL_DIR": str(tmp_path / "store"), "AE_DATA_DIR": str(tmp_path / "no-data"),
           "AE_USER_DATA_DIR": str(tmp_path / "user-data")}
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(f"({SEEN_EARLY_CHART_JS})()")
    with AppServer(env, log_path=tmp_path / "streamlit.log") as server:
        page = context.new_page()
        frames: list[float] = []  # every message the server sends the page
        page.on("websocket", lambda ws: ws.on("framereceived",
                                              lambda _: frames.append(time.monotonic())))
        page.goto(server.url("/explore", lang="en", dataset="digits"))
        MapDriver(page).wait_ready()
        if not page.evaluate("() => window.__earlyChart"):
            context.close()
            pytest.skip("the first visit came after the server's imports: nothing to check")
        page.evaluate("() => { document.querySelectorAll('.js-plotly-plot')[0].__kept = 1; }")
        page.locator("h1").first.click()
        before = len(frames)
        page.keyboard.press("r")  # Streamlit's shortcut: rerun the whole script
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (len(frames) == before
                                               or time.monotonic() - frames[-1] < 1.0):
            page.wait_for_timeout(100)  # until the rerun's messages came and stopped
        assert len(frames) > before, "the page did not rerun"
        kept = page.evaluate("() => document.querySelectorAll('.js-plotly-plot')[0].__kept")
    context.close()
    assert kept == 1
