"""The Explore page's inbox (``app_lib.inbox``): clicks and released positions kept for the
session's next run, without a rerun; anything else refused."""

from __future__ import annotations

import json

import pytest
from starlette.requests import Request

from app_lib import inbox
from tests.async_run import run_coroutine


def post(token: str, body: bytes):
    """The route's answer to ``POST /_latent/inbox/<token>`` (as the app mounts it)."""
    route = inbox.route()
    assert route.path == f"/{inbox.PATH}/{{token}}" and route.methods >= {"POST"}
    scope = {"type": "http", "method": "POST", "path": f"/{inbox.PATH}/{token}",
             "path_params": {"token": token}, "query_string": b"", "headers": []}

    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    return run_coroutine(inbox.endpoint(Request(scope, receive)))


def event(**fields) -> bytes:
    return json.dumps({"kind": "click", "z": [0.5, -1.0], "row": 3, "seq": 7, **fields}).encode()


def test_a_posted_click_is_kept_for_its_session_until_taken():
    token = inbox.open_box()
    assert post(token, event()).status_code == 204
    assert post(token, event(kind="position", row=None, seq=8)).status_code == 204
    assert inbox.take(token) == [
        {"kind": "click", "z": [0.5, -1.0], "row": 3, "seq": 7},
        {"kind": "position", "z": [0.5, -1.0], "row": None, "seq": 8}]
    assert inbox.take(token) == []


def test_a_token_no_session_holds_is_refused_so_the_page_reruns_instead():
    response = post("no-such-session", event())
    assert response.status_code == 404


@pytest.mark.parametrize("body", [
    b"not json", b"[]", event(kind="ab"), event(kind="drop table"), event(z=[]),
    event(z=["1", 2]), event(z=[1, True]), event(row=-1), event(row=2.5), event(seq=None),
    event(seq=-3), b'{"kind": "click", "z": [NaN, 1], "row": null, "seq": 1}',
    event(z=[0.0] * (inbox.MAX_DIM + 1)), b" " * (inbox.MAX_BODY + 1),
])
def test_anything_but_a_click_or_a_position_is_refused_and_kept_out(body):
    token = inbox.open_box()
    assert post(token, body).status_code == 400
    assert inbox.take(token) == []


def test_a_box_keeps_the_latest_events_and_the_server_the_latest_boxes():
    box = inbox.Inbox(max_boxes=2, max_events=3)
    first, second = box.open(), box.open()
    for seq in range(5):
        assert box.put(first, {"seq": seq})
    assert [e["seq"] for e in box.take(first)] == [2, 3, 4]
    box.open(first)            # a session's run opens its box again: it is the freshest
    third = box.open()
    assert not box.put(second, {"seq": 0})  # the least recently used went
    assert box.put(first, {"seq": 9}) and box.put(third, {"seq": 9})
    assert box.open(second) == second and box.put(second, {"seq": 1})  # reopened, same token
