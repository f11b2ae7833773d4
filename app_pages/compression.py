"""Compression: bytes per image (latent size × bits) against PSNR, PCA vs autoencoders vs PNG."""

from __future__ import annotations

import numpy as np
import streamlit as st

from ae_core import PCAEmbedder
from ae_core.applications import code_range, compress, mean_png_bytes, rate_psnr
from ae_core.errors import AECoreError
from ae_core.metrics import psnr
from app_lib import cache, catalog, messages, widgets
from app_lib.applications import (
    background,
    compression_task_key,
    models_of,
    sample_rows,
    strip_png,
)
from app_lib.compression_view import rate_figure
from app_lib.i18n import t

BITS = (1, 2, 3, 4, 6, 8)
PCA_DIMS = (2, 8, 16, 32)
N_EVAL = 500
N_SHOWN = 8
FIT_MAX = 5000


def _stamps(dataset: str) -> tuple:
    return tuple(catalog.model_stamp(c) for c in catalog.model_choices(dataset))


def _sweeper(dataset: str):
    """The task function: fit PCA at several sizes, then every model's rate–PSNR curve."""
    data = cache.get_dataset(dataset)
    fit = data.x_train[:FIT_MAX]
    x = data.x_test[sample_rows(len(data.x_test), N_EVAL)]
    models = {f"{c.name} ({c.latent_dim}-D)": cache.get_model(dataset, c)
              for c in models_of(dataset)}
    dims = [k for k in PCA_DIMS if k < int(np.prod(data.image_shape))]

    def run(ctx):
        methods = {}
        for k in dims:
            if ctx.stop_requested:
                break
            methods[f"PCA {k}-D"] = PCAEmbedder(k).fit(fit)
        methods.update(models)
        ranges = {}
        for name, model in methods.items():
            if ctx.stop_requested:
                break
            ranges[name] = code_range(model.encode(fit))
            ctx.progress(0.5 * len(ranges) / len(methods))
        methods = {name: methods[name] for name in ranges}
        curves = rate_psnr(methods, fit, x, BITS, fitted_ranges=ranges, ctx=ctx.part(0.5, 0.5))
        return {"methods": {name: methods[name] for name in curves}, "ranges": ranges,
                "curves": curves, "png": mean_png_bytes(x)}

    return run


def main() -> None:
    start = widgets.page_start("comp")
    if start is None:
        return
    sel, data = start
    bits = st.select_slider(t("comp.bits"), options=list(BITS), value=4, key="comp_bits")
    stamps = _stamps(sel.dataset)
    try:
        state = background(compression_task_key(sel.dataset, stamps), lambda: _sweeper(sel.dataset),
                           "comp_task", t("comp.computing"), t("apps.recompute"))
    except AECoreError as error:
        messages.show(error, "apps.error")
        return
    if state is None or not state.result["curves"]:
        return
    methods, ranges = state.result["methods"], state.result["ranges"]
    curves, png = state.result["curves"], state.result["png"]
    fig = rate_figure(curves, BITS, bits, png)
    st.plotly_chart(fig, width="stretch", key="comp_chart")
    st.caption(t("comp.caption", n=N_EVAL))
    st.subheader(t("comp.images_title", bits=bits))
    rows = sample_rows(len(data.x_test), N_SHOWN)
    x = data.x_test[rows]
    st.image(strip_png(x.numpy()), caption=t("comp.original", size=f"{png:.0f}"))
    for name, model in methods.items():
        recon = compress(model, None, x, bits, fitted_range=ranges[name])
        size = model.latent_dim * bits / 8
        st.image(strip_png(recon), caption=t("comp.recon", name=name, size=f"{size:g}",
                                             psnr=f"{psnr(x, recon):.1f}"))


main()
