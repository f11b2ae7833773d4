"""Draw → code on the map: how long a stroke on the Explore page's drawing pad takes to
show as a ★ on the map, in real headless Chromium against ``streamlit run app.py``.

For each model, strokes are drawn with the mouse on the pad (a "1", a "7" and a "0", in
turn, cleared between digits); the page records, per finished stroke, the time from the
``pointerup`` event to the next animation frame after the star, the model input and the
reconstruction were drawn (``drawpad.js`` ``stats.drawMs``: preparing the drawing,
encoding, decoding, the k-NN reading and the map's redraw), and the compute alone
(``stats.computeMs``). Prints p50 / p95 of both (target: draw → map p50 ≤ 50 ms when
encoding in the page)::

    AE_DATA_DIR=../shared/datasets python benchmarks/bench_draw.py [--strokes 30]

Without MNIST it measures the digits models and says so.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ae_core.data import is_cached
from tests.browser.driver import VIEWPORT, AppServer, CanvasDriver, launch_chromium
from tests.browser.test_drawpad_browser import STROKES, draw

TARGET_MS = 50.0
MNIST_MODELS = ("mnist-ae-2d", "mnist-vae-2d", "mnist-conv-ae-2d", "mnist-conv-vae-2d",
                "mnist-denoising-32d")
DIGITS_MODELS = ("digits-ae-2d", "digits-vae-2d", "digits-denoising-16d")


def measure(page, server, dataset: str, model: str, strokes: int) -> dict:
    page.goto(server.url("/explore", lang="en", dataset=dataset, model=f"pretrained:{model}"))
    driver = CanvasDriver(page).wait_ready(timeout_ms=300_000)
    page.locator("label.lc-draw-toggle").click()
    page.locator("canvas.lc-pad").wait_for()
    done = 0
    while done < strokes:
        for digit in ("1", "7", "0"):
            page.locator("button.lc-draw-clear").click()
            draw(page, STROKES[digit])
            page.wait_for_function("(n) => window.__latentCanvas.root.dataset.drawn === String(n)",
                                   arg=len(STROKES[digit]))
            done += len(STROKES[digit])
    stats = driver.read("c.drawpad.stats")
    return {"draw": np.asarray(stats["drawMs"]), "compute": np.asarray(stats["computeMs"]),
            "in_page": driver.read("c.drawpad.inPage"), "n": len(stats["drawMs"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--strokes", type=int, default=30, help="strokes per model")
    args = parser.parse_args()
    mnist = is_cached("mnist")
    dataset, models = ("mnist", MNIST_MODELS) if mnist else ("digits", DIGITS_MODELS)
    if not mnist:
        print("MNIST is not in the data folder: measuring the digits models")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as store, AppServer({"AE_MODEL_DIR": store}) as server, \
            sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_context(viewport=VIEWPORT).new_page()
        print(f"{'model':<22} {'in page':>7} {'strokes':>7} {'draw→map p50':>13} {'p95':>7} "
              f"{'compute p50':>12} {'p95':>7}")
        for model in models:
            r = measure(page, server, dataset, model, args.strokes)
            p = lambda a, q: float(np.percentile(a, q)) if len(a) else float("nan")  # noqa: E731
            ok = "✔" if p(r["draw"], 50) <= TARGET_MS else "✗"
            print(f"{model:<22} {r['in_page']!s:>7} {r['n']:>7} {p(r['draw'], 50):>10.1f} ms "
                  f"{ok} {p(r['draw'], 95):>5.1f} {p(r['compute'], 50):>9.1f} ms "
                  f"{p(r['compute'], 95):>6.1f}")
        print(f"target: draw → code on the map p50 ≤ {TARGET_MS:.0f} ms when encoding in the page")
        browser.close()


if __name__ == "__main__":
    main()
