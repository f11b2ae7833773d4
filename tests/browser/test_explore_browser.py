"""The Explore page's latent canvas in real Chromium against ``streamlit run app.py`` (digits).

What a teacher does in front of a class: hold a slider and watch the digit morph, move
over the map, drag the ✕, click a point, pan and zoom, hide a class, in both languages,
on a 1280×720 projector. Images are read back from the page's own canvas.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ae_core.data import load_dataset
from ae_core.io import load_model
from ae_core.pretrained import find_pretrained
from tests.browser.driver import VIEWPORT, CanvasDriver

pytestmark = pytest.mark.browser

HIGH_DIM = ("pretrained:digits-denoising-16d" if find_pretrained("digits-denoising-16d")
            else "pca:5")


def count_sent_frames(page) -> list[float]:
    """Times at which the page sends a websocket message to the server (a round trip each)."""
    sent: list[float] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda _: sent.append(time.monotonic())))
    return sent


def test_holding_a_slider_generates_images_while_the_hand_moves(page, app_server):
    sent = count_sent_frames(page)
    page.goto(app_server.url("/explore", lang="en", dataset="digits",
                             model="pretrained:digits-vae-2d"))
    driver = CanvasDriver(page).wait_ready()
    page.wait_for_timeout(500)
    x, y, box = driver.slider_thumb(0)
    seen = {driver.image().tobytes()}
    page.mouse.move(x, y)
    page.mouse.down()
    during = len(sent)
    for step in range(1, 13):  # the button stays down throughout
        page.mouse.move(max(box["x"] + 10, x - step * (x - box["x"]) / 13), y)
        page.wait_for_timeout(40)
        seen.add(driver.image().tobytes())
    assert len(sent) == during, "the drag sent messages to the server"
    assert len(seen) >= 6, f"only {len(seen)} different images while the button was held"
    page.mouse.up()
    page.wait_for_function("() => new URL(location.href).searchParams.get('z') !== null")
    assert float(page.locator("input.lc-range").first.input_value()) == pytest.approx(
        driver.position()[0], abs=1e-9)


def test_moving_over_the_map_previews_the_image_under_the_pointer(explore, page):
    driver = explore()
    resting = driver.image()
    rows = driver.visible_rows(4, seed=3)
    seen = set()
    for row in rows:
        page.mouse.move(*driver.point(row))
        page.wait_for_timeout(80)
        seen.add(driver.image().tobytes())
        assert driver.read("c.imageTitle.textContent") == "Under the pointer"
        assert driver.read("c.tip.textContent").endswith(f"#{row}")
    assert len(seen) == len(rows)
    page.mouse.move(5, 5)  # off the map: the image at the ✕ comes back
    page.wait_for_timeout(100)
    assert np.array_equal(driver.image(), resting)


@pytest.mark.parametrize("model", ["pretrained:digits-vae-2d", HIGH_DIM])
def test_clicking_a_point_shows_its_original_and_reconstruction(explore, page, model):
    """The page shows the clicked image, decodes its reconstruction itself, and both are
    the library's: the original is the dataset's image, the reconstruction is the model's
    ``reconstruct`` of it (to 1e-4), and the MSE beside them is theirs."""
    driver = explore(model=model)
    row = driver.visible_rows(1, seed=7)[0]
    page.mouse.click(*driver.point(row))
    driver.wait_text(f"index {row} ·")
    page.wait_for_function(f"() => window.__latentCanvas.clicked.dataset.shown === '{row}'")
    for part in ("original", "reconstruction", "error"):
        assert page.locator(f'canvas.lc-thumb-image[data-part="{part}"]').is_visible()
    assert driver.read("c.row") == row
    x = np.array(driver.read("Array.from(c.lastClicked.x)"), dtype=np.float32)
    shown = np.array(driver.read("Array.from(c.lastClicked.recon)"), dtype=np.float32)
    image = load_dataset("digits").x_test[row].numpy()
    np.testing.assert_array_equal(x, image.ravel())
    if model.startswith("pretrained:"):
        expected = load_model(find_pretrained(model.split(":", 1)[1]).path).reconstruct(
            image[None]).detach().numpy().ravel()
        np.testing.assert_allclose(shown, expected, atol=1e-4)
        mse = float(np.mean((image.ravel() - np.clip(expected, 0, 1)) ** 2))
        assert driver.read("c.lastClicked.mse") == pytest.approx(mse, abs=1e-6)
    code = driver.read(f"Array.from(c.codes ? c.codeOf({row}) : [c.xy[2*{row}], c.xy[2*{row}+1]])")
    assert driver.position() == pytest.approx(code)
    assert "exactly the code of image" in driver.read("c.verdictNote.textContent")


def test_a_click_reruns_nothing_yet_the_address_and_the_server_keep_it(explore, page):
    """A class clicking at once must not rerun anything: the click is posted to the
    session's inbox and the page writes the address itself; the server still has it on
    its next run (here: back from another page, the canvas reopens on that image)."""
    sent = count_sent_frames(page)
    driver = explore()
    page.wait_for_timeout(500)
    row = driver.visible_rows(1, seed=11)[0]
    before = len(sent)
    page.mouse.click(*driver.point(row))
    page.wait_for_function(f"() => window.__latentCanvas.clicked.dataset.shown === '{row}'")
    page.wait_for_function("(r) => new URL(location.href).searchParams.get('pt') === r",
                           arg=str(row))
    page.wait_for_function("() => window.__latentCanvas.stats.posted === 1")
    page.wait_for_timeout(300)
    assert len(sent) == before, "the click sent a message over the websocket (a rerun)"
    z = page.evaluate("() => new URL(location.href).searchParams.get('z')")
    assert [float(v) for v in z.split(",")] == pytest.approx(driver.position(), rel=1e-3)
    page.locator("[data-testid=stSidebarNav] a", has_text="Compare").click()
    page.wait_for_url("**/compare**")
    page.locator("[data-testid=stSidebarNav] a", has_text="Explore").click()
    driver = CanvasDriver(page).wait_ready()
    page.wait_for_function(f"() => window.__latentCanvas.clicked.dataset.shown === '{row}'")
    assert driver.read("c.row") == row
    new_z = page.evaluate("() => new URL(location.href).searchParams.get('z')")
    assert new_z is not None and [float(v) for v in new_z.split(",")] == pytest.approx(
        [float(v) for v in z.split(",")], rel=1e-3)


def test_clicking_empty_space_moves_the_marker_there_and_flags_the_gap(explore, page):
    driver = explore()
    x, y = driver.empty_spot()
    px, py = driver.to_pixels(x, y)
    page.mouse.click(px, py)
    assert driver.position() == pytest.approx([x, y], abs=0.02)
    assert driver.read("c.verdict.dataset.verdict") == "gap"
    assert "In a gap" in driver.read("c.verdict.textContent")
    page.wait_for_function(  # the URL bookmarks the new position
        "(x) => new URL(location.href).searchParams.get('z')?.startsWith(x)",
        arg=f"{x:.4g}"[:4])
    page.mouse.move(5, 5)
    page.wait_for_timeout(100)
    shot = page.screenshot(clip={"x": px - 12, "y": py - 12, "width": 24, "height": 24})
    rgb = np.asarray(Image.open(io.BytesIO(shot)).convert("RGB")).astype(int)
    red = np.argwhere((rgb[..., 0] > 180) & (rgb[..., 1] < 90) & (rgb[..., 2] < 90))
    assert len(red) > 15, "the ✕ is not drawn where the map was clicked"
    assert np.abs(red.mean(axis=0) - 11.5).max() < 2.0


def test_dragging_the_marker_moves_the_sliders_and_the_image_with_it(explore, page):
    driver = explore()
    start = driver.read("c.project(c.z)")
    px, py = driver.to_pixels(*start)
    images = {driver.image().tobytes()}
    page.mouse.move(px, py)
    page.mouse.down()
    for step in range(1, 7):
        page.mouse.move(px + 12 * step, py - 8 * step)
        page.wait_for_timeout(40)
        images.add(driver.image().tobytes())
    page.mouse.up()
    z = driver.position()
    assert z[0] > start[0] and z[1] > start[1]
    values = [float(v) for v in page.locator("input.lc-range").evaluate_all(
        "els => els.map(e => e.value)")]
    assert values == pytest.approx(z, abs=1e-6)
    assert len(images) >= 4


def test_wheel_zooms_dragging_pans_and_the_legend_hides_a_class(explore, page):
    driver = explore()
    scale = driver.read("c.view.s")
    cx, cy = driver.to_pixels(*driver.read("[c.view.cx, c.view.cy]"))
    page.mouse.move(cx, cy)
    page.mouse.wheel(0, -400)
    page.wait_for_function("(s) => window.__latentCanvas.view.s > 1.5 * s", arg=scale)
    x, y = driver.empty_spot(margin=60)
    px, py = driver.to_pixels(x, y)
    before = driver.read("c.view.cx")
    page.mouse.move(px, py)
    page.mouse.down()
    page.mouse.move(px + 60, py, steps=4)
    page.mouse.up()
    assert driver.read("c.view.cx") < before  # the map moved right with the hand
    page.locator("button.lc-chip", has_text="3").click()
    assert driver.read("Array.from(c.hidden)") == [3]
    colour = driver.read("c.colors[3]")
    drawn = driver.read(f"""(() => {{ const d = c.pointsCanvas.getContext('2d').getImageData(0, 0,
        c.pointsCanvas.width, c.pointsCanvas.height); const u = new Uint32Array(d.data.buffer);
        let k = 0; for (const v of u) if (v === {colour}) k++; return k; }})()""")
    assert drawn == 0
    page.locator("button.lc-chip", has_text="3").click()
    assert driver.read("c.hidden.size") == 0
    page.get_by_role("button", name="Zoom out (wheel or −)").click()
    page.locator("button.lc-btn", has_text="⟲").click()
    assert driver.read("c.view.s") == pytest.approx(scale)


def test_the_canvas_speaks_korean(explore, page):
    driver = explore(lang="ko")
    assert driver.read("c.text.x_axis") == "잠재 차원 z1"
    page.get_by_text("마우스 위치 미리보기").wait_for()
    page.get_by_text("클래스", exact=True).first.wait_for()
    assert page.locator("button.lc-set-a").inner_text() == "여기를 A로"
    assert driver.read("c.verdict.textContent").endswith("매니폴드 위")
    # the axis titles are drawn on the canvas: in the app's shipped Korean face, not boxes
    assert "Noto Sans KR" in driver.read("c.font()")
    assert page.evaluate("() => document.fonts.check('12px \"Noto Sans KR\"', '잠재')")


def test_the_page_draws_what_the_library_decodes(explore, page):
    driver = explore()
    x, y = driver.empty_spot()
    driver.click(x, y)
    z = np.asarray(driver.position())
    expected = load_model(find_pretrained("digits-vae-2d").path).decode(z[None])[0, 0].numpy()
    drawn = driver.image().astype(int)
    assert np.abs(drawn - np.round(np.clip(expected, 0, 1) * 255)).max() <= 1


def test_the_manifold_grid_is_decoded_in_the_page_for_the_visible_window(explore, page):
    driver = explore()
    page.locator("label.lc-manifold-toggle").click()
    page.wait_for_function("() => window.__latentCanvas.root.dataset.gridDone === '16'")
    assert driver.read("c.grid.window") == pytest.approx(driver.read("c.visibleWindow()"))
    page.locator("select.lc-grid-n").select_option("8")
    page.wait_for_function("() => window.__latentCanvas.root.dataset.gridDone === '8'")
    assert driver.read("[c.grid.canvas.width, c.grid.canvas.height]") == [64, 64]


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


def test_setting_b_on_the_canvas_redraws_the_interpolation_strip(explore, page):
    driver = explore()
    x, y = driver.empty_spot()
    driver.click(x, y)
    strip = page.locator('[data-testid=stImage] img[alt="Interpolation"]')
    before = strip.get_attribute("src")
    page.locator("button.lc-set-b").click()
    page.wait_for_function("(b) => document.querySelector("
                           "'[data-testid=stImage] img[alt=\"Interpolation\"]')?.src !== b",
                           arg=before)
    driver.wait_text(f"B: position ({x:.2f}")


@pytest.mark.parametrize("screen", [1, 2])
def test_the_map_is_drawn_at_the_screen_s_own_pixel_density(browser, app_server, screen):
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=screen)
    try:
        page = context.new_page()
        page.goto(app_server.url("/explore", lang="en", dataset="digits"))
        driver = CanvasDriver(page).wait_ready()
        assert driver.read("c.canvas.width / c.cssW") == pytest.approx(screen)
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_projector_shows_map_image_sliders_and_the_clicked_image_without_scrolling(
        browser, app_server, lang):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        page.goto(app_server.url("/explore", lang=lang, dataset="digits",
                                 model="pretrained:digits-vae-2d", pt="5"))
        driver = CanvasDriver(page).wait_ready()
        page.wait_for_timeout(300)
        boxes = {name: page.locator(selector).first.bounding_box() for name, selector in {
            "map": "canvas.lc-canvas", "image": "canvas.lc-image",
            "last slider": "input.lc-range >> nth=-1",
            "original": 'canvas.lc-thumb-image[data-part="original"]'}.items()}
        for name, box in boxes.items():
            assert box["y"] >= 0 and box["y"] + box["height"] <= 720, (name, box)
            assert box["x"] + box["width"] <= 1280, (name, box)
        assert boxes["original"]["x"] > boxes["map"]["x"] + boxes["map"]["width"]  # beside it
        assert driver.read("c.row") == 5
        page.wait_for_function("() => window.__latentCanvas.clicked.dataset.shown === '5'")
        label = {"en": "original", "ko": "원본"}[lang]
        assert page.locator("figure.lc-thumb figcaption").first.inner_text() == label
    finally:
        context.close()


def test_home_links_to_explore_and_the_choice_follows_in_the_url(page, app_server):
    page.goto(app_server.url("/", lang="en", dataset="digits", model="pca:2"))
    page.get_by_text("What does an autoencoder learn?").wait_for()
    page.locator("[data-testid=stMain]").get_by_role("link", name="Explore").click()
    CanvasDriver(page).wait_ready()
    assert page.locator("h1").first.inner_text() == "Explore the latent space"
    for param in ("lang=en", "dataset=digits", "model=pca%3A2"):
        assert param in page.url
