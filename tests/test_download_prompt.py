"""The download prompt gives the size still to download, not the whole dataset's."""

from __future__ import annotations

import shutil

import pytest
from streamlit.testing.v1 import AppTest

from ae_core.data import DATASETS
from ae_core.data.download import missing_bytes
from app_lib.i18n import human_bytes
from tests.conftest import mnist_dir
from tests.test_app_pages import APP

MNIST = DATASETS["mnist"]


def _cache_all_but(root, missing: str, source=None) -> None:
    """A cache holding every MNIST file but ``missing``: copies of ``source``'s, else
    files of the right size (all the cheap presence check looks at)."""
    folder = root / "mnist"
    folder.mkdir(parents=True)
    for f in MNIST.files:
        if f.name == missing:
            continue
        if source is not None:
            shutil.copyfile(source / "mnist" / f.name, folder / f.name)
        else:
            with open(folder / f.name, "wb") as out:
                out.truncate(f.size)


def test_missing_bytes_counts_only_the_absent_files(tmp_path):
    assert missing_bytes(MNIST, tmp_path) == MNIST.total_bytes
    test_images = next(f for f in MNIST.files if f.name.startswith("t10k-images"))
    _cache_all_but(tmp_path, test_images.name)
    assert missing_bytes(MNIST, tmp_path) == test_images.size


@pytest.mark.skipif(mnist_dir() is None, reason="needs the MNIST files (md5-checked on load)")
def test_the_prompt_says_how_much_is_really_missing(monkeypatch, tmp_path):
    test_images = next(f for f in MNIST.files if f.name.startswith("t10k-images"))
    _cache_all_but(tmp_path, test_images.name, mnist_dir())
    monkeypatch.setenv("AE_DATA_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"lang": "en", "dataset": "mnist", "model": "pca:2"})
    at.switch_page("app_pages/compression.py")
    at.run()
    assert not at.exception
    [prompt] = [i.value for i in at.info if "to download" in i.value]
    assert f"({human_bytes(test_images.size)} to download)" in prompt   # 1.6 MB
    assert human_bytes(MNIST.total_bytes) not in prompt                 # not 11.6 MB
