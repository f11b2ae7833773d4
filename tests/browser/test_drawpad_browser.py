"""The Explore page's drawing pad in real Chromium: a "1" drawn with the mouse on the
shipped MNIST models lands among the ones, and the page prepares it as ``ae_core.drawing``.

Drawn with ``page.mouse`` on the pad, as a student would; the page's code is then placed
among the MNIST test images' codes by the library's own ``encode``, and its 10 nearest
neighbours vote. Skipped when MNIST's files are not here (``AE_DATA_DIR``).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from ae_core.data import load_dataset
from ae_core.drawing import preprocess
from ae_core.io import load_model
from ae_core.pretrained import find_pretrained
from tests.browser.driver import VIEWPORT, AppServer, CanvasDriver
from tests.conftest import mnist_dir

pytestmark = pytest.mark.browser

STROKES = {  # in the pad's unit square, as a hand draws them
    "1": [[(0.53 - 0.006 * k, 0.18 + 0.064 * k) for k in range(11)]],
    "0": [[(0.5 + 0.2 * math.sin(2 * math.pi * k / 24), 0.5 - 0.3 * math.cos(2 * math.pi * k / 24))
           for k in range(25)]],
    "7": [[(0.3, 0.22), (0.5, 0.22), (0.7, 0.22), (0.6, 0.45), (0.5, 0.65), (0.45, 0.82)]],
}


@pytest.fixture(scope="module")
def mnist_server(tmp_path_factory):
    root = mnist_dir()
    if root is None:
        pytest.skip("MNIST files are not available (set AE_DATA_DIR to a folder with mnist/)")
    env = {"AE_DATA_DIR": str(root), "AE_MODEL_DIR": str(tmp_path_factory.mktemp("store")),
           "AE_USER_DATA_DIR": str(tmp_path_factory.mktemp("user-data"))}
    with AppServer(env, log_path=tmp_path_factory.mktemp("log") / "streamlit.log") as server:
        yield server


def draw(page, strokes) -> None:
    """Each stroke with the mouse: press, move through its points, release."""
    box = page.locator("canvas.lc-pad").bounding_box()
    at = lambda p: (box["x"] + p[0] * box["width"], box["y"] + p[1] * box["height"])  # noqa: E731
    for stroke in strokes:
        page.mouse.move(*at(stroke[0]))
        page.mouse.down()
        for point in stroke[1:]:
            page.mouse.move(*at(point), steps=2)
        page.mouse.up()


def open_pad(page, server, model: str, lang: str = "en") -> CanvasDriver:
    page.goto(server.url("/explore", lang=lang, dataset="mnist", model=model))
    driver = CanvasDriver(page).wait_ready(timeout_ms=180_000)
    page.locator("label.lc-draw-toggle").click()
    page.locator("canvas.lc-pad").wait_for()
    return driver


@pytest.mark.parametrize("name", ["mnist-ae-2d", "mnist-vae-2d", "mnist-conv-ae-2d"])
def test_a_drawn_one_lands_among_the_ones(browser, mnist_server, name):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        driver = open_pad(page, mnist_server, f"pretrained:{name}")
        model = load_model(find_pretrained(name).path)
        data = load_dataset("mnist", str(mnist_dir()), download=False)
        codes = model.encode(data.x_test).numpy()
        labels = np.asarray(data.y_test)
        digits = ("1", "0", "7") if name == "mnist-ae-2d" else ("1",)
        for digit in digits:
            page.locator("button.lc-draw-clear").click()
            draw(page, STROKES[digit])
            n = len(STROKES[digit])
            page.wait_for_function(f"() => window.__latentCanvas.root.dataset.drawn === '{n}'")
            assert driver.read("c.drawpad.inPage"), "the shipped models encode in the page"
            strokes = driver.read("c.drawpad.strokes")
            shown = np.array(driver.read("Array.from(c.drawpad.input)"))
            # the page prepared what it drew exactly as the library does
            np.testing.assert_allclose(shown, preprocess(strokes, "mnist", (1, 28, 28)).ravel(),
                                       atol=1e-6)
            code = np.array(driver.read("Array.from(c.drawpad.code)"))
            np.testing.assert_allclose(code, model.encode(shown.reshape(1, 1, 28, 28))[0],
                                       atol=1e-4)
            nearest = labels[np.argsort(((codes - code) ** 2).sum(1))[:10]]
            votes = np.bincount(nearest, minlength=10)
            assert votes.argmax() == int(digit), (digit, votes)
            assert driver.read("c.drawpad.lastNeighbours.label") == int(digit)
    finally:
        context.close()


def test_undo_and_clear_and_the_star_on_the_map(browser, mnist_server):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        driver = open_pad(page, mnist_server, "pretrained:mnist-ae-2d", lang="ko")
        assert page.locator("label.lc-draw-toggle").inner_text().strip() == "✎ 그리기"
        draw(page, STROKES["7"] + STROKES["1"])
        page.wait_for_function("() => window.__latentCanvas.root.dataset.drawn === '2'")
        two = driver.read("Array.from(c.drawpad.code)")
        page.locator("button.lc-draw-undo").click()
        page.wait_for_function("() => window.__latentCanvas.root.dataset.drawn === '1'")
        assert driver.read("c.drawpad.strokes.length") == 1
        assert driver.read("Array.from(c.drawpad.code)") != two
        # the star is drawn where the code projects
        x, y = driver.to_pixels(*driver.read("c.project(c.drawpad.code)"))
        page.mouse.move(5, 5)
        orange = page.evaluate("""([x, y]) => { const c = window.__latentCanvas, r =
          c.canvas.getBoundingClientRect(), d = c.dpr; const px = c.canvas.getContext('2d')
          .getImageData(Math.round((x - r.left) * d), Math.round((y - r.top) * d), 1, 1).data;
          return Array.from(px); }""", [x, y])
        assert orange[0] > 200 and 90 < orange[1] < 160 and orange[2] < 80, orange
        page.locator("button.lc-draw-clear").click()
        assert driver.read("c.drawpad.code") is None
        empty = "마우스, 펜 또는 손가락으로 그리세요."
        assert driver.read("c.drawpad.reading.textContent") == empty
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_projector_shows_the_pad_its_reconstruction_and_the_map_without_scrolling(
        browser, app_server, lang):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        page.goto(app_server.url("/explore", lang=lang, dataset="digits",
                                 model="pretrained:digits-vae-2d"))
        CanvasDriver(page).wait_ready()
        page.locator("label.lc-draw-toggle").click()
        draw(page, STROKES["1"])
        page.wait_for_function("() => window.__latentCanvas.root.dataset.drawn === '1'")
        for selector in ("canvas.lc-canvas", "canvas.lc-pad", 'canvas[data-part="recon"]',
                         "button.lc-draw-undo", "button.lc-draw-clear"):
            box = page.locator(selector).first.bounding_box()
            assert box["y"] >= 0 and box["y"] + box["height"] <= 720, (selector, box)
            assert box["x"] + box["width"] <= 1280, (selector, box)
        assert not page.locator("input.lc-range").first.is_visible()  # the pad took their place
        page.locator("label.lc-draw-toggle").click()
        assert page.locator("input.lc-range").first.is_visible()
    finally:
        context.close()
