"""Denoising: corrupt test images, then compare the denoising AE, a plain AE and the noisy input."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from ae_core.applications import NOISE_RANGES, denoise_grid, prepare_upload, psnr_vs_noise
from ae_core.errors import AECoreError
from ae_core.metrics import psnr
from ae_core.models import variants_with
from app_lib import cache, catalog, messages, widgets
from app_lib.applications import models_of, sample_rows, strip_png
from app_lib.catalog import ModelChoice
from app_lib.figures import PALETTE, chart_margin, chart_title
from app_lib.i18n import bound, t

N_SHOWN = 8
N_CURVE = 300
N_LEVELS = 6


def _models(dataset: str, den: ModelChoice, plain: ModelChoice) -> dict:
    return {"den": cache.get_model(dataset, den), "plain": cache.get_model(dataset, plain)}


@st.cache_data(max_entries=16, show_spinner=False)
def _curves(dataset: str, den: ModelChoice, plain: ModelChoice, kind: str, stamps: tuple
            ) -> tuple[list[float], dict[str, list[float]]]:
    data = cache.get_dataset(dataset)
    x = data.x_test[sample_rows(len(data.x_test), N_CURVE)]
    levels = np.linspace(0.0, NOISE_RANGES[kind][1], N_LEVELS).round(3).tolist()
    return levels, psnr_vs_noise(_models(dataset, den, plain), x, kind, levels)


def _pickers(dataset: str, preferred: str):
    """The denoising model (the sidebar's, ``preferred``, when it is one: an address naming it
    opens the page on it) and the plain model it is compared with."""
    tr = bound()
    dens = models_of(dataset, variants_with(denoising=True))
    plains = models_of(dataset, ("vanilla",))
    if not dens:
        st.info(t("den.no_model"))
        return None, None
    by_key = {c.key: c for c in dens}
    c1, c2 = st.columns(2)
    keys = list(by_key)
    den = by_key[c1.selectbox(t("den.model"), keys, key="den_model",
                              index=keys.index(preferred) if preferred in by_key else 0,
                              format_func=lambda k: tr(f"model.{by_key[k].kind}",
                                                       name=by_key[k].name))]
    plain_opts = {c.key: c for c in plains} | {catalog.pca_choice(den.latent_dim).key:
                                              catalog.pca_choice(den.latent_dim)}
    plain = plain_opts[c2.selectbox(t("den.plain"), list(plain_opts), key="den_plain",
                                    format_func=lambda k: plain_opts[k].name,
                                    help=t("den.plain_help"))]
    return den, plain


def _grid(sel, den, plain, data, kind, level) -> None:
    rows = sample_rows(len(data.x_test), N_SHOWN)
    cols = denoise_grid(_models(sel.dataset, den, plain), data.x_test[rows], kind, level)
    heads = {"clean": t("den.clean"), "noisy": t("den.noisy"), "den": den.name,
             "plain": plain.name}
    for key, images in cols.items():
        c1, c2 = st.columns([1, 5])
        score = "" if key == "clean" else f" · {psnr(cols['clean'], images):.1f} dB"
        c1.markdown(f"**{heads[key]}**{score}")
        c2.image(strip_png(images), caption=heads[key])


def _chart(sel, den, plain, kind, level) -> None:
    stamps = (catalog.model_stamp(den), catalog.model_stamp(plain))
    levels, curves = _curves(sel.dataset, den, plain, kind, stamps)
    names = {"noisy": t("den.noisy_input"), "den": den.name, "plain": plain.name}
    fig = go.Figure([go.Scatter(x=levels, y=ys, mode="lines+markers", name=names[k],
                                line={"color": PALETTE[i % len(PALETTE)]})
                     for i, (k, ys) in enumerate(curves.items())])
    fig.add_vline(x=level, line_dash="dot", line_color="#888")
    fig.update_layout(height=360, margin=chart_margin(title=True),
                      title=chart_title(t("den.chart_title")),
                      xaxis={"title": {"text": t(f"den.level.{kind}")}},
                      yaxis={"title": {"text": "PSNR (dB)"}, "range": [0, 40]})
    st.plotly_chart(fig, width="stretch", key="den_chart")
    st.caption(t("den.chart_caption", n=N_CURVE))


def _upload(sel, den, data, kind, level) -> None:
    st.subheader(t("den.upload_title"))
    file = st.file_uploader(t("den.upload"), type=["png", "jpg", "jpeg", "bmp", "gif"],
                            key="den_upload")
    if file is None:
        return
    try:
        x = prepare_upload(file.getvalue(), data.image_shape)
    except AECoreError as error:
        messages.show(error, "apps.error")
        return
    cols = denoise_grid({"den": cache.get_model(sel.dataset, den)}, x[None], kind, level)
    st.image(strip_png(np.concatenate(list(cols.values())), target=140),
             caption=t("den.upload_caption"))


def main() -> None:
    start = widgets.page_start("den")
    if start is None:
        return
    sel, data = start
    den, plain = _pickers(sel.dataset, sel.model)
    if den is None:
        return
    tr = bound()
    c1, c2 = st.columns(2)
    kind = c1.radio(t("den.noise"), list(NOISE_RANGES), key="den_kind", horizontal=True,
                    format_func=lambda k: tr(f"den.noise.{k}"))
    level = c2.slider(t(f"den.level.{kind}"), 0.0, NOISE_RANGES[kind][1], 0.3, 0.05,
                      key=f"den_level_{kind}")
    try:
        with st.spinner(t("common.computing")):
            _grid(sel, den, plain, data, kind, level)
            _chart(sel, den, plain, kind, level)
        _upload(sel, den, data, kind, level)
    except AECoreError as error:
        messages.show(error, "apps.error")


main()
