"""Draw WebGL maps at the screen's own pixel density, not always at twice it.

Plotly renders every WebGL trace at ``plotGlPixelRatio`` (default 2) times the
plot's size, whatever the screen. On a 1× screen (most projectors and classroom
PCs) the browser then shrinks a canvas of four times the pixels, and a browser
without GPU acceleration paints all of them on the CPU: measured in headless
Chromium, one redraw of the 70k-point map took 320 ms at ratio 2 against 160 ms
at 1, and a click redraws the map (Plotly restyles its selection).

The server cannot see the screen, so it asks: :class:`ClientHints` sends
``Accept-CH: Sec-CH-DPR``; browsers that support client hints (Chrome, Edge;
on https or localhost) then put the device pixel ratio on their next requests,
and the middleware hands it back as a cookie, which the session's websocket
(it carries cookies, not hints) makes readable through ``st.context.cookies``.
Browsers that send no hint keep Plotly's 2 — exactly what they had before.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

COOKIE = "latent_explorer_dpr"
HINT = b"sec-ch-dpr"
DEFAULT = 2.0
"""Plotly's own default: what a browser gets when it tells us nothing."""
LOWEST, HIGHEST = 1.0, 2.0
"""Never below the screen's pixels (blurry), never above Plotly's default (slower)."""

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
                   Awaitable[None]]


def parse(value: str | bytes | None) -> float | None:
    """A device pixel ratio from a hint or cookie, clamped to [1, 2]; None if unusable."""
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    try:
        ratio = float(value.strip())
    except ValueError:
        return None
    if not math.isfinite(ratio) or ratio <= 0:
        return None
    return round(min(max(ratio, LOWEST), HIGHEST), 2)


def from_cookies(cookies: MutableMapping[str, str] | Any) -> float:
    """The ratio to draw at for a session with these cookies (Plotly's default if none)."""
    try:
        ratio = parse(cookies.get(COOKIE))
    except (AttributeError, TypeError):
        ratio = None
    return DEFAULT if ratio is None else ratio


def for_this_session() -> float:
    """The ratio for the session running this script (Plotly's default without a cookie,
    as in bare mode and AppTest)."""
    import streamlit as st  # deferred: the middleware runs before Streamlit's runtime

    return from_cookies(st.context.cookies)


def _cookie_value(headers: list[tuple[bytes, bytes]]) -> float | None:
    for name, value in headers:
        if name == b"cookie":
            for part in value.decode("latin-1").split(";"):
                key, _, val = part.strip().partition("=")
                if key == COOKIE:
                    return parse(val)
    return None


COOKIE_ENDPOINTS = ("_stcore/health", "_stcore/host-config")
"""Where the cookie may be set: Streamlit's own endpoints (health, host-config) at the
server's root, which the page fetches before it opens its websocket and which no cache
keeps. Static files are cached for long, and a cookie on a cached response could reach
another visitor; any other path containing ``/_stcore/`` (``/static/_stcore/x.js``) is
answered with the page itself, so it gets no cookie either."""


def is_cookie_endpoint(path: str) -> bool:
    """``path`` is one of :data:`COOKIE_ENDPOINTS` under the server's base URL path."""
    from streamlit import config  # deferred: read per request, after the config loaded

    base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    prefix = f"/{base}/" if base else "/"
    return path in {prefix + endpoint for endpoint in COOKIE_ENDPOINTS}


class ClientHints:
    """ASGI middleware: ask for ``Sec-CH-DPR`` and remember it in a cookie.

    Only plain HTTP responses change; websockets and the lifespan pass through.
    The cookie is set only on Streamlit's own endpoints (see ``COOKIE_ENDPOINTS``) and
    only when the hint differs from it (first visit, or the window moved to
    another screen and the page was reloaded).
    """

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive, send) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        headers = list(scope.get("headers") or [])
        hinted = parse(next((v for k, v in headers if k == HINT), None))
        stale = (hinted is not None and is_cookie_endpoint(str(scope.get("path", "")))
                 and hinted != _cookie_value(headers))

        async def send_with_hints(message: Message) -> None:
            if message.get("type") == "http.response.start":
                extra = [(b"accept-ch", b"Sec-CH-DPR")]
                if stale:
                    extra.append((b"set-cookie", f"{COOKIE}={hinted:g}; Path=/; SameSite=Strict; "
                                                 "Max-Age=31536000".encode("latin-1")))
                message["headers"] = list(message.get("headers") or []) + extra
            await send(message)

        await self.app(scope, receive, send_with_hints)
