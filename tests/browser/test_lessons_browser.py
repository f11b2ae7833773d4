"""A lesson in the real browser: step forward, press "Open in the app", land on the step's view."""

from __future__ import annotations

import re

from app_lib.lessons import load_all
from tests.browser.driver import CanvasDriver


def test_open_in_the_app_from_step_two_shows_the_step_s_model(page, app_server):
    lesson = {item.id: item for item in load_all("en")[0]}["autoencoder"]
    link = lesson.steps[1].link
    model = link.model.removeprefix("pretrained:")
    page.goto(app_server.url("/lessons", lang="en", dataset="digits", lesson="autoencoder"))
    page.get_by_text(f"Step 1 of {len(lesson.steps)}").wait_for()
    page.get_by_role("button", name="Next").click()
    page.get_by_text(f"Step 2 of {len(lesson.steps)}").wait_for()
    page.get_by_role("heading", name=lesson.steps[1].title).wait_for()
    page.get_by_role("button", name="Open in the app").click()
    page.wait_for_url(re.compile(r"/explore\?"))
    CanvasDriver(page).wait_ready()
    page.get_by_text(re.compile(rf"^{re.escape(model)} on ")).wait_for()
    picker = page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").filter(
        has_text="Model")
    assert model in picker.get_by_role("combobox").input_value()
    query = page.url.split("?", 1)[1]
    assert "lang=en" in query and f"pt={link.param_dict['pt']}" in query
    assert not page.locator('[data-testid="stException"]').count()
