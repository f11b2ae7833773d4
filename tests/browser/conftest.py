"""One ``streamlit run app.py`` and one Chromium for the whole browser session.

Skipped, with the reason, when Debian's Chromium is not installed. A failing
test leaves a screenshot in ``test-artifacts/``.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.driver import (
    REPO,
    VIEWPORT,
    AppServer,
    CanvasDriver,
    chromium_available,
    launch_chromium,
)

ARTIFACTS = REPO / "test-artifacts"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    if not chromium_available():
        pytest.skip("Debian Chromium is not installed at /usr/bin/chromium "
                    "(apt-get install -y chromium)")
    env = {"AE_MODEL_DIR": str(tmp_path_factory.mktemp("store")),
           "AE_DATA_DIR": str(tmp_path_factory.mktemp("no-datasets")),  # digits only: offline
           "AE_USER_DATA_DIR": str(tmp_path_factory.mktemp("user-data"))}
    server = AppServer(env, log_path=tmp_path_factory.mktemp("log") / "streamlit.log")
    with server:
        yield server


@pytest.fixture(scope="session")
def browser(app_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def context(browser):
    """One context for all tests: its HTTP cache spares re-parsing Streamlit's bundle."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    yield context
    context.close()


@pytest.fixture
def page(context, request):
    """A fresh page, hence a fresh Streamlit session, per test."""
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    page.close()


@pytest.fixture
def explore(page, app_server):
    """Open the Explore page on digits and wait until the map can be clicked."""

    def open_page(**params: str) -> CanvasDriver:
        query = {"lang": "en", "dataset": "digits", "model": "pretrained:digits-vae-2d",
                 **params}
        page.goto(app_server.url("/explore", **query))
        return CanvasDriver(page).wait_ready()

    return open_page
