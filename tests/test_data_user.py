"""User datasets: .npz arrays and .zip image folders, accepted and refused."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
import torch
from PIL import Image

from ae_core.data import load_image_zip, load_npz
from ae_core.data import user as user_mod
from ae_core.errors import DataError

RNG = np.random.default_rng(0)


def _npz(**arrays) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def _images(n=40, side=8, dtype=np.uint8):
    return RNG.integers(0, 256, size=(n, side, side)).astype(dtype)


# ------------------------------------------------------------------ npz good


def test_npz_uint8_with_labels_is_scaled_and_split_stratified():
    x, y = _images(), np.repeat(np.arange(4), 10)
    ds = load_npz(_npz(x=x, y=y), "mine")
    assert ds.x_train.shape == (32, 1, 8, 8) and ds.x_test.shape == (8, 1, 8, 8)
    assert ds.x_train.dtype == torch.float32 and ds.y_train.dtype == torch.int64
    assert torch.bincount(ds.y_test).tolist() == [2, 2, 2, 2]
    assert ds.class_names == ["0", "1", "2", "3"] and ds.meta["split"] == "stratified"
    # Every image survives the split exactly once, scaled by 1/255.
    got = torch.cat([ds.x_train, ds.x_test])[:, 0].numpy() * 255
    np.testing.assert_allclose(
        np.sort(got.ravel()), np.sort(x.ravel().astype(np.float32)), atol=1e-3
    )
    assert ds.meta["source"] == "npz" and ds.meta["title"] == "mine"


def test_npz_split_is_seeded():
    data = _npz(x=_images(), y=np.repeat(np.arange(4), 10))
    a, b = load_npz(data, "a", seed=3), load_npz(data, "b", seed=3)
    c = load_npz(data, "c", seed=4)
    assert torch.equal(a.x_test, b.x_test) and not torch.equal(a.x_test, c.x_test)


def test_npz_float_unit_and_0_255_scaling():
    unit = RNG.random((20, 6, 6)).astype(np.float32)
    ds = load_npz(_npz(images=unit), "f")
    assert ds.split("all")[0].max() <= 1 and ds.meta["scaling"].startswith("floats in [0, 1]")
    np.testing.assert_allclose(
        np.sort(ds.split("all")[0].numpy().ravel()), np.sort(unit.ravel()), rtol=1e-6
    )
    big = load_npz(_npz(images=unit * 255.0), "g")
    assert "divided by 255" in big.meta["scaling"]
    assert big.split("all")[0].max().item() == pytest.approx(unit.max(), abs=1e-5)


def test_npz_flat_images_without_labels_get_one_class():
    ds = load_npz(_npz(x=_images(25, 5).reshape(25, 25)), "flat")
    assert ds.image_shape == (1, 5, 5) and ds.class_names == ["all"]
    assert ds.y_train.unique().tolist() == [0] == ds.y_test.unique().tolist()
    assert len(ds.x_train) + len(ds.x_test) == 25 and len(ds.x_test) == 5


def test_npz_singleton_class_falls_back_to_seeded_shuffle():
    y = np.array([0] * 19 + [1])
    ds = load_npz(_npz(x=_images(20), y=y), "odd")
    assert ds.meta["split"] == "random" and len(ds.x_test) == 4
    assert sorted(torch.cat([ds.y_train, ds.y_test]).tolist()) == sorted(y.tolist())


@pytest.mark.parametrize("shape", [(20, 1, 6, 6), (20, 6, 6, 1)])
def test_npz_channel_axis_is_accepted(shape):
    x = RNG.integers(0, 256, size=shape, dtype=np.uint8)
    ds = load_npz(_npz(x=x), "c")
    assert ds.image_shape == (1, 6, 6)


def test_npz_class_names_and_explicit_test_set():
    x, y = _images(30), np.arange(30) % 3
    data = _npz(
        x_train=x[:20],
        y_train=y[:20],
        x_test=x[20:],
        y_test=y[20:],
        class_names=np.array(["cat", "dog", "고양이"]),
    )
    ds = load_npz(data, "pets")
    assert ds.class_names == ["cat", "dog", "고양이"] and ds.meta["split"] == "provided"
    assert ds.y_test.tolist() == y[20:].tolist()
    np.testing.assert_allclose(ds.x_test[:, 0].numpy() * 255, x[20:], atol=1e-3)


def test_npz_sparse_labels_are_renumbered_by_value():
    y = np.array([3, 7, 42] * 10)
    ds = load_npz(_npz(x=_images(30), y=y), "sparse")
    assert ds.class_names == ["3", "7", "42"] and ds.split("all")[1].max().item() == 2


def test_npz_resize_down_and_up():
    x = np.zeros((20, 40, 40), dtype=np.uint8)
    x[:, :20, :] = 255  # top half white
    small = load_npz(_npz(x=x), "s", image_size=10)
    assert small.image_shape == (1, 10, 10)
    img = small.x_train[0, 0]
    assert img[:5].min() == 1.0 and img[5:].max() == 0.0  # area keeps the edge clean
    big = load_npz(_npz(x=_images(20, 8)), "b", image_size=16)
    assert big.image_shape == (1, 16, 16)


def test_npz_from_path_and_file_object(tmp_path):
    data = _npz(x=_images(20))
    path = tmp_path / "d.npz"
    path.write_bytes(data)
    fh = io.BytesIO(data)
    fh.read()  # a re-used upload: loader must rewind
    assert load_npz(path, "p").image_shape == load_npz(fh, "f").image_shape == (1, 8, 8)


# --------------------------------------------------------------- npz refused


def _refused(data, match, **kw):
    with pytest.raises(DataError, match=match):
        load_npz(data, "bad", **kw)


def test_npz_object_array_is_refused_not_unpickled():
    boom = np.empty(12, dtype=object)
    boom[:] = [{"a": i} for i in range(12)]
    _refused(_npz(x=boom), "pickled")


def test_npz_pickled_plain_file_is_refused():
    import pickle

    _refused(pickle.dumps({"x": 1}), "not an .npz")


def test_npz_single_npy_is_refused_with_hint():
    buf = io.BytesIO()
    np.save(buf, _images())
    _refused(buf.getvalue(), "numpy.savez")


def test_npz_nan_and_negative_and_out_of_range_are_refused():
    x = RNG.random((20, 4, 4))
    x[3, 1, 1] = np.nan
    _refused(_npz(x=x), "NaN")
    _refused(_npz(x=-RNG.random((20, 4, 4))), "negative")
    _refused(_npz(x=RNG.random((20, 4, 4)) * 1000), "0..255")
    _refused(_npz(x=np.full((20, 4, 4), 300, dtype=np.int32)), "0..255")


@pytest.mark.parametrize(
    ("x", "match"),
    [
        (np.zeros((20, 8), dtype=np.uint8), "square number"),
        (np.zeros((20, 4, 6), dtype=np.uint8), "square"),
        (np.zeros((20, 3, 4, 4), dtype=np.uint8), "grayscale"),
        (np.zeros(20, dtype=np.uint8), "shape"),
        (np.zeros((5, 4, 4), dtype=np.uint8), "at least 10"),
        (np.array(["a"] * 20), "integers or floats"),
    ],
    ids=["flat-not-square", "non-square", "rgb", "1d", "too-few", "strings"],
)
def test_npz_bad_shapes_are_refused(x, match):
    _refused(_npz(x=x), match)


def test_npz_label_problems_are_refused():
    x = _images(20)
    _refused(_npz(x=x, y=np.zeros(19, dtype=int)), "20 images but 19 labels")
    _refused(_npz(x=x, y=np.full(20, 0.5)), "whole numbers")
    _refused(_npz(x=x, y=-np.ones(20, dtype=int)), "0 or more")
    _refused(_npz(x=x, y=np.arange(20) % 3, class_names=np.array(["a", "b"])), "class names")
    _refused(_npz(x_train=x, y_train=np.zeros(20, int), x_test=x), "y_test")
    _refused(_npz(images=x, class_names=np.array(["a"])), "no labels")
    _refused(_npz(pixels=x), "found: pixels")


def test_npz_too_many_classes_is_refused(monkeypatch):
    monkeypatch.setattr(user_mod, "MAX_CLASSES", 4)
    _refused(_npz(x=_images(20), y=np.arange(20) % 5), "5 classes")


def test_npz_caps_are_enforced(monkeypatch):
    data = _npz(x=_images(40))
    monkeypatch.setattr(user_mod, "MAX_IMAGES", 30)
    _refused(data, "limit is 30")
    monkeypatch.setattr(user_mod, "MAX_UPLOAD_BYTES", 1000)
    _refused(data, "too large")
    monkeypatch.undo()
    monkeypatch.setattr(user_mod, "MAX_UNCOMPRESSED_BYTES", 1000)
    _refused(data, "unpacks to")


def test_npz_large_side_needs_image_size(monkeypatch):
    monkeypatch.setattr(user_mod, "MAX_SIDE", 16)
    data = _npz(x=_images(20, 32))
    _refused(data, "choose an image size")
    assert load_npz(data, "ok", image_size=16).image_shape == (1, 16, 16)


def test_npz_bad_arguments_are_refused():
    data = _npz(x=_images(20))
    _refused(data, "test fraction", test_fraction=0.0)
    _refused(data, "image size", image_size=1000)


def test_npz_damaged_zip_is_refused():
    data = bytearray(_npz(x=_images(20)))
    data[len(data) // 2 : len(data) // 2 + 50] = b"\x00" * 50
    with pytest.raises(DataError):
        load_npz(bytes(data), "damaged")


# ----------------------------------------------------------------------- zip


def _png(value: int, size=(12, 12), mode="L", fmt="PNG") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, value if mode == "L" else (value, value, value)).save(buf, format=fmt)
    return buf.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    return buf.getvalue()


def _good_members(prefix="") -> dict[str, bytes]:
    members = {}
    for i in range(6):
        members[f"{prefix}cat/{i}.png"] = _png(30)
        members[f"{prefix}dog/{i}.jpg"] = _png(200, size=(20, 10), mode="RGB", fmt="JPEG")
    return members


def test_zip_class_folders_grayscale_resized():
    ds = load_image_zip(_zip(_good_members()), "pets", image_size=16)
    assert ds.class_names == ["cat", "dog"] and ds.image_shape == (1, 16, 16)
    assert len(ds.x_train) + len(ds.x_test) == 12
    x, y = ds.split("all")
    assert x[y == 0].mean().item() == pytest.approx(30 / 255, abs=0.01)
    assert x[y == 1].mean().item() == pytest.approx(200 / 255, abs=0.03)
    assert ds.meta["source"] == "zip" and ds.meta["split"] == "stratified"


def test_zip_top_level_folder_and_junk_are_handled():
    members = _good_members("export/")
    members["__MACOSX/export/cat/._0.png"] = b"junk"
    members["export/.DS_Store"] = b"junk"
    members["export/cat/.hidden.png"] = b"junk"
    ds = load_image_zip(_zip(members), "pets", image_size=8)
    assert ds.class_names == ["cat", "dog"] and len(ds.split("all")[0]) == 12


def test_zip_numeric_classes_sort_numerically_and_one_class_is_ok():
    members = {f"{c}/{i}.png": _png(c) for c in (2, 10) for i in range(5)}
    assert load_image_zip(_zip(members), "n").class_names == ["2", "10"]
    single = {f"only/{i}.png": _png(9) for i in range(10)}
    assert load_image_zip(_zip(single), "one").class_names == ["only"]


def test_zip_from_path(tmp_path):
    path = tmp_path / "pets.zip"
    path.write_bytes(_zip(_good_members()))
    assert load_image_zip(path, "p", image_size=8).meta["file_name"] == "pets.zip"


def _zip_refused(data, match, **kw):
    with pytest.raises(DataError, match=match):
        load_image_zip(data, "bad", **kw)


def test_zip_class_folder_names_are_capped_like_npz_class_names():
    long = "x" * 101
    members = {f"{long}/{i}.png": _png(9) for i in range(5)}
    members.update({f"short/{i}.png": _png(9) for i in range(5)})
    _zip_refused(_zip(members), "at most 100 characters")
    ok = {f"{'y' * 100}/{i}.png": _png(9) for i in range(10)}
    assert load_image_zip(_zip(ok), "ok").class_names == ["y" * 100]


@pytest.mark.parametrize(
    "evil", ["../evil.png", "/etc/evil.png", "cat/../../evil.png", "C:/evil.png", "..\\evil.png"]
)
def test_zip_path_traversal_is_refused(evil):
    members = _good_members()
    members[evil] = _png(1)
    _zip_refused(_zip(members), "unsafe path")


def test_zip_fake_image_is_refused_by_name():
    members = _good_members()
    members["cat/broken.png"] = b"this is not a png at all"
    _zip_refused(_zip(members), "cat/broken.png")


def test_zip_non_image_file_is_refused():
    members = _good_members()
    members["cat/notes.txt"] = b"hello"
    _zip_refused(_zip(members), "notes.txt")


def test_zip_empty_or_not_a_zip_is_refused():
    _zip_refused(_zip({}), "no PNG or JPEG")
    _zip_refused(_zip({"__MACOSX/x": b"", "cat/": b""}), "no PNG or JPEG")
    _zip_refused(b"plain text, not a zip", "not a zip")


def test_zip_layout_problems_are_refused():
    members = _good_members()
    members["loose.png"] = _png(1)
    _zip_refused(_zip(members), "loose.png")


def test_zip_caps_are_enforced(monkeypatch):
    data = _zip(_good_members())
    monkeypatch.setattr(user_mod, "MAX_ZIP_FILES", 5)
    _zip_refused(data, "12 files")
    monkeypatch.undo()
    monkeypatch.setattr(user_mod, "MAX_ZIP_MEMBER_BYTES", 50)
    _zip_refused(data, "limit per image")
    monkeypatch.undo()
    monkeypatch.setattr(user_mod, "MAX_UNCOMPRESSED_BYTES", 500)
    _zip_refused(data, "unpacks to more")
    monkeypatch.undo()
    monkeypatch.setattr(user_mod, "MAX_DECODE_PIXELS", 100)
    _zip_refused(data, "pixels per image")
    monkeypatch.undo()
    _zip_refused(_zip({f"c/{i}.png": _png(1) for i in range(5)}), "at least 10")


def test_zip_bomb_like_member_is_refused_before_decompressing(monkeypatch):
    monkeypatch.setattr(user_mod, "MAX_ZIP_MEMBER_BYTES", 1024 * 1024)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("cat/bomb.png", b"\x00" * (8 * 1024 * 1024))
    assert len(buf.getvalue()) < 100_000
    _zip_refused(buf.getvalue(), "bomb.png")
