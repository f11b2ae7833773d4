"""The latent canvas: one Streamlit component for every latent map, with its decoder in the page.

The map (10k–70k points), the generated image, the sliders, hover previews, the marker,
A/B and the decoded-manifold grid all run in the browser: dragging a slider or the
marker, or moving over the map, decodes on every frame with no server round trip. The
server sends one message per map (``ae_core.binpack``: codes as float32 x/y, labels as
bytes, the decoder's ops and float32 weights) and hears back only discrete events: a
click, a released slider or marker, new A/B endpoints.

Why a hand-written forward pass and not a vendored runtime: the registry's decoders need
only four ops (``ae_core.webdecoder``), about 200 lines of JavaScript (``decoder.js``,
8 KB unminified, no compile step in the page). The alternatives, as published on npm
(sizes of the package files, checked against the registry): onnxruntime-web 1.24.1 needs
its 50 KB ``ort.wasm.min.mjs`` plus the 12.3 MB ``ort-wasm-simd-threaded.wasm``, which the
page must download and compile before the first image, and an ONNX export on the server;
TensorFlow.js 4.22's core alone is 255 KB minified before a CPU backend and a weights
format. Measured in headless Chromium with software rendering on the 2-core reference
machine (``benchmarks/bench_app.py``, figures in ``benchmarks/README.md``), the hand-written
decoder takes p95 1.5 ms an image for the shipped MNIST MLP decoder and 2.1 ms for the
convolutional one (budgets 4 and 16 ms), so a runtime would add megabytes and a start-up
cost for no visible gain at these sizes. Parity with ``decode`` (≤ 1e-4 per pixel, float32
weights) is tested for every shipped model in real Chromium
(``tests/browser/test_canvas_parity.py``).

The JavaScript and CSS are plain files next to this module, read once at import; there is
no build step and nothing is loaded from a network, so the app works offline.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import streamlit as st

from ae_core.binpack import pack
from ae_core.latent import LatentSpace
from app_lib.i18n import t

HERE = Path(__file__).parent
JS_FILES = ("decoder.js", "dom.js", "drawpad.js", "canvas.js", "follow.js")


def module_text() -> str:
    """The component's ES module: the decoder and the canvas, concatenated (no bundler)."""
    return "\n".join((HERE / name).read_text(encoding="utf-8") for name in JS_FILES)


JS = module_text()
CSS = (HERE / "canvas.css").read_text(encoding="utf-8")
_COMPONENT = st.components.v2.component("latent_canvas", js=JS, css=CSS, isolate_styles=True)


TEXT = {  # the canvas's key → the i18n key of its text
    "zoom_in": "canvas.zoom_in", "zoom_out": "canvas.zoom_out",
    "reset_view": "explore.reset_view", "center": "explore.center",
    "hover_preview": "canvas.hover_preview", "manifold": "explore.manifold",
    "manifold_help": "explore.manifold_help", "grid_n": "explore.grid_n",
    "points": "explore.points", "grid_download": "explore.grid_download",
    "legend": "map.legend", "legend_help": "canvas.legend_help",
    "generated": "explore.generated", "preview": "canvas.preview",
    "server_decode": "canvas.server_decode", "set_a": "canvas.set_a", "set_b": "canvas.set_b",
    "set_a_help": "canvas.set_a_help", "set_b_help": "canvas.set_b_help",
    "spherical": "canvas.spherical", "spherical_help": "canvas.spherical_help",
    "image_png": "explore.png", "sliders": "explore.sliders", "prior_band": "canvas.prior_band",
    "slider_help": "canvas.slider_help", "position": "explore.position",
    "gap_on": "gap.on", "gap_edge": "gap.edge", "gap_gap": "gap.gap",
    "gap_explain": "gap.explain",
    "clicked_title": "point.title", "clicked_none": "point.none",
    "clicked_original": "point.original", "clicked_reconstruction": "point.reconstruction",
    "clicked_error": "point.error", "clicked_scale": "point.error_scale",
    "clicked_caption": "canvas.clicked_caption", "clicked_failed": "canvas.clicked_failed",
    "draw": "draw.toggle", "draw_help": "draw.help", "draw_title": "draw.title",
    "draw_undo": "draw.undo", "draw_undo_help": "draw.undo_help", "draw_clear": "draw.clear",
    "draw_clear_help": "draw.clear_help", "draw_input": "draw.input", "draw_recon": "draw.recon",
    "draw_mark": "draw.mark", "draw_empty": "draw.empty", "draw_reading": "draw.reading",
    "draw_server": "draw.server", "draw_failed": "draw.failed",
    "draw_note_mnist": "draw.note_mnist", "draw_note_digits": "draw.note_digits",
    "draw_note_resize": "draw.note_resize",
}


def texts(space: LatentSpace) -> dict[str, str]:
    """The canvas's words in the session's language, axis titles and notes for ``space``."""
    text = {key: t(source) for key, source in TEXT.items()}
    text["slider"] = t("explore.slider", i="{i}")
    text["gap_detail"] = t("canvas.gap_detail")
    text["gap_exact"] = t("gap.exact", row="{row}")
    if space.projection.is_identity:
        text["x_axis"], text["y_axis"] = (t("map.axis", i=i + 1) for i in range(2))
    else:
        text["x_axis"], text["y_axis"] = (
            t("map.pc_axis", i=i + 1, d=space.latent_dim, pct=100 * space.projection.explained[i])
            for i in range(2))
    notes = [t("map.marks_note")]
    if space.prior and space.projection.is_identity:
        notes.append(t("map.prior_note"))
    if not space.projection.is_identity:
        notes.append(t("map.pca_note", d=space.latent_dim))
    text["note"] = " ".join(notes)
    return text


def message(map_header: Mapping[str, Any], map_arrays: Mapping[str, np.ndarray],
            decoder: tuple[dict, dict[str, np.ndarray]] | None, *, classes: Mapping[str, Any],
            text: Mapping[str, str], state: Mapping[str, Any],
            options: Mapping[str, Any] | None = None,
            output_shape: tuple[int, ...] = (), row_url: str | None = None,
            encoder: tuple[dict, dict[str, np.ndarray]] | None = None,
            draw: Mapping[str, Any] | None = None, encoder_url: str | None = None,
            inbox_url: str | None = None) -> bytes:
    """Everything the page needs for one map, as one binary message.

    ``mount_id`` is a digest of everything but the arrays' bytes (those are named by
    ``map_id``, which the caller derives from the model and data): the page ignores a
    message whose ``mount_id`` it has already loaded, and keeps its pan and zoom across
    messages with the same ``map_id``. ``row_url`` (``app_lib.rows.row_url``) lets the page
    show a clicked image itself: the original comes from that address, the rest is decoded.
    ``encoder`` (``ae_core.webdecoder.encoder_parts``) and ``draw`` (``{"mode":
    ae_core.drawing.drawing_mode, "encode_url": app_lib.encode.encode_url}``) give the page
    its drawing pad: encoded in the page with the encoder, else through that address. With
    ``encoder_url`` (``app_lib.rows.encoder_url``) the encoder's weights stay out of the
    message and the pad fetches them when it first opens. With ``inbox_url``
    (``app_lib.explorer.inbox_url``) the page posts clicks and released positions there and
    updates the address bar itself, instead of sending component events (reruns).
    """
    spec, weights = decoder if decoder is not None else (None, {})
    enc_spec, enc_weights = encoder if encoder is not None else (None, {})
    if encoder_url is not None and enc_spec is not None:
        enc_weights = {}
    header = {"map": dict(map_header), "classes": dict(classes), "text": dict(text),
              "state": dict(state), "options": dict(options or {}), "decoder": spec,
              "output_shape": list(output_shape), "row_url": row_url, "encoder": enc_spec,
              "encoder_url": encoder_url if enc_spec is not None else None,
              "draw": dict(draw) if draw else None, "inbox_url": inbox_url}
    header["mount_id"] = hashlib.blake2s(json.dumps(header, sort_keys=True, default=str)
                                         .encode(), digest_size=8).hexdigest()
    header["map_id"] = map_header["map_id"]
    return pack(header, {**map_arrays, **weights, **enc_weights})


def latent_canvas(payload: bytes, *, key: str,
                  on_action: Callable[[], None] | None = None) -> Any:
    """Mount the canvas; ``on_action`` runs (before the rerun) when the page sends an event,
    readable with :func:`last_action`."""
    return _COMPONENT(data=payload, key=key, on_action_change=on_action or (lambda: None),
                      height="content")


def last_action(key: str) -> dict[str, Any] | None:
    """The event the canvas under ``key`` just sent, inside its ``on_action`` callback."""
    result = st.session_state.get(key)
    value = result.get("action") if isinstance(result, Mapping) else getattr(
        result, "action", None)
    return value if isinstance(value, dict) else None
