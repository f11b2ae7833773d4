"""Built-in specs, the digits dataset, the IDX reader and the real MNIST files."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np
import pytest
import torch

from ae_core.data import (
    DATASETS,
    clear_cache,
    dataset_names,
    get_spec,
    is_cached,
    load_dataset,
    missing_files,
    read_idx,
)
from ae_core.data import idx as idx_module
from ae_core.data.idx import to_idx_bytes
from ae_core.errors import CorruptFileError, DataError

FASHION_KO = [
    "티셔츠/탑",
    "바지",
    "풀오버",
    "드레스",
    "코트",
    "샌들",
    "셔츠",
    "스니커즈",
    "가방",
    "앵클 부츠",
]


# --------------------------------------------------------------------- specs


def test_specs_describe_every_dataset():
    assert dataset_names() == ["digits", "mnist", "fashion-mnist"]
    for spec in DATASETS.values():
        assert spec.title and not hasattr(spec, "title_ko")  # the app's, in app_lib.i18n
        assert len(spec.class_names) == len(spec.class_names_ko) == 10
    assert get_spec("mnist").total_bytes == 9912422 + 28881 + 1648877 + 4542
    assert get_spec("fashion-mnist").total_bytes == 26421880 + 29515 + 4422102 + 5148
    assert list(get_spec("fashion-mnist").class_names_ko) == FASHION_KO
    assert get_spec("fashion-mnist").class_names[0] == "T-shirt/top"
    assert get_spec("digits").total_bytes == 0 and not get_spec("digits").needs_download


def test_unknown_dataset_is_a_data_error():
    with pytest.raises(DataError, match="cifar"):
        load_dataset("cifar")


# -------------------------------------------------------------------- digits


def test_digits_shapes_range_labels_and_meta():
    ds = load_dataset("digits")
    assert ds.x_train.shape == (1437, 1, 8, 8) and ds.x_test.shape == (360, 1, 8, 8)
    assert ds.x_train.dtype == torch.float32 and ds.y_train.dtype == torch.int64
    assert ds.x_train.min() >= 0 and ds.x_train.max() == 1.0
    assert set(ds.y_train.tolist()) == set(range(10)) == set(ds.y_test.tolist())
    assert ds.class_names == [str(i) for i in range(10)]
    assert ds.meta["source"] == "builtin" and ds.meta["title"]
    assert ds.meta["class_names_ko"] == ds.class_names
    assert is_cached("digits") and missing_files("digits") == []


def test_digits_split_is_reproducible_and_stratified():
    first = load_dataset("digits")
    assert load_dataset("digits") is first  # shared per process
    clear_cache()
    again = load_dataset("digits")
    assert again is not first
    assert torch.equal(first.x_test, again.x_test) and torch.equal(first.y_train, again.y_train)
    counts = torch.bincount(again.y_test, minlength=10)
    assert counts.min() >= 35 and counts.max() <= 37  # 20 % of ~180 per class


# ----------------------------------------------------------------------- IDX


@pytest.mark.parametrize("compress", [False, True])
@pytest.mark.parametrize(
    "array",
    [
        np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4),
        np.array([-5, 0, 70000], dtype=np.int32),
        np.linspace(0, 1, 6, dtype=np.float32).reshape(3, 2),
    ],
    ids=["ubyte3d", "int32", "float32"],
)
def test_idx_round_trip(array, compress, tmp_path):
    data = to_idx_bytes(array, compress=compress)
    assert (data[:2] == b"\x1f\x8b") == compress
    path = tmp_path / "a.idx"
    path.write_bytes(data)
    for source in (data, path):
        out = read_idx(source)
        assert out.dtype == array.dtype and out.dtype.isnative
        np.testing.assert_array_equal(out, array)


def test_idx_header_layout_is_big_endian():
    data = to_idx_bytes(np.zeros((2, 3), dtype=np.uint8))
    assert data[:4] == b"\x00\x00\x08\x02" and data[4:12] == b"\x00\x00\x00\x02\x00\x00\x00\x03"


@pytest.mark.parametrize("compress", [False, True])
def test_idx_truncated_payload_is_corrupt(compress):
    data = to_idx_bytes(np.zeros((4, 5, 5), dtype=np.uint8))[:-3]
    if compress:
        data = gzip.compress(data)
    with pytest.raises(CorruptFileError, match="truncated"):
        read_idx(data, label="x.gz")


def test_idx_padded_payload_is_corrupt():
    with pytest.raises(CorruptFileError):
        read_idx(to_idx_bytes(np.zeros(3, dtype=np.uint8)) + b"\x00")


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x01\x00\x08\x01" + b"\x00" * 8,
        b"\x00\x00\x07\x01\x00\x00\x00\x01\x00",
        b"\x00\x00\x08\x00",
        b"\x00\x00\x08\x03\x00\x00",
    ],
    ids=["empty", "nonzero-lead", "bad-dtype", "zero-dims", "short-header"],
)
def test_idx_bad_magic_or_header_is_corrupt(data):
    with pytest.raises(CorruptFileError):
        read_idx(data)


def test_idx_bad_gzip_is_corrupt():
    with pytest.raises(CorruptFileError, match="gzip"):
        read_idx(b"\x1f\x8b" + b"not really gzip")


def test_idx_multi_member_gzip_with_zero_padding_reads_whole():
    """Like GzipFile: concatenated members are joined and zero padding between them skipped."""
    data = to_idx_bytes(np.arange(24, dtype=np.uint8).reshape(2, 3, 4))
    joined = gzip.compress(data[:10]) + b"\x00" * 5 + gzip.compress(data[10:]) + b"\x00\x00"
    np.testing.assert_array_equal(read_idx(joined), np.arange(24).reshape(2, 3, 4))


@pytest.mark.parametrize(
    "tail", [b"\x1f", b"junk", None], ids=["cut-header", "garbage", "cut-member"]
)
def test_idx_damaged_gzip_member_is_corrupt(tail):
    good = gzip.compress(to_idx_bytes(np.zeros((2, 3), dtype=np.uint8)))
    data = good[:-6] if tail is None else good + tail
    with pytest.raises(CorruptFileError, match="gzip"):
        read_idx(data)


def test_idx_gzip_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(idx_module, "MAX_IDX_BYTES", 100)
    data = gzip.compress(to_idx_bytes(np.zeros(200, dtype=np.uint8)))
    with pytest.raises(CorruptFileError, match="more than"):
        read_idx(data)
    assert read_idx(gzip.compress(to_idx_bytes(np.zeros(90, dtype=np.uint8)))).shape == (90,)


def test_images_scale_is_exact_division_by_255():
    """One-pass conversion keeps float32(v) / 255 bit for bit, not v * (1 / 255)."""
    from ae_core.data.builtin import MNIST, _images

    images = np.resize(np.arange(256, dtype=np.uint8), (3, 28, 28))
    out = _images(images, MNIST, Path("x"))
    expected = (images.astype(np.float32) / np.float32(255.0))[:, None]
    assert out.dtype == np.float32 and out.shape == (3, 1, 28, 28) and out.flags.c_contiguous
    assert np.array_equal(out.view(np.uint32), expected.view(np.uint32))


# ---------------------------------------------------------- real MNIST files


def _shared_dir() -> Path:
    env = os.environ.get("AE_DATA_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[1].parent / "shared" / "datasets"


def _need(name: str) -> Path:
    root = _shared_dir()
    if not is_cached(name, root):
        pytest.skip(f"{name} files not found under {root} (set AE_DATA_DIR to run this test)")
    return root


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*")}


@pytest.mark.mnist
def test_mnist_from_shared_cache_reads_only():
    root = _need("mnist")
    before = _snapshot(root)
    ds = load_dataset("mnist", root, download=False)
    assert ds.x_train.shape == (60000, 1, 28, 28) and ds.x_test.shape == (10000, 1, 28, 28)
    assert ds.x_train.dtype == torch.float32 and ds.y_train.dtype == torch.int64
    assert ds.x_train.mean().item() == pytest.approx(0.1307, abs=5e-4)
    assert ds.x_test.mean().item() == pytest.approx(0.1325, abs=5e-4)
    counts = torch.bincount(ds.y_train, minlength=10).tolist()
    assert counts == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert load_dataset("mnist", root, download=False) is ds
    assert _snapshot(root) == before  # nothing written, nothing touched


@pytest.mark.mnist
def test_fashion_mnist_from_shared_cache():
    root = _need("fashion-mnist")
    before = _snapshot(root)
    ds = load_dataset("fashion-mnist", root, download=False)
    assert ds.x_train.shape == (60000, 1, 28, 28) and ds.x_test.shape == (10000, 1, 28, 28)
    assert ds.x_train.mean().item() == pytest.approx(0.2860, abs=5e-4)
    assert torch.bincount(ds.y_train).tolist() == [6000] * 10
    assert torch.bincount(ds.y_test).tolist() == [1000] * 10
    assert ds.class_names[9] == "Ankle boot" and ds.meta["class_names_ko"] == FASHION_KO
    assert _snapshot(root) == before
