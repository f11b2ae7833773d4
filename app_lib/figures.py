"""Plotly figures of the latent map, built for clicking and for projectors.

One WebGL trace per class (named legend, row id in ``customdata``), an
invisible dense grid underneath so a click on empty space still reports a
position, and small SVG traces for what the user is looking at.
"""

from __future__ import annotations

import base64
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import plotly.graph_objects as go

from ae_core.latent import GRID_ROW, PRIOR_SIGMAS, LatentSpace, Window, free_grid
from app_lib.i18n import t

PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
           "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac")
"""Tableau 10: distinct on a projector and reasonably colour-blind safe."""

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
TRANSPARENT = "rgba(0,0,0,0)"
OVERLAY_CONFIG = {"staticPlot": True, "displayModeBar": False}
PLOTLY_CONFIG = {
    "displaylogo": False,
    "scrollZoom": False,
    "modeBarButtonsToRemove": ["zoom2d", "pan2d", "select2d", "lasso2d", "zoomIn2d",
                               "zoomOut2d", "autoScale2d", "resetScale2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


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


def _mark(xy, name: str, symbol: str, color: str, size: int, text: str = "") -> dict:
    mark = {"type": "scatter", "x": [float(xy[0])], "y": [float(xy[1])], "name": name,
            "hoverinfo": "skip", "showlegend": False,
            "mode": "markers+text" if text else "markers",
            "textposition": "top center", "textfont": {"size": 20, "color": color},
            "marker": {"symbol": symbol, "size": size, "color": color,
                       "line": {"width": 3, "color": color if "open" in symbol else "white"}}}
    if text:
        mark["text"] = [text]
    return mark


def _mark_traces(marks: Marks) -> list[dict]:
    """Plain trace dicts: a handful of points, not worth Plotly's validation on every rerun."""
    traces = []
    if marks.path is not None and len(marks.path) > 1:
        traces.append({"type": "scatter", "mode": "lines", "name": t("map.path"),
                       "x": np.ascontiguousarray(marks.path[:, 0]),
                       "y": np.ascontiguousarray(marks.path[:, 1]),
                       "hoverinfo": "skip", "showlegend": False,
                       "line": {"color": "#333", "width": 3, "dash": "dot"}})
    for xy, name in ((marks.a, "A"), (marks.b, "B")):
        if xy is not None:
            traces.append(_mark(xy, name, "diamond", "#222", 14, name))
    if marks.selected is not None:
        traces.append(_mark(marks.selected, t("map.selected"), "circle-open", "#d62728", 24))
    if marks.here is not None:
        traces.append(_mark(marks.here, t("map.here"), "x", "#111", 20))
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


def _layout(space: LatentSpace, class_names: list[str], window: Window, ink: str,
            grid: bool) -> dict:
    """Geometry shared by the map and its overlay, so the two line up pixel for pixel."""
    legend = t("map.legend") + " "
    return _layout_spec(axis_titles(space), legend, legend_width([legend, *class_names]),
                        window, ink, grid)


def legend_width(texts: list[str]) -> int:
    """Pixels for a vertical legend of these texts (marker + widest text, wide glyphs
    such as Hangul counted as one em), so it fits in a fixed right margin."""
    def em(text: str) -> float:
        return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6 for c in text)

    return int(min(max(40 + LEGEND_FONT_SIZE * max(map(em, texts), default=0), 100), 280))


def _layout_spec(titles: tuple[str, str], legend: str, right: int, window: Window, ink: str,
                 grid: bool) -> dict:
    """The layout as a plain dict, from hashable inputs only, so the overlay can cache it."""
    axis = {"fixedrange": True, "showgrid": grid, "gridcolor": "#e5e5e5", "zeroline": False,
            "tickfont": {"color": ink}, "showline": False, "constrain": "domain",
            "automargin": False}

    def title(text: str) -> dict:
        return {"font": {"size": FONT_SIZE + 1, "color": ink}, "text": text}

    return {
        "height": MAP_HEIGHT, "margin": {**MAP_MARGIN, "r": right, "autoexpand": False},
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
    what moves is drawn by :func:`marks_overlay` on top. It comes back
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


def marks_overlay(space: LatentSpace, class_names: list[str], window: Window,
                  marks: Marks) -> go.Figure:
    """What moves on the map (position, clicked image, A→B), on a transparent twin figure.

    Same size, margins and ranges as the map, so the two plot areas coincide when
    stacked; no legend, axes or labels, so the browser redraws it in a few
    milliseconds. It is drawn on every slider move and click, so nothing here goes
    through Plotly's validation (~100 ms): the layout is built once per view as a
    plain dict, the marks are plain dicts, and the figure wraps them unvalidated.
    A plain dict would not do: ``st.plotly_chart`` validates dicts itself.
    """
    legend = t("map.legend") + " "
    layout = _overlay_layout(legend_width([legend, *class_names]), window)
    return go.Figure({"data": _mark_traces(marks), "layout": layout}, _validate=False)


@lru_cache(maxsize=32)
def _overlay_layout(right: int, window: Window) -> dict:
    """The overlay's layout: fixed per view. Shared between sessions: treat as read-only
    (``go.Figure`` copies what it is given)."""
    layout = _layout_spec(("", ""), "", right, window, TRANSPARENT, grid=False)
    hidden = {"visible": False}
    return {**layout, "showlegend": False, "plot_bgcolor": TRANSPARENT,
            "xaxis": {**layout["xaxis"], **hidden}, "yaxis": {**layout["yaxis"], **hidden}}
