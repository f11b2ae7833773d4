"""Uploaded datasets persist on disk and load back exactly, under a 'user:' name."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ae_core.data import load_dataset
from ae_core.data.library import DatasetLibrary, load_any
from ae_core.data.user import load_npz
from ae_core.errors import DataError


def upload(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(60, 12, 12), dtype=np.uint8)
    labels = np.repeat([0, 1, 2], 20)
    path = tmp_path / "shapes.npz"
    np.savez(path, x=images, y=labels, class_names=np.array(["원", "square", "triangle"]))
    return load_npz(path, "shapes"), images


def test_save_list_load_round_trip(tmp_path):
    library = DatasetLibrary(tmp_path / "lib")
    original, _ = upload(tmp_path)
    name = library.save(original, "shapes", source="shapes.npz")
    assert name == "user:shapes"
    [item] = library.list()
    assert item["name"] == name and item["n_train"] == len(original.x_train)
    assert item["class_names"] == ["원", "square", "triangle"]
    loaded = load_any(name, library=library)
    assert torch.equal(loaded.x_train, original.x_train)  # uint8 sources survive exactly
    assert torch.equal(loaded.y_test, original.y_test)
    assert loaded.class_names == original.class_names and loaded.name == name
    with pytest.raises(DataError, match="already exists"):
        library.save(original, "shapes")
    library.delete(name)
    assert library.list() == []
    with pytest.raises(DataError, match="no uploaded dataset"):
        load_any(name, library=library)


def test_load_any_resolves_builtins_and_refuses_unknown_names(tmp_path):
    assert load_any("digits") is load_dataset("digits")
    with pytest.raises(DataError, match="no dataset called 'cifar'"):
        load_any("cifar")


def test_a_dataset_name_cannot_escape_the_folder(tmp_path):
    from ae_core.store import StoreError

    original, _ = upload(tmp_path)
    with pytest.raises(StoreError):
        DatasetLibrary(tmp_path / "lib").save(original, "../../evil")
