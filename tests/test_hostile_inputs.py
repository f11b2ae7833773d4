"""Generated hostile inputs: every model config, model-file metadata, training setting and
uploaded ``.npz`` either loads or is refused with the library's own error — never another
exception, which the app would show as a traceback-like box.
"""

from __future__ import annotations

import io
import json
import math
import struct

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ae_core import build_model, make_config
from ae_core.data.user import load_npz
from ae_core.errors import AECoreError
from ae_core.io import model_from_bytes, model_to_bytes
from ae_core.models import config_from_dict
from ae_core.training import TrainConfig

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12)

CONFIG_KEYS = ["variant", "input_shape", "latent_dim", "arch", "hidden", "channels",
               "activation", "code_activation", "batch_norm", "dropout", "loss", "output",
               "beta", "rho", "sparsity_weight", "l1_weight", "noise", "noise_level"]
METADATA_KEYS = ["dataset", "seed", "history", "metrics", "train", "created", "version",
                 "class_names"]


def _loads_or_refuses(fn, *args) -> None:
    try:
        fn(*args)
    except AECoreError as error:
        assert str(error).strip()  # a message a page can show
    except Exception as error:
        pytest.fail(f"{type(error).__name__} escaped: {error}")


@SETTINGS
@given(st.dictionaries(st.sampled_from(CONFIG_KEYS), json_values, max_size=8),
       st.sampled_from(["vanilla", "vae", "sparse_kl", "sparse_l1", "denoising"]))
def test_any_model_config_is_built_or_refused_with_a_message(settings_, variant):
    config = {"variant": variant, **settings_}

    def build(data):
        cfg = config_from_dict(data)
        if math.prod(cfg.input_shape) * max((*cfg.hidden, cfg.latent_dim)) > 5_000_000:
            return  # valid but too big to build in a test: the header check covers it
        build_model(cfg)

    _loads_or_refuses(build, config)


_SMALL = build_model(make_config("vanilla", input_shape=(1, 8, 8), hidden=(8,)))
_GOOD = model_to_bytes(_SMALL, {"dataset": "digits"})


def _with_header(header: dict) -> bytes:
    """The good file with its JSON header replaced (tensor offsets kept)."""
    (length,) = struct.unpack("<Q", _GOOD[:8])
    body = _GOOD[8 + length:]
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + body


def _header() -> dict:
    (length,) = struct.unpack("<Q", _GOOD[:8])
    return json.loads(_GOOD[8:8 + length])


@SETTINGS
@given(st.dictionaries(st.sampled_from(METADATA_KEYS), json_values, max_size=6))
def test_any_model_file_metadata_is_read_or_refused_with_a_message(metadata):
    header = _header()
    meta = header.get("__metadata__", {})
    try:
        stored = json.loads(meta.get("metadata", "{}"))
    except (TypeError, ValueError):
        stored = {}
    meta["metadata"] = json.dumps({**stored, **metadata})
    header["__metadata__"] = meta
    _loads_or_refuses(model_from_bytes, _with_header(header))


@SETTINGS
@given(st.dictionaries(st.sampled_from(["config", "metadata", "format", "version"]),
                       st.text(max_size=40) | st.builds(json.dumps, json_values), max_size=3))
def test_any_model_file_header_is_read_or_refused_with_a_message(fields):
    header = _header()
    header["__metadata__"] = {**header.get("__metadata__", {}), **fields}
    _loads_or_refuses(model_from_bytes, _with_header(header))


@SETTINGS
@given(st.dictionaries(st.sampled_from(["epochs", "batch_size", "lr", "weight_decay",
                                        "schedule", "penalty_warmup", "seed", "device",
                                        "augment_shift"]), json_values, max_size=4))
def test_any_training_setting_is_accepted_or_refused_with_a_message(options):
    _loads_or_refuses(lambda: TrainConfig(**options).validate())


def _npz(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


label_arrays = st.one_of(
    st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64), min_size=12,
             max_size=12).map(np.array),
    st.lists(st.integers(0, 2**64 - 1), min_size=12, max_size=12).map(
        lambda v: np.array(v, dtype=np.uint64)),
    st.lists(st.integers(-2**63, 2**63 - 1), min_size=12, max_size=12).map(
        lambda v: np.array(v, dtype=np.int64)))


@SETTINGS
@given(label_arrays, st.lists(st.text(max_size=120), max_size=4))
def test_any_npz_labels_and_class_names_load_or_are_refused_with_a_message(labels, names):
    images = np.random.default_rng(0).random((12, 8, 8)).astype(np.float32)
    arrays = {"x": images, "y": labels}
    if names:
        arrays["class_names"] = np.array(names)
    _loads_or_refuses(load_npz, _npz(**arrays), "upload")


def _zip(members: dict[str, bytes]) -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return buffer.getvalue()


def _png(value: int, size: tuple[int, int]) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", size, value).save(buffer, format="PNG")
    return buffer.getvalue()


member_names = st.one_of(
    st.text(alphabet=st.sampled_from("ab/._\\:é 가"), min_size=1, max_size=12),
    st.builds("{}/{}.png".format, st.sampled_from(["a", "b", "가", "..", ""]),
              st.integers(0, 99)))
member_bodies = st.one_of(st.binary(max_size=64),
                          st.builds(_png, st.integers(0, 255),
                                    st.tuples(st.integers(1, 40), st.integers(1, 40))))


@SETTINGS
@given(st.dictionaries(member_names, member_bodies, max_size=14))
def test_any_zip_of_files_loads_or_is_refused_with_a_message(members):
    from ae_core.data.user import load_image_zip

    _loads_or_refuses(load_image_zip, _zip(members), "upload")
