"""What a Compare map selection becomes: the test rows every map highlights (pure functions).

The Compare page stores ``app_lib.selection.selected_rows(event)`` of the map that changed; here
are the events Streamlit sends for each way of selecting, with the fields it really sends.
"""

from __future__ import annotations

from app_lib.selection import selected_rows


def _point(row, curve: int, index: int, x: float = 0.5, y: float = -1.0) -> dict:
    """One selected point as Streamlit's plotly_chart passes it to Python."""
    point = {"curve_number": curve, "point_number": index, "point_index": index,
             "x": x, "y": y, "legendgroup": f"class {curve}"}
    if row is not None:
        point["customdata"] = row
    return point


def _event(*points, box=()) -> dict:
    return {"selection": {"points": list(points),
                          "point_indices": [p["point_index"] for p in points],
                          "box": list(box), "lasso": []}}


def test_a_single_click_selects_exactly_the_clicked_row_not_its_index_in_its_trace():
    assert selected_rows(_event(_point(217, curve=4, index=3))) == [217]


def test_a_box_selects_every_row_in_it_in_order():
    event = _event(_point(5, 0, 0), _point(17, 2, 1), _point(3, 2, 7),
                   box=[{"xref": "x", "yref": "y", "x": [0, 1], "y": [0, 1]}])
    assert selected_rows(event) == [5, 17, 3]


def test_the_highlight_ring_of_an_earlier_selection_adds_no_row():
    ring = _point(None, curve=10, index=0)          # the "selected" overlay has no customdata
    assert selected_rows(_event(_point(8, 1, 2), ring)) == [8]


def test_a_deselect_clears_the_selection():
    assert selected_rows(_event()) == []
    assert selected_rows(None) == []
    assert selected_rows({"selection": None}) == []
