"""The app's few lines of CSS: crisp pixels, and the map's overlay stacked on the map."""

from __future__ import annotations

from app_lib.figures import MAP_HEIGHT

CSS = f"""<style>
[data-testid="stImage"] img {{ image-rendering: pixelated; }}
.st-key-explore-live {{ margin-top: calc(-{MAP_HEIGHT}px - 1rem); pointer-events: none; }}
.st-key-explore-live [data-testid="stColumn"]:last-child {{ pointer-events: auto; }}
.st-key-map-overlay, .st-key-map-overlay * {{ pointer-events: none !important; }}
.st-key-plotly-preload {{ display: none; }}
</style>"""
"""Images are enlarged by whole pixels on the server; ``pixelated`` keeps any further
browser scaling sharp too. The Explore page's live row (its own fragment: marks,
generated image, sliders) is pulled up over the map's row, whose right column is
empty; its left column, the marks' SVG (see ``figures.marks_svg``), sits exactly on
the map's plot area and lets every click through."""
