"""Home: what an autoencoder, its encoder, decoder and latent space are, and where to go next."""

from __future__ import annotations

import streamlit as st

from ae_core.errors import AECoreError
from ae_core.imaging import png_bytes
from app_lib import cache, catalog, diagram, nav, state
from app_lib.i18n import t


def _picture(sel: state.Selection) -> None:
    """The diagram drawn with the selected model, or with digits when that data is missing."""
    dataset, key = sel.dataset, sel.model
    try:
        data = cache.get_dataset(dataset)
    except AECoreError:
        dataset, key = "digits", catalog.default_model("digits")
        data = cache.get_dataset(dataset)
    choice = catalog.find_choice(dataset, key)
    try:
        model = cache.get_model(dataset, choice)
        space = cache.latent_space(dataset, choice, "test")
    except AECoreError:
        return
    row = 0
    x = cache.image_at(data, "test", row)
    recon = model.reconstruct(x[None])[0]
    labels = {k: t(f"diagram.{k}") for k in ("input", "encoder", "code", "decoder", "output",
                                             "latent")}
    svg = diagram.autoencoder_svg(png_bytes(x, target=170), png_bytes(recon, target=170),
                                  space, row, labels)
    st.image(svg, width="stretch")


def main() -> None:
    sel = state.current()
    st.title(t("home.title"))
    st.markdown(t("home.intro"))
    with st.spinner(t("common.computing")):
        _picture(sel)
    st.markdown(t("home.latent"))
    st.markdown(t("home.pca"))
    st.subheader(t("home.pages"))
    for page in nav.PAGES:
        if page.blurb_key:
            st.page_link(page.path, label=f"**{t(page.title_key)}** — {t(page.blurb_key)}",
                         icon=page.icon)


main()
