"""ae_core.imaging: crisp PNGs, tiles, error maps and GIFs."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch
from PIL import Image

from ae_core.imaging import (
    error_image,
    gif_bytes,
    grid_image,
    heatmap,
    png_bytes,
    scale_for,
    tile,
    to_array,
    to_uint8,
    upscale,
)


def _png(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)))


def test_to_array_accepts_channel_first_tensors_and_clips():
    img = torch.tensor([[[-0.5, 0.5], [1.5, 1.0]]])            # (1, 2, 2)
    np.testing.assert_allclose(to_array(img), [[0, 0.5], [1, 1]])
    assert to_array(np.zeros((3, 4, 5))).shape == (4, 5, 3)    # RGB channel-first
    assert to_array(np.zeros((4, 5, 3))).shape == (4, 5, 3)
    with pytest.raises(ValueError):
        to_array(np.zeros((2, 3, 4, 5)))


def test_uint8_images_are_not_rescaled():
    img = np.array([[0, 255]], dtype=np.uint8)
    assert to_uint8(img) is img
    np.testing.assert_allclose(to_array(img), [[0, 1]])


def test_scale_for_picks_whole_multiples():
    assert scale_for(8, 224) == 28
    assert scale_for(28, 224) == 8
    assert scale_for(500, 224) == 1


def test_upscale_repeats_pixels_without_blending():
    big = upscale(np.array([[0.0, 1.0]]), 3)
    assert big.shape == (3, 6)
    assert set(np.unique(big)) == {0, 255}                    # no in-between grey


def test_an_8x8_digit_becomes_a_sharp_224_pixel_png():
    rng = np.random.default_rng(0)
    digit = rng.random((1, 8, 8)).astype(np.float32)
    out = _png(png_bytes(digit))
    assert out.shape == (224, 224)
    np.testing.assert_array_equal(out[::28, ::28], to_uint8(digit[0]))
    assert len(np.unique(out)) <= 64                           # only the original values


def test_png_of_an_rgb_heat_map():
    out = _png(png_bytes(heatmap(np.eye(4)), scale=2))
    assert out.shape == (8, 8, 3)


def test_tile_places_images_row_by_row_with_padding():
    a, b, c = (np.full((2, 2), v) for v in (0.0, 0.5, 1.0))
    out = tile([a, b, c], ncols=2, pad=1, pad_value=0.25)
    assert out.shape == (5, 5)
    assert out[0, 0] == 0 and out[0, 3] == 0.5 and out[3, 0] == 1.0
    assert out[2, 2] == 0.25 and out[4, 4] == 0.25             # padding and empty cell
    with pytest.raises(ValueError):
        tile([], 3)


def test_grid_image_is_seamless():
    images = np.stack([np.full((1, 3, 3), i / 8) for i in range(9)])
    out = grid_image(images, 3)
    assert out.shape == (9, 9)
    assert out[0, 0] == 0 and out[8, 8] == pytest.approx(1.0)


def test_heatmap_runs_dark_to_bright():
    colours = heatmap(np.array([0.0, 0.5, 1.0]))
    brightness = colours.astype(int).sum(1)
    assert brightness[0] < brightness[1] < brightness[2]
    np.testing.assert_array_equal(heatmap(np.array([2.0])), heatmap(np.array([1.0])))


def test_error_image_is_black_where_the_reconstruction_is_perfect():
    x = np.zeros((1, 4, 4))
    x_hat = x.copy()
    x_hat[0, 1, 2] = 1.0
    err = error_image(x, x_hat)
    assert err.shape == (4, 4, 3)
    assert err[0, 0].sum() < 10 and err[1, 2].sum() > 500


def test_gif_loops_and_bounces_back():
    frames = [np.full((8, 8), v) for v in (0.0, 0.5, 1.0)]
    gif = Image.open(io.BytesIO(gif_bytes(frames, duration_ms=50, scale=2)))
    assert gif.format == "GIF" and gif.size == (16, 16)
    assert gif.info.get("loop") == 0
    assert gif.n_frames == 4                                   # 0, .5, 1, .5
    values = []
    for i in range(gif.n_frames):
        gif.seek(i)
        values.append(int(np.asarray(gif.convert("L"))[0, 0]))
    assert values == [0, 128, 255, 128]


def test_gif_needs_frames():
    with pytest.raises(ValueError):
        gif_bytes([])
