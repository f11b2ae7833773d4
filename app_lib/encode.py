"""A drawing's code and reconstruction over plain HTTP, for a model the page cannot run.

The Explore page's drawing pad encodes a drawing in the page when the map's message holds
the encoder (``ae_core.webdecoder.encoder_parts``) and the decoder. When either is too
large or has a layer the page cannot run, one stroke costs one round trip here instead:
the page prepares the image itself (``ae_core.drawing``'s steps, in ``drawpad.js``) and
posts its float32 pixels; the answer is the code and the reconstruction. No rerun, so a
class drawing at once does not queue behind every session's script.

``POST <server root>/_latent/encode?dataset=&model=&split=&map=`` with the body the image
(float32 little-endian, (C, H, W) in [0, 1]) answers an ``ae_core.binpack`` message:
arrays ``code`` (float32 (d,)) and ``recon`` (float32 (C, H, W)). As for
``app_lib.rows``, only maps this server has opened are served.
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

import numpy as np
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ae_core.binpack import pack
from app_lib import catalog, maps, rows

PATH = "_latent/encode"
MAX_BODY = 4 * 3 * 512 * 512
"""The largest body read: one float32 RGB image of 512 × 512, above any dataset's."""


class NotEncoded(LookupError):
    """The request names no map this server has opened, or its body is not one image."""


def encode_url(dataset: str, choice: catalog.ModelChoice, split: str,
               map_id: str) -> str | None:
    """The address (relative to the server's root) that encodes drawings for one map, or
    None when it cannot be served (a session's upload)."""
    if maps.record_key(dataset, choice, split) is None:
        return None
    query = {"dataset": dataset, "model": choice.key, "split": split, "map": map_id}
    return f"{PATH}?{urlencode(query)}"


def encode_message(params: dict[str, Any], body: bytes) -> bytes:
    """The answer to one request; raises :class:`NotEncoded`."""
    try:
        dataset, choice, _, record = rows.map_of(params)
    except rows.RowNotServed as refused:
        raise NotEncoded(str(refused)) from refused
    shape = tuple(int(v) for v in record.facts["image_shape"])
    if len(body) != 4 * math.prod(shape):
        raise NotEncoded("the body is not one image of this dataset")
    x = np.frombuffer(body, dtype="<f4").reshape(1, *shape)
    if not np.isfinite(x).all():
        raise NotEncoded("the image has non-finite pixels")
    x = np.clip(x, 0.0, 1.0)
    from app_lib import cache  # deferred: the model needs torch

    model = cache.get_model(dataset, choice)
    code = model.encode(x)
    recon = model.decode(code)
    return pack({"latent_dim": int(code.shape[-1])},
                {"code": np.ascontiguousarray(code[0], dtype=np.float32),
                 "recon": np.ascontiguousarray(recon[0], dtype=np.float32)})


async def endpoint(request: Request) -> Response:
    """Reads the body on the event loop, encodes in Starlette's thread pool."""
    try:
        length = int(request.headers.get("content-length", "0"))
    except ValueError:
        length = MAX_BODY + 1
    if length > MAX_BODY:
        return Response("too large", status_code=413, media_type="text/plain")
    body = await request.body()
    try:
        answer = await run_in_threadpool(encode_message, dict(request.query_params), body)
    except NotEncoded as refused:
        return Response(str(refused), status_code=404, media_type="text/plain")
    return Response(answer, media_type="application/octet-stream",
                    headers={"Cache-Control": "no-store"})


def route() -> Route:
    """The route under the server's ``server.baseUrlPath``, as Streamlit's own are."""
    from streamlit import config  # deferred: read when app.py builds the route

    base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    return Route(f"/{base}/{PATH}" if base else f"/{PATH}", endpoint, methods=["POST"])
