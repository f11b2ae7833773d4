"""Explore: the latent canvas (map, decoder and sliders in the browser), the clicked image,
the interpolation strip and the codes' export.

The map comes from ``app_lib.maps``: on a fresh server it is read from disk with NumPy
alone, and the canvas goes out before anything imports torch; the clicked image, the
strip and the exports then load the dataset and the model (``app_lib.cache``), which is
why those imports sit in the functions that need them.

The canvas (``app_lib.canvas``) generates images in the page while a slider, the marker or
the pointer moves; this page only answers what needs the dataset or files: a click's
original, reconstruction and error, the A→B strip and its downloads, the exports. One
fragment holds the canvas, the clicked image and the strip, so a canvas event reruns only
them. The canvas's message is built when the page runs in full and kept through the
fragment's reruns: its bytes stay the same, so Streamlit sends a reference, not the map.
"""

from __future__ import annotations

import streamlit as st

from ae_core.data import DATASETS
from ae_core.drawing import drawing_mode
from ae_core.errors import AECoreError
from ae_core.imaging import error_image, gif_bytes, png_bytes
from ae_core.latent import codes_csv_bytes, codes_npy_bytes
from ae_core.mapstore import MapRecord
from ae_core.tasks import DONE, FAILED, STOPPED, TASKS
from app_lib import (
    canvas,
    catalog,
    encode,
    explorer,
    figures,
    maps,
    messages,
    present,
    rows,
    state,
    warmup,
)
from app_lib.background import task_panel
from app_lib.i18n import bound, class_names, dataset_title, t

SPLIT_WIDGET = "_split_widget"
FULL_RUN = "_explore_full_run"
ENCODE_ERROR = "_explore_encode_error"


def _split_control() -> None:
    st.session_state.setdefault(SPLIT_WIDGET, st.session_state.get(state.SPLIT_KEY, "test"))
    tr = bound()
    st.segmented_control(t("explore.split"), state.SPLITS, key=SPLIT_WIDGET, required=True,
                         format_func=lambda s: tr(f"split.{s}"),
                         on_change=lambda: st.session_state.update(
                             {state.SPLIT_KEY: st.session_state[SPLIT_WIDGET]}))


def _fmt(z) -> str:
    return ", ".join(f"{v:.2f}" for v in z[:6]) + (", …" if len(z) > 6 else "")


# ------------------------------------------------------------------ the canvas


def _canvas_message(sid, record: MapRecord, names, row_url: str | None,
                    draw: dict | None = None, encoder_url: str | None = None,
                    inbox_url: str | None = None) -> bytes:
    """The canvas's message, rebuilt only when the page runs in full (see the module doc)."""
    key = f"_canvas_msg:{sid}"
    if st.session_state.pop(FULL_RUN, False) or key not in st.session_state:
        space = record.space
        st.session_state[key] = canvas.message(
            record.map_header, record.map_arrays, record.decoder,
            classes={"names": names, "colors": figures.class_colors(len(names))},
            text=canvas.texts(space), state=explorer.canvas_state(sid, space),
            output_shape=tuple(record.facts["image_shape"]), row_url=row_url,
            encoder=record.encoder, draw=draw, encoder_url=encoder_url,
            inbox_url=inbox_url, options=present.canvas_options())
    return st.session_state[key]


@st.fragment
def explore_view(sel, choice, record: MapRecord, names):
    """The canvas, the clicked image beside it and the interpolation strip below."""
    space = record.space
    sid = explorer.init(sel, space)
    explorer.apply_inbox(sid, space)
    # the page shows a clicked image itself when it can decode and fetch the original; it
    # then draws everything a click or a released slider shows, and posts those events to
    # the session's inbox instead of rerunning this fragment
    row_url = (rows.row_url(sel.dataset, choice, sel.split, record.map_header["map_id"])
               if record.decoder is not None else None)
    inbox_url = explorer.inbox_url(sid) if row_url else None
    # the drawing pad: how a drawing becomes one of this dataset's images, and where a
    # model whose encoder the page cannot run is encoded (app_lib.encode)
    draw = {"mode": drawing_mode(sel.dataset, record.facts["image_shape"]),
            "encode_url": encode.encode_url(sel.dataset, choice, sel.split,
                                            record.map_header["map_id"])}
    encoder_url = (rows.encoder_url(sel.dataset, choice, sel.split, record.map_header["map_id"])
                   if record.encoder is not None else None)
    payload = _canvas_message(sid, record, names, row_url, draw, encoder_url, inbox_url)
    key = explorer.canvas_key(sid)
    canvas_col, side_col = (st.container(), None) if row_url else st.columns([3.3, 1],
                                                                             gap="small")
    with canvas_col:
        canvas.latent_canvas(payload, key=key, on_action=lambda: _on_canvas_action(
            sid, space, canvas.last_action(key)))
    warmup.map_drawn()
    if side_col is not None:
        with side_col:
            if record.decoder is None:
                _server_generated(sel, choice, space, explorer.position(sid))
            _clicked_image(sid, sel, choice, space, names)
    state.sync_url(explorer.url_extras(sid, space))
    st.caption(t("canvas.hint"))
    st.divider()
    _interpolation(sid, sel, choice, space, names)


def _on_canvas_action(sid, space, action) -> None:
    explorer.apply_inbox(sid, space)  # what the page posted before this event comes first
    explorer.on_canvas_action(sid, space, action)


def _server_generated(sel, choice, space, z) -> None:
    """The decoded image for a model whose decoder the page cannot run."""
    from app_lib import cache, widgets  # deferred: see the module doc

    model = cache.get_model(sel.dataset, choice)
    png = png_bytes(model.decode(z)[0], target=160)
    st.html(widgets.generated_html(png, t("explore.generated"),
                                   f"{t('explore.position')}: ({_fmt(z)})",
                                   space.index.reading(z), width=160))


def _clicked_image(sid, sel, choice, space, names) -> None:
    st.markdown(f"#### {t('point.title')}")
    row = explorer.selected_row(sid)
    if row is None:
        st.info(t("point.none"), icon=":material/touch_app:")
        return
    from ae_core.metrics import mse_per_pixel  # deferred: see the module doc
    from app_lib import cache, widgets

    x = cache.image_at(cache.get_dataset(sel.dataset), sel.split, row)
    recon = cache.get_model(sel.dataset, choice).reconstruct(x[None])[0]
    shown = {"point.original": x, "point.reconstruction": recon,
             "point.error": error_image(x, recon)}
    st.html("".join(widgets.image_html(png_bytes(image, target=112), t(key), 112,
                                       caption=t(key)) for key, image in shown.items()))
    st.markdown(t("point.caption", label=names[int(space.labels[row])], index=row,
                  z=_fmt(space.codes[row]), mse=mse_per_pixel(x[None], recon[None])))
    st.caption(t("point.error_scale"))


# ------------------------------------------------------------------ interpolation


def _interpolation(sid, sel, choice, space, names) -> None:
    st.subheader(t("interp.title"))
    st.caption(t("interp.help"))
    ab = explorer.endpoints(sid, space)
    method = explorer.interpolation_method(sid) if choice.is_vae else "linear"
    steps = st.slider(t("interp.steps"), 3, 15, 9, key="interp_steps")
    for which in ("a", "b"):
        z, row = ab[which]
        what = (t("interp.row", index=row, label=names[int(space.labels[row])])
                if row is not None else t("interp.free", z=_fmt(z)))
        st.caption(t("interp.point", name=which.upper(), what=what))
    from app_lib import cache  # deferred: see the module doc

    frames, strip = cache.interpolation(sel.dataset, choice, ab["a"][0], ab["b"][0], steps, method)
    st.image(strip, alt=t("interp.title"), width="stretch", output_format="PNG")
    left, right = st.columns(2)
    left.download_button(t("interp.png"), strip, file_name="interpolation.png",
                         mime="image/png", on_click="ignore", icon="⬇️")
    right.download_button(t("interp.gif"), lambda: gif_bytes(frames), file_name="interpolation.gif",
                          mime="image/gif", on_click="ignore", icon="🎞️")


# ------------------------------------------------------------------ export


def export_view(sel, choice, space, names) -> None:
    st.header(t("export.title"))
    name = choice.name if choice.name.startswith(sel.dataset) else f"{sel.dataset}-{choice.name}"
    stem = f"{name}-{sel.split}".replace(" ", "_")
    left, right = st.columns(2)
    left.download_button(t("export.csv"), lambda: codes_csv_bytes(space.codes, space.labels, names),
                         file_name=f"{stem}-codes.csv", mime="text/csv", on_click="ignore",
                         icon="⬇️")
    right.download_button(t("export.npy"), lambda: codes_npy_bytes(space.codes, space.labels),
                          file_name=f"{stem}-codes.npy", mime="application/octet-stream",
                          on_click="ignore", icon="⬇️")


# ------------------------------------------------------------------ page


def _encoded(sel, choice) -> bool:
    """True when the map's codes can be had at once; otherwise a background encoding with a
    progress bar and Stop is shown (and started on the button), and the page waits."""
    from app_lib import cache  # deferred: see the module doc

    try:
        pending = cache.encoding_task(sel.dataset, choice, sel.split)
    except AECoreError as error:
        messages.show(error, "error.model")
        return False
    if pending is None:
        return True
    key, encode = pending
    st.info(t("explore.encoding_note"), icon=":material/hourglass_top:")
    if TASKS.get(key) is None:  # the first visit starts it; after a Stop, the button does
        _start_encoding(key, encode)
    if error := st.session_state.pop(ENCODE_ERROR, None):
        messages.show(error)
    state = task_panel(key, "encode_map", t("explore.encoding"))
    if state is not None and state.status == DONE and state.result:
        st.rerun()  # the codes are on disk now: the map reads them
    if state is None or state.status in (FAILED, STOPPED):
        st.button(t("explore.encode"), key="encode_map_start", type="primary",
                  on_click=_start_encoding, args=(key, encode))
    return False


def _start_encoding(key, encode) -> None:
    try:
        TASKS.start(key, encode)
    except AECoreError as error:
        st.session_state[ENCODE_ERROR] = messages.kind_of(error)


def _open_map(sel, choice) -> MapRecord | None:
    """The map when it is not stored yet: the dataset (or its download prompt), the codes (in
    the background for a big map) and the model; None while any of them is missing."""
    from app_lib import widgets  # deferred: see the module doc

    if widgets.dataset_or_download(sel.dataset) is None or not _encoded(sel, choice):
        return None
    try:
        with st.spinner(t("common.computing")):
            return maps.opened(sel.dataset, choice, sel.split)
    except AECoreError as error:
        messages.show(error, "error.model")
        return None


def main() -> None:
    sel = state.current()
    title_col, split_col = st.columns([3, 1], vertical_alignment="bottom")
    title_col.title(t("explore.title"))
    choice = catalog.find_choice(sel.dataset, sel.model)
    record = maps.stored(sel.dataset, choice, sel.split) or _open_map(sel, choice)
    if record is None:
        return
    space = record.space
    names = class_names({"class_names_ko": record.facts["class_names_ko"]},
                        record.facts["class_names"])
    spec = DATASETS.get(sel.dataset)
    st.caption(t("explore.caption", model=choice.name, n=f"{len(space.codes):,}",
                   dataset=dataset_title(spec) if spec else sel.dataset,
                   split=t(f"split.{sel.split}")))
    with split_col:
        _split_control()
    st.session_state[FULL_RUN] = True
    explore_view(sel, choice, record, names)
    if not present.on():  # a projector shows the map, not the files
        st.divider()
        export_view(sel, choice, space, names)


main()
