"""How live is a class? Real headless Chromium against ``streamlit run app.py``.

A teacher's page starts a class on Explore (digits, the shipped 2-D VAE); one student's
page follows it in a second browser context. The teacher's marker is moved by script, as
one frame of a drag moves it (``c.z`` set, ``positionChanged``), every 300 ms. Prints:

* follow latency, teacher moves → the follower's canvas has applied the move (its
  ``stats.followAt``; both pages share the machine's clock), p50 / p95, with the one
  browser follower alone and with 30 more lightweight followers (threads reading the
  push route's event stream, as an ``EventSource`` does; their latency is the arrival of
  the move's message) — target p50 ≤ 0.3 s in both
* the teacher's own interaction: a click on a map point → its original and reconstruction
  on screen (``stats.clickMs``), p50, with no followers and with the 31 followers, and
  the ratio (target ≤ 1.2×)

    python benchmarks/bench_follow.py [--moves 30] [--clicks 20] [--followers 30]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.browser.driver import VIEWPORT, AppServer, CanvasDriver, launch_chromium

EXPLORE = {"lang": "en", "dataset": "digits", "model": "pretrained:digits-vae-2d"}

MOVE_JS = """(z) => { const c = window.__latentCanvas; c.z = c.clip(Float64Array.from(z));
  c.row = null; const t = Date.now(); c.positionChanged(true); return t; }"""


def start_class(page) -> str:
    page.get_by_text("Class", exact=True).first.click()
    page.get_by_role("button", name="Start a class").click()
    page.locator(".class-code").wait_for()
    return page.locator(".class-code").inner_text().strip()


class SSEClient(threading.Thread):
    """A lightweight follower: the push route's stream, each message's arrival time."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url = url
        self.arrivals: dict[str, float] = {}  # the z it carried (JSON) → time.time()
        self.ready = threading.Event()
        self.response = None

    def run(self) -> None:
        request = urllib.request.Request(self.url, headers={"Accept": "text/event-stream"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                self.response = response
                for line in response:
                    if line.startswith(b"data: "):
                        self.ready.set()
                        message = json.loads(line[6:])
                        if "z" in message and not message.get("snapshot"):
                            self.arrivals[json.dumps(message["z"])] = time.time()
        except (OSError, AttributeError, ValueError):
            pass  # closed by close(): the stream's end

    def close(self) -> None:
        """Shut the socket: closing the response would wait for the reading thread's lock,
        that is for the stream's next heartbeat."""
        import socket

        if self.response is not None:
            with contextlib.suppress(OSError, AttributeError):
                self.response.fp.raw._sock.shutdown(socket.SHUT_RDWR)


def moves(teacher, student, count: int, clients: list[SSEClient], rng) -> tuple[list, list]:
    """Follow latencies (s) of the browser follower and of every lightweight client."""
    browser_lat, sse_lat = [], []
    ranges = teacher.read("c.map.ranges")
    for _ in range(count):
        z = [round(float(rng.uniform(lo * 0.8, hi * 0.8)), 4) for lo, hi in ranges]
        before = student.read("c.stats.followed || 0")
        sent_ms = teacher.page.evaluate(MOVE_JS, z)
        student.page.wait_for_function(f"() => (window.__latentCanvas.stats.followed || 0) > "
                                       f"{before}", timeout=10_000)
        # the page rounds to 5 decimals before sending
        key = json.dumps([round(v, 5) for v in z])
        browser_lat.append(student.read("c.stats.followAt") / 1000 - sent_ms / 1000)
        deadline = time.time() + 5
        while time.time() < deadline and any(key not in c.arrivals for c in clients):
            time.sleep(0.005)
        sse_lat += [c.arrivals[key] - sent_ms / 1000 for c in clients if key in c.arrivals]
        time.sleep(0.3)
    return browser_lat, sse_lat


def clicks(teacher, count: int) -> list[float]:
    """The teacher's click → clicked image latencies (ms)."""
    out = []
    rows = teacher.visible_rows(count + 1, seed=7)
    for row in rows[:count]:
        teacher.page.mouse.click(*teacher.point(row))
        teacher.page.wait_for_function(f"() => window.__latentCanvas.clicked.dataset.shown === "
                                       f"'{row}'", timeout=10_000)
        out.append(teacher.read("c.stats.clickMs"))
        time.sleep(0.4)  # the click's event (address bar) rerun finishes
    return out


T0 = time.monotonic()


def log(what: str) -> None:
    print(f"[{time.monotonic() - T0:6.1f} s] {what}", file=sys.stderr, flush=True)


def pct(values, q) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--moves", type=int, default=30)
    parser.add_argument("--clicks", type=int, default=20)
    parser.add_argument("--followers", type=int, default=30)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    rng = np.random.default_rng(0)
    env = {"AE_MODEL_DIR": tempfile.mkdtemp(), "AE_DATA_DIR": tempfile.mkdtemp(),
           "AE_USER_DATA_DIR": tempfile.mkdtemp()}
    with AppServer(env) as server, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        tpage = browser.new_context(viewport=VIEWPORT).new_page()
        tpage.set_default_timeout(60_000)
        tpage.goto(server.url("/explore", **EXPLORE))
        teacher = CanvasDriver(tpage).wait_ready()
        code = start_class(tpage)
        teacher.wait_ready()
        clicks(teacher, 5)  # warm: torch, the dataset, the row route
        alone = clicks(teacher, args.clicks)
        log("teacher ready, clicks alone measured")

        spage = browser.new_context(viewport=VIEWPORT).new_page()
        spage.set_default_timeout(60_000)
        spage.goto(server.url("/", lang="en", **{"class": code}))
        spage.wait_for_url("**/explore?**")
        student = CanvasDriver(spage).wait_ready()
        spage.wait_for_function("() => window.__latentClass && window.__latentClass.connected")
        one_browser, _ = moves(teacher, student, args.moves, [], rng)
        log("one follower measured")

        url = server.url(f"/_latent/class/{code}/events")
        clients = [SSEClient(url) for _ in range(args.followers)]
        for c in clients:
            c.start()
        for c in clients:
            c.ready.wait(30)
        many_browser, many_sse = moves(teacher, student, args.moves, clients, rng)
        crowd = clicks(teacher, args.clicks)
        for c in clients:
            c.close()
        alone += clicks(teacher, args.clicks)  # after: no order bias between the two
        log("crowd measured")
        browser.close()

    ms = 1000
    print(f"follow latency, 1 browser follower:            p50 {pct(one_browser, 50) * ms:6.1f} ms"
          f"  p95 {pct(one_browser, 95) * ms:6.1f} ms  (n={len(one_browser)}; target p50 ≤ 300)")
    print(f"follow latency, browser with {args.followers} more followers: "
          f"p50 {pct(many_browser, 50) * ms:6.1f} ms  p95 {pct(many_browser, 95) * ms:6.1f} ms")
    print(f"follow latency, {args.followers} lightweight followers:       "
          f"p50 {pct(many_sse, 50) * ms:6.1f} ms  p95 {pct(many_sse, 95) * ms:6.1f} ms"
          f"  (n={len(many_sse)}; target p50 ≤ 300)")
    ratio = pct(crowd, 50) / pct(alone, 50)
    print(f"teacher click → image: no followers p50 {pct(alone, 50):6.1f} ms, "
          f"with {args.followers + 1} followers p50 {pct(crowd, 50):6.1f} ms: "
          f"ratio {ratio:.2f} (target ≤ 1.2)")


if __name__ == "__main__":
    main()
