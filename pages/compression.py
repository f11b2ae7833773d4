"""Compression: bytes per image (latent size × bits) against PSNR, PCA vs autoencoders vs PNG."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from ae_core import PCAEmbedder
from ae_core.applications import compress, mean_png_bytes, rate_psnr
from ae_core.errors import AECoreError
from ae_core.metrics import psnr
from app_lib import cache, catalog, nav, widgets
from app_lib.applications import models_of, sample_rows, strip_png
from app_lib.figures import PALETTE
from app_lib.i18n import t

BITS = (1, 2, 3, 4, 6, 8)
PCA_DIMS = (2, 8, 16, 32)
N_EVAL = 500
N_SHOWN = 8
FIT_MAX = 5000


@st.cache_resource(max_entries=4, show_spinner=False)
def _methods(dataset: str, stamps: tuple) -> dict:
    """PCA at several sizes plus every deterministic autoencoder of this dataset."""
    data = cache.get_dataset(dataset)
    fit = data.x_train[:FIT_MAX]
    out = {f"PCA {k}-D": PCAEmbedder(k).fit(fit) for k in PCA_DIMS
           if k < int(np.prod(data.image_shape))}
    for choice in models_of(dataset, ("vanilla", "denoising", "sparse_l1", "sparse_kl", "vae")):
        out[f"{choice.name} ({choice.latent_dim}-D)"] = cache.get_model(dataset, choice)
    return out


def _stamps(dataset: str) -> tuple:
    return tuple(catalog.model_stamp(c) for c in catalog.model_choices(dataset))


@st.cache_data(max_entries=4, show_spinner=False)
def _curves(dataset: str, stamps: tuple) -> tuple[dict, float]:
    data = cache.get_dataset(dataset)
    x = data.x_test[sample_rows(len(data.x_test), N_EVAL)]
    curves = rate_psnr(_methods(dataset, stamps), data.x_train[:FIT_MAX], x, BITS)
    return curves, mean_png_bytes(x)


def main() -> None:
    start = widgets.page_start("comp")
    if start is None:
        return
    sel, data = start
    bits = st.select_slider(t("comp.bits"), options=list(BITS), value=4, key="comp_bits")
    try:
        with st.spinner(t("common.computing")):
            stamps = _stamps(sel.dataset)
            methods = _methods(sel.dataset, stamps)
            curves, png = _curves(sel.dataset, stamps)
    except AECoreError as error:
        st.error(t("apps.error", error=error))
        return
    fig = go.Figure()
    for i, (name, points) in enumerate(curves.items()):
        color = PALETTE[i % len(PALETTE)]
        fig.add_trace(go.Scatter(x=[b for b, _ in points], y=[p for _, p in points],
                                 mode="lines+markers", name=name, line={"color": color},
                                 text=[f"{b} bit" for b in BITS]))
        at = points[BITS.index(bits)]
        fig.add_trace(go.Scatter(x=[at[0]], y=[at[1]], mode="markers", showlegend=False,
                                 marker={"size": 13, "color": color, "symbol": "diamond"}))
    fig.add_vline(x=png, line_dash="dash", line_color="#111",
                  annotation_text=t("comp.png", size=f"{png:.0f}"))
    fig.update_layout(height=420, margin={"l": 10, "r": 10, "t": 30, "b": 10},
                      title={"text": t("comp.chart_title")},
                      xaxis={"type": "log", "title": {"text": t("comp.x")}},
                      yaxis={"title": {"text": "PSNR (dB)"}})
    st.plotly_chart(fig, width="stretch", key="comp_chart")
    st.caption(t("comp.caption", n=N_EVAL))
    st.subheader(t("comp.images_title", bits=bits))
    rows = sample_rows(len(data.x_test), N_SHOWN)
    x = data.x_test[rows]
    st.image(strip_png(x.numpy()), caption=t("comp.original", size=f"{png:.0f}"))
    fit = data.x_train[:FIT_MAX]
    for name, model in methods.items():
        recon = compress(model, fit, x, bits)
        size = model.latent_dim * bits / 8
        st.image(strip_png(recon), caption=t("comp.recon", name=name, size=f"{size:g}",
                                             psnr=f"{psnr(x, recon):.1f}"))


nav.require_shell()
main()
