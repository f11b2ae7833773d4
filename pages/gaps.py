"""Gaps: where an AE's and a VAE's 2-D maps are empty, and whether sampling them gives digits.

The maths (common scale, window, gap radius, gap fraction, sampler scores)
lives in ``ae_core.gaps`` and ``ae_core.sampling``; this page draws it.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from ae_core.errors import AECoreError
from ae_core.gaps import GapReport, gap_analysis
from ae_core.imaging import png_bytes, tile
from ae_core.sampling import (
    fitted_gaussian_codes,
    prior_codes,
    sample_images,
    score_samples,
    train_classifier,
)
from app_lib import cache, catalog, nav, state, widgets
from app_lib.catalog import ModelChoice
from app_lib.figures import PALETTE, point_size
from app_lib.i18n import bound, class_names, t

N_SAMPLES = 500
SHOWN_SIDE = 8
FIELD_CAP = 3.0


@st.cache_data(max_entries=8, show_spinner=False)
def gaps_of(dataset: str, choice: ModelChoice, stamp: float) -> GapReport:
    codes, _ = cache.latent_codes(dataset, choice, "test", stamp)
    return gap_analysis(codes)


@st.cache_resource(max_entries=4, show_spinner=False)
def classifier_for(dataset: str):
    return train_classifier(cache.get_dataset(dataset), seed=0)


@st.cache_data(max_entries=8, show_spinner=False)
def samples_of(dataset: str, choice: ModelChoice, stamp: float) -> tuple[np.ndarray, dict]:
    """Decoded samples and their scores: N(0, I) for a VAE, a fitted Gaussian for an AE."""
    model = cache.get_model(dataset, choice)
    if choice.is_vae:
        z = prior_codes(choice.latent_dim, N_SAMPLES, seed=0)
    else:
        z = fitted_gaussian_codes(model.encode(cache.get_dataset(dataset).x_train), N_SAMPLES,
                                  seed=0)
    images = sample_images(model, z)  # SharedModel.decode: serialised, NumPy out
    return images, score_samples(classifier_for(dataset), images)


def _gap_figure(report: GapReport, labels: np.ndarray, names: list[str]) -> go.Figure:
    w, n = report.window, report.field.shape[0]
    xs = w.x0 + (np.arange(n) + 0.5) * w.width / n
    ys = w.y1 - (np.arange(n) + 0.5) * w.height / n
    ratio = np.minimum(report.field / report.radius, FIELD_CAP)
    traces: list = [go.Heatmap(x=xs, y=ys, z=ratio, zmin=0, zmax=FIELD_CAP, showscale=True,
                               colorscale=[[0, "#ffffff"], [1 / FIELD_CAP, "#fde0c5"],
                                           [1 / FIELD_CAP + 1e-6, "#f4a582"], [1, "#b2182b"]],
                               colorbar={"title": {"text": "d / r"}, "len": 0.8},
                               hovertemplate="d / r = %{z:.2f}<extra></extra>")]
    size = point_size(len(report.codes))
    for label, name in enumerate(names):
        mask = labels == label
        if mask.any():
            traces.append(go.Scattergl(
                x=report.codes[mask, 0], y=report.codes[mask, 1], mode="markers", name=name,
                marker={"size": max(size - 2, 2), "color": PALETTE[label % len(PALETTE)]},
                hovertemplate=f"{name}<extra></extra>"))
    fig = go.Figure(traces)
    fig.update_layout(height=460, margin={"l": 10, "r": 10, "t": 10, "b": 10}, showlegend=False,
                      dragmode=False)
    fig.update_xaxes(range=[w.x0, w.x1], title_text=t("gaps.axis", i=1))
    fig.update_yaxes(range=[w.y0, w.y1], title_text=t("gaps.axis", i=2),
                     scaleanchor="x", scaleratio=1)
    return fig


def _pick(dataset: str, want_vae: bool, label_key: str) -> ModelChoice | None:
    options = [c for c in catalog.model_choices(dataset)
               if c.kind != "pca" and c.latent_dim == 2 and c.is_vae == want_vae]
    if not options:
        st.info(t("gaps.none", kind=t(label_key)))
        return None
    by_key = {c.key: c for c in options}
    tr = bound()
    key = st.selectbox(t(label_key), list(by_key), key=f"gaps_{label_key}_{dataset}",
                       format_func=lambda k: tr(f"model.{by_key[k].kind}", name=by_key[k].name))
    return by_key[key]


def main() -> None:
    sel = state.current()
    st.title(t("gaps.title"))
    st.markdown(t("gaps.intro"))
    data = widgets.dataset_or_download(sel.dataset)
    if data is None:
        return
    names = class_names(data.meta, data.class_names)
    pickers = st.columns(2)
    with pickers[0]:
        ae = _pick(sel.dataset, False, "gaps.ae")
    with pickers[1]:
        vae = _pick(sel.dataset, True, "gaps.vae")
    choices = [c for c in (ae, vae) if c is not None]
    if not choices:
        return
    try:
        with st.spinner(t("common.computing")):
            cols = st.columns(len(choices))
            for col, choice in zip(cols, choices, strict=True):
                stamp = catalog.model_stamp(choice)
                report = gaps_of(sel.dataset, choice, stamp)
                _, labels = cache.latent_codes(sel.dataset, choice, "test", stamp)
                col.metric(t("gaps.fraction", name=choice.name), f"{report.fraction:.1%}",
                           help=t("gaps.fraction_help"))
                col.plotly_chart(_gap_figure(report, labels, names), width="stretch",
                                 key=f"gaps_map_{choice.key}")
        st.caption(t("gaps.convention"))
        st.divider()
        st.subheader(t("gaps.sampling_title"))
        st.markdown(t("gaps.sampling_intro"))
        with st.spinner(t("gaps.training_judge")):
            classifier_for(sel.dataset)
        cols = st.columns(len(choices))
        rows = []
        for col, choice in zip(cols, choices, strict=True):
            images, scores = samples_of(sel.dataset, choice, catalog.model_stamp(choice))
            how = t("gaps.from_prior") if choice.is_vae else t("gaps.from_fit")
            col.markdown(f"**{choice.name}** · {how}")
            shown = images[: SHOWN_SIDE * SHOWN_SIDE]
            col.image(png_bytes(tile(shown, SHOWN_SIDE), target=360),
                      caption=t("gaps.samples_caption", n=len(shown)))
            hist = go.Figure(go.Bar(x=names, y=scores["class_histogram"],
                                    marker_color=[PALETTE[i % len(PALETTE)]
                                                  for i in range(len(names))]))
            hist.update_layout(height=220, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                               yaxis={"title": {"text": t("gaps.share")}})
            col.plotly_chart(hist, width="stretch", key=f"gaps_hist_{choice.key}")
            rows.append({t("compare.method"): choice.name, t("gaps.sampler"): how,
                         t("gaps.mean_max_prob"): scores["mean_max_prob"],
                         t("gaps.confident_share"): scores["confident_share"]})
        st.dataframe(rows, hide_index=True, width="stretch")
        st.caption(t("gaps.sampling_caption"))
    except AECoreError as error:
        st.error(t("error.model", error=error))


nav.require_shell()
main()
