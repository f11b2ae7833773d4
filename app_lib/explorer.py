"""Session state of the Explore page: the position, the clicked image, A and B, the view.

Each (dataset, model, split) gets its own keys, so switching models never
feeds one model's code into another's sliders. The map's click callback runs
before the fragment reruns, which is what lets a click move the sliders.
"""

from __future__ import annotations

import hashlib

import numpy as np
import streamlit as st

from ae_core.latent import LatentSpace, Window, clip_to_ranges, parse_click, zoom_window
from app_lib import state
from app_lib.state import Selection

ZOOMS = (1, 2, 4, 8)


def space_id(sel: Selection) -> str:
    """Short stable id of one map, used to namespace its widget keys."""
    raw = f"{sel.dataset}|{sel.model}|{sel.split}".encode()
    return hashlib.blake2s(raw, digest_size=6).hexdigest()


def slider_keys(sid: str, dim: int) -> list[str]:
    return [f"z{i}:{sid}" for i in range(dim)]


def map_key(sid: str) -> str:
    return f"map:{sid}"


def _key(kind: str, sid: str) -> str:
    return f"{kind}:{sid}"


# ------------------------------------------------------------------ position


def _from_url(sel: Selection, space: LatentSpace) -> tuple[np.ndarray | None, int | None]:
    """Position and clicked row bookmarked in the URL, when they fit this map."""
    z, row = None, None
    raw_z, raw_row = state.url_param("z", sel), state.url_param("pt", sel)
    try:
        values = np.array([float(v) for v in (raw_z or "").split(",") if v], dtype=np.float64)
        if len(values) == space.latent_dim and np.isfinite(values).all():
            z = values
        if raw_row is not None and 0 <= int(raw_row) < len(space.codes):
            row = int(raw_row)
    except ValueError:
        pass
    state.forget_url_param("z")
    state.forget_url_param("pt")
    return z, row


def init(sel: Selection, space: LatentSpace) -> str:
    """Prepare a map's state (first visit: the URL's position, else the first image's code);
    returns its id."""
    sid = space_id(sel)
    if _key("pos", sid) in st.session_state:
        _restore_sliders(sid, space)
        return sid
    z, row = _from_url(sel, space)
    if z is None:
        z = space.codes[row if row is not None else 0]
    st.session_state[_key("sel", sid)] = row
    set_position(sid, space, z)
    return sid


def _restore_sliders(sid: str, space: LatentSpace) -> None:
    """Slider widgets forget their value when the page is left; re-seed them from the mirror."""
    saved = st.session_state[_key("pos", sid)]
    for key, value in zip(slider_keys(sid, space.latent_dim), saved, strict=True):
        st.session_state.setdefault(key, float(value))


def set_position(sid: str, space: LatentSpace, z) -> None:
    z = clip_to_ranges(z, space.ranges)
    for key, value in zip(slider_keys(sid, space.latent_dim), z, strict=True):
        st.session_state[key] = float(value)
    st.session_state[_key("pos", sid)] = z


def position(sid: str, space: LatentSpace) -> np.ndarray:
    """The sliders' current latent vector (mirrored so it survives page switches)."""
    keys = slider_keys(sid, space.latent_dim)
    z = np.array([st.session_state[k] for k in keys], dtype=np.float64)
    st.session_state[_key("pos", sid)] = z
    return z


def selected_row(sid: str) -> int | None:
    return st.session_state.get(_key("sel", sid))


def on_map_click(sid: str, space: LatentSpace) -> None:
    """Map callback: a point selects its image and code; empty space moves the position there.

    Plotly deselects a point clicked a second time (an empty event); that is
    still a click on the same spot, so the last click is applied again.
    """
    click = parse_click(st.session_state.get(map_key(sid)))
    if click is None:
        click = st.session_state.get(_key("click", sid))
        if click is None:
            return
    st.session_state[_key("click", sid)] = click
    set_position(sid, space, space.latent_of(click))
    st.session_state[_key("sel", sid)] = click.row


# ------------------------------------------------------------------ A and B


def endpoints(sid: str, space: LatentSpace) -> dict:
    """A and B as {"a": (z, row), "b": (z, row)}; defaults: the first images of two classes."""
    key = _key("ab", sid)
    if key not in st.session_state:
        labels = space.labels
        first = 0
        other = int(np.flatnonzero(labels != labels[first])[0]) if (labels != labels[0]).any() \
            else min(1, len(labels) - 1)
        st.session_state[key] = {"a": (space.codes[first].astype(np.float64), first),
                                 "b": (space.codes[other].astype(np.float64), other)}
    return st.session_state[key]


def set_endpoint(sid: str, which: str, z: np.ndarray, row: int | None) -> None:
    st.session_state[_key("ab", sid)][which] = (np.asarray(z, dtype=np.float64), row)
    st.session_state["_ab_changed"] = True


def set_endpoint_here(sid: str, space: LatentSpace, which: str) -> None:
    """Button callback: A or B becomes the current position (and clicked image, if any)."""
    z = st.session_state.get(_key("pos", sid), space.codes[0])
    row = selected_row(sid)
    exact = row is not None and np.allclose(space.codes[row], z, atol=1e-6)
    set_endpoint(sid, which, z, row if exact else None)


def endpoints_changed() -> bool:
    """True once after A or B moved (the caller reruns the page so the map shows them)."""
    return bool(st.session_state.pop("_ab_changed", False))


# ------------------------------------------------------------------ view window


def window(sid: str, space: LatentSpace) -> Window:
    """The visible latent window: the whole map, or a zoom around the chosen centre."""
    factor = st.session_state.get(_key("zoom", sid), 1)
    center = st.session_state.get(_key("center", sid))
    return space.window if factor == 1 and center is None else zoom_window(
        space.window, factor, center)


def zoom_key(sid: str) -> str:
    return _key("zoom", sid)


def center_on(sid: str, xy) -> None:
    st.session_state[_key("center", sid)] = (float(xy[0]), float(xy[1]))


def center_on_position(sid: str, space: LatentSpace) -> None:
    """Button callback: centre the view on the sliders' position as it is now."""
    center_on(sid, space.projection.project(position(sid, space)))


def reset_view(sid: str) -> None:
    st.session_state[_key("zoom", sid)] = 1
    st.session_state.pop(_key("center", sid), None)


def url_extras(sid: str, space: LatentSpace) -> dict[str, str]:
    """The explored position (and clicked image) for a bookmarkable URL."""
    z = st.session_state.get(_key("pos", sid))
    extras = {} if z is None else {"z": ",".join(f"{v:.4g}" for v in z)}
    row = selected_row(sid)
    if row is not None:
        extras["pt"] = str(row)
    return extras
