"""Drive the real app in real Chromium: start ``streamlit run``, find and click map points.

Shared by the browser tests and ``benchmarks/bench_app.py``. The latent canvas
(``app_lib/canvas``) draws on a ``<canvas>``, so positions come from the canvas
itself: the page's last mounted canvas is ``window.__latentCanvas``, whose
``toScreen`` turns map coordinates into pixels of its element.
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

CANVAS_READY_JS = """() => { const c = window.__latentCanvas;
  return !!c && c.root.isConnected && c.root.dataset.ready === '1' && !!c.plot
    && c.canvas.width > 0 && !document.querySelector('[data-testid=stSpinner]'); }"""

_TO_PAGE_JS = """([x, y]) => { const c = window.__latentCanvas;
  const r = c.canvas.getBoundingClientRect(); const [sx, sy] = c.toScreen(x, y);
  return [r.left + sx, r.top + sy]; }"""

_EMPTY_SPOT_JS = """(margin) => { const c = window.__latentCanvas, p = c.plot;
  let best = null, bestD = -1;  // the plot-area pixel farthest from every point
  for (let px = p.x + margin; px < p.x + p.w - margin; px += 6)
    for (let py = p.y + margin; py < p.y + p.h - margin; py += 6) {
      const [x, y] = c.fromScreen(px, py); let d = Infinity;
      const z = c.lift(x, y), r = c.map.ranges;  // reachable by the sliders too
      if (z.some((v, i) => v < r[i][0] || v > r[i][1])) continue;
      for (let i = 0; i < c.n; i++) { const dx = (c.xy[2*i] - x) * c.view.s,
        dy = (c.xy[2*i+1] - y) * c.view.s; d = Math.min(d, dx * dx + dy * dy); }
      const [mx, my] = c.toScreen(...c.project(c.z));
      if (Math.hypot(px - mx, py - my) < 30) continue;  // not on the marker
      if (d > bestD) { bestD = d; best = [x, y]; } }
  return best; }"""

_IMAGE_JS = """() => { const c = window.__latentCanvas;
  return Array.from(c.image.getContext('2d').getImageData(0, 0, c.image.width,
    c.image.height).data.filter((_, i) => i % 4 === 0)); }"""


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


def wait_script_idle(page, timeout_ms: float = 30_000) -> None:
    """Wait until the app's script is neither running nor asked to rerun."""
    page.wait_for_function(
        "() => !['running', 'rerunRequested'].includes("
        "document.querySelector('[data-testid=stApp]')?.dataset.testScriptState)",
        timeout=timeout_ms)


def start_training_from_form(page, epochs: int) -> None:
    """On the Train page: set the epochs (the form's other defaults stay) and press Start.

    A preset pressed just before may still be rerunning and would write its own epochs
    over ours, so the value is typed again until it has survived a finished run."""
    page.get_by_role("button", name="Start training").wait_for()
    box = page.locator('input[aria-label="Epochs"]')
    for _ in range(4):
        wait_script_idle(page)
        box.fill(str(epochs))
        box.press("Enter")
        page.wait_for_timeout(300)   # the Enter's run starts
        wait_script_idle(page)
        if box.input_value() == str(epochs):
            break
    page.wait_for_function("(n) => document.querySelector('input[aria-label=\"Epochs\"]')"
                           ".value === String(n)", arg=epochs)
    page.get_by_role("button", name="Start training").click()


class CanvasDriver:
    """The Explore page's latent canvas: map positions, clicks, the generated image."""

    def __init__(self, page):
        self.page = page

    def wait_ready(self, timeout_ms: float = 60_000) -> CanvasDriver:
        self.page.wait_for_function(CANVAS_READY_JS, timeout=timeout_ms)
        return self

    def read(self, expression: str):
        """``expression`` evaluated with ``c`` bound to the canvas."""
        return self.page.evaluate(
            f"() => {{ const c = window.__latentCanvas; return {expression}; }}")

    def to_pixels(self, x: float, y: float) -> tuple[float, float]:
        return tuple(self.page.evaluate(_TO_PAGE_JS, [x, y]))

    def point(self, row: int) -> tuple[float, float]:
        """Page pixels of dataset row ``row``'s dot."""
        x, y = self.read(f"[c.xy[2 * {row}], c.xy[2 * {row} + 1]]")
        return self.to_pixels(x, y)

    def visible_rows(self, count: int, seed: int = 1) -> list[int]:
        """Some rows whose dots are inside the plot area and nearest to their own pixel."""
        return self.page.evaluate("""([count, seed]) => { const c = window.__latentCanvas;
          const out = []; let s = seed;
          for (let k = 0; k < 4000 && out.length < count; k++) {
            s = (s * 1103515245 + 12345) % 2147483648; const i = s % c.n;
            const [px, py] = c.toScreen(c.xy[2*i], c.xy[2*i+1]);
            if (!c.inPlot(px, py) || px < c.plot.x + 20 || py > c.plot.y + c.plot.h - 20) continue;
            if (c.nearestPoint(px, py) === i && !out.includes(i)) out.push(i); }
          return out; }""", [count, seed])

    def empty_spot(self, margin: float = 30) -> tuple[float, float]:
        """Map coordinates of the emptiest visible spot (far from every dot and the ✕)."""
        return tuple(self.page.evaluate(_EMPTY_SPOT_JS, margin))

    def click(self, x: float, y: float) -> None:
        self.page.mouse.click(*self.to_pixels(x, y))

    def image(self):
        """The generated image's grey levels (0-255) as an (H, W) array."""
        import numpy as np

        h, w = self.read("[c.image.height, c.image.width]")
        return np.asarray(self.page.evaluate(_IMAGE_JS), dtype=np.uint8).reshape(h, w)

    def position(self) -> list[float]:
        return self.read("Array.from(c.z)")

    def wait_text(self, text: str, timeout_ms: float = 30_000) -> None:
        """Text on the page, inside the canvas's shadow root or outside it."""
        self.page.get_by_text(text).first.wait_for(timeout=timeout_ms)

    def slider_thumb(self, index: int) -> tuple[float, float, dict]:
        """Page pixels of slider ``index``'s thumb, and the slider's box."""
        slider = self.page.locator("input.lc-range").nth(index)
        box = slider.bounding_box()
        lo, hi, value = (float(slider.evaluate(f"e => e.{k}")) for k in ("min", "max", "value"))
        thumb = 8  # half of Chromium's thumb: the track runs from 8 px to width - 8 px
        x = box["x"] + thumb + (value - lo) / (hi - lo) * (box["width"] - 2 * thumb)
        return x, box["y"] + box["height"] / 2, box
