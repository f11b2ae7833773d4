"""A tiny zip cannot cost minutes of CPU: decoded pixels are capped per image and per upload
from the images' headers, JPEGs are decoded at reduced size, and the import reports
progress and stops on request.

The crafted input is the one issue 18 describes, scaled down: a zip of blank 5000×5000
PNGs (a few hundred bytes each once zipped), which was accepted after decoding every
image in full (93 ms each). Whether a full-size image is ever decoded is observed by
counting the pixels Pillow decodes, not by timing.
"""

from __future__ import annotations

import io
import threading
import zipfile

import pytest
from PIL import Image, ImageFile

from ae_core.data import user as user_mod
from ae_core.data.user import (
    MAX_DECODE_PIXELS,
    MAX_UPLOAD_DECODE_PIXELS,
    ImportStopped,
    load_image_zip,
    load_upload,
)
from ae_core.errors import DataError
from ae_core.tasks import DONE, STOPPED, Board


def blank(side: int, fmt: str) -> bytes:
    """One blank side×side image: highly compressible, huge when decoded."""
    buf = io.BytesIO()
    Image.new("L", (side, side), 0).save(buf, format=fmt)
    return buf.getvalue()


def zipped(image: bytes, n: int, ext: str, classes: int = 2) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(n):
            zf.writestr(f"c{i % classes}/{i}.{ext}", image)
    return buf.getvalue()


@pytest.fixture
def decoded(monkeypatch) -> list[int]:
    """Pixels of every image Pillow decodes (each ``load`` of an opened file)."""
    sizes: list[int] = []
    real = ImageFile.ImageFile.load

    def counting(self):
        if self.tile:  # not yet decoded: this call decodes it at self.size
            sizes.append(self.size[0] * self.size[1])
        return real(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", counting)
    return sizes


def test_the_crafted_zip_of_huge_blank_pngs_is_refused_before_any_decoding(decoded):
    data = zipped(blank(5000, "PNG"), 12, "png")
    assert len(data) < 200_000  # tiny on the wire
    with pytest.raises(DataError) as refused:
        load_image_zip(data, "bomb")
    assert refused.value.code == "data.image_too_large"
    assert (refused.value.params["width"], refused.value.params["height"]) == (5000, 5000)
    assert decoded == []


def test_many_large_pngs_are_refused_by_the_upload_cap_before_any_decoding(decoded):
    side = 4096  # exactly the per-image cap, so only the total can refuse it
    n = MAX_UPLOAD_DECODE_PIXELS // (side * side) + 1
    with pytest.raises(DataError) as refused:
        load_image_zip(zipped(blank(side, "PNG"), n, "png"), "many")
    assert refused.value.code == "data.too_many_pixels"
    assert decoded == []


def test_a_huge_jpeg_is_decoded_at_reduced_size(decoded):
    side = 6000  # 36 megapixels, over the per-image cap at full size
    dataset = load_image_zip(zipped(blank(side, "JPEG"), 10, "jpg"), "photos", image_size=28)
    assert dataset.image_shape == (1, 28, 28)
    assert len(decoded) == 10
    assert max(decoded) == (side // 8) ** 2 < MAX_DECODE_PIXELS  # draft: 1/8 a side


class Recorder:
    """A progress context that asks to stop after ``stop_after`` reports."""

    def __init__(self, stop_after: int | None = None):
        self.fractions: list[float] = []
        self.stop_after = stop_after

    def progress(self, fraction: float, text: str | None = None) -> None:
        self.fractions.append(fraction)

    @property
    def stop_requested(self) -> bool:
        return self.stop_after is not None and len(self.fractions) >= self.stop_after


def small_zip(n: int = 40) -> bytes:
    return zipped(blank(16, "PNG"), n, "png")


def test_the_import_reports_progress_up_to_the_end():
    ctx = Recorder()
    dataset = load_image_zip(small_zip(), "small", image_size=8, ctx=ctx)
    assert dataset.n_train + len(dataset.x_test) == 40
    assert ctx.fractions == sorted(ctx.fractions) and ctx.fractions[-1] == 1.0
    assert len(ctx.fractions) > 10  # the bar moves image by image


def test_the_import_stops_on_request_between_images(decoded):
    ctx = Recorder(stop_after=5)
    with pytest.raises(ImportStopped):
        load_image_zip(small_zip(), "small", image_size=8, ctx=ctx)
    assert 0 < len(decoded) < 40


def test_the_import_runs_as_a_background_task_that_stop_ends():
    """The My data page's way: a task on the board, its context passed to the import."""
    board, release = Board(), threading.Event()

    def read(ctx):
        release.wait(30)
        try:
            return load_upload(small_zip(), "small.zip", 8, ctx)
        except ImportStopped:
            return None

    task = board.start("stopped", read)
    task.stop()
    release.set()
    assert task.wait(30)
    assert task.state().status == STOPPED and task.state().result is None
    done = board.start("done", lambda ctx: load_upload(small_zip(), "small.zip", 8, ctx))
    assert done.wait(30)
    assert done.state().status == DONE and done.state().result.image_shape == (1, 8, 8)


def test_the_cap_is_checked_at_the_size_decoded(monkeypatch):
    """A JPEG that draft reduces below the cap passes; a PNG of the same size does not."""
    monkeypatch.setattr(user_mod, "MAX_DECODE_PIXELS", 300 * 300)
    load_image_zip(zipped(blank(800, "JPEG"), 10, "jpg"), "ok", image_size=28)
    with pytest.raises(DataError, match="pixels per image"):
        load_image_zip(zipped(blank(800, "PNG"), 10, "png"), "no", image_size=28)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_refusals_are_said_in_both_languages(lang):
    from app_lib import messages

    with pytest.raises(DataError) as refused:
        load_image_zip(zipped(blank(5000, "PNG"), 12, "png"), "bomb")
    text = messages.sentence(refused.value, lang)
    assert "5000×5000" in text and f"{MAX_DECODE_PIXELS:,}" in text
