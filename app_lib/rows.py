"""One map row's original image and exact code over plain HTTP: a click's answer, no rerun.

A click on the Explore map shows that image, its reconstruction and the per-pixel error.
The page holds the decoder, so only the original needs the server, and it is a few KB.
Through a Streamlit rerun it cost every click about 26 ms of the server's one Python
interpreter (the fragment, three PNGs, the widgets), so a class clicking at once queued
behind one another. This route answers from the stored map and the loaded dataset in
about a millisecond; the page decodes the reconstruction from the exact code it returns
and draws all three (``app_lib/canvas/canvas.js``, ``showClicked``).

``GET <server root>/_latent/row?dataset=&model=&split=&map=&row=`` answers an
``ae_core.binpack`` message: header ``{"row", "label"}``, arrays ``x`` (the image,
float32 (C, H, W) in [0, 1]) and ``code`` (float32 (d,)). ``map`` is the map's id (it
names the model file's version), so a browser's cached answer is never another model's.
Only maps the server has opened are served, and only their rows; a session's own upload
lives in that session and is not reachable here (the page then shows the clicked image
through a rerun, as for a decoder it cannot run).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import numpy as np
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ae_core.binpack import pack
from ae_core.data import DATASETS
from app_lib import catalog, maps
from app_lib.state import SPLITS

PATH = "_latent/row"
ENCODER_PATH = "_latent/encoder"


class RowNotServed(LookupError):
    """The request names no map this server has opened, or no row of it."""


def row_url(dataset: str, choice: catalog.ModelChoice, split: str, map_id: str) -> str | None:
    """The address (relative to the server's root, without ``row``) for one map's rows, or
    None when its rows cannot be served (a session's upload)."""
    if maps.record_key(dataset, choice, split) is None:
        return None
    query = {"dataset": dataset, "model": choice.key, "split": split, "map": map_id}
    return f"{PATH}?{urlencode(query)}"


def encoder_url(dataset: str, choice: catalog.ModelChoice, split: str,
                map_id: str) -> str | None:
    """The address of one map's encoder weights (see :func:`encoder_message`), or None."""
    url = row_url(dataset, choice, split, map_id)
    return url.replace(PATH, ENCODER_PATH, 1) if url else None


def map_of(params: dict[str, Any]):
    """(dataset, model choice, split, record) of the stored map a request names by its
    dataset, model, split and map id; raises :class:`RowNotServed` for any other."""
    dataset, key, split = (str(params.get(k, "")) for k in ("dataset", "model", "split"))
    if split not in SPLITS:
        raise RowNotServed("unknown split")
    choice = catalog.find_choice(dataset, key)
    record = maps.stored(dataset, choice, split) if choice is not None else None
    if record is None or record.map_header.get("map_id") != params.get("map"):
        raise RowNotServed("no such map")
    return dataset, choice, split, record


def encoder_message(params: dict[str, Any]) -> bytes:
    """The map's encoder weights (``ae_core.webdecoder.encoder_parts``' arrays, named as the
    canvas message's ``encoder`` spec names them): sent when the drawing pad first opens,
    not with every map, since most visits never draw."""
    *_, record = map_of(params)
    if record.encoder is None:
        raise RowNotServed("no encoder for the page")
    return pack({"map_id": record.map_header["map_id"]}, record.encoder[1])


def row_message(params: dict[str, Any]) -> bytes:
    """The answer to one request's parameters; raises :class:`RowNotServed`."""
    dataset, _, split, record = map_of(params)
    try:
        row = int(str(params.get("row", "")))
    except ValueError as error:
        raise RowNotServed("no such row") from error
    if not 0 <= row < len(record.space.codes):
        raise RowNotServed("no such row")
    from app_lib import cache  # deferred: the dataset's images need torch

    x = cache.image_at(cache.get_dataset(dataset), split, row)
    return pack({"row": row, "label": int(record.space.labels[row])},
                {"x": np.ascontiguousarray(x, dtype=np.float32),
                 "code": np.ascontiguousarray(record.space.codes[row], dtype=np.float32)})


def _answer(build, params: dict[str, Any]) -> Response:
    try:
        body = build(params)
    except RowNotServed as refused:
        return Response(str(refused), status_code=404, media_type="text/plain")
    return Response(body, media_type="application/octet-stream",
                    headers={"Cache-Control": "private, max-age=3600"})


_LOADED: set[str] = set()
"""Built-in datasets a row request has loaded: their rows are a lookup in memory."""


async def endpoint(request: Request) -> Response:
    """A row of a loaded built-in dataset is answered on the event loop (about half a
    millisecond); the thread pool's hop would cost more than that, on every click of a
    class clicking at once. The first row of a dataset may load it: in the thread pool."""
    params = dict(request.query_params)
    dataset = str(params.get("dataset", ""))
    if dataset in _LOADED:
        return _answer(row_message, params)
    response = await run_in_threadpool(_answer, row_message, params)
    if response.status_code == 200 and dataset in DATASETS:
        _LOADED.add(dataset)
    return response


def encoder_endpoint(request: Request) -> Response:
    """Starlette runs this plain function in its thread pool, off the event loop."""
    return _answer(encoder_message, dict(request.query_params))


def under_base(path: str) -> str:
    from streamlit import config  # deferred: read when app.py builds the routes

    base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/{path}" if base else f"/{path}"


def route() -> Route:
    """The row route under the server's ``server.baseUrlPath``, as Streamlit's own are."""
    return Route(under_base(PATH), endpoint, methods=["GET"])


def encoder_route() -> Route:
    return Route(under_base(ENCODER_PATH), encoder_endpoint, methods=["GET"])
