"""What a click or a box selection on a Plotly chart picked, read from Streamlit's event.

The event's shape (``{"selection": {"points": [...]}}`` or Streamlit's PlotlyState) is the
front end's business, so it is parsed here, beside the pages that draw the charts; the
library (``ae_core``) receives plain row and cell indices.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ae_core.gaps import cell_at
from ae_core.latent import Window


def _points(event: Any) -> list[Mapping[str, Any]]:
    """The clicked points of a Plotly selection event (a dict or Streamlit's PlotlyState)."""
    if not event:
        return []
    selection = event.get("selection") if isinstance(event, Mapping) else None
    if selection is None:
        selection = getattr(event, "selection", None)
    if not selection:
        return []
    points = selection.get("points") if isinstance(selection, Mapping) else None
    return [p for p in (points or []) if isinstance(p, Mapping)]


def _row_of(point: Mapping[str, Any]) -> int | None:
    """The dataset row carried in ``customdata`` (scalar or first item); negative rows give None.

    ``point_index`` is per trace, so it cannot identify a row once the map
    has one trace per class; ``customdata`` travels with the point instead.
    """
    data = point.get("customdata")
    if isinstance(data, (list, tuple)):
        data = data[0] if data else None
    if data is None:
        return None
    try:
        row = int(data)
    except (TypeError, ValueError):
        return None
    return None if row < 0 else row


def selected_rows(event: Any) -> list[int]:
    """All dataset rows in a selection event, in event order, without grid points."""
    rows = (_row_of(p) for p in _points(event))
    return [r for r in rows if r is not None]


def clicked_cell(event: Any, window: Window, n: int) -> int | None:
    """The grid index a click on the manifold grid hit: the point's ``customdata`` if it
    carries a valid index, else the cell under its (x, y); None for no usable point."""
    for point in _points(event):
        data = point.get("customdata")
        if isinstance(data, (list, tuple)):
            data = data[0] if data else None
        try:
            index = int(data) if data is not None else -1
        except (TypeError, ValueError):
            index = -1
        if 0 <= index < n * n:
            return index
        if point.get("x") is not None and point.get("y") is not None:
            cell = cell_at(float(point["x"]), float(point["y"]), window, n)
            if cell is not None:
                return cell
    return None
