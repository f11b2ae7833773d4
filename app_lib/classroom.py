"""A class: students follow the teacher's view live, over the server's own HTTP layer.

A teacher starts a class and gets a short code (six characters with no look-alikes, to
read out or type) and a separate secret. The teacher's page POSTs small state messages
(the map position, the clicked row, A/B, the page's address: never images) to
``<root>/_latent/class/<code>``, with the secret in a header; each student's page holds
one server-sent-events stream, ``GET <root>/_latent/class/<code>/events``, and decodes
everything itself. A Streamlit rerun per student would cost the server's one interpreter
every student's whole script on every move; a pushed message is a few hundred bytes that
the event loop hands to each open stream.

The channel keeps each class's last state (so a student who joins late, or whose stream
reconnects, starts from where the teacher is) and fans each message out to the streams
open on this server. By default it lives in this process (:class:`LocalChannel`); with
``AE_REDIS_URL`` set, classes live in Redis and messages travel by Redis pub/sub
(:class:`RedisChannel`), so a student on one replica follows a teacher on another.
A class expires ``AE_CLASS_TTL_S`` seconds (default 4 hours) after the teacher's last
message.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import math
import os
import secrets
import threading
import time
from collections.abc import AsyncIterator, Mapping
from typing import Any

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""No 0/O, 1/I/L: a code read from a projector is typed right the first time."""
CODE_LENGTH = 6
TTL_S = float(os.environ.get("AE_CLASS_TTL_S", 4 * 3600))
HEARTBEAT_S = 15.0
"""A comment line on an idle stream this often: proxies keep it open, a dead one shows."""
MAX_BODY = 8192
QUEUE_LIMIT = 256
"""A stream that falls this far behind (a stalled student) is closed; its page reconnects
and starts again from the class's state."""

STATE_FIELDS = {
    "z": list,       # the position (the map's latent vector)
    "row": int,      # the clicked row, or None
    "a": dict,       # {"z": [...], "row": r}
    "b": dict,
    "method": str,   # "linear" | "spherical"
    "page": str,     # the teacher's page: path and query (without lang, z and pt)
    "map": str,      # "dataset|model|split": the map the position belongs to
    "train": dict,   # the teacher's training: {"job", "epoch", "epochs", "loss"}
}
"""What a teacher's message may carry, and each field's JSON type (None clears it)."""


class ClassNotFound(LookupError):
    """No such class (never started, ended or expired)."""


class NotTeacher(PermissionError):
    """The request does not hold the class's secret."""


class BadMessage(ValueError):
    """A message that is not a small JSON object of known state fields."""


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normal_code(text: str | None) -> str | None:
    """A code as typed (any case, spaces, dashes) → the canonical code, or None."""
    code = "".join(ch for ch in str(text or "").upper() if ch.isalnum())
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return code


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _finite(value: Any) -> bool:
    if isinstance(value, bool):
        return True
    if isinstance(value, (int, float)):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    return True


def clean_message(raw: bytes | str | Mapping[str, Any]) -> dict[str, Any]:
    """The known state fields of a teacher's message, type-checked; raises :class:`BadMessage`."""
    if isinstance(raw, (bytes, str)):
        if len(raw) > MAX_BODY:
            raise BadMessage("message too large")
        try:
            raw = json.loads(raw)
        except ValueError as error:
            raise BadMessage("not JSON") from error
    if not isinstance(raw, Mapping):
        raise BadMessage("not an object")
    out: dict[str, Any] = {}
    for key, kind in STATE_FIELDS.items():
        if key not in raw:
            continue
        value = raw[key]
        if value is not None and (not isinstance(value, kind) or isinstance(value, bool)
                                  or not _finite(value)):
            raise BadMessage(f"bad {key}")
        out[key] = value
    if not out:
        raise BadMessage("no state fields")
    return out


def _event(message: Mapping[str, Any]) -> bytes:
    return f"data: {json.dumps(message, separators=(',', ':'))}\n\n".encode()


class _Fanout:
    """The streams open on this server, per class: each an asyncio queue on its loop.

    ``send`` may be called from any thread (a Redis listener, a Streamlit script thread):
    it hands the message to each stream's own event loop.
    """

    def __init__(self) -> None:
        self._streams: dict[str, set[tuple[asyncio.AbstractEventLoop, asyncio.Queue]]] = {}
        self._lock = threading.Lock()

    def add(self, code: str) -> tuple[asyncio.AbstractEventLoop, asyncio.Queue]:
        entry = (asyncio.get_running_loop(), asyncio.Queue(QUEUE_LIMIT))
        with self._lock:
            self._streams.setdefault(code, set()).add(entry)
        return entry

    def remove(self, code: str, entry) -> None:
        with self._lock:
            streams = self._streams.get(code)
            if streams is not None:
                streams.discard(entry)
                if not streams:
                    del self._streams[code]

    def count(self, code: str) -> int:
        with self._lock:
            return len(self._streams.get(code, ()))

    def send(self, code: str, data: bytes) -> None:
        with self._lock:
            streams = list(self._streams.get(code, ()))
        for loop, queue in streams:
            with contextlib.suppress(RuntimeError):  # a loop that has closed
                loop.call_soon_threadsafe(_put, queue, data)


def _put(queue: asyncio.Queue, data: bytes) -> None:
    try:
        queue.put_nowait(data)
    except asyncio.QueueFull:  # a stalled stream: close it, its page reconnects from the state
        while not queue.empty():
            queue.get_nowait()
        queue.put_nowait(b"")


class Channel:
    """What every backend does: classes, their state, and the streams that follow them."""

    local = True

    def __init__(self) -> None:
        self.fanout = _Fanout()

    # --- a backend's part
    def _create(self, code: str, digest: str) -> bool:
        raise NotImplementedError

    def _digest_of(self, code: str) -> str | None:
        raise NotImplementedError

    def _store(self, code: str, fields: dict[str, Any]) -> None:
        raise NotImplementedError

    def _publish(self, code: str, data: bytes) -> None:
        raise NotImplementedError

    def state(self, code: str) -> dict[str, Any] | None:
        """The class's last state (None: no such class)."""
        raise NotImplementedError

    def _delete(self, code: str) -> None:
        raise NotImplementedError

    # --- the same for every backend
    def start(self) -> tuple[str, str]:
        """A new class: (code, secret)."""
        secret = secrets.token_urlsafe(18)
        for _ in range(20):
            code = new_code()
            if self._create(code, _digest(secret)):
                return code, secret
        raise RuntimeError("no free class code")

    def exists(self, code: str) -> bool:
        return self._digest_of(code) is not None

    def is_teacher(self, code: str, secret: str | None) -> bool:
        digest = self._digest_of(code)
        return bool(secret) and digest is not None and hmac.compare_digest(
            _digest(str(secret)), digest)

    def publish(self, code: str, secret: str | None, message: Mapping[str, Any] | bytes | str
                ) -> dict[str, Any]:
        """Check the secret, keep the state, send the message to every follower."""
        if not self.exists(code):
            raise ClassNotFound(code)
        if not self.is_teacher(code, secret):
            raise NotTeacher(code)
        fields = clean_message(message)
        fields["t"] = time.time()  # the server's clock: latency figures, stale detection
        self._store(code, fields)
        self._publish(code, _event(fields))
        return fields

    def end(self, code: str, secret: str | None) -> None:
        if not self.is_teacher(code, secret):
            raise NotTeacher(code)
        self._delete(code)
        self._publish(code, _event({"ended": True}))

    async def events(self, code: str) -> AsyncIterator[bytes]:
        """One follower's stream: the state, then each message, heartbeats while idle.

        Runs on the event loop and never blocks it: a backend whose state read does I/O
        (Redis) is read in a worker thread.
        """
        entry = self.fanout.add(code)
        try:
            state = (self.state(code) if self.local
                     else await asyncio.to_thread(self.state, code))
            if state is None:
                yield _event({"ended": True})
                return
            yield b"retry: 1000\n" + _event({**state, "snapshot": True})
            queue = entry[1]
            while True:
                try:
                    data = await asyncio.wait_for(queue.get(), HEARTBEAT_S)
                except TimeoutError:
                    yield b": hb\n\n"
                    continue
                if not data:
                    return
                yield data
                if b'"ended":true' in data:
                    return
        finally:
            self.fanout.remove(code, entry)


class LocalChannel(Channel):
    """Classes in this process: the default, one server, no extra service."""

    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def _live(self, code: str) -> dict[str, Any] | None:
        entry = self._classes.get(code)
        if entry is not None and entry["expires"] < time.time():
            del self._classes[code]
            return None
        return entry

    def _create(self, code: str, digest: str) -> bool:
        with self._lock:
            for old in [c for c, e in self._classes.items() if e["expires"] < time.time()]:
                del self._classes[old]
            if code in self._classes:
                return False
            self._classes[code] = {"digest": digest, "state": {},
                                   "expires": time.time() + TTL_S}
            return True

    def _digest_of(self, code: str) -> str | None:
        with self._lock:
            entry = self._live(code)
            return entry["digest"] if entry else None

    def _store(self, code: str, fields: dict[str, Any]) -> None:
        with self._lock:
            entry = self._live(code)
            if entry is not None:
                entry["state"].update(fields)
                entry["expires"] = time.time() + TTL_S

    def _publish(self, code: str, data: bytes) -> None:
        self.fanout.send(code, data)

    def state(self, code: str) -> dict[str, Any] | None:
        with self._lock:
            entry = self._live(code)
            return dict(entry["state"]) if entry else None

    def _delete(self, code: str) -> None:
        with self._lock:
            self._classes.pop(code, None)


class RedisChannel(Channel):
    """Classes in Redis: every replica behind the load balancer sees every class.

    A class is one hash, ``latent:class:<code>`` (``digest``, and one field per state
    key, JSON), expiring ``TTL_S`` after the teacher's last message. Messages go out on
    the pub/sub channel of the same name; each replica holds one pattern subscription
    (a thread) and fans each message out to its own open streams.
    """

    local = False
    PREFIX = "latent:class:"

    def __init__(self, url: str) -> None:
        super().__init__()
        import redis  # deferred: only a deployment with AE_REDIS_URL needs it

        self.url = url
        self.redis = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self._listener: threading.Thread | None = None
        self._listener_lock = threading.Lock()
        self._subscribed = threading.Event()

    def _key(self, code: str) -> str:
        return self.PREFIX + code

    def _create(self, code: str, digest: str) -> bool:
        key = self._key(code)
        if not self.redis.hsetnx(key, "digest", digest):
            return False
        self.redis.expire(key, int(TTL_S))
        return True

    def _digest_of(self, code: str) -> str | None:
        value = self.redis.hget(self._key(code), "digest")
        return value.decode() if value is not None else None

    def _store(self, code: str, fields: dict[str, Any]) -> None:
        key = self._key(code)
        with self.redis.pipeline() as pipe:
            pipe.hset(key, mapping={f"s:{k}": json.dumps(v) for k, v in fields.items()})
            pipe.expire(key, int(TTL_S))
            pipe.execute()

    def _publish(self, code: str, data: bytes) -> None:
        self.redis.publish(self._key(code), data)

    def state(self, code: str) -> dict[str, Any] | None:
        raw = self.redis.hgetall(self._key(code))
        if not raw:
            return None
        return {k.decode()[2:]: json.loads(v) for k, v in raw.items()
                if k.startswith(b"s:")}

    def _delete(self, code: str) -> None:
        self.redis.delete(self._key(code))

    async def events(self, code: str) -> AsyncIterator[bytes]:
        self._listen()
        if not self._subscribed.is_set():  # the first stream: the subscription must be on
            await asyncio.to_thread(self._subscribed.wait, 5.0)  # before the state is read
        async for data in super().events(code):
            yield data

    def _listen(self) -> None:
        """Start this replica's one subscription (once)."""
        with self._listener_lock:
            if self._listener is not None and self._listener.is_alive():
                return
            self._listener = threading.Thread(target=self._relay, name="class-relay",
                                              daemon=True)
            self._listener.start()

    def _relay(self) -> None:
        """Redis messages → this replica's streams; reconnects after an error."""
        import redis  # deferred: only a deployment with AE_REDIS_URL needs it

        while True:
            try:
                pubsub = redis.Redis.from_url(self.url).pubsub()
                pubsub.psubscribe(self.PREFIX + "*")
                for item in pubsub.listen():
                    if item.get("type") == "psubscribe":
                        self._subscribed.set()
                    elif item.get("type") == "pmessage":
                        code = item["channel"].decode()[len(self.PREFIX):]
                        self.fanout.send(code, item["data"])
            except redis.RedisError:
                self._subscribed.clear()
                time.sleep(1.0)


_CHANNEL: Channel | None = None
_CHANNEL_LOCK = threading.Lock()


def channel() -> Channel:
    """The server's channel: Redis when ``AE_REDIS_URL`` is set, else this process."""
    global _CHANNEL
    with _CHANNEL_LOCK:
        if _CHANNEL is None:
            url = os.environ.get("AE_REDIS_URL", "").strip()
            _CHANNEL = RedisChannel(url) if url else LocalChannel()
        return _CHANNEL
