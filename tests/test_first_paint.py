"""A fresh server draws a stored map before torch is imported; a stored map is the map.

The first visitor of a freshly started server waits for whatever the Explore page needs
before its canvas goes out. Torch's import alone is over a second on the 2-core
reference machine, so the shell and the page reach the canvas with NumPy only, from
the map stored on disk (``ae_core.mapstore``, ``app_lib.maps``). These tests run a
fresh interpreter, as a fresh server is, and look at ``sys.modules`` at the moment the
canvas is handed to Streamlit.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ae_core import mapstore
from ae_core.latent import LatentSpace
from ae_core.mapstore import MapRecord

REPO = Path(__file__).resolve().parents[1]
MODEL = "pretrained:digits-vae-2d"

_FRESH_EXPLORE = """
import json, sys
from streamlit.testing.v1 import AppTest
from app_lib import warmup
seen = []
warmup.map_drawn = lambda: seen.append(sorted(m for m in ("torch", "scipy", "sklearn")
                                              if m in sys.modules))
at = AppTest.from_file("streamlit_app.py", default_timeout=120)
for key, value in {"lang": "en", "dataset": "digits", "model": %r}.items():
    at.query_params[key] = value
at.switch_page("app_pages/explore.py")
at.run()
print(json.dumps({"seen": seen, "errors": [str(e.value) for e in at.exception],
                  "components": sum(c.proto.component_name == "latent_canvas"
                                    for c in at.get("bidi_component"))}))
"""


def _fresh_explore(env: dict[str, str]) -> dict:
    """The Explore page's first run in a new interpreter: what was imported when the canvas
    went out, exceptions, and how many latent canvases the page holds."""
    out = subprocess.run([sys.executable, "-c", _FRESH_EXPLORE % MODEL], cwd=REPO,
                         env=env, capture_output=True, text=True, timeout=300, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture
def fresh_env(tmp_path, monkeypatch):
    import os

    env = {**os.environ, "AE_CACHE_DIR": str(tmp_path / "cache"),
           "AE_MODEL_DIR": str(tmp_path / "models")}
    return env


def test_the_shell_and_the_explore_page_import_without_torch():
    """What the warm-up imports before the first canvas (``SHELL_MODULES``), the shell and
    the Explore page's own imports, in a fresh interpreter: no torch, SciPy or scikit-learn."""
    code = ("import sys, importlib, ast\n"
            "from app_lib import warmup\n"
            "warmup.import_modules(warmup.SHELL_MODULES)\n"
            "for path in ('streamlit_app.py', 'app_pages/explore.py'):\n"
            "    tree = ast.parse(open(path, encoding='utf-8').read())\n"
            "    for node in tree.body:\n"
            "        if isinstance(node, ast.ImportFrom) and node.module:\n"
            "            importlib.import_module(node.module)\n"
            "print(sorted(m for m in ('torch', 'scipy', 'sklearn') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                         text=True, timeout=120, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_a_stored_map_is_drawn_before_torch_is_imported(fresh_env):
    first = _fresh_explore(fresh_env)  # nothing stored: the page computes and stores the map
    assert first["errors"] == [] and first["components"] == 1
    assert first["seen"] and "torch" in first["seen"][0]
    second = _fresh_explore(fresh_env)  # a restarted server: the map comes from disk
    assert second["errors"] == [] and second["components"] == 1
    assert second["seen"] == [[]], "the canvas waited for torch, SciPy or scikit-learn"


def _record(n: int = 50, d: int = 3) -> MapRecord:
    rng = np.random.default_rng(0)
    space = LatentSpace.build(rng.normal(size=(n, d)).astype(np.float32),
                              rng.integers(0, 4, n), prior=True)
    arrays = {"xy": space.xy.astype(np.float32), "labels": space.labels.astype(np.uint8)}
    decoder = ({"ops": [{"op": "linear", "w": "w0"}]}, {"w0": np.ones((4, d), np.float32)})
    facts = {"class_names": list("abcd"), "class_names_ko": [], "image_shape": [1, 2, 2],
             "n_train": 0}
    return MapRecord(space, {"n": n, "map_id": "x"}, arrays, decoder, facts)


def test_a_record_round_trips_through_its_file(tmp_path):
    record = _record()
    mapstore.save("k", record, root=tmp_path)
    back = mapstore.load("k", root=tmp_path)
    for name in ("codes", "labels", "xy", "ranges"):
        np.testing.assert_array_equal(getattr(back.space, name), getattr(record.space, name))
    np.testing.assert_array_equal(back.space.projection.components,
                                  record.space.projection.components)
    assert back.space.projection.explained == record.space.projection.explained
    assert back.space.window == record.space.window and back.space.prior
    assert back.map_header == record.map_header and back.facts == record.facts
    assert back.decoder[0] == record.decoder[0]
    np.testing.assert_array_equal(back.decoder[1]["w0"], record.decoder[1]["w0"])
    # the restored space answers as the original: its neighbour index is built on demand
    z = record.space.codes[7] + 0.01
    assert back.space.index.reading(z) == record.space.index.reading(z)


def test_a_damaged_record_is_dropped_not_served(tmp_path):
    (tmp_path / "k.npz").write_bytes(b"PK\x03\x04 not really a zip")
    assert mapstore.load("k", root=tmp_path) is None
    assert not (tmp_path / "k.npz").exists()


def test_the_key_changes_with_the_model_file_the_data_and_the_split(tmp_path):
    model = tmp_path / "m.safetensors"
    model.write_bytes(b"one")
    key = mapstore.record_key(mapstore.file_stamp(model), ["digits", []], "test")
    assert key == mapstore.record_key(mapstore.file_stamp(model), ["digits", []], "test")
    assert key != mapstore.record_key(mapstore.file_stamp(model), ["digits", []], "all")
    assert key != mapstore.record_key(mapstore.file_stamp(model), ["mnist", []], "test")
    model.write_bytes(b"three")  # re-saved under the same name
    assert key != mapstore.record_key(mapstore.file_stamp(model), ["digits", []], "test")


def test_the_key_names_the_libraries_and_the_code_that_computed_the_map():
    versions = mapstore.library_versions()
    assert {"torch", "numpy"} <= set(versions)
    assert len(mapstore.code_digest()) == 32
    assert json.dumps(versions)  # JSON-able, as the key needs
