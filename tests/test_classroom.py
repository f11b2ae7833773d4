"""The class channel: codes, the teacher's secret, state, and the followers' streams.

Every channel test runs on the in-process channel and, when ``redis-server`` is installed,
on Redis (a private server on a free port), where two channel objects stand for two
replicas of the app.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import time

import pytest
from starlette.requests import Request

from app_lib import classroom, classroom_http
from tests.async_run import run_coroutine
from tests.browser.driver import free_port


def test_codes_are_short_and_unambiguous():
    codes = {classroom.new_code() for _ in range(200)}
    assert len(codes) > 190
    for code in codes:
        assert len(code) == 6
        assert not set(code) & set("01OIL")
        assert classroom.normal_code(code.lower()[:3] + " - " + code[3:]) == code
    assert classroom.normal_code("ABC12") is None
    assert classroom.normal_code("ABCDE0") is None  # 0 is not in the alphabet
    assert classroom.normal_code(None) is None


@pytest.mark.parametrize("raw", [b"[]", b"{}", b"not json", b'{"z": "far"}', b'{"row": 1.5}',
                                 b'{"z": [1, NaN]}', b'{"row": true}', b"x" * 9000])
def test_bad_messages_are_refused(raw):
    with pytest.raises(classroom.BadMessage):
        classroom.clean_message(raw)


def test_unknown_fields_are_dropped():
    assert classroom.clean_message(b'{"z": [0.5, -1], "row": null, "evil": 1}') == {
        "z": [0.5, -1], "row": None}


@pytest.fixture(scope="module")
def redis_url():
    exe = shutil.which("redis-server")
    if exe is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(params=["local", "redis"])
def replicas(request):
    """Two channels as two replicas of the app see the classes."""
    if request.param == "local":
        one = classroom.LocalChannel()
        return one, one
    url = request.getfixturevalue("redis_url")
    return classroom.RedisChannel(url), classroom.RedisChannel(url)


def _events(data: bytes) -> list[dict]:
    return [json.loads(line[6:]) for line in data.decode().splitlines()
            if line.startswith("data: ")]


async def _follow(channel, code, count, timeout=5.0) -> list[dict]:
    """The first ``count`` events a follower's stream yields."""
    got: list[dict] = []
    stream = channel.events(code)
    try:
        while len(got) < count:
            got += _events(await asyncio.wait_for(anext(stream), timeout))
    finally:
        await stream.aclose()
    return got


def test_only_the_secret_controls_a_class(replicas):
    teacher, student = replicas
    code, secret = teacher.start()
    assert classroom.normal_code(code) == code and secret != code
    assert student.exists(code)
    with pytest.raises(classroom.NotTeacher):
        student.publish(code, None, {"z": [1.0, 2.0]})
    with pytest.raises(classroom.NotTeacher):
        student.publish(code, code, {"z": [1.0, 2.0]})  # the code is not the secret
    with pytest.raises(classroom.NotTeacher):
        student.end(code, "guess")
    with pytest.raises(classroom.ClassNotFound):
        student.publish("ZZZZZZ", secret, {"z": [1.0, 2.0]})
    teacher.publish(code, secret, {"z": [1.0, 2.0]})
    assert student.state(code)["z"] == [1.0, 2.0]


def test_a_follower_gets_the_state_then_each_message(replicas):
    teacher, student = replicas
    code, secret = teacher.start()
    teacher.publish(code, secret, {"z": [0.1, 0.2], "page": "/explore", "map": "m1"})

    async def scenario():
        stream = asyncio.create_task(_follow(student, code, 3))
        await asyncio.sleep(0.3)  # the follower is connected
        await asyncio.to_thread(teacher.publish, code, secret, {"z": [0.3, 0.4], "row": 7})
        await asyncio.to_thread(teacher.publish, code, secret, {"a": {"z": [1, 1], "row": None}})
        return await stream

    first, moved, ab = run_coroutine(scenario())
    assert first["snapshot"] and first["z"] == [0.1, 0.2] and first["page"] == "/explore"
    assert moved["z"] == [0.3, 0.4] and moved["row"] == 7 and moved["t"] > 0
    assert ab["a"] == {"z": [1, 1], "row": None}
    state = student.state(code)
    assert state["z"] == [0.3, 0.4] and state["map"] == "m1" and state["row"] == 7


def test_ending_a_class_ends_its_streams(replicas):
    teacher, student = replicas
    code, secret = teacher.start()

    async def scenario():
        stream = asyncio.create_task(_follow(student, code, 2))
        await asyncio.sleep(0.3)
        await asyncio.to_thread(teacher.end, code, secret)
        return await stream

    snapshot, ended = run_coroutine(scenario())
    assert snapshot["snapshot"] and ended == {"ended": True}
    assert not student.exists(code)
    assert run_coroutine(_follow(student, code, 1)) == [{"ended": True}]


def test_classes_expire(monkeypatch):
    channel = classroom.LocalChannel()
    monkeypatch.setattr(classroom, "TTL_S", 0.05)
    code, secret = channel.start()
    assert channel.exists(code)
    time.sleep(0.1)
    assert not channel.exists(code)
    with pytest.raises(classroom.ClassNotFound):
        channel.publish(code, secret, {"row": 1})


# ------------------------------------------------------------------ the HTTP route


def _post(path_code: str, body: bytes, secret: str | None) -> int:
    headers = [(b"content-type", b"application/json")]
    if secret is not None:
        headers.append((classroom_http.SECRET_HEADER.encode(), secret.encode()))
    scope = {"type": "http", "method": "POST", "path": f"/_latent/class/{path_code}",
             "headers": headers, "query_string": b"", "path_params": {"code": path_code}}

    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    return run_coroutine(classroom_http.post_state(Request(scope, receive))).status_code


def test_the_route_checks_the_secret(monkeypatch):
    channel = classroom.LocalChannel()
    monkeypatch.setattr(classroom, "_CHANNEL", channel)
    code, secret = channel.start()
    move = b'{"z": [0.5, 0.5]}'
    assert _post(code, move, None) == 403
    assert _post(code, move, "not-it") == 403
    assert channel.state(code) == {}
    assert _post(code, move, secret) == 204
    assert channel.state(code)["z"] == [0.5, 0.5]
    assert _post(code, b'{"z": "far"}', secret) == 400
    assert _post("ZZZZZZ", move, secret) == 404
    assert _post(code.lower(), move, secret) == 204  # a code as typed
