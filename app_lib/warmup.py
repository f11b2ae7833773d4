"""Prepare the default map while the server starts, so the first visitor need not wait.

``streamlit run app.py`` starts the server through ``app.py``'s ``st.App``, whose
lifespan calls :func:`start`. A background thread then imports torch and fills the
very caches the Explore page reads — dataset, model, codes, latent space and the
canvas's map and decoder — for the default dataset and model. A visitor who
arrives first simply waits on the cache's own per-key lock: nothing is computed
twice, and a failure here only means the page computes (and reports) it itself.
"""

from __future__ import annotations

import importlib
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from streamlit.logger import get_logger

_LOG = get_logger(__name__)  # Streamlit's handler and level: the line shows in the server log
THREAD_NAME = "latent-explorer-warmup"
SWITCH_INTERVAL = 0.001
"""Seconds a thread may hold the GIL before Python offers it to another (default 0.005).

While a rerun computes, the server's event loop thread must get the GIL to send each
message already queued (a slider's new image among them); at 5 ms a hand-over it
waited up to 5 ms per message. Measured on the 2-core machine, slider release →
image p50: 125 / 127 ms at 0.005 against 115 / 113 ms at 0.001."""


SHELL_MODULES = ("app_lib.background", "app_lib.canvas", "app_lib.nav", "app_lib.sidebar",
                 "app_lib.state", "app_lib.style", "app_lib.explorer", "app_lib.figures",
                 "app_lib.maps", "app_lib.pixel_ratio", "app_lib.rows", "ae_core.mapstore",
                 "ae_core.imaging", "ae_core.latent", "ae_core.tasks", "ae_core.drawing",
                 "app_lib.encode", "app_lib.present", "app_lib.classroom_ui",
                 "streamlit.emojis")
"""What the app shell and the Explore page import before their canvas is out: none of them
imports torch (``tests/test_first_paint.py``), so they are imported at once. Streamlit's
emoji table is among them: the page icon's check loads it (0.14 s) on the first page."""
MODULES = (*SHELL_MODULES, "app_lib.cache", "app_lib.widgets", "ae_core.metrics")
"""Everything the shell and the Explore page import (torch among them): imported here first,
they cost the first visitor nothing."""


FIRST = "pandas"
"""Imported before anything else, as the process starts. Plotly looks pandas up in
``sys.modules`` without importing it, so while another thread is still importing pandas
(scikit-learn pulls it in) a session drawing a chart finds it half-initialised, and plotly's
validators fail ("partially initialized module 'pandas' has no attribute 'Series'"): the
first visitor's page crashed so in one fresh-server test run of about 50. Complete before
any session draws, it cannot be half-there later."""


FIRST_MAP_WAIT_S = 5.0
"""When the default map is stored on disk, the warm-up holds torch's import back until the
first visitor's canvas has gone out, or this many seconds: see :func:`prepare_default`."""
_MAP_DRAWN = threading.Event()
FLUSH_S = 0.25
"""After the first canvas is out, the seconds this thread and the page leave the GIL to the
server's event loop, so the map's message reaches the browser before torch's import (which
holds the GIL for most of a second) begins."""
_STARTED = time.perf_counter()  # this module is imported as the server starts (app.py)


def import_modules(names: tuple[str, ...] = (FIRST, *MODULES)) -> None:
    for name in names:
        importlib.import_module(name)


def map_drawn() -> None:
    """Called by the Explore page once its canvas is out: torch may take the CPU now.

    While torch is not loaded yet, the page waits ``FLUSH_S`` here before going on to what
    needs torch, so the canvas's message is sent first."""
    if "torch" not in sys.modules:
        time.sleep(FLUSH_S)
    if not _MAP_DRAWN.is_set():
        _MAP_DRAWN.set()
        _LOG.info("first map out %.2f s after the server started (torch %s)",
                  time.perf_counter() - _STARTED, "loaded" if "torch" in sys.modules else
                  "not loaded")


def default_view() -> tuple[str, str]:
    """(dataset, model key) a first visitor sees: the app's own defaults."""
    from app_lib import catalog  # deferred: this module loads with the server, before the app

    dataset = catalog.default_dataset()
    return dataset, catalog.default_model(dataset)


def prepare(dataset: str, model_key: str, split: str = "test") -> float:
    """Fill the Explore page's caches for one map; returns the seconds it took.

    Same calls, same arguments as the page (``app_pages/explore.py``), so the
    page's first run finds every entry ready.
    """
    start = time.perf_counter()

    from ae_core.imaging import png_bytes  # deferred: imported in the warm-up's thread
    from app_lib import cache, catalog, maps  # deferred: as above (torch)

    cache.get_dataset(dataset)
    choice = catalog.find_choice(dataset, model_key)
    if choice is None:
        raise LookupError(f"no model {model_key!r} for {dataset}")
    model = cache.get_model(dataset, choice)
    space = cache.latent_space(dataset, choice, split)
    png_bytes(model.decode(space.codes[0])[0], target=280)  # first torch and PIL calls
    maps.opened(dataset, choice, split)  # stored on disk too: the next start draws it at once
    return time.perf_counter() - start


def _run(job: Callable[[], tuple[str, str, float]]) -> None:
    try:
        dataset, model_key, seconds = job()
        _LOG.info("warm-up: %s / %s ready in %.1f s", dataset, model_key, seconds)
    except Exception as error:
        _LOG.warning("warm-up skipped: %s", error)


def prepare_default() -> tuple[str, str, float]:
    """Import what the pages need and fill the default map's caches.

    When the default map is already stored (``app_lib.maps``), the first visitor's canvas
    needs no torch: importing it here at the same moment (a second and more of one core,
    mostly holding the GIL) would only delay that canvas, so the import waits until the
    canvas is out (:func:`map_drawn`) or ``FIRST_MAP_WAIT_S`` have passed.
    """
    t0 = time.perf_counter()
    import_modules((FIRST, *SHELL_MODULES))
    dataset, model_key = default_view()
    if _default_map_stored(dataset, model_key):
        _MAP_DRAWN.wait(FIRST_MAP_WAIT_S)
        time.sleep(FLUSH_S)
    import_modules()
    _LOG.info("warm-up: imports in %.1f s", time.perf_counter() - t0)
    return dataset, model_key, prepare(dataset, model_key)


def _default_map_stored(dataset: str, model_key: str, split: str = "test") -> bool:
    from app_lib import catalog, maps  # deferred: as above

    choice = catalog.find_choice(dataset, model_key)
    return choice is not None and maps.stored(dataset, choice, split) is not None


def start(job: Callable[[], tuple[str, str, float]] | None = None) -> threading.Thread:
    """Run ``job`` (default: :func:`prepare_default`) in a daemon thread, at normal
    priority since a visitor may be waiting for it."""
    thread = threading.Thread(target=_run, args=(job or prepare_default,),
                              name=THREAD_NAME, daemon=True)
    thread.start()
    return thread


@asynccontextmanager
async def lifespan(_app) -> AsyncIterator[None]:
    """``st.App`` lifespan: start the warm-up and let the server accept visitors at once."""
    sys.setswitchinterval(SWITCH_INTERVAL)
    start()
    yield
