"""Session state of the Explore page: the position, the clicked image, A and B.

Each (dataset, model, split) gets its own keys, so switching models never feeds one
model's code into another's canvas. The canvas moves the position in the browser; the
server hears a click, a released slider or marker and new A/B endpoints
(:func:`on_canvas_action`), keeps them for the clicked image, the interpolation strip and
the bookmarkable URL, and starts the canvas from them when it is mounted again. A page that
draws its clicks itself posts clicks and released positions to the session's inbox
(``app_lib.inbox``) instead of rerunning; :func:`apply_inbox` applies them on the next run.
Every event carries the page's ``seq`` (increasing within a browser tab), so an event that
arrives after a later one of its kind changes nothing.
"""

from __future__ import annotations

import hashlib

import numpy as np
import streamlit as st

from ae_core.latent import LatentSpace, clip_to_ranges
from app_lib import inbox, state
from app_lib.state import Selection


def space_id(sel: Selection) -> str:
    """Short stable id of one map, used to namespace its widget keys."""
    raw = f"{sel.dataset}|{sel.model}|{sel.split}".encode()
    return hashlib.blake2s(raw, digest_size=6).hexdigest()


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
        return sid
    z, row = _from_url(sel, space)
    if z is None or (row is not None and _rounded_from(z, space.codes[row])):
        z = space.codes[row if row is not None else 0]
    st.session_state[_key("sel", sid)] = row
    set_position(sid, space, z)
    return sid


def _rounded_from(z: np.ndarray, code: np.ndarray) -> bool:
    """True when ``z`` is ``code`` as the URL writes it (4 significant digits): a bookmark of a
    clicked image reopens at its exact code, so the reading says "exactly this image"."""
    return bool(np.allclose(z, code, rtol=1e-3, atol=1e-6))


def forget(sel: Selection) -> None:
    """Drop a map's position and clicked image, so its next visit starts from the URL's
    (a lesson's link to an exact spot of a map the class has already moved around)."""
    sid = space_id(sel)
    for kind in ("pos", "sel"):
        st.session_state.pop(_key(kind, sid), None)
    if _key("inbox", sid) in st.session_state:  # nor what the page posted before
        inbox.take(st.session_state[_key("inbox", sid)])


def set_position(sid: str, space: LatentSpace, z) -> None:
    st.session_state[_key("pos", sid)] = clip_to_ranges(z, space.ranges)


def position(sid: str) -> np.ndarray:
    """The last position the canvas reported (or the start position)."""
    return st.session_state[_key("pos", sid)]


def selected_row(sid: str) -> int | None:
    return st.session_state.get(_key("sel", sid))


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


def interpolation_method(sid: str) -> str:
    """"linear" or "spherical": chosen on the canvas (spherical only makes sense for a VAE)."""
    return st.session_state.get(_key("method", sid), "linear")


# ------------------------------------------------------------------ the canvas


def canvas_key(sid: str) -> str:
    return f"canvas:{sid}"


def canvas_state(sid: str, space: LatentSpace) -> dict:
    """The position, clicked image, A, B and path method the canvas starts from."""
    ab = endpoints(sid, space)
    return {"z": [float(v) for v in st.session_state[_key("pos", sid)]],
            "row": selected_row(sid),
            "a": [float(v) for v in ab["a"][0]], "a_row": ab["a"][1],
            "b": [float(v) for v in ab["b"][0]], "b_row": ab["b"][1],
            "method": interpolation_method(sid)}


def _latent(value, space: LatentSpace) -> np.ndarray | None:
    """A latent vector sent by the page, if it has the map's dimension and is finite."""
    try:
        z = np.asarray(value, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        return None
    return z if z.shape == (space.latent_dim,) and np.isfinite(z).all() else None


def _row(value, space: LatentSpace) -> int | None:
    return value if isinstance(value, int) and 0 <= value < len(space.codes) else None


def inbox_url(sid: str) -> str:
    """Where this map's page posts its clicks and released positions (``app_lib.inbox``);
    the box is opened again if the server has dropped it."""
    key = _key("inbox", sid)
    st.session_state[key] = inbox.open_box(st.session_state.get(key))
    return inbox.inbox_url(st.session_state[key])


def apply_inbox(sid: str, space: LatentSpace) -> None:
    """Apply what the page posted since this session's last run, in the page's order."""
    token = st.session_state.get(_key("inbox", sid))
    for event in sorted(inbox.take(token) if token else [], key=lambda e: e["seq"]):
        on_canvas_action(sid, space, event)


_SEQ_GROUP = {"click": "position", "position": "position", "ab": "ab"}


def _is_stale(sid: str, kind: str, seq) -> bool:
    """True for an event older than one of its kind already applied (a posted click that
    arrives after a later released slider, say); records ``seq`` otherwise."""
    if not isinstance(seq, int) or isinstance(seq, bool) or kind not in _SEQ_GROUP:
        return False
    seen = st.session_state.setdefault(_key("seq", sid), {})
    group = _SEQ_GROUP[kind]
    if seq <= seen.get(group, -1):
        return True
    seen[group] = seq
    return False


def on_canvas_action(sid: str, space: LatentSpace, action: dict | None) -> None:
    """Apply what the canvas sent: a click, a released position, or new A/B endpoints.

    A clicked point's code is taken from the server's own codes (the page holds a rounded
    copy for d > 2), so the clicked image, the sliders and the URL agree exactly.
    """
    if not action:
        return
    kind = action.get("kind")
    if _is_stale(sid, kind, action.get("seq")):
        return
    if kind in ("click", "position"):
        row = _row(action.get("row"), space)
        z = space.codes[row] if row is not None else _latent(action.get("z"), space)
        if z is None:
            return
        set_position(sid, space, z)
        if kind == "click":  # a released slider or marker keeps the clicked image shown
            st.session_state[_key("sel", sid)] = row
    elif kind == "ab":
        endpoints(sid, space)  # the defaults, if this map had none yet
        for which in ("a", "b"):
            end = action.get(which) or {}
            row = _row(end.get("row"), space)
            z = space.codes[row] if row is not None else _latent(end.get("z"), space)
            if z is not None:
                set_endpoint(sid, which, z, row)
        if action.get("method") in ("linear", "spherical"):
            st.session_state[_key("method", sid)] = action["method"]



def url_extras(sid: str, space: LatentSpace) -> dict[str, str]:
    """The explored position (and clicked image) for a bookmarkable URL."""
    z = st.session_state.get(_key("pos", sid))
    extras = {} if z is None else {"z": ",".join(f"{v:.4g}" for v in z)}
    row = selected_row(sid)
    if row is not None:
        extras["pt"] = str(row)
    return extras
