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

import weakref
from typing import Any
from urllib.parse import urlencode

import numpy as np
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ae_core.binpack import pack
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
    return _resolve_and_answer(params)[0]


def _resolve_and_answer(params: dict[str, Any]) -> tuple[bytes, Any, Any]:
    """(answer, record, dataset): the map and dataset found (or loaded) for the request."""
    dataset, _, split, record = map_of(params)
    from app_lib import cache  # deferred: the dataset's images need torch

    data = cache.get_dataset(dataset)
    return _row(record, data, split, params), record, data


def _row(record, data, split: str, params: dict[str, Any]) -> bytes:
    try:
        row = int(str(params.get("row", "")))
    except ValueError as error:
        raise RowNotServed("no such row") from error
    if not 0 <= row < len(record.space.codes):
        raise RowNotServed("no such row")
    from app_lib import cache  # deferred: as above

    x = cache.image_at(data, split, row)
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


_HELD: dict[tuple[str, ...], tuple[weakref.ref, weakref.ref]] = {}
"""(dataset, model, split, map id) → the map record and dataset an earlier request found,
held weakly: while the caches keep them, a row of that map needs no lookup at all."""
_HELD_MAX = 64


def _held(key: tuple[str, ...]) -> tuple[Any, Any] | None:
    refs = _HELD.get(key)
    if refs is None:
        return None
    record, data = refs[0](), refs[1]()
    return None if record is None or data is None else (record, data)


def _hold(key: tuple[str, ...], record, data) -> None:
    if len(_HELD) >= _HELD_MAX:  # forget what the caches have dropped, then the oldest
        for stale in [k for k in _HELD if _held(k) is None] or [next(iter(_HELD))]:
            del _HELD[stale]
    _HELD[key] = (weakref.ref(record), weakref.ref(data))


async def endpoint(request: Request) -> Response:
    """A row of a map an earlier request found, while its record and dataset are still in
    memory, is answered on the event loop (about half a millisecond: no catalog, no file
    stamps, no loading); the thread pool's hop would cost more than that, on every click
    of a class clicking at once. Anything else (the first row, a map or dataset the
    caches have dropped) is found, or loaded, in the thread pool."""
    params = dict(request.query_params)
    key = tuple(str(params.get(k, "")) for k in ("dataset", "model", "split", "map"))
    held = _held(key)
    if held is not None:
        return _answer(lambda p: _row(*held, key[2], p), params)

    def resolve(p: dict[str, Any]) -> bytes:
        body, record, data = _resolve_and_answer(p)
        _hold(key, record, data)
        return body

    return await run_in_threadpool(_answer, resolve, params)


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
