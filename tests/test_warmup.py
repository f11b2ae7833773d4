"""The server's warm-up (``app_lib.warmup``) and its entry point (``app.py``)."""

from __future__ import annotations

import ast
import asyncio
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from app_lib import cache, catalog, maps, warmup
from app_lib.i18n import current_language, language, t

REPO = Path(__file__).resolve().parents[1]


def test_streamlit_run_app_py_finds_the_server_with_the_warm_up():
    from streamlit.web.server.app_discovery import discover_asgi_app

    found = discover_asgi_app(REPO / "app.py")
    assert found.is_asgi_app and found.app_name == "app"
    assert "warmup.lifespan" in (REPO / "app.py").read_text()
    assert (REPO / "streamlit_app.py").is_file()


def test_language_is_fixed_per_thread_for_work_outside_a_session():
    seen = {}

    def other_thread():
        seen["other"] = current_language()

    with language("en"):
        assert t("app.title") == "Latent Explorer"
        worker = threading.Thread(target=other_thread)
        worker.start()
        worker.join()
        with language("ko"):
            assert t("app.title") == "잠재 공간 탐험기"
        assert current_language() == "en"
    assert seen["other"] == "ko" and current_language() == "ko"  # the app's default


def test_prepare_fills_the_caches_the_explore_page_reads(monkeypatch):
    """After the warm-up the page's calls are cache hits: loading anything again would fail."""
    model_key = catalog.default_model("digits")
    seconds = warmup.prepare("digits", model_key)
    assert seconds > 0

    def refuse(*args, **kwargs):
        raise AssertionError("computed again instead of read from the cache")

    monkeypatch.setattr(cache, "load_model", refuse)
    monkeypatch.setattr(cache, "load_dataset", refuse)
    monkeypatch.setattr(cache, "browser_map", refuse)
    monkeypatch.setattr(cache, "decoder_program", refuse)
    monkeypatch.setattr(cache.SharedModel, "encode", refuse)
    monkeypatch.setattr(maps.mapstore, "load", refuse)  # the map is in memory, not only on disk
    choice = catalog.find_choice("digits", model_key)
    cache.get_dataset("digits")
    cache.get_model("digits", choice)
    cache.latent_space("digits", choice, "test")
    record = maps.opened("digits", choice, "test")
    assert record.map_header["n"] == len(record.map_arrays["xy"]) == 360
    assert record.decoder is not None and record.facts["image_shape"] == [1, 8, 8]


def test_the_next_server_reads_the_codes_from_disk_instead_of_encoding(monkeypatch):
    """Codes outlive the process: with every in-memory cache cleared (a new server), the
    map's codes come from ``AE_CACHE_DIR`` and only the spot check encodes."""
    import numpy as np
    import streamlit as st

    from ae_core import codecache

    st.cache_data.clear()  # earlier tests filled them, with codes from other folders
    st.cache_resource.clear()
    model_key = catalog.default_model("digits")
    choice = catalog.find_choice("digits", model_key)
    assert choice.path is not None
    warmup.prepare("digits", model_key)
    files = list(codecache.cache_dir().glob("*.npz"))
    assert len(files) == 1
    first = cache.latent_space("digits", choice, "test").codes.copy()

    st.cache_data.clear()
    st.cache_resource.clear()
    asked = []
    real_encode = cache.SharedModel.encode
    monkeypatch.setattr(cache.SharedModel, "encode",
                        lambda self, x: asked.append(len(x)) or real_encode(self, x))
    again = cache.latent_space("digits", choice, "test").codes
    assert asked == [codecache.SPOT_CHECK]
    np.testing.assert_array_equal(again, first)


def test_a_failing_warm_up_is_logged_and_leaves_the_server_alone(monkeypatch):
    warnings = []

    class Log:
        def info(self, *args):
            raise AssertionError("a failed warm-up must not report success")

        def warning(self, message, *args):
            warnings.append(message % args)

    def broken():
        raise FileNotFoundError("no such model")

    monkeypatch.setattr(warmup, "_LOG", Log())
    thread = warmup.start(broken)
    thread.join(10)
    assert not thread.is_alive() and thread.daemon and thread.name == warmup.THREAD_NAME
    assert warnings == ["warm-up skipped: no such model"]


def test_the_lifespan_starts_the_warm_up_without_waiting_for_it(monkeypatch):
    started, finish = threading.Event(), threading.Event()

    def slow():
        started.set()
        finish.wait(10)
        return "digits", "pca:2", 0.0

    monkeypatch.setattr(warmup, "prepare_default", slow)
    switched: list[float] = []
    monkeypatch.setattr(warmup.sys, "setswitchinterval", switched.append)

    async def serve():
        async with warmup.lifespan(None):
            return started.wait(5)

    entered = []  # a thread of its own: the browser tests' event loop may own this one
    server = threading.Thread(target=lambda: entered.append(asyncio.run(serve())))
    server.start()
    server.join(10)
    finish.set()
    assert entered == [True]  # inside the lifespan while the warm-up still runs
    assert switched == [warmup.SWITCH_INTERVAL]  # the server hands the GIL round sooner


def test_the_warm_up_refuses_an_unknown_model():
    with pytest.raises(LookupError):
        warmup.prepare("digits", "pretrained:no-such-model")


def test_the_warm_up_imports_everything_the_shell_and_the_explore_page_import():
    """``MODULES`` is kept by hand: whatever the first page imports from this repo must
    already be loaded by the warm-up, or the first visitor pays for it."""
    wanted = set()
    for path in ("streamlit_app.py", "app_pages/explore.py"):
        for node in ast.walk(ast.parse((REPO / path).read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and \
                    node.module.split(".")[0] in ("app_lib", "ae_core"):
                for alias in node.names:  # `from app_lib import cache` names a module
                    candidate = f"{node.module}.{alias.name}"
                    path = REPO / candidate.replace(".", "/")
                    is_module = path.with_suffix(".py").exists() or path.is_dir()
                    wanted.add(candidate if is_module else node.module)
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys; from app_lib import warmup; "
         "warmup.import_modules(); print(' '.join(sys.modules))"],
        cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    assert wanted and wanted <= set(loaded), sorted(wanted - set(loaded))


def test_the_warm_up_imports_pandas_before_anything_else(monkeypatch):
    """Plotly reads pandas from ``sys.modules``: it must be whole before sessions draw."""
    imported = []
    monkeypatch.setattr(warmup.importlib, "import_module", imported.append)
    warmup.import_modules()
    assert imported[0] == "pandas" == warmup.FIRST
    assert imported[1:] == list(warmup.MODULES)


@pytest.mark.mnist
def test_the_first_map_leaves_the_training_images_unparsed(tmp_path):
    """The Explore map shows the test split: the warm-up must not pay for 60k training images
    (0.4 s and 188 MB for MNIST), which load on first use instead."""
    code = ("from ae_core.data import is_cached; from app_lib import cache, catalog, warmup\n"
            "if not is_cached('mnist'): print('absent'); raise SystemExit\n"
            "warmup.prepare('mnist', catalog.default_model('mnist'))\n"
            "data = cache.get_dataset('mnist')\n"
            "print(data.train_loaded, data.n_train)\n"
            "cache.image_at(data, 'test', 5)\n"
            "print(data.train_loaded)\n"
            "cache.image_at(data, 'all', 5)\n"
            "print(data.train_loaded)")
    env = {**os.environ, "AE_CACHE_DIR": str(tmp_path), "AE_MODEL_DIR": str(tmp_path / "m")}
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         check=True, env=env).stdout.split()
    if out == ["absent"]:
        pytest.skip("MNIST files not found (set AE_DATA_DIR to run this test)")
    assert out == ["False", "60000", "False", "True"]
