"""app_lib.widgets' HTML pieces: one element for the decoded image and its verdict."""

from __future__ import annotations

import re

import numpy as np
import pytest

from ae_core.imaging import png_bytes
from ae_core.latent import ManifoldReading
from app_lib import widgets
from app_lib.i18n import language, t


def reading(verdict: str, distance: float = 0.5) -> ManifoldReading:
    return ManifoldReading(distance=distance, nearest_row=12, spacing=0.15, ratio=3.2,
                           percentile=97.0, verdict=verdict)


@pytest.mark.parametrize("verdict", ["on", "edge", "gap"])
def test_the_verdict_box_names_the_verdict_with_its_numbers(verdict):
    with language("en"):
        html = widgets.verdict_html(reading(verdict))
        assert t(f"gap.{verdict}") in html
        assert (t("gap.explain") in html) == (verdict == "gap")
    assert f'data-verdict="{verdict}"' in html
    assert "3.2×" in html and "97%" in html            # ratio and percentile, as gap.detail says


def test_an_exact_code_says_which_image_it_is():
    with language("en"):
        html = widgets.verdict_html(reading("on", distance=0.0))
    assert "#12" in html and "3.2×" not in html


def test_the_generated_panel_is_one_element_with_title_image_position_and_verdict():
    png = png_bytes(np.zeros((8, 8)), target=32)
    with language("ko"):
        html = widgets.generated_html(png, t("explore.generated"), "위치: (0.10, -0.20)",
                                      reading("gap"))
        assert re.search(r"<h4[^>]*>이 위치의 디코딩 결과</h4>", html)
        assert t("gap.gap") in html
    assert 'alt="이 위치의 디코딩 결과"' in html and "data:image/png;base64," in html
    assert "위치: (0.10, -0.20)" in html


def test_text_is_escaped():
    assert widgets.caption_html("<b>&") == (
        f'<p style="{widgets.CAPTION_STYLE}">&lt;b&gt;&amp;</p>')
