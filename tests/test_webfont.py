"""The shipped Korean webfont covers every Korean character the UI shows, and is served."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
import tomllib

from ae_core.data import DATASETS
from app_lib.i18n import LANGUAGES, STRINGS

REPO = Path(__file__).resolve().parents[1]
FONTS = REPO / "static" / "fonts"
FACES = ("NotoSansKR-Regular.woff2", "NotoSansKR-Bold.woff2")


def _hangul(text: str) -> set[str]:
    """Hangul syllables and compatibility jamo in ``text``."""
    return {c for c in text if "\uac00" <= c <= "\ud7a3" or "\u3131" <= c <= "\u318e"}


def ui_korean() -> set[str]:
    texts = [entry.get("ko", "") for entry in STRINGS.values()] + list(LANGUAGES.values())
    for spec in DATASETS.values():
        texts += list(spec.class_names_ko)
    return _hangul("".join(texts))


@functools.cache
def cmap(name: str) -> frozenset[str]:
    from fontTools.ttLib import TTFont

    return frozenset(chr(cp) for cp in TTFont(FONTS / name).getBestCmap())


@pytest.mark.parametrize("face", FACES)
def test_every_korean_character_of_the_ui_is_in_the_shipped_font(face):
    needed = ui_korean()
    assert len(needed) > 300                       # the table is there and mostly Korean
    missing = "".join(sorted(needed - cmap(face)))
    assert not missing, f"run static/fonts/build_subset.py: {face} lacks {missing}"


@pytest.mark.parametrize("face", FACES)
def test_the_font_covers_the_common_syllables_latin_and_the_ui_s_symbols(face):
    """KS X 1001's 2,350 syllables: a Korean class name in an uploaded data set is drawn too."""
    ks = {bytes([row, col]).decode("euc_kr") for row in range(0xB0, 0xC9)
          for col in range(0xA1, 0xFF)}
    assert len(ks) == 2350 and ks <= cmap(face)
    assert {chr(c) for c in range(0x20, 0x7F)} <= cmap(face)
    assert set("·×—–…→←≈≥±") <= cmap(face)
    assert (FONTS / face).stat().st_size < 200_000   # a subset, not the 10 MB original


def test_the_font_is_served_and_named_in_the_theme_with_its_licence():
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    assert config["server"]["enableStaticServing"] is True
    faces = config["theme"]["fontFaces"]
    assert {f["url"] for f in faces} == {f"app/static/fonts/{face}" for face in FACES}
    assert {int(f["weight"]) for f in faces} == {400, 700}
    family = faces[0]["family"]
    assert family in config["theme"]["font"] and family in config["theme"]["headingFont"]
    assert "SIL Open Font License" in (FONTS / "OFL.txt").read_text()


def test_charts_use_the_same_fonts():
    import plotly.graph_objects as go

    from app_lib import figures

    family = go.Figure().layout.template.layout.font.family
    assert family == figures.FONT_FAMILY and "Noto Sans KR" in family
