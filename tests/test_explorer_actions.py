"""What the latent canvas sends back, applied to the Explore page's state (no browser needed)."""

from __future__ import annotations

import numpy as np
import pytest

from ae_core.latent import LatentSpace
from app_lib import explorer, inbox

SID = "map"


@pytest.fixture
def space():
    rng = np.random.default_rng(0)
    return LatentSpace.build(rng.normal(size=(50, 2)).astype(np.float32), rng.integers(0, 3, 50),
                             prior=True)


@pytest.fixture
def session(monkeypatch, space):
    state: dict = {}
    monkeypatch.setattr(explorer.st, "session_state", state)
    explorer.set_position(SID, space, space.codes[0])
    state[f"sel:{SID}"] = None
    return state


def test_a_click_on_a_point_takes_the_server_s_own_code_and_selects_it(session, space):
    explorer.on_canvas_action(SID, space, {"kind": "click", "row": 7, "z": [9.0, 9.0]})
    assert explorer.selected_row(SID) == 7
    assert np.array_equal(explorer.position(SID), space.codes[7])  # not the page's copy


def test_a_click_on_empty_space_moves_the_position_and_clears_the_selection(session, space):
    explorer.on_canvas_action(SID, space, {"kind": "click", "row": 7, "z": [0, 0]})
    explorer.on_canvas_action(SID, space, {"kind": "click", "row": None, "z": [0.25, -0.5]})
    assert explorer.selected_row(SID) is None
    assert explorer.position(SID).tolist() == [0.25, -0.5]
    assert explorer.url_extras(SID, space) == {"z": "0.25,-0.5"}


def test_a_released_slider_moves_the_position_but_keeps_the_clicked_image(session, space):
    explorer.on_canvas_action(SID, space, {"kind": "click", "row": 3, "z": [0, 0]})
    explorer.on_canvas_action(SID, space, {"kind": "position", "row": None, "z": [1.0, 1.0]})
    assert explorer.selected_row(SID) == 3
    assert explorer.position(SID).tolist() == [1.0, 1.0]


def test_positions_are_clipped_to_the_slider_ranges(session, space):
    explorer.on_canvas_action(SID, space, {"kind": "position", "row": None, "z": [1e6, -1e6]})
    assert explorer.position(SID).tolist() == [space.ranges[0, 1], space.ranges[1, 0]]


@pytest.mark.parametrize("bad", [
    {"kind": "click", "row": 10_000, "z": [0, 0, 0]}, {"kind": "position", "z": [float("nan"), 0]},
    {"kind": "position", "z": "x"}, {"kind": "position", "row": "3"}, {"kind": "nope"}, None,
])
def test_malformed_events_change_nothing(session, space, bad):
    before = explorer.position(SID).copy()
    explorer.on_canvas_action(SID, space, bad)
    assert np.array_equal(explorer.position(SID), before) and explorer.selected_row(SID) is None


def test_new_endpoints_and_the_path_method_are_kept_for_the_strip(session, space):
    explorer.on_canvas_action(SID, space, {"kind": "ab", "method": "spherical",
                                           "a": {"z": [0.5, 0.5], "row": None},
                                           "b": {"z": [0, 0], "row": 4}})
    ab = explorer.endpoints(SID, space)
    assert ab["a"][0].tolist() == [0.5, 0.5] and ab["a"][1] is None
    assert np.array_equal(ab["b"][0], space.codes[4]) and ab["b"][1] == 4
    assert explorer.interpolation_method(SID) == "spherical"
    state = explorer.canvas_state(SID, space)
    assert state["a"] == [0.5, 0.5] and state["b_row"] == 4 and state["method"] == "spherical"


# ------------------------------------------------------------------ the inbox


def test_events_posted_to_the_inbox_apply_on_the_next_run_in_the_page_s_order(session, space):
    url = explorer.inbox_url(SID)
    token = url.rsplit("/", 1)[1]
    assert explorer.inbox_url(SID) == url  # one box per map and session
    # a released slider (seq 2) that arrives before the click it followed (seq 1)
    inbox.INBOX.put(token, {"kind": "position", "z": [1.0, 1.0], "row": None, "seq": 2})
    inbox.INBOX.put(token, {"kind": "click", "z": [0, 0], "row": 4, "seq": 1})
    explorer.apply_inbox(SID, space)
    assert explorer.position(SID).tolist() == [1.0, 1.0]
    assert explorer.selected_row(SID) == 4
    assert inbox.take(token) == []  # applied once


def test_an_event_older_than_one_already_applied_changes_nothing(session, space):
    explorer.on_canvas_action(SID, space, {"kind": "click", "row": 3, "z": [0, 0], "seq": 10})
    explorer.on_canvas_action(SID, space, {"kind": "click", "row": 5, "z": [0, 0], "seq": 9})
    assert explorer.selected_row(SID) == 3
    # A and B are counted apart: an older position does not hide a newer A/B
    explorer.on_canvas_action(SID, space, {"kind": "ab", "a": {"row": 1, "z": [0, 0]},
                                           "b": {"row": 2, "z": [0, 0]}, "seq": 4})
    assert explorer.endpoints(SID, space)["a"][1] == 1


def test_a_lesson_s_reset_drops_what_the_page_posted(session, space):
    token = explorer.inbox_url(SID).rsplit("/", 1)[1]
    inbox.INBOX.put(token, {"kind": "click", "z": [0, 0], "row": 4, "seq": 1})
    sel = type("Sel", (), {"dataset": "d", "model": "m", "split": "s"})()
    session[f"inbox:{explorer.space_id(sel)}"] = token
    explorer.forget(sel)
    assert inbox.take(token) == []
