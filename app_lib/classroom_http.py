"""The class's two HTTP routes on the app's own server (``st.App``'s routes, Starlette).

``POST <root>/_latent/class/<code>`` with header ``X-Class-Secret``: the teacher's page
sends a small JSON state message (``app_lib.classroom.STATE_FIELDS``); 204, or 403 without
the class's secret, 404 for no such class, 400 for anything else.

``GET <root>/_latent/class/<code>/events``: a student's ``EventSource``. Server-sent
events suit a one-way push: plain HTTP that proxies pass (``docs/deploy.md``), and the
browser reconnects by itself. The stream is an async generator on the server's event
loop: it waits on its own queue and never blocks the loop (a Redis read of the class's
state goes to a worker thread); the response leaves Streamlit's gzip middleware alone
(``text/event-stream`` is excluded), so each message is flushed as it is written.
"""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from app_lib import classroom

PATH = "_latent/class"
SECRET_HEADER = "x-class-secret"


async def post_state(request: Request) -> Response:
    code = classroom.normal_code(request.path_params.get("code"))
    if code is None:
        return Response("no such class", status_code=404, media_type="text/plain")
    body = await request.body()
    if len(body) > classroom.MAX_BODY:
        return Response("message too large", status_code=413, media_type="text/plain")
    channel = classroom.channel()
    secret = request.headers.get(SECRET_HEADER)
    try:
        if channel.local:  # microseconds, in memory: no thread hop
            channel.publish(code, secret, body)
        else:
            await asyncio.to_thread(channel.publish, code, secret, body)
    except classroom.ClassNotFound:
        return Response("no such class", status_code=404, media_type="text/plain")
    except classroom.NotTeacher:
        return Response("not this class's teacher", status_code=403, media_type="text/plain")
    except classroom.BadMessage as error:
        return Response(str(error), status_code=400, media_type="text/plain")
    return Response(status_code=204, headers={"Cache-Control": "no-store"})


async def events(request: Request) -> Response:
    code = classroom.normal_code(request.path_params.get("code"))
    channel = classroom.channel()
    exists = code is not None and (channel.exists(code) if channel.local
                                   else await asyncio.to_thread(channel.exists, code))
    if not exists:
        return Response("no such class", status_code=404, media_type="text/plain")
    return StreamingResponse(channel.events(code), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache, no-transform",
                                      "X-Accel-Buffering": "no"})


def routes() -> list[Route]:
    """Both routes under the server's ``server.baseUrlPath``, as ``app_lib.rows.route``."""
    from streamlit import config  # deferred: read when app.py builds the route

    base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    prefix = f"/{base}/{PATH}" if base else f"/{PATH}"
    return [Route(prefix + "/{code}", post_state, methods=["POST"]),
            Route(prefix + "/{code}/events", events, methods=["GET"])]
