"""My models and My data in real Chromium: uploads (good, hostile, garbage), rename, delete,
download, and a saved dataset reaching the sidebar.

A failing test leaves a screenshot in ``test-artifacts/`` (see conftest.py).
"""

from __future__ import annotations

import io
import pickle
import zipfile
from pathlib import Path

import numpy as np
from playwright.sync_api import expect

from ae_core.io import model_from_bytes, model_to_bytes
from ae_core.models import build_model, make_config

MODEL_INPUT = "[data-testid=stFileUploader] input[type=file]"


class _Marker:
    """Unpickling this creates ``path``: proof that a pickle was (not) executed."""

    def __init__(self, path: Path):
        self.path = str(path)

    def __reduce__(self):
        return open, (self.path, "w")


def _text(page) -> str:
    return page.evaluate("() => document.body.innerText")


def _wait_text(page, text: str, timeout: float = 30_000) -> None:
    page.wait_for_function("(t) => document.body.innerText.includes(t)", arg=text,
                           timeout=timeout)


def _wait_idle(page) -> None:
    """Wait until the script run started by the last interaction has finished."""
    page.wait_for_timeout(300)
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')",
                           timeout=30_000)


def _files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


def _upload(page, name: str, data: bytes, mime: str = "application/octet-stream") -> None:
    page.locator(MODEL_INPUT).set_input_files({"name": name, "mimeType": mime, "buffer": data})


def test_a_pickle_model_file_is_refused_and_never_run(page, app_server, tmp_path):
    store = Path(app_server.env["AE_MODEL_DIR"])
    before = _files(store)
    marker = tmp_path / "pwned"
    probe = tmp_path / "probe"
    pickle.loads(pickle.dumps(_Marker(probe)))  # the payload is live: loading it runs code
    assert probe.exists()
    page.goto(app_server.url("/models", lang="en", dataset="digits"))
    page.locator(MODEL_INPUT).wait_for(state="attached")
    _upload(page, "evil.safetensors", pickle.dumps(_Marker(marker)))
    page.get_by_role("button", name="Add to my models").click()
    _wait_text(page, "This file was refused")
    assert not marker.exists()
    assert _files(store) == before


def test_upload_rename_download_and_delete_a_model(page, app_server, tmp_path):
    store = Path(app_server.env["AE_MODEL_DIR"])
    for leftover in store.glob("tiny-*"):  # from an earlier attempt of this test
        leftover.unlink()
    config = make_config("vanilla", input_shape=[1, 8, 8], hidden=[16], latent_dim=2)
    data = model_to_bytes(build_model(config, seed=3), {"dataset": "digits"})
    page.goto(app_server.url("/models", lang="en", dataset="digits"))
    page.locator(MODEL_INPUT).wait_for(state="attached")
    _upload(page, "tiny-upload.safetensors", data)
    page.get_by_role("button", name="Add to my models").click()
    _wait_text(page, "Added tiny-upload")
    assert (store / "tiny-upload.safetensors").is_file()
    page.locator("[data-testid=stDataFrame]").wait_for()

    pick = page.locator("[data-testid=stSelectbox]").filter(has_text="Model").last
    # the model just added is the one picked (the selectbox shows it in its input)
    expect(pick.locator("input")).to_have_value("tiny-upload")
    new_name = page.locator('input[aria-label="New name"]')
    # The rename box is keyed by the picked model: wait until the rerun has replaced it,
    # otherwise the typed name lands in the old box and is thrown away.
    expect(new_name).to_have_value("tiny-upload", timeout=30_000)
    new_name.fill("tiny-renamed")
    new_name.press("Enter")
    _wait_idle(page)
    expect(new_name).to_have_value("tiny-renamed")
    page.get_by_role("button", name="Rename").click()
    _wait_text(page, "Renamed to tiny-renamed")
    assert (store / "tiny-renamed.safetensors").is_file()
    assert not (store / "tiny-upload.safetensors").exists()

    if "tiny-renamed" not in pick.inner_text():
        pick.click()
        page.get_by_role("option", name="tiny-renamed", exact=True).click()
    expect(new_name).to_have_value("tiny-renamed", timeout=30_000)
    _wait_idle(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the file").click()
    download = info.value
    assert download.suggested_filename == "tiny-renamed.safetensors"
    saved = tmp_path / "downloaded.safetensors"
    download.save_as(saved)
    model = model_from_bytes(saved.read_bytes())
    assert model.latent_dim == 2 and saved.read_bytes() == data

    page.get_by_role("button", name="Delete…").click()
    _wait_text(page, "for good?")
    assert (store / "tiny-renamed.safetensors").is_file()  # not before the confirmation
    page.get_by_role("button", name="Yes, delete").click()
    _wait_text(page, "Deleted tiny-renamed")
    assert not (store / "tiny-renamed.safetensors").exists()


def _npz(n: int = 60, classes: int = 3) -> bytes:
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, size=(n, 8, 8), dtype=np.uint8)
    y = np.arange(n) % classes
    buf = io.BytesIO()
    np.savez(buf, x=x, y=y, class_names=np.array(["ring", "bar", "dot"]))
    return buf.getvalue()


def test_a_good_npz_is_previewed_saved_and_offered_in_the_sidebar(page, app_server):
    library = Path(app_server.env["AE_USER_DATA_DIR"])
    page.goto(app_server.url("/data", lang="en", dataset="digits"))
    page.locator(MODEL_INPUT).wait_for(state="attached")
    _upload(page, "shapes.npz", _npz())
    _wait_text(page, "Images per class")
    page.locator("[data-testid=stImage] img").first.wait_for()
    assert "3 classes" in _text(page)
    table = page.locator("[data-testid=stDataFrame]").first
    table.wait_for()
    page.get_by_role("button", name="Save dataset").click()
    _wait_text(page, "Saved as shapes:")
    assert {"shapes.npz", "shapes.json"} <= _files(library)
    sidebar_pick = page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").first
    sidebar_pick.click()
    options = page.get_by_role("option")
    options.first.wait_for()
    assert "shapes" in options.all_inner_texts()


def _traversal_zip() -> bytes:
    from ae_core.imaging import png_bytes

    image = png_bytes(np.zeros((1, 8, 8), dtype=np.float32))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("cats/ok.png", image)
        zf.writestr("../../evil.png", image)
    return buf.getvalue()


def test_garbage_and_path_traversal_uploads_are_refused_and_nothing_is_saved(page, app_server):
    library = Path(app_server.env["AE_USER_DATA_DIR"])
    before = _files(library)
    page.goto(app_server.url("/data", lang="en", dataset="digits"))
    page.locator(MODEL_INPUT).wait_for(state="attached")
    _upload(page, "junk.npz", b"this is not a numpy file at all" * 10)
    _wait_text(page, "This file cannot be used")
    assert page.get_by_role("button", name="Save dataset").count() == 0
    _upload(page, "evil.zip", _traversal_zip(), "application/zip")
    _wait_text(page, "unsafe path")
    assert "This file cannot be used" in _text(page)
    assert page.get_by_role("button", name="Save dataset").count() == 0
    assert _files(library) == before
    assert not (library.parent / "evil.png").exists()
