"""What every page shares, seen in the browser: its requests and its fonts."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("path", ["/explore", "/train"])
def test_opening_a_page_by_its_address_makes_no_failed_request(page, app_server, path):
    """Opened at ``/train``, Streamlit's frontend used to try ``/train/_stcore/health`` and
    ``/train/_stcore/host-config`` first: two 404s in the console of every page."""
    failed, console = [], []
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    page.on("console", lambda m: m.type == "error" and console.append(m.text))
    page.goto(app_server.url(path, lang="en"))
    page.locator('[data-testid="stSidebar"]').wait_for()
    page.locator("h1").first.wait_for()
    page.wait_for_timeout(500)
    assert failed == []
    assert not [text for text in console if "404" in text]
