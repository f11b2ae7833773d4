"""Explore: the latent map, click-to-decode anywhere, sliders, interpolation, manifold, export.

Fragments keep interaction instant: the map view (a click reruns it), the
live part nested in it (a slider reruns only the generated image, the sliders
and the marks on the map), and the interpolation strip. Nothing in them
encodes the dataset: codes, the projection and the neighbour index come cached
from ``app_lib.cache``.
"""

from __future__ import annotations

import streamlit as st

from ae_core.data import DATASETS
from ae_core.errors import AECoreError
from ae_core.imaging import error_image, gif_bytes, png_bytes, tile
from ae_core.latent import codes_csv_bytes, codes_npy_bytes, interpolation_path
from ae_core.metrics import mse_per_pixel
from app_lib import cache, catalog, explorer, figures, nav, state, style, widgets
from app_lib.i18n import bound, class_names, dataset_title, t

SPLIT_WIDGET = "_split_widget"


def _split_control() -> None:
    st.session_state.setdefault(SPLIT_WIDGET, st.session_state.get(state.SPLIT_KEY, "test"))
    tr = bound()
    st.segmented_control(t("explore.split"), state.SPLITS, key=SPLIT_WIDGET, required=True,
                         format_func=lambda s: tr(f"split.{s}"),
                         on_change=lambda: st.session_state.update(
                             {state.SPLIT_KEY: st.session_state[SPLIT_WIDGET]}))


def _fmt(z) -> str:
    return ", ".join(f"{v:.2f}" for v in z[:6]) + (", …" if len(z) > 6 else "")


# ------------------------------------------------------------------ map fragment


MAP_COLUMNS = [2, 1]  # the map's row and the live row laid over it: same widths, so they coincide


@st.fragment
def explore_view(sel, choice, model, space, names, data):
    """Everything a map click changes; the live part (what a slider moves) nests inside."""
    sid = explorer.init(sel, space)
    controls_box = st.container()
    map_col, _ = st.columns(MAP_COLUMNS, gap="medium")
    live_box = st.container(key=style.LIVE_KEY)
    panel_col, _ = st.columns(MAP_COLUMNS, gap="medium")
    # What a click shows is sent first (the clicked image, then the generated one: the
    # live part ends with the marks, whose redraw would delay the clicked image); the
    # controls and the map (unchanged by a click: the browser keeps it) last.
    with panel_col:
        _clicked_image(sid, model, space, names, data, sel.split)
    with live_box:
        live_view(sid, choice, model, space, names)
    with controls_box:
        manifold = _view_controls(sid, sel, choice, space)
    with map_col:
        _map(sid, sel, choice, space, names, manifold)


@st.fragment
def live_view(sid, choice, model, space, names):
    """The generated image, the sliders and the marks drawn over the map.

    A nested fragment: a slider release reruns only this, not the map, the
    controls or the clicked image. Its row is laid over the map's row (see
    ``app_lib.style``): the marks' SVG covers the map's plot area in the
    left column, the image and sliders fill the right column the map row
    leaves empty.
    """
    z = explorer.position(sid, space)
    marks_col, side_col = st.columns(MAP_COLUMNS, gap="medium")
    with side_col:  # the image first: the sliders' values are already in the session
        _generated(model, space, z)
        _sliders(sid, space, choice)
    with marks_col:
        _marks(sid, choice, space, names, z)
    state.sync_url(explorer.url_extras(sid, space))


def _view_controls(sid, sel, choice, space) -> dict | None:
    """One compact row above the map: manifold toggle, zoom, centre, reset (+ grid settings)."""
    row, _ = st.columns(MAP_COLUMNS, gap="medium")
    cols = row.columns([1.3, 1.5, 0.4, 0.4], vertical_alignment="center")
    on = cols[0].toggle(t("explore.manifold"), key="manifold_on", help=t("explore.manifold_help"))
    st.session_state.setdefault(explorer.zoom_key(sid), 1)
    cols[1].segmented_control(t("explore.zoom"), explorer.ZOOMS, key=explorer.zoom_key(sid),
                              format_func=lambda f: f"🔍 {f}×" if f == 1 else f"{f}×",
                              required=True, label_visibility="collapsed",
                              help=t("explore.zoom"))
    cols[2].button("🎯", on_click=explorer.center_on_position, args=(sid, space),
                   help=t("explore.center"), key="center_view")
    cols[3].button("🔄", on_click=explorer.reset_view, args=(sid,), help=t("explore.reset_view"),
                   key="reset_view")
    if not on:
        return None
    left, middle, right = row.columns([3, 1, 1.2], vertical_alignment="bottom")
    n = left.slider(t("explore.grid_n"), 6, 30, 16, key="grid_n")
    points = middle.toggle(t("explore.points"), value=True, key="show_points")
    view = explorer.window(sid, space)
    right.download_button(t("explore.grid_download"),
                          cache.manifold_png(sel.dataset, choice, sel.split, view, n),
                          file_name="manifold.png", mime="image/png", on_click="ignore",
                          icon="⬇️")
    return {"n": n, "points": points}


def _sliders(sid, space, choice) -> None:
    st.markdown(f"#### {t('explore.sliders')}")
    prior = t("explore.slider_prior") if choice.is_vae else ""
    d = space.latent_dim
    if d <= 2:  # no wrapper blocks: each is one more thing the browser lays out on a rerun
        cols = [st]
    else:
        box = st.container(height=360) if d > 6 else st.container()
        cols = box.columns(2)
    for i, key in enumerate(explorer.slider_keys(sid, d)):
        lo, hi = (float(v) for v in space.ranges[i])
        cols[i % len(cols)].slider(t("explore.slider", i=i + 1), lo, hi, key=key,
                                   step=float(f"{(hi - lo) / 400:.2g}"), format="%.2f",
                                   help=t("explore.slider_help", prior=prior))


def _generated(model, space, z) -> None:
    png = png_bytes(model.decode(z)[0], target=280)
    st.html(widgets.generated_html(png, t("explore.generated"),
                                   f"{t('explore.position')}: ({_fmt(z)})",
                                   space.index.reading(z)))
    st.download_button(t("explore.png"), png, file_name="decoded.png", mime="image/png",
                       on_click="ignore", icon="⬇️")


def _map(sid, sel, choice, space, names, manifold) -> None:
    """The map itself: resent unchanged on a click (the browser keeps it), not on a slider."""
    view = explorer.window(sid, space)
    points = manifold is None or manifold["points"]
    st.plotly_chart(cache.base_map(sel.dataset, choice, sel.split, view, names,
                                   manifold and manifold["n"], points),
                    key=explorer.map_key(sid), on_select=lambda: explorer.on_map_click(
                        sid, space), selection_mode="points",
                    config=figures.session_gl_config(figures.PLOTLY_CONFIG))


def _marks(sid, choice, space, names, z) -> None:
    """What moves on the map (position, clicked image, A→B), drawn as SVG laid over it."""
    view = explorer.window(sid, space)
    ab = explorer.endpoints(sid, space)
    path = interpolation_path(ab["a"][0], ab["b"][0], 24, _method(choice))
    row = explorer.selected_row(sid)
    project = space.projection.project
    marks = figures.Marks(here=project(z), selected=None if row is None else space.xy[row],
                          a=project(ab["a"][0]), b=project(ab["b"][0]), path=project(path))
    notes = [t("map.marks_note")]
    if space.prior and space.projection.is_identity:
        notes.append(t("map.prior_note"))
    if not space.projection.is_identity:
        notes.append(t("map.pca_note", d=space.latent_dim))
    with st.container(key=style.OVERLAY_KEY):  # one element: the marks and the note on them
        st.html(figures.marks_svg(names, view, marks)
                + widgets.caption_html(" ".join(notes)))


def _clicked_image(sid, model, space, names, data, split) -> None:
    st.markdown(f"#### {t('point.title')}")
    row = explorer.selected_row(sid)
    if row is None:
        st.info(t("point.none"), icon="👆")
        return
    x = cache.image_at(data, split, row)
    recon = model.reconstruct(x[None])[0]
    shown = {"point.original": x, "point.reconstruction": recon,
             "point.error": error_image(x, recon)}
    for col, (key, image) in zip(st.columns(3), shown.items(), strict=True):
        with col:
            widgets.inline_image(png_bytes(image, target=200), t(key), 200, caption=t(key))
    st.markdown(t("point.caption", label=names[int(space.labels[row])], index=row,
                  z=_fmt(space.codes[row]), mse=mse_per_pixel(x[None], recon[None])))
    st.caption(t("point.error_scale"))


# ------------------------------------------------------------------ interpolation


def _method(choice) -> str:
    return st.session_state.get("interp_method", "linear") if choice.is_vae else "linear"


@st.fragment
def interpolation_view(sel, choice, model, space, names):
    sid = explorer.space_id(sel)
    st.header(t("interp.title"))
    st.caption(t("interp.help"))
    ab = explorer.endpoints(sid, space)
    cols = st.columns([1, 1, 1.4, 1.4], vertical_alignment="bottom")
    if explorer.endpoints_changed():
        st.rerun()  # the whole page, not just this fragment: A and B are drawn on the map
    for col, which in ((cols[0], "a"), (cols[1], "b")):
        col.button(t(f"interp.set_{which}"), width="stretch", key=f"set_{which}",
                   on_click=explorer.set_endpoint_here, args=(sid, space, which))
    steps = cols[2].slider(t("interp.steps"), 3, 15, 9, key="interp_steps")
    if choice.is_vae:
        tr = bound()
        cols[3].radio(t("interp.method"), ["linear", "spherical"], key="interp_method",
                      format_func=lambda m: tr(f"interp.{m}"), horizontal=True)
    for which in ("a", "b"):
        z, row = ab[which]
        what = (t("interp.row", index=row, label=names[int(space.labels[row])])
                if row is not None else t("interp.free", z=_fmt(z)))
        st.caption(t("interp.point", name=which.upper(), what=what))
    frames = model.decode(interpolation_path(ab["a"][0], ab["b"][0], steps, _method(choice)))
    strip = png_bytes(tile(frames, steps, pad=1), target=112 * steps)
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


def main() -> None:
    sel = state.current()
    st.title(t("explore.title"))
    body, below = st.container(), st.container()
    with body:
        page(sel, below)


def page(sel, below) -> None:
    data = widgets.dataset_or_download(sel.dataset)
    if data is None:
        return
    with below:
        widgets.preload_plotly()  # laid out below the page, but sent before the map computes
    choice = catalog.find_choice(sel.dataset, sel.model)
    try:
        with st.spinner(t("common.computing")):
            model = cache.get_model(sel.dataset, choice)
            space = cache.latent_space(sel.dataset, choice, sel.split)
    except AECoreError as error:
        st.error(t("error.model", error=error))
        return
    names = class_names(data.meta, data.class_names)
    head, split_col = st.columns([3, 1], vertical_alignment="bottom")
    spec = DATASETS.get(sel.dataset)
    head.caption(t("explore.caption", model=choice.name, n=f"{len(space.codes):,}",
                   dataset=dataset_title(spec) if spec else sel.dataset,
                   split=t(f"split.{sel.split}")) + " " + t("explore.hint"))
    with split_col:
        _split_control()
    explore_view(sel, choice, model, space, names, data)
    st.divider()
    interpolation_view(sel, choice, model, space, names)
    st.divider()
    export_view(sel, choice, space, names)


nav.require_shell()
main()
