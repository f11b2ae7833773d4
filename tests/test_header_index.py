"""Model listings remember checked headers (``ae_core.store.HeaderIndex``) without ever
listing a file that was not checked: a fresh server lists models without torch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ae_core import build_model, make_config
from ae_core.io import model_to_bytes
from ae_core.store import DamagedModel, HeaderIndex, ModelStore, StoredModel

REPO = Path(__file__).resolve().parents[1]


def _model_bytes(variant: str = "vanilla", **metadata) -> bytes:
    model = build_model(make_config(variant, input_shape=(1, 8, 8), hidden=(16,), latent_dim=2))
    return model_to_bytes(model, {"dataset": "digits", **metadata})


def test_a_second_listing_in_a_new_process_needs_no_torch(tmp_path):
    store = ModelStore(tmp_path / "models")
    store.import_bytes(_model_bytes("vae"), "mine")
    env = {**os.environ, "AE_CACHE_DIR": os.environ["AE_CACHE_DIR"]}
    code = ("import sys; from ae_core.store import ModelStore\n"
            f"models = ModelStore({str(tmp_path / 'models')!r}).list()\n"
            "print([m.name for m in models], [m.capabilities for m in models],"
            " 'torch' in sys.modules)")
    run = lambda: subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env,  # noqa: E731
                                 capture_output=True, text=True, check=True).stdout.strip()
    assert run() == "['mine'] [('probabilistic',)] False"  # checked by import_bytes above


def test_capabilities_come_from_the_variant(tmp_path):
    store = ModelStore(tmp_path)
    store.import_bytes(_model_bytes("vae"), "v")
    store.import_bytes(_model_bytes("vanilla"), "a")
    found = {m.name: m.capabilities for m in store.list()}
    assert "probabilistic" in found["v"] and "probabilistic" not in found["a"]


def test_a_file_replaced_under_the_same_name_is_checked_again(tmp_path):
    store = ModelStore(tmp_path)
    store.import_bytes(_model_bytes(), "m")
    assert isinstance(store.scan()[0], StoredModel)
    path = tmp_path / "m.safetensors"
    data = bytearray(path.read_bytes())
    data[9:13] = b"!!!!"  # the header's JSON is no longer JSON
    path.write_bytes(bytes(data))
    (listed,) = store.scan()
    assert isinstance(listed, DamagedModel)


def test_an_entry_from_other_checking_code_is_not_trusted(tmp_path):
    store = ModelStore(tmp_path)
    store.import_bytes(_model_bytes(), "m")
    index = HeaderIndex.open()
    (key,) = index.entries
    entry = index.entries[key]
    entry["stamp"][-1] = "another version of the checks"
    entry["info"]["config"]["latent_dim"] = 99  # what an old check might have recorded
    index.path.write_text(json.dumps({"format": HeaderIndex.FORMAT, "entries": index.entries}))
    assert store.list()[0].latent_dim == 2


def test_an_unreadable_index_is_rebuilt(tmp_path):
    store = ModelStore(tmp_path)
    store.import_bytes(_model_bytes(), "m")
    HeaderIndex.open().path.write_text("{ not json")
    assert [m.name for m in store.list()] == ["m"]
    assert json.loads(HeaderIndex.open().path.read_text())["format"] == HeaderIndex.FORMAT
