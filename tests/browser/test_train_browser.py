"""Train in real Chromium: start a short digits training, watch it advance, stop it, find the model.

A failing test leaves a screenshot in ``test-artifacts/`` (see conftest.py).
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.driver import CanvasDriver, start_training_from_form

PROGRESS_JS = """() => {
  const bar = document.querySelector('[data-testid=stProgress] [role=progressbar]');
  return bar ? Number(bar.getAttribute('aria-valuenow')) : -1;
}"""


def _text(page) -> str:
    return page.evaluate("() => document.body.innerText")


def test_train_watch_stop_and_find_the_model(page, app_server):
    page.goto(app_server.url("/train", lang="en", dataset="digits"))
    page.get_by_role("button", name="Start training").wait_for()
    epochs = page.locator('input[aria-label="Epochs"]')
    epochs.fill("400")
    epochs.press("Enter")
    page.wait_for_timeout(500)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "train_form.png"), full_page=True)
    page.get_by_role("button", name="Start training").click()
    page.wait_for_function("() => document.body.innerText.match(/Epoch [1-9]\\d* of 400/)",
                           timeout=60_000)
    first = page.evaluate(PROGRESS_JS)
    page.wait_for_function(f"() => ({PROGRESS_JS})() > {first}", timeout=30_000)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 1"
                           " && window.__latentCanvas?.mapOnly"
                           " && window.__latentCanvas.root.dataset.ready === '1'",
                           timeout=30_000)
    epoch_before = int(re.search(r"Epoch (\d+) of 400", _text(page)).group(1))
    map_before = page.evaluate("() => [window.__latentCanvas.n, window.__latentCanvas.mountId,"
                               " Array.from(window.__latentCanvas.xy.slice(0, 4))]")
    assert map_before[0] == 360  # the probe: digits' test images, forming on the map
    page.wait_for_function(
        f"() => {{ const m = document.body.innerText.match(/Epoch (\\d+) of 400/);"
        f" return m && Number(m[1]) > {epoch_before}; }}", timeout=30_000)
    page.wait_for_function("(id) => window.__latentCanvas.mountId !== id", arg=map_before[1],
                           timeout=30_000)  # the next epoch's codes arrived
    assert page.evaluate("() => Array.from(window.__latentCanvas.xy.slice(0, 4))") != \
        map_before[2]
    page.screenshot(path=str(ARTIFACTS / "train_running.png"), full_page=True)
    page.get_by_role("button", name="Stop").click()
    page.wait_for_function("() => document.body.innerText.includes('Saved as')",
                           timeout=60_000)
    assert "Stopped" in _text(page)
    page.screenshot(path=str(ARTIFACTS / "train_stopped.png"), full_page=True)
    # the finished map decodes under the pointer with the last epoch's weights
    page.wait_for_function("() => window.__latentCanvas?.mapOnly"
                           " && window.__latentCanvas.decoder !== null")
    driver = CanvasDriver(page)
    images = set()
    for row in driver.visible_rows(3, seed=4):
        page.mouse.move(*driver.point(row))
        page.wait_for_timeout(100)
        assert driver.read("c.imageTitle.textContent") == "Under the pointer"
        images.add(driver.image().tobytes())
    assert len(images) == 3
    page.goto(app_server.url("/models", lang="en", dataset="digits"))
    page.wait_for_function("() => document.body.innerText.includes('My models')")
    page.locator('[data-testid=stDataFrame]').wait_for(timeout=30_000)
    page.get_by_role("button", name="Delete…").wait_for()


_EPOCH_JS = """(total) => {
  const m = document.body.innerText.match(new RegExp(`Epoch (\\\\d+) of ${total}`));
  return m ? Number(m[1]) : -1;
}"""


def _job_param(page) -> str:
    return parse_qs(urlparse(page.url).query).get("job", [""])[0]


def _shows_running_job(page, job_id: str, epochs: int, at_least: int) -> int:
    """Wait until the page shows job ``job_id`` running at epoch ≥ ``at_least``; its epoch."""
    page.wait_for_function(f"(n) => ({_EPOCH_JS})({epochs}) >= n", arg=max(at_least, 1),
                           timeout=60_000)
    # the URL names the same job (the shell rewrites it at the end of the run), so that a
    # refresh from here would find it too
    page.wait_for_function("(id) => new URL(location.href).searchParams.get('job') === id",
                           arg=job_id)
    page.get_by_role("button", name="Stop").wait_for()
    assert "Training…" in _text(page)
    return page.evaluate(_EPOCH_JS, epochs)


def test_a_running_job_survives_a_refresh_and_a_visit_to_another_page(page, app_server,
                                                                      context):
    epochs = 5000   # far more than the test lasts: the job is still running at the end
    page.goto(app_server.url("/train", lang="en", dataset="digits"))
    start_training_from_form(page, epochs)
    page.wait_for_function(f"() => ({_EPOCH_JS})({epochs}) >= 1", timeout=60_000)
    page.wait_for_function("() => new URL(location.href).searchParams.get('job')")
    job_id = _job_param(page)
    epoch = _shows_running_job(page, job_id, epochs, 1)

    # a refresh is a new Streamlit session: it finds the job through ?job= in the registry
    page.reload()
    epoch = _shows_running_job(page, job_id, epochs, epoch)

    # another page through the sidebar, then back: the same session, the same job
    page.locator("[data-testid=stSidebarNav] a", has_text="My models").click()
    page.wait_for_function("() => location.pathname.endsWith('/models')"
                           " && document.body.innerText.includes('My models')")
    page.get_by_role("button", name="Stop").wait_for(state="detached")
    page.locator("[data-testid=stSidebarNav] a", has_text="Train").click()
    page.wait_for_function("() => location.pathname.endsWith('/train')")
    epoch = _shows_running_job(page, job_id, epochs, epoch)

    # a browser that never saw this job does not get it: jobs belong to their owner
    stranger = context.new_page()
    try:
        stranger.goto(app_server.url("/train", lang="en", dataset="digits"))
        stranger.get_by_role("button", name="Start training").wait_for()
        assert "Current training" not in _text(stranger)
    finally:
        stranger.close()

    page.get_by_role("button", name="Stop").click()
    page.wait_for_function("() => document.body.innerText.includes('Saved as')",
                           timeout=60_000)
    assert "Stopped" in _text(page)
    assert page.evaluate(_EPOCH_JS, epochs) < epochs   # stopped early, not finished


def _shapes_npz() -> bytes:
    import io

    import numpy as np

    rng = np.random.default_rng(1)
    x = rng.integers(0, 256, size=(80, 8, 8), dtype=np.uint8)
    buf = io.BytesIO()
    np.savez(buf, x=x, y=np.arange(80) % 2, class_names=np.array(["ring", "bar"]))
    return buf.getvalue()


def _pick_in_sidebar(page, which: int, option: str) -> None:
    page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").nth(which).click()
    page.get_by_role("option", name=option, exact=True).click()


def test_a_model_trained_on_an_uploaded_dataset_is_saved_and_offered(page, app_server):
    """My data → upload → pick it in the sidebar → Train → "VAE 2-D" → Start → saved."""
    dataset = f"도형 shapes {uuid.uuid4().hex[:4]}"   # a retried test starts afresh
    model = f"{dataset}-vae-2d"
    page.goto(app_server.url("/data", lang="en", dataset="digits"))
    page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(
        {"name": f"{dataset}.npz", "mimeType": "application/octet-stream",
         "buffer": _shapes_npz()})
    page.get_by_role("button", name="Save dataset").click()
    page.wait_for_function("(t) => document.body.innerText.includes(t)",
                           arg=f"Saved as {dataset}:")
    _pick_in_sidebar(page, 0, dataset)
    page.wait_for_function("(d) => new URL(location.href).searchParams.get('dataset') === d",
                           arg=f"user:{dataset}")
    page.locator("[data-testid=stSidebarNav] a", has_text="Train").click()
    page.get_by_role("button", name="VAE 2-D").click()
    start_training_from_form(page, 3)
    page.wait_for_function("(t) => document.body.innerText.includes(t)",
                           arg=f"Finished: saved as {model}", timeout=60_000)
    assert "Training failed" not in _text(page)
    assert f"VAE) · 2-D · {dataset}" in _text(page)       # the upload's own name, once
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "train_uploaded.png"), full_page=True)
    _pick_in_sidebar(page, 1, f"{model} · mine")             # in the sidebar's models
    page.locator("[data-testid=stSidebarNav] a", has_text="My models").click()
    page.locator("[data-testid=stDataFrame]").wait_for()   # the table draws on a canvas:
    picker = page.locator("[data-testid=stMain] [data-testid=stSelectbox]").first
    expect(picker.get_by_role("combobox")).to_have_value(model)  # the newest one, picked
