"""The page's HTML tells Streamlit's frontend where the server's root is (no 404s per page)."""

from __future__ import annotations

import asyncio
import threading

import pytest

from app_lib.server_root import ServerRoot, inject, page_depth

HTML = b"<!DOCTYPE html><html><head><title>x</title></head><body></body></html>"


@pytest.mark.parametrize(("path", "base", "depth"), [
    ("/", "", 0), ("/train", "", 1), ("/train/", "", 1), ("/a/b", "", 2),
    ("/foo", "foo", 0), ("/foo/train", "foo", 1), ("/foo/train", "/foo/", 1),
    ("/other/train", "foo", 0),
])
def test_the_page_s_depth_below_the_base(path, base, depth):
    assert page_depth(path, base) == depth


def test_the_script_goes_first_in_the_head():
    edited = inject(HTML, 1)
    assert edited.startswith(b"<!DOCTYPE html><html><head><script>")
    assert b"BACKEND_BASE_URL" in edited and b"length-1" in edited
    assert edited.endswith(b"<title>x</title></head><body></body></html>")
    assert inject(b"no head here", 1) == b"no head here"


def _serve(scope: dict, status: int = 200, encoding: bytes | None = None,
           chunks: tuple[bytes, ...] = (HTML[:20], HTML[20:])) -> tuple[list[dict], list[dict]]:
    seen, sent = [], []

    async def app(scope, receive, send):
        seen.append(scope)
        headers = [(b"content-type", b"text/html; charset=utf-8"),
                   (b"content-length", str(len(HTML)).encode())]
        if encoding:
            headers.append((b"content-encoding", encoding))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        for i, chunk in enumerate(chunks):
            await send({"type": "http.response.body", "body": chunk,
                        "more_body": i < len(chunks) - 1})

    async def receive():
        return {"type": "http.request"}

    async def send(message):
        sent.append(message)

    middleware = ServerRoot(app, base_url_path="")
    runner = threading.Thread(target=lambda: asyncio.run(middleware(scope, receive, send)))
    runner.start()
    runner.join(10)
    return sent, seen


def _nav(path: str, accept: bytes = b"text/html,application/xhtml+xml,*/*") -> dict:
    return {"type": "http", "method": "GET", "path": path,
            "headers": [(b"accept", accept), (b"accept-encoding", b"gzip, br")]}


def _body(sent: list[dict]) -> bytes:
    return b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def test_a_page_s_html_names_the_root_with_a_matching_length():
    sent, seen = _serve(_nav("/train"))
    body = _body(sent)
    assert body == inject(HTML, 1)
    assert dict(sent[0]["headers"])[b"content-length"] == str(len(body)).encode()
    assert b"accept-encoding" not in dict(seen[0]["headers"])  # plain HTML, to edit


@pytest.mark.parametrize("scope", [
    _nav("/"),                                   # the root: nothing to guess
    _nav("/_stcore/health"),                     # Streamlit's API
    _nav("/train", accept=b"*/*"),               # a fetch, not a navigation
    {"type": "websocket", "path": "/train/_stcore/stream", "headers": []},
])
def test_everything_else_passes_through_untouched(scope):
    sent, seen = _serve(scope)
    assert seen == [scope]
    assert _body(sent) == HTML


def test_compressed_or_failed_responses_are_not_edited():
    assert _body(_serve(_nav("/train"), encoding=b"gzip")[0]) == HTML
    assert _body(_serve(_nav("/train"), status=304)[0]) == HTML
