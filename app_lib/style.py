"""The app's few lines of CSS: crisp pixels, and the map's overlay stacked on the map."""

from __future__ import annotations

from app_lib.figures import MAP_HEIGHT

LIVE_KEY = "explore-live"
"""Container key of the Explore page's live row (pulled up over the map's row)."""
OVERLAY_KEY = "map-overlay"
"""Container key of the marks drawn over the map (clicks pass through them)."""
PRELOAD_KEY = "plotly-preload"
"""Container key of ``widgets.preload_plotly``'s chart (hidden)."""

CSS = f"""<style>
[data-testid="stImage"] img {{ image-rendering: pixelated; }}
.st-key-{LIVE_KEY} {{ margin-top: calc(-{MAP_HEIGHT}px - 1rem); pointer-events: none; }}
.st-key-{LIVE_KEY} [data-testid="stColumn"]:last-child {{ pointer-events: auto; }}
.st-key-{OVERLAY_KEY}, .st-key-{OVERLAY_KEY} * {{ pointer-events: none !important; }}
.st-key-{PRELOAD_KEY} {{ display: none; }}
</style>"""
"""Images are enlarged by whole pixels on the server; ``pixelated`` keeps any further
browser scaling sharp too. The Explore page's live row (its own fragment: marks,
generated image, sliders) is pulled up over the map's row, whose right column is
empty; its left column, the marks' SVG (see ``figures.marks_svg``), sits exactly on
the map's plot area and lets every click through."""
