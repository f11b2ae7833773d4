"""The per-image replay of training: a probe image's reconstruction after every epoch.

Training keeps the reconstructions of a few probe images each epoch as bytes
(``ae_core.training.ReconstructionSnapshots``: live in a job's snapshot, in a saved model's
extras). This component shows them in the page: the images to pick from, the pick's
reconstruction at one epoch with a scrubber, and its strip of every epoch. Scrubbing redraws
in the page; a released scrubber, a strip cell or a pick goes back as one event, which moves
the map's replay beside it to the same epoch (the caller's slider key) and keeps the pick.

Plain files beside this module (``replay.js``, ``replay.css``), no build step, like the
latent canvas.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import streamlit as st

from ae_core.binpack import pack
from app_lib import present
from app_lib.i18n import t

HERE = Path(__file__).parent
CANVAS = HERE.parent / "canvas"
_COMPONENT = st.components.v2.component(
    "training_replay", js="\n".join(  # the canvas's message reader and DOM helpers first
        path.read_text(encoding="utf-8") for path in (
            CANVAS / "decoder.js", CANVAS / "dom.js", HERE / "replay.js")),
    css=(HERE / "replay.css").read_text(encoding="utf-8"), isolate_styles=True)
PICK_PREFIX = "_replay_pick:"


def texts() -> dict[str, str]:
    return {"pick": t("replay.pick"), "original": t("replay.original"),
            "reconstruction": t("replay.reconstruction"), "strip": t("replay.strip"),
            "scrubber": t("replay.scrubber"), "epoch": t("replay.epoch", epoch="{epoch}"),
            "image": t("replay.image", label="{label}")}


def message(replay_id: str, images: np.ndarray, frames: np.ndarray, epochs: Sequence[int], *,
            frame: int, pick: int, labels: Sequence[str], follow: bool = False) -> bytes:
    """One replay as a binary message: ``images`` (N, C, H, W) and ``frames`` (F, N, C, H, W)
    as uint8, ``epochs`` the F epochs; ``follow``: the frames still grow (a running job), so
    the page keeps a viewer's scrubbed epoch rather than jumping to the newest."""
    images = np.ascontiguousarray(images, dtype=np.uint8)
    frames = np.ascontiguousarray(frames, dtype=np.uint8)
    header: dict[str, Any] = {
        "replay_id": replay_id, "n": int(images.shape[0]), "shape": list(images.shape[1:]),
        "epochs": [int(e) for e in epochs], "frame": int(frame), "pick": int(pick),
        "labels": [str(label) for label in labels], "text": texts(), "follow": follow,
        "present": present.on()}
    digest = hashlib.blake2s(json.dumps(header, sort_keys=True).encode(), digest_size=8)
    digest.update(frames.tobytes()[-4096:])  # a new epoch changes the end of the frames
    digest.update(str(frames.shape).encode())
    header["mount_id"] = digest.hexdigest()
    return pack(header, {"images": images, "frames": frames})


def last_action(key: str) -> dict[str, Any] | None:
    result = st.session_state.get(key)
    value = result.get("action") if isinstance(result, dict) else getattr(result, "action", None)
    return value if isinstance(value, dict) else None


def _on_action(key: str, replay_id: str, slider_key: str | None) -> None:
    action = last_action(key) or {}
    if action.get("kind") == "pick" and isinstance(action.get("index"), int):
        st.session_state[PICK_PREFIX + replay_id] = action["index"]
    elif action.get("kind") == "frame" and isinstance(action.get("frame"), int) and slider_key:
        st.session_state[slider_key] = action["frame"]


def show(replay_id: str, images, frames, epochs: Sequence[int], *, frame: int,
         labels: Sequence[str], slider_key: str | None = None, follow: bool = False) -> None:
    """Draw the replay; a released scrubber sets ``slider_key`` (the map's epoch slider)."""
    images = _as_uint8(images)
    frames = np.stack([_as_uint8(f) for f in frames]) if isinstance(frames, list) else \
        _as_uint8(frames)
    pick = min(int(st.session_state.get(PICK_PREFIX + replay_id, 0)), len(images) - 1)
    key = f"replay_images_{replay_id}"
    payload = message(replay_id, images, frames, epochs, frame=frame, pick=pick, labels=labels,
                      follow=follow)
    _COMPONENT(data=payload, key=key, height="content",
               on_action_change=lambda: _on_action(key, replay_id, slider_key))


def _as_uint8(a) -> np.ndarray:
    a = a.numpy() if hasattr(a, "numpy") else np.asarray(a)
    if a.dtype != np.uint8:
        raise TypeError(f"replay images must be uint8, not {a.dtype}")
    return a


# ------------------------------------------------------------------ where it is shown


def job_panel(snap, frame: int | None, slider_key: str, names: Sequence[str]) -> None:
    """A training job's replay (live while it runs); ``frame`` None: the newest epoch."""
    if not snap.recon_frames or snap.recon_images is None:
        return
    count = len(snap.recon_frames)
    labels = _labels(snap.probe_labels, snap.recon_rows, names)
    st.markdown(f"**{t('replay.title')}**")
    show(f"job:{snap.id}", snap.recon_images, snap.recon_frames, range(count),
         frame=count - 1 if frame is None else min(frame, count - 1), labels=labels,
         slider_key=slider_key if not snap.active else None, follow=snap.active)


def _labels(probe_labels, rows, names: Sequence[str]) -> list[str]:
    if probe_labels is None or rows is None:
        return [""] * (0 if rows is None else len(rows))
    values = np.asarray(probe_labels)[np.asarray(rows, dtype=np.int64)]
    return [names[int(v)] if 0 <= int(v) < len(names) else str(int(v)) for v in values]


def saved_panel(extras: dict, dataset_labels, names: Sequence[str], replay_id: str,
                slider_key: str, map_message) -> None:
    """A saved model's replay: the map of the probe's codes and the images' reconstructions
    at one epoch, side by side. Models saved before the images were kept (the shipped ones)
    say what they have instead."""
    codes, frames = extras.get("probe_codes"), extras.get("recon_frames")
    if codes is None and frames is None:
        st.info(t("replay.none"), icon=":material/history_toggle_off:")
        return
    epochs = (extras["recon_epochs"] if frames is not None else extras["probe_epochs"]).tolist()
    if len(epochs) > 1:
        st.slider(t("train.replay"), 0, len(epochs) - 1, len(epochs) - 1, key=slider_key,
                  format="%d", help=t("replay.slider_help"))
    index = min(int(st.session_state.get(slider_key, len(epochs) - 1)), len(epochs) - 1)
    st.caption(t("replay.epoch", epoch=epochs[index]))
    left, right = st.columns([1, 1], gap="medium")
    if codes is not None:
        code_epochs = extras["probe_epochs"].tolist()
        at = min(range(len(code_epochs)), key=lambda i: abs(code_epochs[i] - epochs[index]))
        with left:
            map_message(codes[at].numpy(), at)
    with right:
        if frames is None:
            st.info(t("replay.no_images"), icon=":material/history_toggle_off:")
            return
        labels = _labels(dataset_labels, extras.get("recon_rows"), names) \
            if dataset_labels is not None else [""] * frames.shape[1]
        st.markdown(f"**{t('replay.title')}**")
        show(replay_id, extras["recon_images"], frames, epochs, frame=index, labels=labels,
             slider_key=slider_key)
