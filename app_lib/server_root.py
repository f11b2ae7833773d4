"""Tell the browser where the server's root is, so a page's first load makes no failed requests.

Opened at a page's URL (``/train``), Streamlit's frontend does not know whether
``/train`` is a page or the prefix the app is served under, so it tries the page's
path first: ``/train/_stcore/health`` and ``/train/_stcore/host-config``, two 404s
in the console of every page, then the parent, which answers. The frontend takes
the answer from ``window.__streamlit.BACKEND_BASE_URL`` when a host sets it.

:class:`ServerRoot` sets it in the page's HTML. The server knows how many of the
path's segments are the page (those below ``server.baseUrlPath``); the browser
knows the full address, including any prefix a proxy stripped on the way. So the
script drops that many segments from the address the browser shows, and the
frontend connects to the right root at once.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

Message = MutableMapping[str, Any]

CORE_PREFIX = "_stcore"


def page_depth(path: str, base_url_path: str = "") -> int:
    """How many trailing segments of ``path`` are below the server's base (0 at the root)."""
    segments = [s for s in path.split("/") if s]
    base = [s for s in base_url_path.split("/") if s]
    if segments[:len(base)] != base:
        return 0
    return len(segments) - len(base)


def script(depth: int) -> bytes:
    """A classic inline script that runs before Streamlit's module script reads the setting."""
    return ("<script>(function(){var s=window.location.pathname.replace(/\\/+$/,'')"
            f".split('/');s.length=Math.max(s.length-{int(depth)},1);"
            "window.__streamlit=Object.assign({},window.__streamlit,"
            "{BACKEND_BASE_URL:window.location.origin+(s.join('/')||'/')});})();</script>"
            ).encode("ascii")


def inject(html: bytes, depth: int) -> bytes:
    """``html`` with :func:`script` right after ``<head>`` (unchanged without a head)."""
    at = html.find(b"<head>")
    if at < 0:
        return html
    at += len(b"<head>")
    return html[:at] + script(depth) + html[at:]


def _base_url_path() -> str:
    from streamlit import config  # deferred: read per request, after the config loaded

    return str(config.get_option("server.baseUrlPath") or "")


def _wants_html(scope: MutableMapping[str, Any]) -> bool:
    """A browser's navigation to a page: a GET that accepts HTML, outside Streamlit's API."""
    if scope.get("type") != "http" or scope.get("method") != "GET":
        return False
    if f"/{CORE_PREFIX}/" in str(scope.get("path", "")) + "/":
        return False
    accept = dict(scope.get("headers") or []).get(b"accept", b"")
    return b"text/html" in accept


class ServerRoot:
    """ASGI middleware: a page's HTML tells the frontend where the server's root is.

    Only navigations below the root change: their request goes on without
    ``Accept-Encoding`` (the page's HTML is small; uncompressed, it can be edited)
    and the script goes into the HTML. Everything else passes through untouched.
    """

    def __init__(self, app, base_url_path: str | None = None):
        self.app = app
        self.base_url_path = base_url_path

    async def __call__(self, scope, receive, send) -> None:
        depth = page_depth(str(scope.get("path", "")), self.base_url_path
                           if self.base_url_path is not None else _base_url_path())
        if depth == 0 or not _wants_html(scope):
            await self.app(scope, receive, send)
            return
        headers = [(k, v) for k, v in scope.get("headers") or [] if k != b"accept-encoding"]
        start: Message | None = None
        body: list[bytes] = []

        async def send_edited(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body"):
                return
            await _send_page(send, start, b"".join(body), depth)

        await self.app({**scope, "headers": headers}, receive, send_edited)


async def _send_page(send, start: Message, html: bytes, depth: int) -> None:
    """The response as it came, with the script in it if it is plain HTML."""
    headers = list(start.get("headers") or [])
    fields = {k.lower(): v for k, v in headers}
    if (b"text/html" in fields.get(b"content-type", b"")
            and b"content-encoding" not in fields and start.get("status") == 200):
        html = inject(html, depth)
        headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(html)).encode("ascii")))
    await send({**start, "headers": headers})
    await send({"type": "http.response.body", "body": html})
