"""Model files round-trip exactly, and anything else is refused without executing it."""

from __future__ import annotations

import json
import os
import pickle
import struct
from pathlib import Path

import pytest
import torch
from safetensors.torch import save as st_save

from ae_core import ModelFileError, build_model, load_model, make_config, save_model
from ae_core.io import model_from_bytes, model_to_bytes, read_model_info
from ae_core.models import VARIANTS
from ae_core.store import ModelStore, StoreError


def tiny(variant="vae", **settings):
    return build_model(make_config(variant, input_shape=(1, 8, 8), hidden=(16,), **settings))


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("arch", ["mlp", "conv"])
def test_save_then_load_gives_identical_outputs(tmp_path, variant, arch):
    model = tiny(variant, arch=arch, channels=(4, 8))
    model.history = [{"epoch": 1, "train_recon": 12.5}]
    path = save_model(model, tmp_path / "m.safetensors", {"dataset": "digits", "seed": 3},
                      extras={"probe_codes": torch.arange(6.0).reshape(1, 3, 2)})
    loaded = load_model(path)
    x = torch.rand(5, 1, 8, 8)
    assert type(loaded) is type(model)
    assert loaded.config == model.config
    assert torch.equal(loaded.reconstruct(x), model.reconstruct(x))
    assert torch.equal(loaded.encode(x), model.encode(x))
    assert loaded.metadata["dataset"] == "digits" and loaded.metadata["seed"] == 3
    assert loaded.metadata["library_version"]
    assert loaded.history == model.history
    assert torch.equal(loaded.extras["probe_codes"], torch.arange(6.0).reshape(1, 3, 2))
    assert sorted(os.listdir(tmp_path)) == ["m.safetensors"]  # no temp file left behind


def test_half_precision_files_are_half_the_size_and_load_as_float32(tmp_path):
    from ae_core.io import round_to_half

    model = tiny("vanilla", latent_dim=16)
    full = save_model(model, tmp_path / "full.safetensors")
    half = save_model(model, tmp_path / "half.safetensors", half=True)
    assert half.stat().st_size < 0.6 * full.stat().st_size
    loaded = load_model(half)
    assert all(p.dtype == torch.float32 for p in loaded.parameters())
    x = torch.rand(5, 1, 8, 8)
    assert torch.equal(loaded.reconstruct(x), round_to_half(model).reconstruct(x))


class _Exploit:
    """Unpickling this creates a marker file: proof that code ran."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_a_malicious_pickle_is_refused_and_executes_nothing(tmp_path):
    marker = tmp_path / "pwned"
    payloads = {
        "plain.safetensors": pickle.dumps(_Exploit(marker)),
        "torchsave.pt": None,
    }
    torch.save({"weights": _Exploit(marker)}, tmp_path / "torchsave.pt")
    (tmp_path / "plain.safetensors").write_bytes(payloads["plain.safetensors"])
    # the payload really is live: plain unpickling would run it (checked on a copy)
    for name in payloads:
        with pytest.raises(ModelFileError):
            load_model(tmp_path / name)
        assert not marker.exists()
    pickle.loads(payloads["plain.safetensors"])
    assert marker.exists()


def _header_with(config: dict, tensors: dict) -> bytes:
    meta = {"format": "latent-explorer-model", "format_version": "1",
            "config": json.dumps(config), "metadata": "{}"}
    return st_save(tensors, metadata=meta)


def test_crafted_and_damaged_files_are_refused(tmp_path):
    model = tiny()
    good = model_to_bytes(model)
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    bad_config = model.config.to_dict() | {"latent_dim": 3}
    nan_state = {k: torch.full_like(v, float("nan")) for k, v in state.items()}
    cases = {
        "empty": b"",
        "random bytes": os.urandom(300),
        "truncated": good[: len(good) // 2],
        "header length lies": struct.pack("<Q", 10**12) + good[8:],
        "foreign safetensors": st_save({"w": torch.zeros(2)}),
        "unknown variant": _header_with({"variant": "gan"}, state),
        "config does not match tensors": _header_with(bad_config, state),
        "absurd config": _header_with(model.config.to_dict() | {"latent_dim": 10**9}, state),
        "NaN weights": _header_with(model.config.to_dict(), nan_state),
        "missing tensor": _header_with(model.config.to_dict(), dict(list(state.items())[1:])),
    }
    for label, data in cases.items():
        with pytest.raises(ModelFileError):
            model_from_bytes(data, label)
    assert isinstance(model_from_bytes(good), type(model))


def test_header_only_listing_reads_config_and_metadata(tmp_path):
    path = save_model(tiny("sparse_kl"), tmp_path / "s.safetensors", {"dataset": "mnist"})
    info = read_model_info(path)
    assert info["config"]["variant"] == "sparse_kl" and info["metadata"]["dataset"] == "mnist"


def test_store_save_list_rename_delete(tmp_path):
    store = ModelStore(tmp_path / "models")
    assert store.list() == []
    store.save(tiny("vanilla"), "plain 2d", {"dataset": "digits"})
    store.save(tiny("vae"), "vae-2d", {"dataset": "mnist"})
    assert {m.name for m in store.list()} == {"plain 2d", "vae-2d"}
    assert [m.name for m in store.list(dataset="mnist")] == ["vae-2d"]
    with pytest.raises(StoreError, match="already exists"):
        store.save(tiny(), "vae-2d")
    assert store.unique_name("vae-2d") == "vae-2d-2"
    moved = store.rename("vae-2d", "내 VAE")
    assert moved.name == "내 VAE" and moved.variant == "vae"
    assert isinstance(store.load("내 VAE"), type(tiny("vae")))
    store.delete("plain 2d")
    assert [m.name for m in store.list()] == ["내 VAE"]
    with pytest.raises(StoreError, match="no stored model"):
        store.delete("plain 2d")


@pytest.mark.parametrize("name", ["../escape", "/etc/passwd", "a/b", "", ".hidden", "x" * 200])
def test_store_refuses_names_that_could_escape_or_confuse(tmp_path, name):
    with pytest.raises(StoreError, match="not a valid model name"):
        ModelStore(tmp_path).path(name)


def test_store_import_validates_before_writing(tmp_path):
    store = ModelStore(tmp_path / "models")
    marker = tmp_path / "pwned"
    with pytest.raises(ModelFileError):
        store.import_bytes(pickle.dumps(_Exploit(marker)), "evil")
    assert not marker.exists()
    assert not (tmp_path / "models").exists() or not any((tmp_path / "models").iterdir())
    stored = store.import_bytes(model_to_bytes(tiny()), "uploaded")
    assert stored.variant == "vae" and store.exists("uploaded")
