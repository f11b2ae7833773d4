"""Shared chart settings: the class palette, Plotly's config and WebGL pixel ratio.

The Explore map is drawn in the page by ``app_lib.canvas``; the other pages' Plotly
charts take their class colours and config from here, so a class keeps its colour
from Train to Explore to Compare.
"""

from __future__ import annotations

from app_lib import pixel_ratio

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


FONT_FAMILY = '"Source Sans", "Noto Sans KR", sans-serif'
"""The UI's fonts (``.streamlit/config.toml``): Streamlit's Source Sans for Latin text, the
shipped Noto Sans KR (``static/fonts/``) for Hangul, which a machine without a Korean font
would otherwise draw as empty boxes, in a chart's titles and legends as anywhere else."""
TEMPLATE = "latent_explorer"


def use_layout_defaults() -> None:
    """Every Plotly figure made after this starts from the app's font and palette, on top
    of Streamlit's own template (which ``import streamlit`` makes the default)."""
    import plotly.graph_objects as go  # deferred: Plotly loads on the first chart (start-up time)
    import plotly.io as pio  # deferred: as above
    import streamlit.elements.plotly_chart  # noqa: F401  (registers the "streamlit" template)

    pio.templates[TEMPLATE] = go.layout.Template(
        layout={"font": {"family": FONT_FAMILY}, "colorway": list(PALETTE)})
    pio.templates.default = f"streamlit+{TEMPLATE}"


use_layout_defaults()

MODEBAR_ROOM = 32
"""Pixels at the top of a chart for Plotly's toolbar, drawn over the chart's top right while
the pointer is on it: a title, subplot title or legend placed there was hidden under it."""
TITLE_ROOM = 28


def chart_margin(title: bool = False, **sides: int) -> dict:
    """A chart's margins with the toolbar's row free at the top, and a title's row under it
    when ``title`` (a chart title or subplot titles)."""
    return {"l": 10, "r": 10, "b": 10, **sides, "t": MODEBAR_ROOM + (TITLE_ROOM if title else 0)}


def chart_title(text: str) -> dict:
    """A chart title just above the plot area, under the toolbar's row (see
    :func:`chart_margin`), at the left like Streamlit's own headings."""
    return {"text": text, "x": 0, "xref": "paper", "xanchor": "left", "y": 1, "yref": "paper",
            "yanchor": "bottom", "pad": {"b": 8}}


PLOTLY_CONFIG = {
    "displaylogo": False,
    "scrollZoom": False,
    "modeBarButtonsToRemove": ["zoom2d", "pan2d", "select2d", "lasso2d", "zoomIn2d",
                               "zoomOut2d", "autoScale2d", "resetScale2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


SELECT_CONFIG = {
    "displaylogo": False,
    "modeBarButtonsToRemove": ["zoomIn2d", "zoomOut2d", "autoScale2d"],
}
"""Config of a small chart whose points are picked by click, box or lasso: fewer toolbar
buttons, so the toolbar fits in one row above a third of the page instead of wrapping."""


def gl_config(pixel_ratio: float, base: dict | None = None) -> dict:
    """A chart's Plotly config with its WebGL traces drawn at ``pixel_ratio`` (see
    :mod:`app_lib.pixel_ratio`: the screen's own density, not Plotly's fixed 2)."""
    return {**(base or {}), "plotGlPixelRatio": pixel_ratio}


def session_gl_config(base: dict | None = None) -> dict:
    """:func:`gl_config` at the pixel ratio of the session running this script."""
    return gl_config(pixel_ratio.for_this_session(), base)


def point_size(n: int) -> float:
    """Smaller dots for bigger maps so 70k points still show their structure."""
    return 9 if n <= 600 else 7 if n <= 2500 else 5 if n <= 12000 else 3
