"""The WebGL pixel ratio: hint parsing, the cookie, and the ASGI middleware that sets it."""

from __future__ import annotations

import asyncio
import threading

import pytest

from app_lib import figures, pixel_ratio
from app_lib.pixel_ratio import COOKIE, DEFAULT, ClientHints, from_cookies, parse


@pytest.mark.parametrize(("raw", "expected"), [
    ("1", 1.0), ("1.5", 1.5), (" 2 ", 2.0), (b"1.25", 1.25),
    ("3", 2.0), ("0.5", 1.0),          # clamped: never above Plotly's 2, never below 1
    ("1.333333", 1.33),
])
def test_a_usable_ratio_is_parsed_and_clamped(raw, expected):
    assert parse(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "abc", "nan", "inf", "-1", "0", "1;2"])
def test_an_unusable_ratio_is_none(raw):
    assert parse(raw) is None


def test_a_session_without_the_cookie_keeps_plotly_s_default():
    assert from_cookies({}) == DEFAULT == 2.0
    assert from_cookies({COOKIE: "garbage"}) == DEFAULT
    assert from_cookies(None) == DEFAULT
    assert from_cookies({COOKIE: "1"}) == 1.0


def test_outside_a_server_the_session_ratio_is_the_default():
    assert pixel_ratio.for_this_session() == DEFAULT


def test_gl_config_sets_the_ratio_and_leaves_the_shared_config_alone():
    before = dict(figures.PLOTLY_CONFIG)
    config = figures.gl_config(1.0, figures.PLOTLY_CONFIG)
    assert config["plotGlPixelRatio"] == 1.0
    assert config["displaylogo"] is False
    assert before == figures.PLOTLY_CONFIG
    assert figures.gl_config(1.5) == {"plotGlPixelRatio": 1.5}


def _serve(scope: dict) -> tuple[list[dict], list[dict]]:
    """Run the middleware around a tiny app; returns (messages sent, scopes the app saw)."""
    seen, sent = [], []

    async def app(scope, receive, send):
        seen.append(scope)
        if scope["type"] == "http":
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"text/html")]})
            await send({"type": "http.response.body", "body": b"ok"})

    async def receive():
        return {"type": "http.request"}

    async def send(message):
        sent.append(message)

    # in a thread of its own: the browser tests' Playwright keeps an event loop running here
    runner = threading.Thread(target=lambda: asyncio.run(ClientHints(app)(scope, receive, send)))
    runner.start()
    runner.join(10)
    return sent, seen


def _headers(sent: list[dict]) -> dict[bytes, list[bytes]]:
    out: dict[bytes, list[bytes]] = {}
    for name, value in sent[0]["headers"]:
        out.setdefault(name, []).append(value)
    return out


def _http(*headers: tuple[bytes, bytes], path: str = "/_stcore/host-config") -> dict:
    return {"type": "http", "path": path, "headers": list(headers)}


def test_every_page_asks_for_the_hint_and_keeps_its_own_headers():
    sent, _ = _serve(_http())
    headers = _headers(sent)
    assert headers[b"accept-ch"] == [b"Sec-CH-DPR"]
    assert headers[b"content-type"] == [b"text/html"]
    assert b"set-cookie" not in headers          # no hint yet: nothing to remember
    assert sent[1]["body"] == b"ok"


def test_a_hint_becomes_the_cookie():
    sent, _ = _serve(_http((b"sec-ch-dpr", b"1")))
    cookie = _headers(sent)[b"set-cookie"][0].decode()
    assert cookie.startswith(f"{COOKIE}=1;")
    assert "Path=/" in cookie and "SameSite=Strict" in cookie


def test_a_hint_is_clamped_before_it_is_stored():
    sent, _ = _serve(_http((b"sec-ch-dpr", b"3")))
    assert _headers(sent)[b"set-cookie"][0].decode().startswith(f"{COOKIE}=2;")


def test_the_cookie_is_sent_again_only_when_the_screen_changed():
    same = _http((b"sec-ch-dpr", b"1.5"), (b"cookie", f"a=b; {COOKIE}=1.5".encode()))
    assert b"set-cookie" not in _headers(_serve(same)[0])
    moved = _http((b"sec-ch-dpr", b"1"), (b"cookie", f"{COOKIE}=2; a=b".encode()))
    assert _headers(_serve(moved)[0])[b"set-cookie"][0].decode().startswith(f"{COOKIE}=1;")


@pytest.mark.parametrize("path", ["/", "/static/js/index.js", "/explore",
                                  "/static/_stcore/x.js", "/explore/_stcore/health",
                                  "/_stcore/health/x"])
def test_cached_or_page_responses_never_carry_the_cookie(path):
    """Static files are cached for long: a cookie there could be replayed to another visitor."""
    headers = _headers(_serve(_http((b"sec-ch-dpr", b"1"), path=path))[0])
    assert b"set-cookie" not in headers and headers[b"accept-ch"] == [b"Sec-CH-DPR"]


def test_a_garbage_hint_sets_nothing():
    assert b"set-cookie" not in _headers(_serve(_http((b"sec-ch-dpr", b"lots")))[0])


@pytest.mark.parametrize("kind", ["websocket", "lifespan"])
def test_websockets_and_the_lifespan_pass_through_untouched(kind):
    scope = {"type": kind, "headers": [(b"sec-ch-dpr", b"1")]}
    sent, seen = _serve(scope)
    assert seen == [scope] and sent == []
