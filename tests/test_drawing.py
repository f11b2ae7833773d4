"""The drawing pad's server side: a drawing prepared as the dataset's images were, the
encoder kept in the stored map, and the encode route for models the page cannot run.

The page's own preparation (``drawpad.js``) is held against :func:`preprocess` in
tests/browser/test_drawpad_browser.py.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import numpy as np
import pytest
from starlette.requests import Request

from ae_core import mapstore
from ae_core.binpack import unpack
from ae_core.drawing import MNIST_BOX, drawing_mode, preprocess
from app_lib import cache, catalog, encode, maps
from tests.async_run import run_coroutine

ONE = [[(0.52, 0.2), (0.5, 0.5), (0.48, 0.8)]]
GRID = np.mgrid[0:28, 0:28].astype(np.float64) + 0.5


def _centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    ys, xs = GRID
    return float((image * xs).sum() / image.sum()), float((image * ys).sum() / image.sum())


@pytest.mark.parametrize("where,size", [((0.2, 0.2), 0.15), ((0.7, 0.6), 0.5), ((0.5, 0.5), 1)])
def test_an_mnist_drawing_is_fitted_to_20_pixels_and_centred_by_mass_wherever_it_is_drawn(
        where, size):
    t = np.linspace(0, 2 * np.pi, 30)
    ring = np.c_[where[0] + size * 0.25 * np.cos(t), where[1] + size * 0.4 * np.sin(t)]
    image = preprocess([ring], "mnist", (1, 28, 28))[0]
    assert image.shape == (28, 28) and image.min() >= 0 and image.max() <= 1
    assert _centre_of_mass(image) == pytest.approx((14.0, 14.0), abs=1e-3)
    rows = np.flatnonzero(image.max(axis=1) > 0)
    assert rows[-1] - rows[0] + 1 in (20, 21)  # the ink's taller side: the 20-pixel box
    # the same shape drawn elsewhere, at another size, is the same image
    assert np.abs(image - preprocess([ring * 0.5 + 0.1], "mnist", (1, 28, 28))[0]).max() < 0.05


def test_digits_fit_the_32_field_and_average_4x4_blocks_into_8x8_values_in_0_1():
    image = preprocess(ONE, "digits", (1, 8, 8))[0]
    assert image.shape == (8, 8) and image.max() <= 1
    assert image[0].max() > 0 and image[-1].max() > 0  # the stroke's length fills the field
    assert image[:, 3:5].sum() > 0.9 * image.sum()  # a "1" in the middle columns


def test_other_datasets_draw_the_pad_as_the_image_in_every_channel():
    image = preprocess([[(0.0, 0.5), (1.0, 0.5)]], "resize", (3, 10, 12))
    assert image.shape == (3, 10, 12)
    assert np.array_equal(image[0], image[2]) and image[0, 5].min() > 0 and image[0, 0].max() == 0
    assert preprocess([], "mnist", (1, 28, 28)).sum() == 0


def test_the_mode_follows_the_dataset():
    assert drawing_mode("mnist", (1, 28, 28)) == "mnist"
    assert drawing_mode("digits", (1, 8, 8)) == "digits"
    assert drawing_mode("fashion-mnist", (1, 28, 28)) == "resize"
    assert drawing_mode("upload:mine", (3, 32, 32)) == "resize"
    assert MNIST_BOX == 20


def test_a_stored_map_keeps_its_encoder():
    choice = catalog.find_choice("digits", "pretrained:digits-ae-2d")
    record = maps.opened("digits", choice, "test")
    assert record.encoder is not None
    back = mapstore.from_bytes(mapstore.to_bytes(record))
    spec, weights = back.encoder
    assert spec == record.encoder[0] and spec["input_shape"] == [1, 8, 8]
    assert all(np.array_equal(weights[k], v) for k, v in record.encoder[1].items())


def _post(query: str, body: bytes):
    """The route's answer to ``POST /_latent/encode?<query>`` (the app's route, as mounted)."""
    assert encode.route().path == f"/{encode.PATH}"
    sent = False

    async def receive():
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    scope = {"type": "http", "method": "POST", "path": f"/{encode.PATH}",
             "query_string": query.encode(),
             "headers": [(b"content-length", str(len(body)).encode())]}
    return run_coroutine(encode.endpoint(Request(scope, receive)))


def test_the_encode_route_answers_the_model_s_code_and_reconstruction():
    choice = catalog.find_choice("digits", "pretrained:digits-vae-2d")
    record = maps.opened("digits", choice, "test")
    url = encode.encode_url("digits", choice, "test", record.map_header["map_id"])
    x = preprocess(ONE, "digits", (1, 8, 8))
    response = _post(url.split("?", 1)[1], x.astype("<f4").tobytes())
    assert response.status_code == 200
    _, arrays = unpack(response.body)
    model = cache.get_model("digits", choice)
    np.testing.assert_allclose(arrays["code"], model.encode(x[None])[0], atol=1e-6)
    np.testing.assert_allclose(arrays["recon"], model.reconstruct(x[None])[0], atol=1e-5)
    query = dict(parse_qsl(url.split("?", 1)[1]))
    for change, body in [({"map": "another"}, x.tobytes()), ({"split": "x"}, x.tobytes()),
                         ({}, x.tobytes()[:-4]), ({}, np.full(64, np.nan, "<f4").tobytes())]:
        assert _post(urlencode({**query, **change}), body).status_code == 404
    assert _post(urlencode(query), bytes(encode.MAX_BODY + 4)).status_code == 413
