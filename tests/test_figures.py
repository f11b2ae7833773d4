"""app_lib.figures: the overlay is built without Plotly's validation, so check what it sends.

Both figures are compared as ``st.plotly_chart`` serialises them: the overlay
must line up with the base map exactly and stay valid Plotly, in both languages.
"""

from __future__ import annotations

import copy
import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import plotly.tools
import pytest

from ae_core.latent import LatentSpace, interpolation_path, zoom_window
from app_lib import figures
from app_lib.i18n import language, t

NAMES = [f"class {i}" for i in range(10)]
GEOMETRY = ("height", "margin", "dragmode", "hovermode", "clickmode", "uirevision")


def sent(fig) -> dict:
    """The spec the browser gets, the way ``st.plotly_chart`` makes it."""
    figure = plotly.tools.return_figure_from_figure_or_data(fig, validate_figure=True)
    return json.loads(pio.to_json(figure, validate=False))


def make_space(dim: int, prior: bool = False) -> LatentSpace:
    rng = np.random.default_rng(dim)
    labels = rng.integers(0, 10, 400)
    labels[labels == 7] = 3  # one class has no points: no legend entry for it
    return LatentSpace.build(rng.normal(size=(400, dim)).astype(np.float32), labels, prior=prior)


def all_marks(space: LatentSpace) -> figures.Marks:
    p = space.projection.project
    path = interpolation_path(space.codes[0], space.codes[1], 24, "linear")
    return figures.Marks(here=p(space.codes[5]), selected=space.xy[4], a=p(space.codes[0]),
                         b=p(space.codes[1]), path=p(path))


PLACEMENT = ("constrain", "scaleanchor", "scaleratio", "automargin", "range")
"""Axis settings that decide where the plot area sits and what it shows."""


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize(("dim", "prior"), [(2, True), (5, False), (1, False)])
def test_the_overlay_lines_up_with_the_map(lang, dim, prior):
    space = make_space(dim, prior)
    window = zoom_window(space.window, 4, (0.3, -0.2))
    with language(lang):
        base = sent(figures.latent_map(space, NAMES, window))
        over = sent(figures.marks_overlay(space, NAMES, window, all_marks(space)))
    assert {k: over["layout"][k] for k in GEOMETRY} == {k: base["layout"][k] for k in GEOMETRY}
    assert base["layout"]["margin"]["autoexpand"] is False  # nothing moves the plot area
    for axis in ("xaxis", "yaxis"):
        assert ({k: over["layout"][axis].get(k) for k in PLACEMENT}
                == {k: base["layout"][axis].get(k) for k in PLACEMENT})
    assert over["layout"]["xaxis"]["range"] == [window.x0, window.x1]
    assert over["layout"]["yaxis"]["range"] == [window.y0, window.y1]
    # the overlay repeats nothing Plotly would have to lay out again on every slider move
    assert over["layout"]["showlegend"] is False
    assert not over["layout"]["xaxis"]["visible"] and not over["layout"]["yaxis"]["visible"]
    assert all(tr.get("showlegend") is False for tr in over["data"])
    legend = [tr["name"] for tr in base["data"] if tr.get("showlegend", True)]
    assert legend == [n for n in NAMES if n != "class 7"]


def test_the_legend_margin_fits_the_widest_name_and_counts_hangul_as_wide():
    narrow, wide = figures.legend_width(["abcdefgh"]), figures.legend_width(["앵클 부츠 앵클"])
    assert wide > narrow  # 7 glyphs of Hangul need more room than 8 Latin letters
    assert figures.legend_width(["a", "abcdefgh"]) == narrow  # the widest one decides
    assert figures.legend_width([]) == figures.legend_width(["a"]) == 100  # at least 100 px
    assert figures.legend_width(["x" * 200]) == 280  # and at most 280 px
    with language("ko"):
        space = make_space(2)
        spec = sent(figures.latent_map(space, ["티셔츠/탑", "앵클 부츠"] * 5, space.window))
    assert spec["layout"]["margin"]["r"] == figures.legend_width(
        [t("map.legend", lang="ko") + " ", "티셔츠/탑", "앵클 부츠"])


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_overlay_draws_every_mark_by_name(lang):
    space = make_space(2, prior=True)
    with language(lang):
        spec = sent(figures.marks_overlay(space, NAMES, space.window, all_marks(space)))
        expected = [t("map.path"), "A", "B", t("map.selected"),
                    t("map.here")]
    marks = [tr for tr in spec["data"] if tr.get("showlegend") is False]
    assert [tr["name"] for tr in marks] == expected
    assert marks[0]["mode"] == "lines"
    assert [tr.get("text") for tr in marks[1:]] == [["A"], ["B"], None, None]
    assert all(tr["hoverinfo"] == "skip" for tr in spec["data"])


def test_missing_marks_are_left_out():
    space = make_space(2)
    here = space.projection.project(space.codes[0])
    spec = sent(figures.marks_overlay(space, NAMES, space.window, figures.Marks(here=here)))
    assert [tr["name"] for tr in spec["data"]] == [t("map.here")]


@pytest.mark.parametrize("overlay", [True, False])
def test_what_skips_validation_is_still_valid_plotly(overlay):
    """Plotly's own validation of the sent spec neither complains nor changes anything."""
    space = make_space(2, prior=True)
    fig = (figures.marks_overlay(space, NAMES, space.window, all_marks(space)) if overlay
           else figures.latent_map(space, NAMES, space.window, background=b"png"))
    spec = sent(fig)
    assert sent(go.Figure(spec)) == spec


def test_the_cached_overlay_layout_is_never_written_to():
    space = make_space(2)
    first = sent(figures.marks_overlay(space, NAMES, space.window, all_marks(space)))
    layout = figures._overlay_layout(figures.legend_width([t("map.legend") + " ", *NAMES]),
                                     space.window)
    before = copy.deepcopy(layout)
    fig = figures.marks_overlay(space, NAMES, space.window, figures.Marks())
    fig.update_layout(height=10, xaxis_range=[0, 1])
    sent(fig)
    assert layout == before
    again = sent(figures.marks_overlay(space, NAMES, space.window, all_marks(space)))
    assert again == first


def test_the_base_map_arrays_are_sent_pre_encoded():
    """Its arrays are base64 already, so each rerun's copy of the cached map is cheap."""
    space = make_space(2)
    fig = figures.latent_map(space, NAMES, space.window)
    arrays = [tr[axis] for tr in fig.to_dict()["data"] for axis in ("x", "y")]
    assert all(isinstance(a, dict) and "bdata" in a for a in arrays)


def test_the_overlay_layout_is_built_once_per_view():
    """Reruns reuse the cached layout dict: no Plotly validation and no rebuilding."""
    space = make_space(2, prior=True)
    figures._overlay_layout.cache_clear()
    for _ in range(3):
        figures.marks_overlay(space, NAMES, space.window, all_marks(space))
    info = figures._overlay_layout.cache_info()
    assert (info.misses, info.hits) == (1, 2)
    assert figures.marks_overlay(space, NAMES, space.window, all_marks(space))._validate is False
