"""A model file is judged from its header before anything is allocated.

The crafted files are the ones issue 18 describes: a few hundred bytes whose config
describes a network of billions of numbers and whose tensors are missing. They must be
refused with the library's own error (a ``code`` the app can say in Korean), also in a
process whose address space is capped, where building the network first would die with
torch's raw "can't allocate memory".
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch
from safetensors.torch import save as st_save

from ae_core import ModelFileError, build_model, make_config
from ae_core import io as model_io
from ae_core.io import MAX_PARAMETERS, model_from_bytes, model_to_bytes
from ae_core.store import ModelStore

REPO = Path(__file__).resolve().parents[1]
HUGE = {"variant": "vanilla", "input_shape": [3, 256, 256], "hidden": [8192] * 10}
"""The eval case of the issue: 4.4 billion numbers (17.5 GB resident before the fix)."""
APP_CASE = {"variant": "vanilla", "input_shape": [1, 256, 256], "hidden": [8192, 8192]}
"""The upload case of the issue: 1.2 billion numbers (5 GB in the server before the fix)."""
UNDER_CAP = {"variant": "vanilla", "input_shape": [1, 256, 256], "hidden": [1000]}
"""131 million numbers (524 MB): under the cap, so only the tensor table can refuse it."""


def crafted(config: dict, tensors: dict | None = None) -> bytes:
    """A model file with this config and these tensors (none by default)."""
    meta = {"format": "latent-explorer-model", "format_version": "1",
            "config": json.dumps(config), "metadata": "{}"}
    return st_save(tensors or {}, metadata=meta)


def _run_capped(script: str, limit_bytes: str, *args: str) -> subprocess.CompletedProcess:
    """``script`` in a fresh Python whose address space is capped (RLIMIT_AS)."""
    prelude = textwrap.dedent(f"""
        import resource
        LIMIT = {limit_bytes}
        resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))
    """)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(script), *args],
                          capture_output=True, text=True, cwd=REPO, env=env, timeout=120)


def test_the_crafted_eval_file_is_refused_under_a_4_gb_address_space(tmp_path):
    path = tmp_path / "huge.safetensors"
    path.write_bytes(crafted(HUGE))
    script = """
        import sys
        from ae_core.cli import main
        sys.exit(main(["eval", sys.argv[1]]))
    """
    done = _run_capped(script, str(4 * 2**30), str(path))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "allocate" not in done.stderr
    assert f"at most {MAX_PARAMETERS:,}" in done.stderr


def test_nothing_is_allocated_before_the_tensor_table_is_checked(tmp_path):
    """The address space left after import is far below the 524 MB the config describes:
    building the network before comparing its tensors with the header cannot pass."""
    path = tmp_path / "under-cap.safetensors"
    path.write_bytes(crafted(UNDER_CAP))
    script = """
        import sys
        from ae_core.errors import ModelFileError
        from ae_core.io import load_model
        import torch
        vm = next(int(l.split()[1]) * 1024 for l in open("/proc/self/status")
                  if l.startswith("VmSize"))
        resource.setrlimit(resource.RLIMIT_AS, (vm + 256 * 2**20, LIMIT))
        try:
            load_model(sys.argv[1])
        except ModelFileError as e:
            print("refused", e.code, e)
    """
    done = _run_capped(script, str(4 * 2**30), str(path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("refused model_file "), done.stdout
    assert "missing tensors" in done.stdout


@pytest.mark.parametrize("config", [HUGE, APP_CASE])
def test_a_config_over_the_parameter_cap_is_refused_with_its_code(config, monkeypatch):
    monkeypatch.setattr(model_io, "st_load", _never)
    with pytest.raises(ModelFileError) as refused:
        model_from_bytes(crafted(config), "crafted.safetensors")
    assert refused.value.code == "model_file.too_big"
    assert refused.value.params["count"] > MAX_PARAMETERS


def test_an_upload_is_refused_from_its_header_and_nothing_is_stored(tmp_path, monkeypatch):
    monkeypatch.setattr(model_io, "st_load", _never)
    store = ModelStore(tmp_path / "models")
    for config in (APP_CASE, UNDER_CAP):
        with pytest.raises(ModelFileError):
            store.import_bytes(crafted(config), "crafted")
    assert not store.root.exists() or not any(store.root.iterdir())


def test_tensor_shapes_and_dtypes_are_compared_from_the_header():
    model = build_model(make_config("vanilla", input_shape=(1, 8, 8), hidden=(16,)))
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    config = model.config.to_dict()
    first = next(iter(state))
    cases = {
        "a transposed weight": {**state, first: state[first].t().contiguous()},
        "float64 weights": {**state, first: state[first].double()},
        "an extra weight": {**state, "encoder.net.9.weight": torch.zeros(2)},
    }
    for label, tensors in cases.items():
        with pytest.raises(ModelFileError, match=r"tensor|unexpected"):
            model_from_bytes(crafted(config, tensors), label)


def test_the_largest_preset_is_far_below_the_cap():
    deep = build_model(make_config("vanilla", latent_dim=30, hidden=(1000, 500, 250)))
    count = sum(t.numel() for t in deep.state_dict().values())
    assert 20 * count < MAX_PARAMETERS
    assert isinstance(model_from_bytes(model_to_bytes(deep)), type(deep))


def _never(*args, **kwargs):
    raise AssertionError("tensors were read before the header was checked")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_refusal_is_said_in_both_languages(lang):
    from app_lib import messages

    with pytest.raises(ModelFileError) as refused:
        model_from_bytes(crafted(HUGE), "crafted.safetensors")
    text = messages.sentence(refused.value, lang)
    assert f"{MAX_PARAMETERS:,}" in text and f"{refused.value.params['count']:,}" in text


def _with_extras(extras: dict[str, torch.Tensor]) -> bytes:
    model = build_model(make_config("vanilla", input_shape=(1, 8, 8), hidden=(16,)))
    return model_to_bytes(model, {"dataset": "digits"}, extras)


def test_the_replay_extras_load_and_anything_else_in_them_is_refused():
    codes = torch.zeros(3, 5, 2)
    good = {"probe_codes": codes, "probe_epochs": torch.arange(3, dtype=torch.int32),
            "probe_rows": torch.arange(5, dtype=torch.int32)}
    assert set(model_from_bytes(_with_extras(good)).extras) == set(good)
    refused = {
        "unknown extra": {"payload": torch.zeros(4)},
        "wrong rank": {"probe_codes": torch.zeros(5, 2)},
        "inconsistent": {**good, "probe_rows": torch.arange(4, dtype=torch.int32)},
        "not finite": {"probe_codes": torch.full((2, 5, 2), float("nan"))},
    }
    for case, extras in refused.items():
        with pytest.raises(ModelFileError):
            model_from_bytes(_with_extras(extras))
            pytest.fail(f"{case}: loaded")


def test_extras_too_large_are_refused_from_the_header(monkeypatch):
    monkeypatch.setattr(model_io, "MAX_EXTRA_NUMBERS", 10)
    with pytest.raises(ModelFileError, match="extra numbers"):
        model_from_bytes(_with_extras({"probe_codes": torch.zeros(2, 5, 2)}))


def test_a_config_too_big_to_save_is_refused_before_anything_is_allocated():
    """Training such a model would end in a file no load accepts: it is refused up front,
    counted on torch's meta device (a real build would allocate 1.6 GB here)."""
    from ae_core import build_model, make_config
    from ae_core.errors import ConfigError
    from ae_core.models import MAX_MODEL_NUMBERS, parameter_count

    config = make_config("vanilla", input_shape=(1, 8, 8), hidden=(8192,) * 4)
    assert parameter_count(config) > MAX_MODEL_NUMBERS == MAX_PARAMETERS
    with pytest.raises(ConfigError) as refused:
        build_model(config)
    assert refused.value.code == "config.too_big"
    assert refused.value.params["count"] == parameter_count(config)
    small = make_config("vanilla", input_shape=(1, 8, 8), hidden=(16,))
    built = build_model(small).state_dict().values()
    assert parameter_count(small) == sum(t.numel() for t in built)
