"""Codes kept on disk between server starts: reused only while still right."""

from __future__ import annotations

import os

import numpy as np
import pytest
import torch

from ae_core import codecache
from ae_core.codecache import CodeCache, digest
from ae_core.models import build_model, make_config


class Counting:
    """An encoder that records how many images it was asked for."""

    def __init__(self, shift: float = 0.0):
        self.calls: list[int] = []
        self.shift = shift

    def __call__(self, x) -> np.ndarray:
        x = np.asarray(x, dtype=np.float32).reshape(len(x), -1)
        self.calls.append(len(x))
        return np.stack([x.mean(1), x.std(1)], axis=1) + self.shift


@pytest.fixture()
def images() -> np.ndarray:
    return np.random.default_rng(0).random((50, 1, 8, 8), dtype=np.float32)


def test_digest_depends_on_every_part_and_on_where_parts_split():
    a = np.arange(6, dtype=np.float32)
    assert digest(b"model", a) == digest(b"model", a.copy())
    assert digest(b"model", a) != digest(b"model", a + 1)
    assert digest(b"model", a) != digest(b"other", a)
    assert digest("ab", "c") != digest("a", "bc")
    assert len(digest(b"")) == 32


def test_codes_are_encoded_once_then_read_back_with_a_spot_check(tmp_path, images):
    cache, encode = CodeCache(tmp_path), Counting()
    first = cache.codes("k", images, encode)
    assert encode.calls == [50] and cache.path("k").is_file()
    again = cache.codes("k", images, encode)
    assert encode.calls == [50, codecache.SPOT_CHECK]
    np.testing.assert_array_equal(first, again)
    assert again.dtype == np.float32 and again.shape == (50, 2)
    with np.load(cache.path("k"), allow_pickle=False) as npz:
        assert list(npz.keys()) == ["codes"]


def test_codes_the_encoder_no_longer_gives_are_recomputed_and_replaced(tmp_path, images):
    cache = CodeCache(tmp_path)
    cache.codes("k", images, Counting())
    changed = Counting(shift=0.5)
    codes = cache.codes("k", images, changed)
    assert changed.calls == [codecache.SPOT_CHECK, 50]
    np.testing.assert_allclose(codes, Counting(shift=0.5)(images))
    np.testing.assert_allclose(cache.load("k", 50), codes)


@pytest.mark.parametrize("damage", ["truncated", "garbage", "other count", "not finite"])
def test_a_damaged_or_foreign_file_is_never_served(tmp_path, images, damage):
    cache = CodeCache(tmp_path)
    expected = cache.codes("k", images, Counting())
    path = cache.path("k")
    if damage == "truncated":
        path.write_bytes(path.read_bytes()[:40])
    elif damage == "garbage":
        path.write_bytes(b"\x80\x04 a pickle would go here")
    elif damage == "other count":
        cache.save("k", expected[:10])
    else:
        cache.save("k", np.full_like(expected, np.nan))
    encode = Counting()
    np.testing.assert_array_equal(cache.codes("k", images, encode), expected)
    assert encode.calls == [50]


def test_an_unwritable_cache_only_costs_the_encoding(tmp_path, images):
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    cache = CodeCache(blocker / "codes")
    assert cache.save("k", np.zeros((2, 2), np.float32)) is False
    encode = Counting()
    cache.codes("k", images, encode)
    cache.codes("k", images, encode)
    assert encode.calls == [50, 50]


def test_least_recently_used_files_beyond_the_limit_are_deleted(tmp_path):
    cache = CodeCache(tmp_path, max_files=2)
    for age, key in enumerate(["old", "mid"]):
        cache.save(key, np.zeros((3, 2), np.float32))
        os.utime(cache.path(key), (1000 + age, 1000 + age))
    cache.load("old", 3)  # reading counts as use: "mid" is now the least recent
    cache.save("new", np.zeros((3, 2), np.float32))
    assert sorted(p.stem for p in tmp_path.glob("*.npz")) == ["new", "old"]


def test_the_folder_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(codecache.CACHE_DIR_ENV, str(tmp_path / "x"))
    assert CodeCache().root == tmp_path / "x"
    monkeypatch.delenv(codecache.CACHE_DIR_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert codecache.cache_dir() == tmp_path / "xdg" / "latent-explorer" / "codes"


def test_a_real_models_codes_round_trip(tmp_path, digits_x):
    model = build_model(make_config("vae", input_shape=[1, 8, 8], latent_dim=2, hidden=[32]),
                        seed=0).eval()

    def encode(x):
        with torch.inference_mode():
            return model.encode(torch.as_tensor(x)).numpy()

    cache = CodeCache(tmp_path)
    fresh = cache.codes("vae", digits_x, encode)
    np.testing.assert_allclose(fresh, encode(digits_x), atol=1e-6)
    np.testing.assert_array_equal(cache.codes("vae", digits_x, encode), fresh)


def test_encoding_in_batches_reports_progress_and_stops_between_batches():
    import numpy as np

    from ae_core.codecache import encode_in_batches
    from ae_core.tasks import Context

    class Recorder(Context):
        def __init__(self, stop_after: int = 0):
            super().__init__()
            self.seen: list[float] = []
            self.stop_after = stop_after

        def progress(self, fraction, text=None):
            self.seen.append(fraction)
            if len(self.seen) == self.stop_after:
                self.request_stop()

    images = np.arange(10, dtype=np.float32).reshape(10, 1)
    ctx = Recorder()
    codes = encode_in_batches(lambda x: x * 2, images, batch=4, ctx=ctx)
    assert np.array_equal(codes, images * 2) and ctx.seen == [0.4, 0.8, 1.0]
    calls: list[int] = []
    stopped = encode_in_batches(lambda x: calls.append(len(x)) or x, images, batch=4,
                                ctx=Recorder(stop_after=2))
    assert stopped is None and calls == [4, 4]  # nothing after the stop was encoded
