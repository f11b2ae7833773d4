"""Drive the real app in real Chromium: start ``streamlit run``, find and click map points.

Shared by the browser tests and ``benchmarks/bench_app.py``. Plotly charts
cannot be clicked by selector, so positions come from the figure itself:
its axis ranges and the plot area (the ``.nsewdrag`` rectangle) turn latent
coordinates into page pixels.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Mapping
from contextlib import suppress
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1600, "height": 1200}
GENERATED_ALT = "Decoded at this position"  # the English alt text of the generated image

_GEOMETRY_JS = """() => {
  const gd = document.querySelectorAll('.js-plotly-plot')[0];
  if (!gd || !gd._fullLayout) return null;
  const box = gd.querySelector('.nsewdrag').getBoundingClientRect();
  return {xr: gd._fullLayout.xaxis.range, yr: gd._fullLayout.yaxis.range,
          box: {x: box.x, y: box.y, w: box.width, h: box.height}};
}"""

_POINTS_JS = """([grid, count, seed]) => {
  const gd = document.querySelectorAll('.js-plotly-plot')[0];
  const out = [];
  for (const tr of gd._fullData) {
    if ((tr.name === 'grid') !== grid || !tr.customdata || tr.type !== 'scattergl') continue;
    for (let i = 0; i < tr.x.length; i++) out.push([tr.x[i], tr.y[i], Number(tr.customdata[i])]);
  }
  let s = seed;  // a small LCG: the same points on every run
  const picked = [];
  for (let k = 0; k < count && out.length; k++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    picked.push(out[s % out.length]);
  }
  return picked;
}"""

MAP_READY_JS = """() => {
  const gd = document.querySelectorAll('.js-plotly-plot')[0];
  return !!(gd && gd._fullData && gd._fullData.length && gd.querySelector('.nsewdrag'))
    && !!document.querySelector('[data-testid=stHtml] img, [data-testid=stImage] img')
    && !document.querySelector('[data-testid=stSpinner]');
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chromium_available() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


class AppServer:
    """``streamlit run app.py`` (or ``script``) on a free 127.0.0.1 port, stopped (by its
    own pid) on exit."""

    def __init__(self, env: Mapping[str, str] | None = None, log_path: Path | None = None,
                 script: Path | None = None):
        self.script = script or REPO / "app.py"
        self.port = free_port()
        self.env = {**os.environ, **(env or {})}
        self.proc: subprocess.Popen | None = None
        self.log_path = log_path or Path(tempfile.mkstemp(prefix="streamlit-", suffix=".log")[1])

    def start(self) -> AppServer:
        cmd = [sys.executable, "-m", "streamlit", "run", str(self.script),
               "--server.port", str(self.port), "--server.address", "127.0.0.1",
               "--server.headless", "true", "--browser.gatherUsageStats", "false"]
        with self.log_path.open("wb") as log:  # a file, not a pipe: a full pipe would block
            self.proc = subprocess.Popen(cmd, cwd=REPO, env=self.env, stdout=log,
                                         stderr=subprocess.STDOUT)
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Until the server answers its health check."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("streamlit exited:\n" + self.log())
            with suppress(OSError), urllib.request.urlopen(
                    self.url("/_stcore/health"), timeout=1) as response:
                if response.status == 200:
                    return
            time.sleep(0.05)
        raise TimeoutError(f"streamlit did not start on port {self.port}")

    def url(self, path: str = "/", **params: str) -> str:
        query = "?" + urlencode(params) if params else ""
        return f"http://127.0.0.1:{self.port}{path}{query}"

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self) -> AppServer:
        self.start().wait_ready()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_training_from_form(page, epochs: int) -> None:
    """On the Train page: set the epochs (the form's other defaults stay) and press Start."""
    page.get_by_role("button", name="Start training").wait_for()
    box = page.locator('input[aria-label="Epochs"]')
    box.fill(str(epochs))
    box.press("Enter")
    page.wait_for_function("(n) => document.querySelector('input[aria-label=\"Epochs\"]')"
                           ".value === String(n)", arg=epochs)
    page.get_by_role("button", name="Start training").click()


class MapDriver:
    """Pixel-level access to the latent map of the Explore page."""

    def __init__(self, page):
        self.page = page

    def wait_ready(self, timeout_ms: float = 60_000) -> None:
        self.page.wait_for_function(MAP_READY_JS, timeout=timeout_ms)

    def geometry(self) -> dict:
        return self.page.evaluate(_GEOMETRY_JS)

    def to_pixels(self, x: float, y: float, geometry: dict | None = None) -> tuple[float, float]:
        g = geometry or self.geometry()
        (x0, x1), (y0, y1), box = g["xr"], g["yr"], g["box"]
        return (box["x"] + (x - x0) / (x1 - x0) * box["w"],
                box["y"] + (y1 - y) / (y1 - y0) * box["h"])

    def data_points(self, count: int, seed: int = 1) -> list[tuple[float, float, int]]:
        """Map positions and dataset rows of some plotted images (the same ones every run)."""
        return [tuple(p) for p in self.page.evaluate(_POINTS_JS, [False, count, seed])]

    def empty_points(self, count: int, seed: int = 1) -> list[tuple[float, float, int]]:
        """Positions of the invisible click grid: empty space, clear of every marker."""
        return [tuple(p) for p in self.page.evaluate(_POINTS_JS, [True, count, seed])]

    def click(self, x: float, y: float) -> None:
        """Hover first (Plotly picks the clicked point on hover), then click."""
        px, py = self.to_pixels(x, y)
        self.page.mouse.move(px, py)
        self.page.wait_for_timeout(60)
        self.page.mouse.click(px, py)

    def image_src(self, alt: str = GENERATED_ALT) -> str | None:
        return self.page.evaluate(
            "(alt) => { const i = document.querySelector(`img[alt=\"${alt}\"]`); "
            "return i ? i.src : null; }", alt)

    def wait_image_change(self, before: str | None, alt: str = GENERATED_ALT,
                          timeout_ms: float = 30_000) -> None:
        self.page.wait_for_function(
            "([alt, before]) => { const i = document.querySelector(`img[alt=\"${alt}\"]`);"
            " return i && i.src !== before && i.complete && i.naturalWidth > 0; }",
            arg=[alt, before], timeout=timeout_ms)

    def wait_text(self, text: str, timeout_ms: float = 30_000) -> None:
        self.page.wait_for_function(
            "(t) => document.body.innerText.includes(t)", arg=text, timeout=timeout_ms)

    def drag_slider(self, label: str, fraction: float) -> None:
        """Drag the slider's thumb by ``fraction`` of its track and release it."""
        thumb = self.page.locator(f'input[type=range][aria-label="{label}"]').locator("xpath=../..")
        track = thumb.locator("xpath=..")
        tb, kb = thumb.bounding_box(), track.bounding_box()
        x, y = tb["x"] + tb["width"] / 2, tb["y"] + tb["height"] / 2
        target = min(max(x + fraction * kb["width"], kb["x"] + 2), kb["x"] + kb["width"] - 2)
        self.page.mouse.move(x, y)
        self.page.mouse.down()
        self.page.mouse.move(target, y, steps=4)
        self.page.mouse.up()
