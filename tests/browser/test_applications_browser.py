"""Applications pages in real Chromium: moving a control redraws the figure (digits)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

pytestmark = pytest.mark.browser

FIGURES_JS = """() => JSON.stringify(Array.from(document.querySelectorAll('.js-plotly-plot'))
    .map(g => [(g.data || []).map(d => [d.x, d.y]),
               ((g.layout || {}).shapes || []).map(s => s.x0)]))"""
READY_JS = """(n) => document.querySelectorAll('.js-plotly-plot .main-svg').length >= n
    && !document.querySelector('[data-testid="stStatusWidget"]')"""


def _signature(page) -> str:
    """The drawn figures' data and lines, plus every image source on the page."""
    images = page.evaluate("() => Array.from(document.images).map(i => i.src).join('|')")
    return page.evaluate(FIGURES_JS) + images


def _open(page, app_server, path: str, charts: int) -> str:
    page.goto(app_server.url(path, lang="en", dataset="digits"))
    page.wait_for_function(READY_JS, arg=charts, timeout=90_000)
    page.wait_for_timeout(500)
    return _signature(page)


def _nudge_slider(page, label: str, presses: int = 3) -> None:
    thumb = page.get_by_role("slider", name=label).first
    thumb.focus()
    for _ in range(presses):
        page.keyboard.press("ArrowRight")
    page.wait_for_timeout(300)


def _wait_changed(page, before: str) -> None:
    page.wait_for_function(
        f"""(before) => {{
            const now = ({FIGURES_JS})() +
                Array.from(document.images).map(i => i.src).join('|');
            return now !== before && !document.querySelector('[data-testid="stStatusWidget"]');
        }}""", arg=before, timeout=60_000)


@pytest.mark.parametrize(("path", "label", "charts"), [
    ("/denoising", "Noise σ", 1),
    ("/anomaly", "Threshold", 3),
    ("/compression", "Bits per code value", 1),
    ("/features", "PCA dimensions", 1),
    ("/sparse", "A unit fires above", 2),
])
def test_moving_a_slider_redraws_the_figure(page, app_server, path, label, charts):
    before = _open(page, app_server, path, charts)
    _nudge_slider(page, label)
    _wait_changed(page, before)


def test_sparse_switching_the_feature_source_redraws_the_features(page, app_server):
    before = _open(page, app_server, "/sparse", 2)
    page.get_by_text("encoder rows (what each unit looks for)").click()
    _wait_changed(page, before)


UPLOAD_CAPTION = "your image (converted) · with the noise above · denoised"
UPLOADED_JS = """(caption) => Array.from(document.querySelectorAll('[data-testid="stImage"]'))
    .some(box => box.innerText.includes(caption)
        && Array.from(box.querySelectorAll('img')).some(i => i.complete && i.naturalWidth > 0))"""


def test_denoising_an_uploaded_image_shows_it_denoised(page, app_server, tmp_path):
    img = Image.new("RGB", (120, 90), "white")          # a dark "1" on white paper, not square
    for y in range(15, 75):
        for x in range(56, 64):
            img.putpixel((x, y), (20, 20, 20))
    path = tmp_path / "my-digit.png"
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    path.write_bytes(buf.getvalue())
    _open(page, app_server, "/denoising", 1)
    assert not page.evaluate(UPLOADED_JS, UPLOAD_CAPTION)
    page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(str(path))
    page.wait_for_function(UPLOADED_JS, arg=UPLOAD_CAPTION, timeout=60_000)
    assert page.get_by_text("my-digit.png").count() >= 1


def test_an_upload_that_is_not_an_image_gets_a_clear_message(page, app_server, tmp_path):
    path = tmp_path / "notes.png"
    path.write_bytes(b"this is text, not a picture")
    _open(page, app_server, "/denoising", 1)
    page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(str(path))
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('[data-testid=\"stAlert\"]'))"
        ".some(a => a.innerText.includes('not an image PIL can read'))", timeout=60_000)
    assert not page.evaluate(UPLOADED_JS, UPLOAD_CAPTION)
