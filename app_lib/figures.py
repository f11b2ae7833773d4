"""Plotly figures of the latent map, built for clicking and for projectors.

One WebGL trace per class (named legend, row id in ``customdata``), an
invisible dense grid underneath so a click on empty space still reports a
position; what moves (the sliders' position, the clicked image, A→B) is an SVG
laid over the map, not a second plot (:func:`marks_svg`).
"""

from __future__ import annotations

import base64
import unicodedata
from dataclasses import dataclass
from html import escape

import numpy as np
import plotly.graph_objects as go

from ae_core.latent import GRID_ROW, PRIOR_SIGMAS, LatentSpace, Window, free_grid
from app_lib import pixel_ratio
from app_lib.i18n import t

PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
           "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac")
"""Tableau 10: distinct on a projector and reasonably colour-blind safe."""
CLASS_PALETTE = (*PALETTE, "#a0cbe8", "#ffbe7d", "#8cd17d", "#b6992d", "#499894", "#86bcb6",
                  "#d37295", "#d4a6c8", "#79706e", "#d7b5a6")
"""Class colours: Tableau 10, then Tableau 20's other shades for user datasets with more
than ten classes."""


def class_color(label: int) -> str:
    """The hex colour of class ``label`` on every chart of every page, so a class keeps its
    colour from Train to Explore to Compare."""
    return CLASS_PALETTE[int(label) % len(CLASS_PALETTE)]


def class_colors(n: int) -> list[str]:
    """The hex colours of classes 0..n-1 (see :func:`class_color`)."""
    return [class_color(k) for k in range(max(int(n), 0))]


CLICK_GRID_N = 100
GRID_CLEARANCE = 2.0
"""Grid points keep this many grid steps away from data markers (see ``free_grid``)."""
MAP_HEIGHT = 620
FONT_SIZE = 16
LEGEND_FONT_SIZE = 14
MAP_MARGIN = {"l": 84, "t": 16, "b": 72}
"""Fixed margins (the legend's, on the right, from its names): Plotly's automatic margins
cost the browser 110-240 ms on every redraw of the overlay, and the overlay could only
match them by repeating the legend and axis labels."""
PLOT_HEIGHT = MAP_HEIGHT - MAP_MARGIN["t"] - MAP_MARGIN["b"]
"""The plot area's height in pixels whenever the map is wide enough for its window."""
TRANSPARENT = "rgba(0,0,0,0)"
PLOTLY_CONFIG = {
    "displaylogo": False,
    "scrollZoom": False,
    "modeBarButtonsToRemove": ["zoom2d", "pan2d", "select2d", "lasso2d", "zoomIn2d",
                               "zoomOut2d", "autoScale2d", "resetScale2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


def gl_config(pixel_ratio: float, base: dict | None = None) -> dict:
    """A chart's Plotly config with its WebGL traces drawn at ``pixel_ratio`` (see
    :mod:`app_lib.pixel_ratio`: the screen's own density, not Plotly's fixed 2)."""
    return {**(base or {}), "plotGlPixelRatio": pixel_ratio}


def session_gl_config(base: dict | None = None) -> dict:
    """:func:`gl_config` at the pixel ratio of the session running this script."""
    return gl_config(pixel_ratio.for_this_session(), base)


@dataclass(frozen=True)
class Marks:
    """Map positions (2,) to draw on top: where the sliders are, what was clicked, A/B."""

    here: np.ndarray | None = None
    selected: np.ndarray | None = None
    a: np.ndarray | None = None
    b: np.ndarray | None = None
    path: np.ndarray | None = None  # (k, 2)


def point_size(n: int) -> float:
    """Smaller dots for bigger maps so 70k points still show their structure."""
    return 9 if n <= 600 else 7 if n <= 2500 else 5 if n <= 12000 else 3


def axis_titles(space: LatentSpace) -> tuple[str, str]:
    if space.projection.is_identity:
        return t("map.axis", i=1), t("map.axis", i=2) if space.latent_dim == 2 else ""
    d = space.latent_dim
    return tuple(t("map.pc_axis", i=i + 1, d=d, pct=100 * space.projection.explained[i])
                 for i in range(2))  # type: ignore[return-value]


def _grid_trace(space: LatentSpace, window: Window) -> go.Scattergl:
    """Invisible points over the empty parts of the window: clicks there land on one of them."""
    step = window.width / (CLICK_GRID_N - 1)
    grid = free_grid(window, CLICK_GRID_N, space.xy, GRID_CLEARANCE * step,
                     space.map_tree).astype(np.float32)
    style = {"marker": {"color": TRANSPARENT, "opacity": 0}}
    return go.Scattergl(x=grid[:, 0], y=grid[:, 1], mode="markers", hoverinfo="none",
                        customdata=np.full(len(grid), GRID_ROW, dtype=np.int32),
                        marker={"size": 6, "color": TRANSPARENT}, showlegend=False,
                        selected=style, unselected=style, name="grid")


def _class_traces(space: LatentSpace, class_names: list[str], rows: np.ndarray,
                  opacity: float) -> list[go.Scattergl]:
    size = point_size(len(space.xy))
    hover = (f"<b>{t('map.class')}</b>: %{{meta}}<br>{t('map.index')}: %{{customdata}}"
             "<extra></extra>")
    traces = []
    for label, name in enumerate(class_names):
        mask = space.labels == label
        if not mask.any():
            continue
        style = {"marker": {"opacity": opacity}}
        traces.append(go.Scattergl(
            x=space.xy[mask, 0], y=space.xy[mask, 1], customdata=rows[mask].astype(np.int32),
            mode="markers", name=name, meta=name, hovertemplate=hover,
            marker={"size": size, "color": PALETTE[label % len(PALETTE)], "opacity": opacity},
            selected=style, unselected=style))
    return traces


def _prior_trace() -> go.Scatter:
    angle = np.linspace(0, 2 * np.pi, 121)
    r = PRIOR_SIGMAS
    return go.Scatter(x=r * np.cos(angle), y=r * np.sin(angle), mode="lines",
                      name=t("map.prior"), hoverinfo="skip", showlegend=False,
                      line={"color": "#888", "width": 2, "dash": "dash"})


def _background(png: bytes, window: Window) -> dict:
    source = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return {"source": source, "xref": "x", "yref": "y", "x": window.x0, "y": window.y1,
            "sizex": window.width, "sizey": window.height, "sizing": "stretch",
            "layer": "below", "opacity": 1.0}


def legend_width(texts: list[str]) -> int:
    """Pixels for a vertical legend of these texts (marker + widest text, wide glyphs
    such as Hangul counted as one em), so it fits in a fixed right margin."""
    def em(text: str) -> float:
        return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6 for c in text)

    return int(min(max(40 + LEGEND_FONT_SIZE * max(map(em, texts), default=0), 100), 280))


def right_margin(class_names: list[str]) -> int:
    """The map's right margin: its legend (title and class names), in this language."""
    return legend_width([t("map.legend") + " ", *class_names])


def _layout(space: LatentSpace, class_names: list[str], window: Window, ink: str,
            grid: bool) -> dict:
    """The map's layout: fixed margins (the legend's from its names), so :func:`marks_svg`
    can line up with its plot area."""
    legend = t("map.legend") + " "
    titles = axis_titles(space)
    axis = {"fixedrange": True, "showgrid": grid, "gridcolor": "#e5e5e5", "zeroline": False,
            "tickfont": {"color": ink}, "showline": False, "constrain": "domain",
            "automargin": False}

    def title(text: str) -> dict:
        return {"font": {"size": FONT_SIZE + 1, "color": ink}, "text": text}

    return {
        "height": MAP_HEIGHT,
        "margin": {**MAP_MARGIN, "r": right_margin(class_names), "autoexpand": False},
        "font": {"size": FONT_SIZE, "color": ink}, "dragmode": False, "hovermode": "closest",
        "clickmode": "event", "uirevision": "map", "paper_bgcolor": "rgba(0,0,0,0)",
        "legend": {"title": {"text": legend, "side": "top"}, "itemsizing": "constant",
                   "font": {"size": LEGEND_FONT_SIZE, "color": ink}, "orientation": "v",
                   "x": 1.0, "xanchor": "left", "y": 1.0, "yanchor": "top"},
        "xaxis": {**axis, "range": [window.x0, window.x1], "title": title(titles[0])},
        "yaxis": {**axis, "range": [window.y0, window.y1], "title": title(titles[1]),
                  "scaleanchor": "x", "scaleratio": 1},
    }


def latent_map(space: LatentSpace, class_names: list[str], window: Window,
               rows: np.ndarray | None = None, background: bytes | None = None,
               show_points: bool = True) -> go.Figure:
    """The clickable map: click grid, classes, prior circle (2-D VAE), optional manifold.

    It changes only with the data, model, window or view settings — never on a
    click or a slider — so the browser keeps it instead of rebuilding it;
    what moves is drawn by :func:`marks_svg` on top. It comes back
    :func:`encoded`, as it is built once and sent on every rerun.
    """
    rows = np.arange(len(space.xy)) if rows is None else rows
    traces: list = [_grid_trace(space, window)]
    if show_points:
        traces += _class_traces(space, class_names, rows, 0.55 if background else 0.9)
    if space.prior and space.projection.is_identity:
        traces.append(_prior_trace())
    fig = go.Figure(traces, layout=_layout(space, class_names, window, "#262730",
                                           grid=background is None))
    fig.update_layout(plot_bgcolor="#fafafa" if background is None else "white",
                      images=[_background(background, window)] if background else [])
    return encoded(fig)


def encoded(fig: go.Figure) -> go.Figure:
    """The same figure with its arrays already in Plotly's base64 form, unvalidated.

    ``st.plotly_chart`` deep-copies a figure and base64-encodes its arrays on every
    call: for a cached map that is paid again on every slider move (about 3 ms of
    the rerun's tail at 10k points, 10 ms at 70k). Encoded once, the copy is cheap.
    """
    return go.Figure(fig.to_dict(), _validate=False)


def marks_svg(class_names: list[str], window: Window, marks: Marks) -> str:
    """What moves on the map (position, clicked image, A→B) as SVG laid over it.

    Drawn on every slider move and click, so it is not a Plotly figure: a second
    Plotly plot cost the browser 50-80 ms per redraw, an SVG swap a few. It sits
    exactly on the map's plot area because the map's margins are fixed: the box
    inside those margins, with the window as ``viewBox`` and ``xMidYMid meet``,
    is how Plotly fits an equal-aspect plot area in it (``constrain="domain"``).
    Sizes are in pixels at the map's full height (smaller only on a narrower map).
    """
    right = right_margin(class_names)
    left, top = MAP_MARGIN["l"], MAP_MARGIN["t"]
    drawn = _svg_marks(marks, window.height / PLOT_HEIGHT)
    area = (f'x="{_n(window.x0)}" y="{_n(-window.y1)}" width="{_n(window.width)}" '
            f'height="{_n(window.height)}"')
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="100%" '
           f'viewBox="{_n(window.x0)} {_n(-window.y1)} {_n(window.width)} {_n(window.height)}" '
           f'preserveAspectRatio="xMidYMid meet"><clipPath id="area"><rect {area}/></clipPath>'
           f'<g clip-path="url(#area)">{"".join(body for _, body in drawn)}</g></svg>')
    source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")
    box = (f"position:absolute;left:{left}px;top:{top}px;width:calc(100% - {left + right}px);"
           f"height:{PLOT_HEIGHT}px;pointer-events:none")
    alt = ", ".join(name for name, _ in drawn)
    # an <img>: st.html's sanitiser keeps HTML only, and would strip inline SVG
    return (f'<div class="map-marks" style="position:relative;height:{MAP_HEIGHT}px">'
            f'<img src="{source}" alt="{escape(alt)}" style="{box}"/></div>')


_STROKE = 'vector-effect="non-scaling-stroke" stroke-linecap="round" stroke-linejoin="round"'


def _n(value: float) -> str:
    """A coordinate with 6 significant digits: well under a pixel on any window."""
    return f"{float(value):.6g}"


def _svg_marks(marks: Marks, per_px: float) -> list[tuple[str, str]]:
    """(name, SVG) of each mark present, in drawing order; ``per_px`` is latent units per
    pixel, so sizes are in pixels. Latent y is negated: SVG's y axis runs down."""
    out = []
    if marks.path is not None and len(marks.path) > 1:
        points = " ".join(f"{_n(x)},{_n(-y)}" for x, y in marks.path[:, :2])
        out.append((t("map.path"), f'<polyline points="{points}" fill="none" stroke="#333" '
                                   f'stroke-width="3" stroke-dasharray="0.5 7" {_STROKE}/>'))
    for name, xy in (("A", marks.a), ("B", marks.b)):
        if xy is not None:
            x, y, r = float(xy[0]), -float(xy[1]), 8 * per_px
            diamond = " ".join(f"{_n(px)},{_n(py)}" for px, py in
                               ((x, y - r), (x + r, y), (x, y + r), (x - r, y)))
            out.append((name, f'<polygon points="{diamond}" fill="#222" stroke="white" '
                              f'stroke-width="2" {_STROKE}/><text x="{_n(x)}" '
                              f'y="{_n(y - 13 * per_px)}" font-size="{_n(20 * per_px)}" '
                              f'font-family="sans-serif" font-weight="700" text-anchor="middle" '
                              f'fill="#222" stroke="white" stroke-width="3" paint-order="stroke" '
                              f'{_STROKE}>{name}</text>'))
    if marks.selected is not None:
        out.append((t("map.selected"),
                    f'<circle cx="{_n(marks.selected[0])}" cy="{_n(-marks.selected[1])}" '
                    f'r="{_n(12 * per_px)}" fill="none" stroke="#d62728" stroke-width="3" '
                    f'{_STROKE}/>'))
    if marks.here is not None:
        x, y, r = float(marks.here[0]), -float(marks.here[1]), 8 * per_px
        cross = (f"M{_n(x - r)},{_n(y - r)}L{_n(x + r)},{_n(y + r)}"
                 f"M{_n(x - r)},{_n(y + r)}L{_n(x + r)},{_n(y - r)}")
        out.append((t("map.here"), f'<path d="{cross}" stroke="white" stroke-width="7" '
                                   f'{_STROKE}/><path d="{cross}" stroke="#111" '
                                   f'stroke-width="3" {_STROKE}/>'))
    return out
