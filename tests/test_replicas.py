"""A lecture hall on more than one server, for real: Redis, two app replicas, HAProxy.

``redis-server`` and ``haproxy`` (Debian packages; ``.ci/run`` installs them) run on free
ports with the configuration ``docs/deploy.md`` gives (``hall_config`` below writes the same
``haproxy.cfg``); both replicas have ``AE_REDIS_URL`` and one shared ``AE_MODEL_DIR``. A
cookie picks the replica, as the load balancer's sticky sessions do: the teacher on
replica 1, a student on replica 2. Skipped where either program is missing.
"""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from app_lib import classroom
from tests.browser.driver import REPO, VIEWPORT, AppServer, chromium_available, free_port

REDIS = shutil.which("redis-server")
HAPROXY = shutil.which("haproxy") or (
    "/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").is_file() else None)
pytestmark = pytest.mark.skipif(not (REDIS and HAPROXY),
                                reason="needs redis-server and haproxy (apt-get install "
                                       "redis-server haproxy)")

HAPROXY_CFG = """global
    maxconn 4096

defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    timeout tunnel 1h
    timeout http-keep-alive 10s

frontend hall
    bind 127.0.0.1:{port}
    default_backend replicas

backend replicas
    balance roundrobin
    cookie SERVERID insert indirect nocache
    option httpchk GET /_stcore/health
    http-response set-header X-Replica %s
{servers}
"""


def hall_config(port: int, replicas: list[int]) -> str:
    """``haproxy.cfg`` for ``replicas`` (ports) behind ``port`` (docs/deploy.md)."""
    servers = "\n".join(f"    server r{i} 127.0.0.1:{p} check cookie r{i}"
                        for i, p in enumerate(replicas, 1))
    return HAPROXY_CFG.format(port=port, servers=servers)


def _wait(url: str, timeout: float = 60.0, headers: dict | None = None,
          replica: str | None = None) -> None:
    """Until ``url`` answers 200 (from ``replica``, when given)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}),
                                        timeout=2) as response:
                if response.status == 200 and replica in (
                        None, response.headers.get("X-Replica")):
                    return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.1)
    raise TimeoutError(url)


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    """(front URL, redis URL, logs): Redis, two replicas and HAProxy, stopped after."""
    tmp = tmp_path_factory.mktemp("hall")
    procs: list[subprocess.Popen] = []
    replicas: list[AppServer] = []
    redis_port = free_port()
    procs.append(subprocess.Popen([REDIS, "--port", str(redis_port), "--bind", "127.0.0.1",
                                   "--save", "", "--appendonly", "no"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    env = {"AE_REDIS_URL": redis_url, "AE_MODEL_DIR": str(tmp / "shared-models"),
           "AE_DATA_DIR": str(tmp / "no-datasets"), "AE_USER_DATA_DIR": str(tmp / "user")}
    try:
        for i in (1, 2):
            replicas.append(AppServer({**env, "AE_CACHE_DIR": str(tmp / f"codes{i}")},
                                      log_path=tmp / f"replica{i}.log").start())
        for r in replicas:
            r.wait_ready(90)
        front = free_port()
        cfg = tmp / "haproxy.cfg"
        cfg.write_text(hall_config(front, [r.port for r in replicas]))
        procs.append(subprocess.Popen([HAPROXY, "-f", str(cfg), "-db"], cwd=REPO,
                                      stdout=(tmp / "haproxy.log").open("wb"),
                                      stderr=subprocess.STDOUT))
        base = f"http://127.0.0.1:{front}"
        for i in (1, 2):
            _wait(f"{base}/_stcore/health", headers={"Cookie": f"SERVERID=r{i}"},
                  replica=f"r{i}")
        yield base, redis_url, replicas
    finally:
        for r in replicas:
            r.stop()
        for proc in reversed(procs):
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _post(base: str, code: str, secret: str | None, body: dict, replica: str) -> tuple[int, str]:
    headers = {"Content-Type": "application/json", "Cookie": f"SERVERID={replica}"}
    if secret is not None:
        headers["X-Class-Secret"] = secret
    request = urllib.request.Request(f"{base}/_latent/class/{code}", method="POST",
                                     data=json.dumps(body).encode(), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers.get("X-Replica", "")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("X-Replica", "")


def _listen(base: str, code: str, replica: str, out: queue.Queue) -> tuple[threading.Thread, list]:
    """A student's stream through the front, pinned to ``replica``: events into ``out``."""
    opened: list = []

    def run():
        request = urllib.request.Request(f"{base}/_latent/class/{code}/events",
                                         headers={"Cookie": f"SERVERID={replica}",
                                                  "Accept": "text/event-stream"})
        with urllib.request.urlopen(request, timeout=30) as response:
            opened.append(response)
            out.put(("replica", response.headers.get("X-Replica")))
            try:
                for line in response:
                    if line.startswith(b"data: "):
                        out.put(("event", json.loads(line[6:])))
            except (AttributeError, OSError, ValueError):
                pass  # the test closed the stream under the reading thread

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, opened


def test_a_student_on_replica_2_follows_a_teacher_on_replica_1(hall):
    base, redis_url, _ = hall
    # the class as replica 1's sidebar starts it: in the shared Redis
    code, secret = classroom.RedisChannel(redis_url).start()
    assert _post(base, code, secret, {"page": "/explore", "map": "m"}, "r1") == (204, "r1")

    events: queue.Queue = queue.Queue()
    _, opened = _listen(base, code, "r2", events)
    try:
        assert events.get(timeout=10) == ("replica", "r2")
        _, snapshot = events.get(timeout=10)
        assert snapshot["snapshot"] and snapshot["page"] == "/explore"

        assert _post(base, code, secret, {"z": [0.25, -1.5], "row": 3}, "r1") == (204, "r1")
        _, moved = events.get(timeout=5)
        assert moved["z"] == [0.25, -1.5] and moved["row"] == 3
        # a student (on either replica) cannot control the class
        assert _post(base, code, None, {"z": [0, 0]}, "r2") == (403, "r2")
        assert _post(base, code, "guess", {"z": [0, 0]}, "r1") == (403, "r1")
        assert events.empty()
    finally:
        for response in opened:
            response.close()


@pytest.mark.skipif(not chromium_available(), reason="needs Chromium at /usr/bin/chromium")
def test_a_model_saved_on_replica_1_is_listed_on_replica_2(hall):
    from concurrent.futures import ThreadPoolExecutor

    # Playwright's sync API in a thread of its own: a browser test earlier in the run may
    # hold a running event loop in this one
    with ThreadPoolExecutor(1) as pool:
        pool.submit(_upload_on_1_find_on_2, hall).result()


def _upload_on_1_find_on_2(hall) -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser.driver import launch_chromium

    base, _, _ = hall
    host = base.split("//", 1)[1].split(":")[0]
    name = "hall-shared-model"
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            pages = {}
            for replica in ("r1", "r2"):
                context = browser.new_context(viewport=VIEWPORT)
                context.add_cookies([{"name": "SERVERID", "value": replica, "domain": host,
                                      "path": "/"}])
                pages[replica] = page = context.new_page()
                page.set_default_timeout(45_000)
                page.goto(f"{base}/models?lang=en")
                page.get_by_text("Upload a model file (.safetensors)").first.wait_for()
            assert pages["r2"].get_by_text(name).count() == 0
            teacher = pages["r1"]
            teacher.locator("input[type=file]").set_input_files(
                str(REPO / "pretrained" / "digits-ae-2d.safetensors"))
            box = teacher.get_by_label("Store as")
            box.fill(name)
            box.press("Enter")
            teacher.get_by_role("button", name="Add to my models").click()
            teacher.get_by_text(f"Added {name}.").wait_for()
            pages["r2"].reload()  # the table is a data grid: its cells are in the page, hidden
            pages["r2"].get_by_text(name).first.wait_for(state="attached")
        finally:
            browser.close()
