"""The decoder a page runs: lowered programs equal ``decode``, messages round-trip, maps pack small.

The browser's own implementation of the same program is held against these in
tests/browser/test_canvas_parity.py.
"""

from __future__ import annotations

import itertools
import json
import struct

import numpy as np
import pytest
import torch

from ae_core import PCAEmbedder, build_model, make_config
from ae_core.binpack import pack, unpack
from ae_core.io import load_model
from ae_core.latent import LatentSpace, browser_map
from ae_core.models import VARIANTS
from ae_core.pretrained import list_pretrained
from ae_core.webdecoder import (
    MAX_PARAMETERS,
    UnsupportedDecoder,
    decoder_program,
    encoder_parts,
    encoder_program,
    program_parts,
    run_encoder,
    run_program,
)

ACTIVATIONS = ("relu", "elu", "gelu", "tanh", "sigmoid", "identity")


def _randomise_batch_norm(model) -> None:
    """Give every batch norm non-trivial statistics, so folding it is really tested."""
    gen = torch.Generator().manual_seed(3)
    for module in model.modules():
        if isinstance(module, (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d)):
            module.running_mean.copy_(torch.randn(module.running_mean.shape, generator=gen))
            module.running_var.copy_(torch.rand(module.running_var.shape, generator=gen) + 0.5)
            module.weight.data.copy_(torch.randn(module.weight.shape, generator=gen))
            module.bias.data.copy_(torch.randn(module.bias.shape, generator=gen))


def _config(variant, arch, activation, batch_norm, output):
    side = 8 if arch == "mlp" else 13  # an odd side exercises the transposed convs' padding
    extra = {"code_activation": "sigmoid"} if variant == "sparse_kl" else {}
    return make_config(variant, input_shape=(1, side, side), arch=arch, hidden=(12, 6),
                       channels=(4, 8), latent_dim=3, activation=activation,
                       batch_norm=batch_norm, loss="mse", output=output, dropout=0.1, **extra)


@pytest.mark.parametrize("variant,arch", itertools.product(VARIANTS, ("mlp", "conv")))
def test_every_variant_and_architecture_lowers_to_a_program_equal_to_decode(variant, arch):
    rng = np.random.default_rng(0)
    for activation, batch_norm, output in itertools.product(ACTIVATIONS, (False, True),
                                                            ("sigmoid", "linear")):
        if variant == "vae" and activation == "identity" and output == "linear":
            continue
        model = build_model(_config(variant, arch, activation, batch_norm, output))
        _randomise_batch_norm(model)
        program = decoder_program(model)
        z = rng.normal(size=(6, 3)) * 2
        diff = np.abs(run_program(program, z) - model.decode(z).numpy()).max()
        assert diff < 1e-5, (activation, batch_norm, output, diff)
        assert all(op["op"] in ("linear", "act", "convT", "conv") for op in program.ops)


def test_batch_norm_and_dropout_leave_no_op_of_their_own():
    model = build_model(_config("vanilla", "conv", "relu", True, "sigmoid"))
    ops = [op["op"] for op in decoder_program(model).ops]
    assert ops == ["linear", "act", "linear", "act", "linear", "act", "convT", "act", "convT",
                   "act", "conv", "act"]  # two dense layers, the stem, 2 convT, conv, sigmoid


@pytest.mark.parametrize("shipped", list_pretrained(), ids=lambda m: m.name)
def test_every_shipped_model_lowers_exactly(shipped):
    model = load_model(shipped.path)
    program = decoder_program(model)
    z = np.random.default_rng(1).normal(size=(40, model.latent_dim)) * 2
    assert np.abs(run_program(program, z) - model.decode(z).numpy()).max() < 1e-5


def test_pca_decodes_with_one_linear_op_like_its_inverse_transform():
    x = np.random.default_rng(2).random((200, 1, 6, 6))
    pca = PCAEmbedder(3).fit(x)
    program = decoder_program(pca)
    assert [op["op"] for op in program.ops] == ["linear"]
    z = np.random.default_rng(3).normal(size=(5, 3))
    assert np.abs(run_program(program, z) - pca.decode(z).numpy()).max() < 1e-6


def test_a_decoder_too_large_to_send_is_refused_so_the_page_decodes_on_the_server():
    config = make_config("vanilla", input_shape=(1, 64, 64), hidden=(2048, 4096), latent_dim=2)
    model = build_model(config)
    assert sum(p.numel() for p in model.decoder.parameters()) > MAX_PARAMETERS
    with pytest.raises(UnsupportedDecoder, match="more than"):
        decoder_program(model)


def test_an_unknown_layer_is_refused_not_skipped():
    model = build_model(_config("vanilla", "mlp", "relu", False, "sigmoid"))
    model.decoder.net.insert(1, torch.nn.LayerNorm(6))
    with pytest.raises(UnsupportedDecoder, match="LayerNorm"):
        decoder_program(model)


@pytest.mark.parametrize("variant,arch", itertools.product(VARIANTS, ("mlp", "conv")))
def test_every_variant_and_architecture_lowers_its_encoder_to_a_program_equal_to_encode(
        variant, arch):
    """The drawing pad's encoder: stride-2 convs, folded batch norm, the head (a VAE's μ
    only) and the code activation give ``encode``'s codes."""
    rng = np.random.default_rng(6)
    for activation, batch_norm in itertools.product(ACTIVATIONS, (False, True)):
        model = build_model(_config(variant, arch, activation, batch_norm, "sigmoid"))
        _randomise_batch_norm(model)
        program = encoder_program(model)
        side = model.config.input_shape[-1]
        x = rng.random((6, 1, side, side))
        diff = np.abs(run_encoder(program, x) - model.encode(x).numpy()).max()
        assert diff < 1e-5, (activation, batch_norm, diff)
        assert all(op["op"] in ("linear", "act", "conv") for op in program.ops)
        assert program.ops[-1 if variant not in ("sparse_kl", "sparse_l1") else -2]["out"] == 3


def test_a_conv_encoder_downsamples_with_stride_two_and_no_op_for_flatten():
    model = build_model(_config("vae", "conv", "relu", True, "sigmoid"))
    program = encoder_program(model)
    convs = [op for op in program.ops if op["op"] == "conv"]
    assert [(op["stride"], op["ih"], op["oh"]) for op in convs] == [(2, 13, 7), (2, 7, 4)]
    assert [op["op"] for op in program.ops] == ["conv", "act", "conv", "act", "linear", "act",
                                                "linear", "act", "linear"]


@pytest.mark.parametrize("shipped", list_pretrained(), ids=lambda m: m.name)
def test_every_shipped_model_lowers_its_encoder_exactly(shipped):
    model = load_model(shipped.path)
    program = encoder_program(model)
    x = np.random.default_rng(7).random((20, *model.config.input_shape))
    assert np.abs(run_encoder(program, x) - model.encode(x).numpy()).max() < 1e-5


def test_pca_encodes_with_one_linear_op_like_its_transform():
    x = np.random.default_rng(2).random((200, 1, 6, 6))
    for whiten in (False, True):
        pca = PCAEmbedder(3).fit(x)
        pca.pca.whiten = whiten
        program = encoder_program(pca)
        assert [op["op"] for op in program.ops] == ["linear"]
        assert np.abs(run_encoder(program, x[:9]) - pca.encode(x[:9]).numpy()).max() < 1e-6


def test_an_encoder_the_page_cannot_run_is_none_so_the_server_encodes():
    model = build_model(_config("vanilla", "mlp", "relu", False, "sigmoid"))
    model.encoder.net.insert(1, torch.nn.LayerNorm(12))
    with pytest.raises(UnsupportedDecoder, match="LayerNorm"):
        encoder_program(model)
    assert encoder_parts(model) is None
    big = build_model(make_config("vanilla", input_shape=(1, 64, 64), hidden=(2048, 4096),
                                  latent_dim=2))
    with pytest.raises(UnsupportedDecoder, match="encoder has"):
        encoder_program(big)
    spec, arrays = encoder_parts(build_model(_config("vae", "conv", "elu", True, "sigmoid")))
    assert spec["input_shape"] == [1, 13, 13] and spec["latent_dim"] == 3
    assert {"enc:" + op[k] for op in spec["ops"] for k in ("w", "b") if k in op} == set(arrays)


def test_a_message_round_trips_header_and_aligned_arrays():
    arrays = {"a": np.arange(7, dtype=np.float16), "b": np.ones((3, 5), np.float32),
              "c": np.array([1, 2, 255], np.uint8), "d": np.arange(4, dtype=np.uint16)}
    message = pack({"name": "잠재 공간", "n": 3}, arrays)
    header, back = unpack(message)
    assert header == {"name": "잠재 공간", "n": 3}
    for name, array in arrays.items():
        assert back[name].dtype == array.dtype and np.array_equal(back[name], array)
    length = struct.unpack("<I", message[4:8])[0]  # every array starts 8-aligned
    offsets = [spec["offset"] for spec in json.loads(message[8:8 + length])["arrays"].values()]
    assert all(offset % 8 == 0 for offset in offsets)


def test_a_message_refuses_dtypes_a_page_cannot_view():
    with pytest.raises(ValueError, match="dtype"):
        pack({}, {"x": np.zeros(3, np.float64)})
    with pytest.raises(ValueError, match="reserved"):
        pack({"arrays": 1}, {})


def test_program_parts_name_every_tensor_an_op_uses():
    model = build_model(_config("vae", "conv", "elu", True, "sigmoid"))
    spec, arrays = program_parts(decoder_program(model))
    named = {op[k] for op in spec["ops"] for k in ("w", "b") if k in op}
    assert {"dec:" + n for n in named} == set(arrays)
    assert all(a.dtype == np.float32 for a in arrays.values())


def test_a_70k_point_2d_map_packs_under_a_megabyte():
    rng = np.random.default_rng(4)
    codes = rng.normal(size=(70_000, 2)).astype(np.float32)
    space = LatentSpace.build(codes, rng.integers(0, 10, 70_000), prior=True)
    header, arrays = browser_map(space)
    size = len(pack({"map": header}, arrays))
    assert size < 1_000_000, size
    assert arrays["labels"].dtype == np.uint8 and "codes" not in arrays
    assert header["on_threshold"] == space.index.on_threshold


def test_a_higher_dimensional_map_sends_its_codes_for_the_reading():
    rng = np.random.default_rng(5)
    space = LatentSpace.build(rng.normal(size=(500, 16)), rng.integers(0, 3, 500))
    header, arrays = browser_map(space)
    assert not header["identity"] and arrays["codes"].shape == (500, 16)
    assert np.abs(arrays["codes"].astype(np.float64) - space.codes).max() < 1e-2
    # the page lifts a map position exactly as the server does
    xy = np.array([0.3, -0.2])
    lifted = np.asarray(header["mean"]) + xy @ np.asarray(header["components"])
    assert np.allclose(lifted, space.projection.lift(xy))
