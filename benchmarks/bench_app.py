"""How live does the app feel? Real headless Chromium, software rendering, ``streamlit run``.

Prints, for the Explore page's latent canvas:

* generation while the hand moves: images decoded per second during a 2 s slider drag and
  a 2 s pointer sweep over the map, and the messages the page sent the server meanwhile
  (target ≥ 30 images/s, 0 messages)
* in-page decode time per image, p50 / p95, for the default MLP model and a convolutional
  one (targets p95 ≤ 4 ms MLP, ≤ 16 ms conv)
* pan redraw at 70k points (train + test): frames per second during a 2 s drag-pan, and
  the time to redraw the points (target ≥ 30 fps)
* payload: the map's message on the wire (codes + labels, and with the decoder) at 10k and
  70k points (target: codes + labels ≤ 1 MB at 70k)
* cold start — ``streamlit run`` launched → the canvas is interactive — and a new browser
  session on a running server, beside the same two timings of ``floor_app.py``, a bare
  one-line Streamlit page (targets ≤ 4 s and ≤ 1.5× the floor)
* click → image: pointerup on a point → its original (fetched from the server's row route)
  and its reconstruction (decoded in the page) are on screen, with 1, 4 and 8 sessions
  dragging and clicking at once, and the server's CPU time during drags only (target:
  8 sessions ≤ 2× one; drag CPU ≈ 0)

Needs MNIST in the data folder for the 10k / 70k figures (else it measures digits and
says so)::

    AE_DATA_DIR=../shared/datasets python benchmarks/bench_app.py

``--under-training`` measures instead what one user's training costs another user's
click → image (target ≤ 2×)::

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
from ae_core.pretrained import find_pretrained
from tests.browser.driver import (
    VIEWPORT,
    AppServer,
    CanvasDriver,
    chromium_available,
    launch_chromium,
    start_training_from_form,
)

TARGETS = {"cold start": 4.0, "click → image": 0.3}
TRAINING_RATIO_TARGET = 2.0   # click → image while another session trains, over idle
TRAINING_EPOCHS = 200         # far more than the measurement lasts: A's job is stopped
FLOOR_APP = Path(__file__).with_name("floor_app.py")
DRAG_SECONDS = 2.0
MLP_MODEL = "pretrained:{dataset}-ae-2d"
CONV_MODEL = "pretrained:{dataset}-conv-vae-2d"

_CLICK_JS = """async ([row, timeout]) => {
  // pointerdown/up on the canvas at the row's dot, then wait until the clicked panel shows
  // that image's original (fetched from the server) and its reconstruction: as a user feels it
  const c = window.__latentCanvas;
  const r = c.canvas.getBoundingClientRect();
  const [sx, sy] = c.toScreen(c.xy[2 * row], c.xy[2 * row + 1]);
  const at = {clientX: r.left + sx, clientY: r.top + sy, button: 0, pointerId: 1,
              bubbles: true, isPrimary: true};
  c.clicked.dataset.shown = "";
  c.canvas.dispatchEvent(new PointerEvent('pointerdown', at));
  c.canvas.dispatchEvent(new PointerEvent('pointerup', at));
  const t0 = performance.now();
  while (performance.now() - t0 < timeout) {
    await new Promise(requestAnimationFrame);
    if (c.clicked.dataset.shown === String(row)) return (performance.now() - t0) / 1000;
  }
  return null;
}"""

_SLIDER_DRAG_JS = """async (seconds) => {
  // a hand holding slider z1 and moving it back and forth at the display rate
  const c = window.__latentCanvas, input = c.sliderInputs[0];
  const lo = Number(input.min), hi = Number(input.max);
  const d0 = c.stats.decodes, t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    await new Promise(requestAnimationFrame);
    const phase = ((performance.now() - t0) / 1000) % 2;
    input.value = lo + (hi - lo) * (0.2 + 0.3 * (phase < 1 ? phase : 2 - phase));
    input.dispatchEvent(new Event('input'));
  }
  await new Promise(requestAnimationFrame);
  return [(c.stats.decodes - d0) / ((performance.now() - t0) / 1000), c.stats.decodes - d0];
}"""

_STATS_JS = """() => { const c = window.__latentCanvas;
  const q = (a, p) => { const s = [...a].sort((x, y) => x - y);
    return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : null; };
  return {decode50: q(c.stats.decodeMs, .5), decode95: q(c.stats.decodeMs, .95),
          render50: q(c.stats.renderMs, .5), render95: q(c.stats.renderMs, .95),
          decodes: c.stats.decodes, frames: c.stats.frames, payload: c.stats.payloadBytes,
          n: c.n}; }"""


def open_canvas(context, url: str) -> tuple:
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url)
    driver = CanvasDriver(page).wait_ready(timeout_ms=180_000)
    return page, driver, time.perf_counter() - start


def sent_counter(page) -> list[float]:
    sent: list[float] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda _: sent.append(time.monotonic())))
    return sent


def _settle(page) -> None:
    page.wait_for_timeout(150)
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')",
                           timeout=60_000)
    page.wait_for_timeout(150)


# ------------------------------------------------------------------ generation


def slider_drag(page, driver: CanvasDriver, sent: list[float]) -> dict:
    """A real mouse holding slider z1 for 2 s: images per second and messages sent."""
    x, y, box = driver.slider_thumb(0)
    page.mouse.move(x, y)
    page.mouse.down()
    before, d0, t0 = len(sent), driver.read("c.stats.decodes"), time.perf_counter()
    k = 0
    while time.perf_counter() - t0 < DRAG_SECONDS:
        k += 1
        offset = (k % 40 - 20) * box["width"] / 80
        page.mouse.move(min(max(x + offset, box["x"] + 9), box["x"] + box["width"] - 9), y)
    elapsed = time.perf_counter() - t0
    images, messages = driver.read("c.stats.decodes") - d0, len(sent) - before
    page.mouse.up()
    return {"images/s": images / elapsed, "moves/s": k / elapsed, "messages": messages}


def pointer_sweep(page, driver: CanvasDriver, sent: list[float]) -> dict:
    """The mouse moving across the map for 2 s, no button held: hover previews."""
    p = driver.read("[c.plot.x, c.plot.y, c.plot.w, c.plot.h]")
    box = page.locator("canvas.lc-canvas").bounding_box()
    before, d0, t0 = len(sent), driver.read("c.stats.decodes"), time.perf_counter()
    k = 0
    while time.perf_counter() - t0 < DRAG_SECONDS:
        k += 1
        u = (k % 60) / 60
        page.mouse.move(box["x"] + p[0] + 20 + u * (p[2] - 40),
                        box["y"] + p[1] + p[3] * (0.3 + 0.4 * ((k // 60) % 2)))
    elapsed = time.perf_counter() - t0
    images, messages = driver.read("c.stats.decodes") - d0, len(sent) - before
    page.mouse.move(2, 2)
    return {"images/s": images / elapsed, "moves/s": k / elapsed, "messages": messages}


def pan(page, driver: CanvasDriver) -> dict:
    """A 2 s drag-pan over the map: frames composited per second, point redraw times."""
    p = driver.read("[c.plot.x, c.plot.y, c.plot.w, c.plot.h]")
    box = page.locator("canvas.lc-canvas").bounding_box()
    x0, y0 = box["x"] + p[0] + p[2] * 0.5, box["y"] + p[1] + p[3] * 0.5
    driver.read("(c.stats.renderMs.length = 0, 0)")
    page.mouse.move(x0, y0)
    page.mouse.down()
    f0, t0 = driver.read("c.stats.frames"), time.perf_counter()
    k = 0
    while time.perf_counter() - t0 < DRAG_SECONDS:
        k += 1
        page.mouse.move(x0 + 60 * np.sin(k / 8), y0 + 40 * np.cos(k / 11))
    elapsed = time.perf_counter() - t0
    frames = driver.read("c.stats.frames") - f0
    page.mouse.up()
    stats = page.evaluate(_STATS_JS)
    return {"fps": frames / elapsed, "render50": stats["render50"],
            "render95": stats["render95"], "n": stats["n"]}


def decode_times(context, url: str) -> dict:
    page, driver, _ = open_canvas(context, url)
    driver.read("(c.stats.decodeMs.length = 0, 0)")
    rate, count = page.evaluate(_SLIDER_DRAG_JS, DRAG_SECONDS)
    stats = page.evaluate(_STATS_JS)
    page.close()
    return {"p50": stats["decode50"], "p95": stats["decode95"], "images/s": rate, "n": count}


# ------------------------------------------------------------------ payload


def payloads(dataset: str, model: str) -> dict[str, tuple[int, int]]:
    """(codes + labels, whole message) bytes of the map's message, per split."""
    from ae_core.binpack import pack
    from app_lib import cache, catalog

    out = {}
    choice = catalog.find_choice(dataset, model)
    for split in ("test", "all"):
        header, arrays, decoder = cache.canvas_parts(dataset, choice, split)
        codes_only = pack({"map": header}, {k: arrays[k] for k in ("xy", "labels")})
        whole = pack({"map": header, "decoder": decoder[0] if decoder else None},
                     {**arrays, **(decoder[1] if decoder else {})})
        out[f"{header['n']:,} points"] = (len(codes_only), len(whole))
    return out


# ------------------------------------------------------------------ starts


def cold_start(browser, env: dict, query: dict, repeats: int, script: Path | None = None,
               path: str = "/explore", ready=None) -> list[float]:
    times = []
    for _ in range(repeats):
        context = browser.new_context(viewport=VIEWPORT)
        server = AppServer(env, script=script)
        start = time.perf_counter()
        server.start()
        try:
            server.wait_ready(timeout=120)
            page = context.new_page()
            page.goto(server.url(path, **query))
            (ready or (lambda pg: CanvasDriver(pg).wait_ready(180_000)))(page)
            times.append(time.perf_counter() - start)
            page.close()
        finally:
            server.stop()
            context.close()
    return times


def floor_ready(page) -> None:
    page.locator("h1", has_text="Floor").wait_for(timeout=120_000)


def page_loads(context, url: str, ready, repeats: int = 3) -> list[float]:
    loads = []
    for _ in range(repeats):
        page = context.new_page()
        start = time.perf_counter()
        page.goto(url)
        ready(page)
        loads.append(time.perf_counter() - start)
        page.close()
    return loads


# ------------------------------------------------------------------ a class


def _server_cpu(server: AppServer) -> float:
    """Seconds of CPU the server process has used (user + system)."""
    fields = Path(f"/proc/{server.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def classroom(browser, server: AppServer, url: str, sessions: int, clicks: int) -> dict:
    """``sessions`` browsers on one server: all drag a slider at once (server CPU measured),
    then all click points at once, each waiting for its original image."""
    contexts = [browser.new_context(viewport=VIEWPORT) for _ in range(sessions)]
    pages = [open_canvas(c, url)[0] for c in contexts]
    for page in pages:
        _settle(page)
    cpu0, t0 = _server_cpu(server), time.perf_counter()
    for page in pages:  # started without waiting, so every page drags at once
        page.evaluate(f"() => {{ window.__drag = ({_SLIDER_DRAG_JS})({DRAG_SECONDS}); }}")
    rates = [page.evaluate("() => window.__drag")[0] for page in pages]
    drag_cpu, drag_s = _server_cpu(server) - cpu0, time.perf_counter() - t0
    times: list[float] = []
    for k in range(clicks):
        rows = [CanvasDriver(p).visible_rows(1, seed=101 + 7 * k + i)[0]
                for i, p in enumerate(pages)]
        for page, row in zip(pages, rows, strict=True):
            page.evaluate(f"() => {{ window.__click = ({_CLICK_JS})([{row}, 30000]); }}")
        times += [t for t in (page.evaluate("() => window.__click") for page in pages)
                  if t is not None]
        for page in pages:
            _settle(page)
    for context in contexts:
        context.close()
    return {"clicks": times, "drag images/s": float(np.mean(rates)),
            "drag server cpu s": drag_cpu, "drag seconds": drag_s}


# ------------------------------------------------------------------ under training


_EPOCH_JS = """() => {
  const m = document.body.innerText.match(/Epoch (\\d+) of (\\d+)/);
  return m ? [Number(m[1]), Number(m[2])] : null;
}"""


def start_training(context, server: AppServer, dataset: str, epochs: int):
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(server.url("/train", lang="en", dataset=dataset))
    start_training_from_form(page, epochs)
    page.wait_for_function(f"() => {{ const e = ({_EPOCH_JS})(); return e && e[0] >= 1; }}",
                           timeout=600_000)
    text = page.evaluate("() => document.body.innerText")
    caption = re.search(r"[^\n]* · \d+-D · [^\n]*", text)  # variant · size · dataset
    return page, caption.group(0) if caption else "?"


def measure_clicks(page, driver: CanvasDriver, repeats: int, seed: int) -> list[float]:
    times = []
    for row in driver.visible_rows(repeats, seed=seed):
        found = page.evaluate(_CLICK_JS, [row, 30000])
        if found is not None:
            times.append(found)
        _settle(page)
    return times


def under_training(browser, env: dict, query: dict, repeats: int) -> int:
    dataset = query["dataset"]
    with AppServer(env) as server:
        context_b = browser.new_context(viewport=VIEWPORT)
        context_a = browser.new_context(viewport=VIEWPORT)
        page_b, driver, _ = open_canvas(context_b, server.url("/explore", **query))
        _settle(page_b)
        measure_clicks(page_b, driver, 3, seed=5)
        idle = measure_clicks(page_b, driver, repeats, seed=11)
        page_a, caption = start_training(context_a, server, dataset, TRAINING_EPOCHS)
        busy = measure_clicks(page_b, driver, repeats, seed=23)
        running = "Training…" in page_a.evaluate("() => document.body.innerText")
        page_a.get_by_role("button", name="Stop").click()
        context_a.close()
        context_b.close()
    print(f"session A trained {caption.strip()}; "
          f"{'still running' if running else 'NOT running'} at the end")
    print(summary("click → image, idle", idle))
    print(summary("click → image, A trains", busy))
    for stat in (50, 95):
        ratio = np.percentile(busy, stat) / np.percentile(idle, stat)
        verdict = "ok" if ratio <= TRAINING_RATIO_TARGET else "SLOW"
        print(f"ratio p{stat}: {ratio:.2f}×  {verdict} (target ≤ {TRAINING_RATIO_TARGET:g}×)")
    return 0 if running else 1


# ------------------------------------------------------------------ report


def summary(name: str, times: list[float], judged: bool = True) -> str:
    p50, p95 = np.percentile(times, 50), np.percentile(times, 95)
    target = TARGETS.get(name) if judged else None
    verdict = "" if target is None else ("  ok" if p50 <= target else "  SLOW") + \
        f" (target p50 ≤ {target:g} s)"
    return f"{name:<36} n={len(times):<3} p50 {p50:6.3f} s   p95 {p95:6.3f} s{verdict}"


def _mark(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cold", type=int, default=3, help="cold starts (a new server each)")
    parser.add_argument("--clicks", type=int, default=8, help="clicks per session and class size")
    parser.add_argument("--classes", default="1,4,8", help="concurrent sessions to measure")
    parser.add_argument("--model", default=None, help="model key (default: the app's default)")
    parser.add_argument("--under-training", action="store_true",
                        help="only click → image, idle and while another session trains")
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
    os.environ.update(env)
    query = {"lang": "en", "dataset": dataset, "model": model}
    print(f"dataset {dataset}, model {model}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}, headless Chromium, software rendering")
    if dataset != "mnist":
        print("MNIST is not in the data folder: 10k / 70k figures are digits' 360 / 1797")
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            if args.under_training:
                return under_training(browser, env, query, args.clicks)
            run(browser, env, query, dataset, args)
        finally:
            browser.close()
    return 0


def run(browser, env: dict, query: dict, dataset: str, args) -> None:
    with AppServer(env) as server:
        context = browser.new_context(viewport=VIEWPORT)
        page, driver, _ = open_canvas(context, server.url("/explore", **query))
        _settle(page)
        sent = sent_counter(page)
        page.reload()
        driver.wait_ready(180_000)
        _settle(page)
        drag = slider_drag(page, driver, sent)
        sweep = pointer_sweep(page, driver, sent)
        page.close()
        decodes = {kind: decode_times(context, server.url("/explore", **{**query, "model": key}))
                   for kind, key in (("MLP", MLP_MODEL.format(dataset=dataset)),
                                     ("conv", CONV_MODEL.format(dataset=dataset)))
                   if find_pretrained(key.split(":", 1)[1])}
        page, driver, _ = open_canvas(context, server.url("/explore", **query, split="all"))
        _settle(page)
        panning = pan(page, driver)
        page.close()
        loads = page_loads(context, server.url("/explore", **query),
                           lambda pg: CanvasDriver(pg).wait_ready(180_000))
        context.close()
        classes = {n: classroom(browser, server, server.url("/explore", **query), n,
                                args.clicks)
                   for n in (int(v) for v in args.classes.split(","))}
    sizes = payloads(dataset, query["model"])
    colds = cold_start(browser, env, query, args.cold)
    floor_colds = cold_start(browser, env, {}, args.cold, script=FLOOR_APP, path="/",
                             ready=floor_ready)
    with AppServer(env, script=FLOOR_APP) as server:
        context = browser.new_context(viewport=VIEWPORT)
        floor_loads = page_loads(context, server.url("/"), floor_ready)
        context.close()

    print("\ngeneration while the hand moves (target ≥ 30 images/s, 0 messages to the server)")
    for name, m in (("slider drag, real mouse", drag), ("pointer sweep over the map", sweep)):
        ok = m["images/s"] >= 30 and not m["messages"]
        print(f"  {name:<30} {m['images/s']:6.1f} images/s  ({m['moves/s']:.0f} mouse moves/s)"
              f"  messages sent {m['messages']}  {_mark(ok)}")
    print("in-page decode per image (targets p95 ≤ 4 ms MLP, ≤ 16 ms conv)")
    for kind, m in decodes.items():
        name = f"{kind} {(MLP_MODEL if kind == 'MLP' else CONV_MODEL).format(dataset=dataset)}"
        target = 4 if kind == "MLP" else 16
        print(f"  {name:<40} p50 {m['p50']:.2f} ms  p95 {m['p95']:.2f} ms  over {m['n']} images"
              f" ({m['images/s']:.0f}/s)  {_mark(m['p95'] <= target)}")
    print(f"pan at {panning['n']:,} points: {panning['fps']:.1f} frames/s, points redrawn in "
          f"p50 {panning['render50']:.1f} ms / p95 {panning['render95']:.1f} ms  "
          f"{_mark(panning['fps'] >= 30)} (target ≥ 30 fps)")
    for name, (codes, whole) in sizes.items():
        print(f"payload {name:<16} codes + labels {codes / 1e6:.2f} MB, with the decoder "
              f"{whole / 1e6:.2f} MB (sent once per map)")
    print(summary("cold start", colds))
    print(summary("floor: cold start (one-line page)", floor_colds, judged=False))
    cold_ratio = np.median(colds) / np.median(floor_colds)
    print(f"cold start / floor p50 {cold_ratio:.2f}×  {_mark(cold_ratio <= 1.5)} (target ≤ 1.5×)")
    print(summary("page load (warm server)", loads, judged=False))
    print(summary("floor: page load", floor_loads, judged=False))
    print("a class on one server (every session drags for 2 s, then clicks):")
    base = np.median(classes[min(classes)]["clicks"])
    for n, m in classes.items():
        print(f"  {n} session(s): drag {m['drag images/s']:.0f} images/s per page, server CPU "
              f"during the drags {m['drag server cpu s']:.2f} s in {m['drag seconds']:.1f} s; "
              + summary("click → image", m["clicks"], judged=n == min(classes)).strip()
              + f"  ({np.median(m['clicks']) / base:.2f}× one session)")


if __name__ == "__main__":
    raise SystemExit(main())
