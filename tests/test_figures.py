"""app_lib.figures: the map's fixed geometry, and the SVG of marks laid over it.

The marks are an SVG image placed in the map's margins; it lines up with the
plot area only if it uses the same margins and the same fitting rule, so
both are checked here, in both languages, and in a real browser by
``tests/browser/test_explore_browser.py``.
"""

from __future__ import annotations

import base64
import json
import re
import xml.etree.ElementTree as ET

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import plotly.tools
import pytest

from ae_core.latent import LatentSpace, interpolation_path, zoom_window
from app_lib import figures
from app_lib.i18n import language, t

NAMES = [f"class {i}" for i in range(10)]
SVG = "{http://www.w3.org/2000/svg}"


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


def parse(html: str) -> tuple[dict, str, ET.Element]:
    """(the image's CSS box, its alt text, its SVG) from what ``marks_svg`` returns."""
    style = dict(kv.split(":", 1) for kv in re.search(r'<img [^>]*style="([^"]*)"', html)
                 .group(1).split(";"))
    alt = re.search(r'alt="([^"]*)"', html).group(1)
    source = re.search(r'src="data:image/svg\+xml;base64,([^"]*)"', html).group(1)
    return style, alt, ET.fromstring(base64.b64decode(source))


def numbers(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"-?[\d.]+(?:e-?\d+)?", text)]


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize(("dim", "prior"), [(2, True), (5, False), (1, False)])
def test_the_marks_image_covers_exactly_the_maps_plot_area(lang, dim, prior):
    space = make_space(dim, prior)
    window = zoom_window(space.window, 4, (0.3, -0.2))
    with language(lang):
        base = sent(figures.latent_map(space, NAMES, window))["layout"]
        style, _, svg = parse(figures.marks_svg(NAMES, window, all_marks(space)))
    margin = base["margin"]
    assert margin["autoexpand"] is False  # nothing moves the plot area
    assert (style["left"], style["top"]) == (f"{margin['l']}px", f"{margin['t']}px")
    assert style["width"] == f"calc(100% - {margin['l'] + margin['r']}px)"
    assert style["height"] == f"{base['height'] - margin['t'] - margin['b']}px"
    # Plotly fits an equal-aspect plot area, centred, in that box: SVG's "meet" does the same
    assert base["yaxis"]["scaleanchor"] == "x" and base["yaxis"]["scaleratio"] == 1
    assert base["xaxis"]["constrain"] == base["yaxis"]["constrain"] == "domain"
    assert base["xaxis"]["range"] == [window.x0, window.x1]
    assert base["yaxis"]["range"] == [window.y0, window.y1]
    assert svg.get("preserveAspectRatio") == "xMidYMid meet"
    assert numbers(svg.get("viewBox")) == pytest.approx(
        [window.x0, -window.y1, window.width, window.height], rel=1e-5)


def test_the_map_legend_names_every_class_present():
    space = make_space(2)
    spec = sent(figures.latent_map(space, NAMES, space.window))
    legend = [tr["name"] for tr in spec["data"] if tr.get("showlegend", True)]
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
def test_every_mark_is_drawn_where_it_is_and_named(lang):
    space = make_space(2, prior=True)
    marks = all_marks(space)
    with language(lang):
        _, alt, svg = parse(figures.marks_svg(NAMES, space.window, marks))
        assert alt == ", ".join([t("map.path"), "A", "B", t("map.selected"), t("map.here")])
    flip = np.array([1.0, -1.0])  # SVG's y axis runs down
    path = np.array(numbers(svg.find(f".//{SVG}polyline").get("points"))).reshape(-1, 2)
    assert path == pytest.approx(marks.path * flip, abs=1e-4)
    diamonds = [np.array(numbers(p.get("points"))).reshape(4, 2).mean(axis=0)
                for p in svg.iter(f"{SVG}polygon")]
    assert diamonds == [pytest.approx(marks.a * flip, abs=1e-4),
                        pytest.approx(marks.b * flip, abs=1e-4)]
    assert [x.text for x in svg.iter(f"{SVG}text")] == ["A", "B"]
    ring = svg.find(f".//{SVG}circle")
    assert [float(ring.get("cx")), float(ring.get("cy"))] == pytest.approx(
        marks.selected * flip, abs=1e-4)
    cross = np.array(numbers(svg.findall(f".//{SVG}path")[-1].get("d"))).reshape(4, 2)
    assert cross.mean(axis=0) == pytest.approx(marks.here * flip, abs=1e-4)


def test_mark_sizes_are_pixels_so_they_stay_put_when_zoomed():
    space = make_space(2)
    radius = {}
    for zoom in (1, 4):
        window = zoom_window(space.window, zoom, (0.0, 0.0))
        _, _, svg = parse(figures.marks_svg(NAMES, window, all_marks(space)))
        radius[zoom] = float(svg.find(f".//{SVG}circle").get("r"))
        assert radius[zoom] == pytest.approx(12 * window.height / figures.PLOT_HEIGHT, rel=1e-4)
        strokes = [e for e in svg.iter() if e.get("stroke-width")]
        assert all(e.get("vector-effect") == "non-scaling-stroke" for e in strokes)
    assert radius[4] == pytest.approx(radius[1] / 4, rel=1e-3)


def test_missing_marks_are_left_out():
    space = make_space(2)
    here = space.projection.project(space.codes[0])
    _, alt, svg = parse(figures.marks_svg(NAMES, space.window, figures.Marks(here=here)))
    assert alt == t("map.here")
    assert [e.tag for e in svg.iter() if e.tag in {f"{SVG}{k}" for k in
            ("polyline", "polygon", "circle", "text")}] == []
    _, alt, _ = parse(figures.marks_svg(NAMES, space.window, figures.Marks()))
    assert alt == ""


def test_the_base_map_is_valid_plotly_though_built_unvalidated():
    """Plotly's own validation of the sent spec neither complains nor changes anything."""
    space = make_space(2, prior=True)
    spec = sent(figures.latent_map(space, NAMES, space.window, background=b"png"))
    assert sent(go.Figure(spec)) == spec


def test_the_base_map_arrays_are_sent_pre_encoded():
    """Its arrays are base64 already, so each rerun's copy of the cached map is cheap."""
    space = make_space(2)
    fig = figures.latent_map(space, NAMES, space.window)
    arrays = [tr[axis] for tr in fig.to_dict()["data"] for axis in ("x", "y")]
    assert all(isinstance(a, dict) and "bdata" in a for a in arrays)
