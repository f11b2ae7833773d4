"""The app's few lines of CSS: crisp enlarged images, and room at the top for a projector."""

from __future__ import annotations

CSS = """<style>
[data-testid="stImage"] img { image-rendering: pixelated; }
[data-testid="stMainBlockContainer"] { padding-top: 3rem; }
</style>"""
"""Images are enlarged by whole pixels on the server; ``pixelated`` keeps any further
browser scaling sharp too. The main column starts 3rem from the top, not Streamlit's 6rem:
on a 1280×720 projector that is room for the Explore page's sliders."""
