"""What the Explore page tells the server without a rerun: clicks and released positions.

The page draws everything a click or a released slider shows: the original comes from
``app_lib.rows``, the reconstruction, the error and every generated image are decoded in
the page, and the page updates its own address bar. The server has nothing to draw for
them; it only has to remember them, so that the session's next run (a page switch, a new
language, A and B) starts where the user is. A component event would rerun the page's
fragment for each of them, and with a class clicking at once every such rerun (the
server's work, then each browser re-rendering its fragment) slowed everyone's next image
(``benchmarks/README.md``). So the page posts them here, and the session applies them the
next time its script runs (:func:`take`, through ``app_lib.explorer.apply_inbox``).

``POST <server root>/_latent/inbox/<token>`` with a JSON event ``{"kind": "click" |
"position", "z": [numbers], "row": int | null, "seq": int}`` of at most :data:`MAX_BODY`
bytes: 204; 404 for a token no session holds (the page then sends the event as a
component event, so nothing is lost across a server restart); 400 for anything else. The
token is a random secret that one session draws for its canvas (:func:`open_box`) and
that only its page holds. The event is checked against the map when it is applied
(``app_lib.explorer.on_canvas_action``); here only its form is. The server keeps at most
:data:`MAX_BOXES` boxes (the least recently used go first) and the last
:data:`MAX_EVENTS` events of each: a later position supersedes an earlier one.
"""

from __future__ import annotations

import json
import math
import secrets
import threading
from collections import OrderedDict, deque
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

PATH = "_latent/inbox"
KINDS = ("click", "position")
MAX_BODY = 16_384   # a position of a few hundred latent dimensions, as JSON
MAX_DIM = 1024
MAX_EVENTS = 16
MAX_BOXES = 4096    # sessions; an evicted one falls back to component events


class BadEvent(ValueError):
    """The body is not an event of :data:`KINDS`."""


class Inbox:
    """Events per token, thread-safe: the route writes from the server's event loop, a
    session's script thread takes them."""

    def __init__(self, max_boxes: int = MAX_BOXES, max_events: int = MAX_EVENTS):
        self._boxes: OrderedDict[str, deque] = OrderedDict()
        self._lock = threading.Lock()
        self.max_boxes, self.max_events = max_boxes, max_events

    def open(self, token: str | None = None) -> str:
        """A box under ``token`` (a new random one when None), kept if it already exists."""
        token = token or secrets.token_urlsafe(16)
        with self._lock:
            if token in self._boxes:
                self._boxes.move_to_end(token)
            else:
                self._boxes[token] = deque(maxlen=self.max_events)
                while len(self._boxes) > self.max_boxes:
                    self._boxes.popitem(last=False)
        return token

    def put(self, token: str, event: dict) -> bool:
        """Keep ``event`` for ``token``'s session; False when no session holds the token."""
        with self._lock:
            box = self._boxes.get(token)
            if box is None:
                return False
            box.append(event)
            self._boxes.move_to_end(token)
            return True

    def take(self, token: str) -> list[dict]:
        """The events posted since the last take, oldest first (the box stays open)."""
        with self._lock:
            box = self._boxes.get(token)
            if box is None:
                return []
            events = list(box)
            box.clear()
            return events


INBOX = Inbox()


def open_box(token: str | None = None) -> str:
    return INBOX.open(token)


def take(token: str) -> list[dict]:
    return INBOX.take(token)


def inbox_url(token: str) -> str:
    """The address (relative to the server's root) a page posts its events to."""
    return f"{PATH}/{token}"


def parse_event(body: bytes) -> dict[str, Any]:
    """The event in a request body, in its checked form; raises :class:`BadEvent`."""
    if len(body) > MAX_BODY:
        raise BadEvent("event too large")
    try:
        value = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BadEvent("not JSON") from error
    if not isinstance(value, dict) or value.get("kind") not in KINDS:
        raise BadEvent(f"kind must be one of {', '.join(KINDS)}")
    z, row, seq = value.get("z"), value.get("row"), value.get("seq")
    if (not isinstance(z, list) or not 0 < len(z) <= MAX_DIM
            or not all(_finite_number(v) for v in z)):
        raise BadEvent("z must be a list of finite numbers")
    if row is not None and not _natural(row):
        raise BadEvent("row must be a non-negative integer or null")
    if not _natural(seq):
        raise BadEvent("seq must be a non-negative integer")
    return {"kind": value["kind"], "z": [float(v) for v in z], "row": row, "seq": seq}


def _finite_number(value: Any) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value))


def _natural(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


async def endpoint(request: Request) -> Response:
    """On the event loop: a dictionary write under a lock, microseconds."""
    token = str(request.path_params.get("token", ""))
    try:
        event = parse_event(await request.body())
    except BadEvent as error:
        return Response(str(error), status_code=400, media_type="text/plain")
    if not INBOX.put(token, event):
        return Response("no such session", status_code=404, media_type="text/plain")
    return Response(status_code=204, headers={"Cache-Control": "no-store"})


def route() -> Route:
    from app_lib.rows import under_base  # the same root as the row route's

    return Route(under_base(f"{PATH}/{{token}}"), endpoint, methods=["POST"])
