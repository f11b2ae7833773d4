"""The app's few lines of CSS: crisp pixels, and the map's overlay stacked on the map."""

from __future__ import annotations

from app_lib.figures import MAP_HEIGHT

CSS = f"""<style>
[data-testid="stImage"] img {{ image-rendering: pixelated; }}
.st-key-map-overlay {{ margin-top: calc(-{MAP_HEIGHT}px - 1rem); }}
.st-key-map-overlay, .st-key-map-overlay * {{ pointer-events: none !important; }}
.st-key-plotly-preload {{ display: none; }}
</style>"""
"""Images are enlarged by whole pixels on the server; ``pixelated`` keeps any further
browser scaling sharp too. The overlay (see ``figures.marks_overlay``) sits exactly on
the map above it and lets every click through."""
