"""Downloads for real, over HTTP from a local server serving synthetic IDX files.

A custom ``DatasetSpec`` carries the synthetic files' md5s, so the same code
path that fetches MNIST is exercised without internet.
"""

from __future__ import annotations

import hashlib
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from ae_core.data import (
    DatasetSpec,
    data_dir,
    download_dataset,
    get_spec,
    is_cached,
    load_dataset,
    missing_files,
)
from ae_core.data import download as dl
from ae_core.errors import CorruptFileError, DatasetUnavailable
from tests.synthetic_idx import IMAGES, LABELS, PAYLOADS, TRAIN_IMAGES, spec

FIRST = TRAIN_IMAGES


def _spec(name: str = "synth") -> DatasetSpec:
    return spec(name, mirrors=("http://127.0.0.1:9/never/",))


class _Handler(BaseHTTPRequestHandler):
    """Serves ``server.routes[path]``: a list of (status, body, declared length) used in turn."""

    def do_GET(self) -> None:
        self.server.hits.append(self.path)
        plan = self.server.routes.get(self.path)
        if not plan:
            self.send_error(404)
            return
        status, body, declared = plan.pop(0) if len(plan) > 1 else plan[0]
        if status != 200:
            self.send_error(status)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/gzip")
        self.send_header("Content-Length", str(declared if declared is not None else len(body)))
        self.end_headers()
        self.wfile.write(body)  # HTTP/1.0: the connection closes right after

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server(monkeypatch):
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("no_proxy", "*")
    monkeypatch.delenv("AE_DATA_MIRROR", raising=False)
    monkeypatch.setattr(dl, "RETRY_BACKOFF_S", 0.0)
    monkeypatch.setattr(dl, "TIMEOUT_S", 5.0)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.routes, httpd.hits = {}, []
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _serve_all(server, prefix: str) -> str:
    for name, body in PAYLOADS.items():
        server.routes[f"/{prefix}/{name}"] = [(200, body, None)]
    return f"{server.url}/{prefix}/"


def _files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_download_success_progress_and_atomic_rename(server, tmp_path):
    spec = _spec()
    calls = []
    folder = tmp_path / spec.name

    def progress(done, total, filename):
        # While a file streams, its final name must not exist yet (temp + rename).
        assert not (folder / filename).exists()
        calls.append((done, total, filename))

    paths = download_dataset(spec, tmp_path, mirrors=[_serve_all(server, "m1")], progress=progress)

    assert [p.name for p in paths] == list(PAYLOADS)
    assert _files_in(folder) == sorted(PAYLOADS)  # no .part files left behind
    for f in spec.files:
        assert hashlib.md5((folder / f.name).read_bytes()).hexdigest() == f.md5
    dones = [c[0] for c in calls]
    assert dones == sorted(dones) and {c[1] for c in calls} == {spec.total_bytes}
    assert calls[-1][:2] == (spec.total_bytes, spec.total_bytes)
    assert {c[2] for c in calls} == set(PAYLOADS)
    assert is_cached(spec, tmp_path) and missing_files(spec, tmp_path) == []


def test_downloaded_files_load_as_dataset(server, tmp_path):
    spec = _spec()
    ds = load_dataset(spec, tmp_path, mirrors=[_serve_all(server, "m1")])
    assert ds.x_train.shape == (20, 1, 4, 4) and ds.x_test.shape == (10, 1, 4, 4)
    np.testing.assert_allclose(ds.x_train[:, 0].numpy(), IMAGES[:20] / 255.0, rtol=1e-6)
    assert ds.y_test.tolist() == LABELS[20:].tolist()
    assert ds.meta["title"] == "Synthetic" and ds.meta["source"] == "builtin"
    # Parsed once per process: a second load returns the same object, no new requests.
    hits = len(server.hits)
    assert load_dataset(spec, tmp_path, download=False) is ds
    assert len(server.hits) == hits


def test_md5_mismatch_raises_corrupt_and_leaves_nothing(server, tmp_path):
    spec = _spec()
    base = _serve_all(server, "bad")
    wrong = bytes(len(PAYLOADS[FIRST]))  # right size, wrong bytes
    server.routes[f"/bad/{FIRST}"] = [(200, wrong, None)]

    with pytest.raises(CorruptFileError) as info:
        download_dataset(spec, tmp_path, mirrors=[base])

    msg = str(info.value)
    assert FIRST in msg and spec.files[0].md5 in msg and hashlib.md5(wrong).hexdigest() in msg
    assert _files_in(tmp_path / spec.name) == []


@pytest.mark.parametrize("declared", ["honest", "cut"])
def test_truncated_download_leaves_nothing(server, tmp_path, declared):
    spec = _spec()
    base = _serve_all(server, "short")
    body = PAYLOADS[FIRST]
    length = len(body) if declared == "cut" else None  # "cut": connection closes early
    server.routes[f"/short/{FIRST}"] = [(200, body[: len(body) // 2], length)]

    expected = DatasetUnavailable if declared == "cut" else CorruptFileError
    with pytest.raises(expected, match=FIRST):
        download_dataset(spec, tmp_path, mirrors=[base])

    assert _files_in(tmp_path / spec.name) == []
    tries = server.hits.count(f"/short/{FIRST}")
    assert tries == (dl.ATTEMPTS_PER_MIRROR if declared == "cut" else 1)


def test_server_error_falls_back_to_second_mirror(server, tmp_path):
    spec = _spec()
    for name in PAYLOADS:
        server.routes[f"/down/{name}"] = [(500, b"", None)]
    good = _serve_all(server, "up")

    download_dataset(spec, tmp_path, mirrors=[f"{server.url}/down/", good])

    assert is_cached(spec, tmp_path)
    assert server.hits.count(f"/down/{FIRST}") == dl.ATTEMPTS_PER_MIRROR  # retried, then next
    assert server.hits.count(f"/up/{FIRST}") == 1


def test_transient_error_is_retried_on_same_mirror(server, tmp_path):
    spec = _spec()
    base = _serve_all(server, "flaky")
    server.routes[f"/flaky/{FIRST}"] = [(503, b"", None), (200, PAYLOADS[FIRST], None)]

    download_dataset(spec, tmp_path, mirrors=[base])

    assert server.hits.count(f"/flaky/{FIRST}") == 2 and is_cached(spec, tmp_path)


def test_all_mirrors_failing_says_what_to_put_where(server, tmp_path):
    spec = _spec()
    unused_port = f"http://127.0.0.1:{_closed_port()}/"
    with pytest.raises(DatasetUnavailable) as info:
        download_dataset(spec, tmp_path, mirrors=[f"{server.url}/missing/", unused_port])

    msg = str(info.value)
    assert str(tmp_path / spec.name / FIRST) in msg
    assert "AE_DATA_DIR" in msg and "HTTP 404" in msg
    assert _files_in(tmp_path / spec.name) == []


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_env_mirror_overrides_spec_mirrors(server, tmp_path, monkeypatch):
    spec = _spec()
    monkeypatch.setenv("AE_DATA_MIRROR", _serve_all(server, "env").rstrip("/"))
    download_dataset(spec, tmp_path)
    assert is_cached(spec, tmp_path)
    assert all(hit.startswith("/env/") for hit in server.hits)


def test_corrupt_cached_file_is_removed_and_redownloaded(server, tmp_path):
    spec = _spec()
    base = _serve_all(server, "m1")
    download_dataset(spec, tmp_path, mirrors=[base])
    target = tmp_path / spec.name / FIRST
    _corrupt(target)
    assert is_cached(spec, tmp_path)  # same size: only the md5 can tell
    hits = len(server.hits)

    download_dataset(spec, tmp_path, mirrors=[base])

    assert target.read_bytes() == PAYLOADS[FIRST]
    assert server.hits[hits:] == [f"/m1/{FIRST}"]


def test_corrupt_cached_file_without_download_is_reported_never_parsed(tmp_path):
    spec = _spec("synth-offline")
    folder = tmp_path / spec.name
    folder.mkdir()
    for name, body in PAYLOADS.items():
        (folder / name).write_bytes(body)
    _corrupt(folder / FIRST)

    with pytest.raises(CorruptFileError) as info:
        load_dataset(spec, tmp_path, download=False)

    msg = str(info.value)
    assert str(folder / FIRST) in msg and spec.files[0].md5 in msg
    assert not (folder / FIRST).exists()


def _corrupt(path: Path) -> None:
    """Same size, different bytes, and a distinct mtime so no memo can hide it."""
    size = path.stat().st_size
    path.write_bytes(b"\x00" * size)
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))


def test_progress_exception_propagates_and_cleans_up(server, tmp_path):
    spec = _spec()
    base = _serve_all(server, "m1")

    def stop(done, total, filename):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        download_dataset(spec, tmp_path, mirrors=[base], progress=stop)
    assert _files_in(tmp_path / spec.name) == []


def test_offline_missing_message_names_folder_and_files(tmp_path):
    spec = get_spec("mnist")
    with pytest.raises(DatasetUnavailable) as info:
        load_dataset("mnist", tmp_path, download=False)

    msg = str(info.value)
    for f in spec.files:
        assert str(tmp_path / "mnist" / f.name) in msg
    assert "AE_DATA_DIR" in msg
    assert not (tmp_path / "mnist").exists()  # download=False writes nothing
    assert not is_cached("mnist", tmp_path) and len(missing_files("mnist", tmp_path)) == 4


def test_is_cached_checks_sizes_without_md5(tmp_path):
    spec = _spec()
    folder = tmp_path / spec.name
    folder.mkdir()
    for name, body in PAYLOADS.items():
        (folder / name).write_bytes(body)
    (folder / FIRST).write_bytes(PAYLOADS[FIRST][:-1])
    assert missing_files(spec, tmp_path) == [folder / FIRST]
    assert not is_cached(spec, tmp_path)


def test_md5_is_memoised_per_path_and_mtime(tmp_path, monkeypatch):
    calls = []
    real = dl._hash_file
    monkeypatch.setattr(dl, "_hash_file", lambda p: calls.append(p) or real(p))
    dl._md5_memo.cache_clear()
    path = tmp_path / "f.gz"
    path.write_bytes(b"hello")

    assert dl.md5_of(path) == hashlib.md5(b"hello").hexdigest()
    dl.md5_of(path)
    assert len(calls) == 1
    os.utime(path, ns=(5_000_000_000, 5_000_000_000))
    dl.md5_of(path)
    assert len(calls) == 2


def test_data_dir_resolution(monkeypatch, tmp_path):
    monkeypatch.setenv("AE_DATA_DIR", str(tmp_path / "env"))
    assert data_dir() == tmp_path / "env"
    assert data_dir(tmp_path / "arg") == tmp_path / "arg"
    monkeypatch.delenv("AE_DATA_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert data_dir() == tmp_path / "xdg" / "latent-explorer" / "datasets"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert data_dir() == Path.home() / ".cache" / "latent-explorer" / "datasets"
