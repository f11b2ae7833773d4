"""How instant does the app feel? Real Chromium against a real ``streamlit run app.py``.

Prints p50 / p95 (seconds) for:

* cold start — ``streamlit run`` launched → the map is interactive (a new server each time),
  with the map's codes on disk from an earlier start (``ae_core.codecache``); the very
  first start on a machine, which encodes them, is printed on its own line
* page load — a new browser session on a running server → the map is interactive
* click → image — click a point of the map → its original image and the image decoded
  at its code are on screen, at 10k points (MNIST test) and 70k (train + test)
* slider → image — release a latent slider → the new decoded image is on screen
* the floor — cold start and page load of ``floor_app.py``, a bare Streamlit page with one
  10k-point WebGL scatter and one image, with the app / floor ratio: what Streamlit,
  Plotly and this browser cost on this machine before the app does anything

Times run from the browser's own ``pointerup`` to the first animation frame
where the new image is loaded, measured inside the page. Needs MNIST in the
data folder for the 10k / 70k figures (else it measures digits and says so)::

    AE_DATA_DIR=../shared/datasets python benchmarks/bench_app.py

``--under-training`` measures instead what one user's training costs another user:
session B (a browser context of its own) clicks the Explore map idle, then session A
starts a training of the same dataset through the Train page form and keeps watching
it, and B clicks again while A's job runs; it prints both, their ratio (target ≤ 2×)
and stops A's job::

    AE_DATA_DIR=../shared/datasets python benchmarks/bench_app.py --under-training
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ae_core.data import is_cached
from tests.browser.driver import (
    GENERATED_ALT,
    VIEWPORT,
    AppServer,
    MapDriver,
    chromium_available,
    launch_chromium,
    start_training_from_form,
)

TARGETS = {"cold start": 4.0, "click → image (10k)": 0.3, "click → image (70k)": 0.5,
           "slider → image": 0.1}
TRAINING_RATIO_TARGET = 2.0   # click → image while another session trains, over idle
TRAINING_EPOCHS = 200         # far more than the measurement lasts: A's job is stopped
FLOOR_APP = Path(__file__).with_name("floor_app.py")

_ARM_JS = """(watched) => {
  const b = window.__bench = {t0: null, t1: null};
  if (!window.__benchHooked) {
    document.addEventListener('pointerup', () => { window.__bench.t0 = performance.now(); },
                              true);
    window.__benchHooked = true;
  }
  const fresh = ([alt, before]) => {
    const img = document.querySelector(`img[alt="${alt}"]`);
    return img && img.src !== before && img.complete && img.naturalWidth > 0;
  };
  const check = () => {
    if (b.t0 !== null && watched.every(fresh)) { b.t1 = performance.now(); return; }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}"""


def _wait_done(page, timeout_ms: float = 30_000) -> float:
    page.wait_for_function("() => window.__bench && window.__bench.t1 !== null",
                           timeout=timeout_ms)
    t0, t1 = page.evaluate("() => [window.__bench.t0, window.__bench.t1]")
    return (t1 - t0) / 1000.0


def _settle(page) -> None:
    """Let the rerun finish (the status widget disappears) before the next action."""
    page.wait_for_timeout(150)
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')",
                           timeout=30_000)
    page.wait_for_timeout(150)


def measure_clicks(page, driver: MapDriver, repeats: int, seed: int = 11) -> list[float]:
    times = []
    for x, y, _row in driver.data_points(repeats, seed=seed):
        px, py = driver.to_pixels(x, y)
        page.mouse.move(px, py)
        page.wait_for_timeout(80)
        watched = [[alt, driver.image_src(alt)] for alt in (GENERATED_ALT, "original")]
        page.evaluate(_ARM_JS, watched)
        page.mouse.click(px, py)
        times.append(_wait_done(page))
        _settle(page)
    return times


def measure_slider(page, driver: MapDriver, repeats: int) -> list[float]:
    times = []
    for i in range(repeats):
        thumb = page.locator('input[type=range][aria-label="z1"]').locator("xpath=../..")
        track = thumb.locator("xpath=..").bounding_box()
        box = thumb.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        step = (0.08 if i % 2 == 0 else -0.08) * track["width"]
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + step, y, steps=3)
        page.evaluate(_ARM_JS, [[GENERATED_ALT, driver.image_src()]])
        page.mouse.up()
        times.append(_wait_done(page))
        _settle(page)
    return times


def open_map(context, url: str) -> tuple:
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url)
    driver = MapDriver(page)
    driver.wait_ready(timeout_ms=120_000)
    return page, driver, time.perf_counter() - start


def cold_start(playwright_browser, env: dict, query: dict, repeats: int,
               script: Path | None = None, path: str = "/explore") -> list[float]:
    times = []
    for _ in range(repeats):
        context = playwright_browser.new_context(viewport=VIEWPORT)
        server = AppServer(env, script=script)
        start = time.perf_counter()
        server.start()
        try:
            server.wait_ready(timeout=120)
            page, _, _ = open_map(context, server.url(path, **query))
            times.append(time.perf_counter() - start)
            page.close()
        finally:
            server.stop()
            context.close()
    return times


def page_loads(context, url: str, repeats: int = 3) -> list[float]:
    """New pages, one after another, in one browser context (its cache warm after the first)."""
    loads = []
    for _ in range(repeats):
        page, _, seconds = open_map(context, url)
        loads.append(seconds)
        page.close()
    return loads


def floor(browser, env: dict, cold: int) -> dict[str, list[float]]:
    """The same two timings for ``floor_app.py``: what Streamlit and Plotly alone cost here."""
    results = {"cold start": cold_start(browser, env, {}, cold, script=FLOOR_APP, path="/")}
    with AppServer(env, script=FLOOR_APP) as server:
        context = browser.new_context(viewport=VIEWPORT)
        results["page load (warm server)"] = page_loads(context, server.url("/"))
        context.close()
    return results


def summary(name: str, times: list[float], judged: bool = True) -> str:
    p50, p95 = np.percentile(times, 50), np.percentile(times, 95)
    target = TARGETS.get(name) if judged else None
    verdict = "" if target is None else ("  ok" if p50 <= target else "  SLOW") + \
        f" (target p50 ≤ {target:g} s)"
    return f"{name:<36} n={len(times):<3} p50 {p50:6.3f} s   p95 {p95:6.3f} s{verdict}"


_EPOCH_JS = """() => {
  const m = document.body.innerText.match(/Epoch (\\d+) of (\\d+)/);
  return m ? [Number(m[1]), Number(m[2])] : null;
}"""


def _epoch(page) -> tuple[int, int] | None:
    found = page.evaluate(_EPOCH_JS)
    return tuple(found) if found else None


def start_training(context, server: AppServer, dataset: str, epochs: int):
    """Session A: the Train page form, Start training, until its first epoch is done."""
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(server.url("/train", lang="en", dataset=dataset))
    start_training_from_form(page, epochs)
    # steady state: the data is loaded and at least one epoch of the loop has run
    page.wait_for_function(f"() => {{ const e = ({_EPOCH_JS})(); return e && e[0] >= 1; }}",
                           timeout=600_000)
    text = page.evaluate("() => document.body.innerText")
    caption = re.search(rf"[^\n]* · \d+-D · {re.escape(dataset)}", text)
    return page, caption.group(0) if caption else "?"


def stop_training(page) -> str:
    page.get_by_role("button", name="Stop").click()
    page.wait_for_function("() => /Saved as|Stopped/.test(document.body.innerText)",
                           timeout=300_000)
    return "stopped" if "Stopped" in page.evaluate("() => document.body.innerText") else "?"


def under_training(browser, env: dict, query: dict, repeats: int) -> int:
    """Session B's click → image idle, then while session A trains: both and their ratio."""
    dataset = query["dataset"]
    with AppServer(env) as server:
        context_b = browser.new_context(viewport=VIEWPORT)
        context_a = browser.new_context(viewport=VIEWPORT)
        page_b, driver, _ = open_map(context_b, server.url("/explore", **query, split="test"))
        _settle(page_b)
        measure_clicks(page_b, driver, 3, seed=5)            # warm-up, not counted
        idle = measure_clicks(page_b, driver, repeats, seed=11)
        load_idle = os.getloadavg()[0]
        page_a, caption = start_training(context_a, server, dataset, TRAINING_EPOCHS)
        first = _epoch(page_a)
        busy = measure_clicks(page_b, driver, repeats, seed=23)
        load_busy = os.getloadavg()[0]
        last = _epoch(page_a)
        running = "Training…" in page_a.evaluate("() => document.body.innerText")
        outcome = stop_training(page_a)
        context_a.close()
        context_b.close()
    print(f"session A trained {caption.strip()} through the Train page: epoch "
          f"{first[0]} → {last[0]} of {last[1]} during B's clicks, "
          f"{'still running' if running else 'NOT running'} at the end, then {outcome}")
    print(f"load average: {load_idle:.1f} before A started, {load_busy:.1f} while it trained")
    print(summary("click → image, idle", idle))
    print(summary("click → image, A trains", busy))
    for stat in (50, 95):
        ratio = np.percentile(busy, stat) / np.percentile(idle, stat)
        verdict = "ok" if ratio <= TRAINING_RATIO_TARGET else "SLOW"
        print(f"ratio p{stat}: {ratio:.2f}×  {verdict} (target ≤ {TRAINING_RATIO_TARGET:g}×)")
    if not running:
        print("warning: A's job was not running throughout: the second figure is not valid")
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=20, help="clicks / slider moves each")
    parser.add_argument("--cold", type=int, default=3, help="cold starts (a new server each)")
    parser.add_argument("--model", default=None, help="model key (default: the app's default)")
    parser.add_argument("--under-training", action="store_true",
                        help="only click → image in one session, idle and while another "
                             "session trains a model through the Train page")
    args = parser.parse_args(argv)
    if not chromium_available():
        print("needs Debian Chromium at /usr/bin/chromium (apt-get install -y chromium)")
        return 2

    from playwright.sync_api import sync_playwright

    from app_lib import catalog

    dataset = "mnist" if is_cached("mnist") else "digits"
    model = args.model or catalog.default_model(dataset)
    env = {"AE_MODEL_DIR": tempfile.mkdtemp(prefix="bench-store-"),
           "AE_CACHE_DIR": tempfile.mkdtemp(prefix="bench-codes-")}
    query = {"lang": "en", "dataset": dataset, "model": model}
    print(f"dataset {dataset}, model {model}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")
    if dataset != "mnist":
        print("MNIST is not in the data folder: 10k / 70k figures are digits' 360 / 1797")
    if args.under_training:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                return under_training(browser, env, query, args.repeats)
            finally:
                browser.close()
    results = {}
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        first = cold_start(browser, env, query, 1)  # encodes the codes and stores them
        results["cold start"] = cold_start(browser, env, query, args.cold)
        with AppServer(env) as server:
            context = browser.new_context(viewport=VIEWPORT)
            for split, label in (("test", "10k"), ("all", "70k")):
                page, driver, _ = open_map(context, server.url("/explore", **query,
                                                                    split=split))
                _settle(page)
                results[f"click → image ({label})"] = measure_clicks(page, driver, args.repeats)
                if split == "test":
                    results["slider → image"] = measure_slider(page, driver, args.repeats)
                page.close()
            results["page load (warm server)"] = page_loads(context,
                                                            server.url("/explore", **query))
            context.close()
        floors = floor(browser, env, args.cold)
        browser.close()
    print(summary("first start, codes not yet on disk", first, judged=False))
    for name, times in results.items():
        print(summary(name, times))
    print("floor: a bare Streamlit page with one 10k-point WebGL scatter and one image "
          "(benchmarks/floor_app.py), same browser, same run:")
    for name, times in floors.items():
        ratio = np.percentile(results[name], 50) / np.percentile(times, 50)
        print(f"{summary(name, times, judged=False)}   app / floor p50 {ratio:.2f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
