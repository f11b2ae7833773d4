"""The click route (``app_lib.rows``): a map row's original and exact code, and nothing else."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import numpy as np
import pytest
from starlette.requests import Request

from ae_core.binpack import unpack
from app_lib import cache, catalog, maps, rows
from tests.async_run import run_coroutine

MODEL = "pretrained:digits-ae-2d"


@pytest.fixture
def opened():
    choice = catalog.find_choice("digits", MODEL)
    record = maps.opened("digits", choice, "test")
    url = rows.row_url("digits", choice, "test", record.map_header["map_id"])
    return choice, record, url


def get(query: str):
    """The route's answer to ``GET /_latent/row?<query>`` (the app's route, as mounted)."""
    assert rows.route().path == f"/{rows.PATH}"
    scope = {"type": "http", "method": "GET", "path": f"/{rows.PATH}",
             "query_string": query.encode(), "headers": []}
    return run_coroutine(rows.endpoint(Request(scope)))


def test_a_row_comes_back_as_the_image_and_its_exact_code(opened):
    choice, record, url = opened
    response = get(url.split("?", 1)[1] + "&row=17")
    assert response.status_code == 200
    header, arrays = unpack(response.body)
    assert header == {"row": 17, "label": int(record.space.labels[17])}
    data = cache.get_dataset("digits")
    np.testing.assert_array_equal(arrays["x"], cache.image_at(data, "test", 17))
    np.testing.assert_array_equal(arrays["code"], record.space.codes[17])
    # the page's reconstruction from this code is the model's own reconstruction
    model = cache.get_model("digits", choice)
    np.testing.assert_allclose(model.decode(arrays["code"])[0],
                               model.reconstruct(arrays["x"][None])[0], atol=1e-5)


@pytest.mark.parametrize("change", [
    {"row": "360"}, {"row": "-1"}, {"row": "x"}, {"map": "another version"},
    {"split": "nope"}, {"model": "pretrained:no-such-model"}, {"dataset": "upload:mine"},
    {"dataset": "../../etc"},
])
def test_anything_but_a_row_of_an_opened_map_is_refused(opened, change):
    _, _, url = opened
    query = dict(parse_qsl(url.split("?", 1)[1]))
    assert get(urlencode({**query, "row": "3"})).status_code == 200
    assert get(urlencode({**query, "row": "3", **change})).status_code == 404


def test_a_session_upload_has_no_row_address():
    choice = catalog.find_choice("digits", MODEL)
    assert rows.row_url("upload:mine", choice, "test", "m") is None


def test_the_drawing_pads_encoder_comes_on_request_not_with_every_map(opened):
    choice, record, _ = opened
    url = rows.encoder_url("digits", choice, "test", record.map_header["map_id"])
    header, arrays = unpack(rows.encoder_message(dict(parse_qsl(url.split("?", 1)[1]))))
    assert header["map_id"] == record.map_header["map_id"]
    assert set(arrays) == set(record.encoder[1]) and arrays
    for name, weights in record.encoder[1].items():
        np.testing.assert_array_equal(arrays[name], weights)
    from app_lib import canvas

    message_header, message_arrays = unpack(canvas.message(
        record.map_header, record.map_arrays, record.decoder, classes={}, text={}, state={},
        encoder=record.encoder, encoder_url=url))
    assert message_header["encoder"] == record.encoder[0]
    assert message_header["encoder_url"] == url
    assert not any(name.startswith("enc:") for name in message_arrays)


def test_rows_of_a_map_in_memory_are_answered_without_the_thread_pool(opened, monkeypatch):
    """A class clicking at once: after the first row has found the map and its dataset, a
    click costs a lookup on the event loop, not a thread hop; nothing is ever loaded there."""
    _, record, url = opened
    query = url.split("?", 1)[1]
    assert get(query + "&row=3").status_code == 200   # may load the dataset: in the pool

    def no_pool(*_):
        raise AssertionError("a loaded dataset's row went through the thread pool")

    monkeypatch.setattr(rows, "run_in_threadpool", no_pool)
    response = get(query + "&row=4")
    assert response.status_code == 200
    header, arrays = unpack(response.body)
    assert header["row"] == 4 and np.array_equal(arrays["code"], record.space.codes[4])
    assert get(query + "&row=999999").status_code == 404  # refusals stay refusals
    rows._HELD.clear()  # a map the caches no longer hold is looked up (or loaded) in the pool
    with pytest.raises(AssertionError, match="thread pool"):
        get(query + "&row=5")
