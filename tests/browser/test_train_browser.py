"""Train in real Chromium: start a short digits training, watch it advance, stop it, find the model.

A failing test leaves a screenshot in ``test-artifacts/`` (see conftest.py).
"""

from __future__ import annotations

import re

from tests.browser.conftest import ARTIFACTS

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
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 2",
                           timeout=30_000)
    epoch_before = int(re.search(r"Epoch (\d+) of 400", _text(page)).group(1))
    page.wait_for_function(
        f"() => {{ const m = document.body.innerText.match(/Epoch (\\d+) of 400/);"
        f" return m && Number(m[1]) > {epoch_before}; }}", timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "train_running.png"), full_page=True)
    page.get_by_role("button", name="Stop").click()
    page.wait_for_function("() => document.body.innerText.includes('Saved as')",
                           timeout=60_000)
    assert "Stopped" in _text(page)
    page.screenshot(path=str(ARTIFACTS / "train_stopped.png"), full_page=True)
    page.goto(app_server.url("/models", lang="en", dataset="digits"))
    page.wait_for_function("() => document.body.innerText.includes('My models')")
    page.locator('[data-testid=stDataFrame]').wait_for(timeout=30_000)
    page.get_by_role("button", name="Delete…").wait_for()
