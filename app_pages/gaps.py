"""Gaps: where an AE's and a VAE's 2-D maps are empty, and whether sampling them gives digits.

The maths (common scale, window, gap radius, gap fraction, sampler scores)
lives in ``ae_core.gaps`` and ``ae_core.sampling``; this page draws it.
"""

from __future__ import annotations

import base64

import numpy as np
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from ae_core.errors import AECoreError
from ae_core.gaps import (
    GapReport,
    ManifoldGrid,
    beta_sweep_summary,
    gap_analysis,
    manifold_grid,
)
from ae_core.imaging import grid_image, png_bytes, tile
from ae_core.sampling import (
    fitted_gaussian_codes,
    prior_codes,
    sample_images,
    score_samples,
    train_classifier,
)
from app_lib import cache, catalog, figures, messages, widgets
from app_lib.catalog import ModelChoice
from app_lib.figures import PALETTE, chart_margin, class_color, class_colors, point_size
from app_lib.i18n import bound, class_names, t
from app_lib.selection import clicked_cell

N_SAMPLES = 500
BETAS = (0.0, 0.5, 1.0, 2.0, 4.0)
GAP_FILL = "rgba(178, 24, 43, 0.38)"
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


@st.cache_data(max_entries=8, show_spinner=False)
def manifold_of(dataset: str, choice: ModelChoice, stamp: float
                ) -> tuple[ManifoldGrid, np.ndarray]:
    """The decoded manifold grid over the gap window, and its decoded images."""
    codes, _ = cache.latent_codes(dataset, choice, "test", stamp)
    grid = manifold_grid(codes)
    return grid, cache.get_model(dataset, choice).decode(grid.latent)


def beta_model_name(dataset: str, beta: float) -> str:
    """The shipped file of the β sweep: β = 1 is the dataset's plain 2-D VAE."""
    return f"{dataset}-vae-2d" if beta == 1.0 else f"{dataset}-vae-2d-beta{beta:g}"


@st.cache_data(max_entries=4, show_spinner=False)
def beta_summary(dataset: str, picks: tuple[tuple[float, ModelChoice, float], ...]) -> dict:
    data = cache.get_dataset(dataset)
    out = {}
    for beta, choice, _stamp in picks:
        shared = cache.get_model(dataset, choice)
        with shared._lock:  # shared with other sessions: one caller at a time
            out.update(beta_sweep_summary({beta: shared.embedder}, data))
    return out


def _grid_figure(grid: ManifoldGrid, images: np.ndarray) -> go.Figure:
    w, n = grid.window, grid.n
    png = png_bytes(grid_image(images, n), target=max(480, images.shape[-1] * n))
    cx = w.x0 + (np.arange(n) + 0.5) * w.width / n
    cy = w.y1 - (np.arange(n) + 0.5) * w.height / n
    xs, ys = np.meshgrid(cx, cy)
    style = {"marker": {"opacity": 0}}
    fig = go.Figure(go.Scatter(
        x=xs.ravel(), y=ys.ravel(), customdata=np.arange(n * n), mode="markers", name="cells",
        marker={"size": 14, "color": "rgba(0,0,0,0)", "symbol": "square"},
        selected=style, unselected=style, showlegend=False,
        hovertemplate="cell %{customdata}<extra></extra>"))
    dx, dy = w.width / n, w.height / n
    for index in np.flatnonzero(grid.gap.ravel()):
        r, c = divmod(int(index), n)
        fig.add_shape(type="rect", x0=w.x0 + c * dx, x1=w.x0 + (c + 1) * dx,
                      y0=w.y1 - (r + 1) * dy, y1=w.y1 - r * dy, line={"width": 0},
                      fillcolor=GAP_FILL, layer="above", name="gap")
    fig.update_layout(
        height=420, margin=chart_margin(), showlegend=False,
        dragmode=False, clickmode="event", hovermode="closest", plot_bgcolor="#ffffff",
        images=[{"source": "data:image/png;base64," + base64.b64encode(png).decode("ascii"),
                 "xref": "x", "yref": "y", "x": w.x0, "y": w.y1, "sizex": w.width,
                 "sizey": w.height, "sizing": "stretch", "layer": "below"}])
    fig.update_xaxes(range=[w.x0, w.x1], showgrid=False, zeroline=False, fixedrange=True,
                     title_text=t("gaps.axis", i=1))
    fig.update_yaxes(range=[w.y0, w.y1], showgrid=False, zeroline=False, fixedrange=True,
                     title_text=t("gaps.axis", i=2))
    return fig


def _manifold_view(dataset: str, choices: list[ModelChoice]) -> None:
    st.subheader(t("gaps.grid_title"))
    st.markdown(t("gaps.grid_intro"))
    cols = st.columns(len(choices))
    for col, choice in zip(cols, choices, strict=True):
        grid, images = manifold_of(dataset, choice, catalog.model_stamp(choice))
        cell_key = f"gaps_cell_{choice.key}"
        col.caption(t("gaps.grid_gap_cells", name=choice.name, gaps=int(grid.gap.sum()),
                      cells=grid.n * grid.n))
        event = col.plotly_chart(_grid_figure(grid, images), width="stretch",
                                 key=f"gaps_grid_{choice.key}", on_select="rerun",
                                 selection_mode="points")
        index = clicked_cell(event, grid.window, grid.n)
        if index is not None:
            st.session_state[cell_key] = index
        shown = st.session_state.get(cell_key)
        if shown is not None and 0 <= int(shown) < grid.n * grid.n:
            shown = int(shown)
            kind = t("gaps.cell_gap") if grid.gap.ravel()[shown] else t("gaps.cell_filled")
            col.image(png_bytes(images[shown], target=240),
                      caption=t("gaps.cell_caption", name=choice.name, index=shown, kind=kind))
        else:
            col.caption(t("gaps.cell_hint"))


def _beta_view(dataset: str, names: list[str]) -> None:
    st.subheader(t("gaps.beta_title"))
    st.markdown(t("gaps.beta_intro"))
    shipped = {c.name: c for c in catalog.model_choices(dataset) if c.kind == "pretrained"}
    found = {b: shipped[beta_model_name(dataset, b)] for b in BETAS
             if beta_model_name(dataset, b) in shipped}
    missing = [f"{b:g}" for b in BETAS if b not in found]
    if len(found) < 2:
        st.info(t("gaps.beta_none"))
        return
    if missing:
        st.info(t("gaps.beta_missing", betas=", ".join(missing)))
    picks = tuple((b, c, catalog.model_stamp(c)) for b, c in found.items())
    summary = beta_summary(dataset, picks)
    betas = list(summary)
    xs = [f"{b:g}" for b in betas]
    fig = make_subplots(rows=1, cols=4, subplot_titles=[
        t("gaps.beta_gap"), t("gaps.beta_kl"), t("gaps.beta_active"), t("gaps.beta_mse")])
    fig.add_trace(go.Scatter(x=xs, y=[summary[b]["gap_fraction"] for b in betas],
                             mode="lines+markers", name=t("gaps.beta_gap"),
                             line={"color": "#b2182b"}), row=1, col=1)
    dims = max(summary[b]["latent_dim"] for b in betas)
    for d in range(dims):
        fig.add_trace(go.Scatter(x=xs, y=[summary[b]["kl_per_dim"][d] for b in betas],
                                 mode="lines+markers", name=f"KL z{d + 1}",
                                 line={"color": PALETTE[d % len(PALETTE)]}), row=1, col=2)
    fig.add_trace(go.Bar(x=xs, y=[summary[b]["active_units"] for b in betas],
                         name=t("gaps.beta_active"), marker_color="#555"), row=1, col=3)
    fig.add_trace(go.Scatter(x=xs, y=[summary[b]["mse"] for b in betas], mode="lines+markers",
                             name=t("gaps.beta_mse"), line={"color": "#2166ac"}), row=1, col=4)
    fig.update_xaxes(title_text="β", type="category")
    fig.update_yaxes(range=[0, 1], row=1, col=1)
    fig.update_yaxes(range=[0, dims + 0.2], dtick=1, row=1, col=3)
    fig.update_layout(height=300, margin=chart_margin(title=True),
                      legend={"orientation": "h", "y": -0.3})
    st.plotly_chart(fig, width="stretch", key="gaps_beta_summary")
    maps = make_subplots(rows=1, cols=len(betas), horizontal_spacing=0.02, subplot_titles=[
        t("gaps.beta_map", beta=f"{b:g}", gap=f"{summary[b]['gap_fraction']:.0%}")
        for b in betas])
    for i, b in enumerate(betas, start=1):
        choice = found[b]
        report = gaps_of(dataset, choice, catalog.model_stamp(choice))
        _, labels = cache.latent_codes(dataset, choice, "test", catalog.model_stamp(choice))
        for label, name in enumerate(names):
            mask = labels == label
            if mask.any():
                maps.add_trace(go.Scattergl(
                    x=report.codes[mask, 0], y=report.codes[mask, 1], mode="markers", name=name,
                    marker={"size": 3, "color": class_color(label)},
                    showlegend=False, hovertemplate=f"{name}<extra></extra>"), row=1, col=i)
        maps.update_xaxes(showticklabels=False, range=[-3, 3], row=1, col=i)
        maps.update_yaxes(showticklabels=False, range=[-3, 3], row=1, col=i,
                          scaleanchor=f"x{i if i > 1 else ''}", scaleratio=1)
    maps.update_layout(height=260, margin=chart_margin(title=True), dragmode=False)
    st.plotly_chart(maps, width="stretch", key="gaps_beta_maps",
                    config=figures.session_gl_config())
    st.caption(t("gaps.convention"))


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
                marker={"size": max(size - 2, 2), "color": class_color(label)},
                hovertemplate=f"{name}<extra></extra>"))
    fig = go.Figure(traces)
    fig.update_layout(height=460, margin=chart_margin(), showlegend=False,
                      dragmode=False)
    fig.update_xaxes(range=[w.x0, w.x1], title_text=t("gaps.axis", i=1))
    fig.update_yaxes(range=[w.y0, w.y1], title_text=t("gaps.axis", i=2),
                     scaleanchor="x", scaleratio=1)
    return fig


def _pick(dataset: str, want_vae: bool, label_key: str, preferred: str) -> ModelChoice | None:
    """A 2-D model of one kind; the sidebar's model (``preferred``) first when it is one, so
    an address naming a model opens the page on it."""
    options = [c for c in catalog.model_choices(dataset)
               if c.kind != "pca" and c.latent_dim == 2 and c.is_vae == want_vae]
    if not options:
        st.info(t("gaps.none", kind=t(label_key)))
        return None
    by_key = {c.key: c for c in options}
    tr = bound()
    keys = list(by_key)
    key = st.selectbox(t(label_key), keys, key=f"gaps_{label_key}_{dataset}",
                       index=keys.index(preferred) if preferred in by_key else 0,
                       format_func=lambda k: tr(f"model.{by_key[k].kind}", name=by_key[k].name))
    return by_key[key]


def main() -> None:
    start = widgets.page_start("gaps")
    if start is None:
        return
    sel, data = start
    names = class_names(data.meta, data.class_names)
    pickers = st.columns(2)
    with pickers[0]:
        ae = _pick(sel.dataset, False, "gaps.ae", sel.model)
    with pickers[1]:
        vae = _pick(sel.dataset, True, "gaps.vae", sel.model)
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
                                 key=f"gaps_map_{choice.key}",
                                 config=figures.session_gl_config())
        st.caption(t("gaps.convention"))
        st.divider()
        with st.spinner(t("common.computing")):
            _manifold_view(sel.dataset, choices)
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
                                    marker_color=class_colors(len(names))))
            hist.update_layout(height=220, margin=chart_margin(),
                               yaxis={"title": {"text": t("gaps.share")}})
            col.plotly_chart(hist, width="stretch", key=f"gaps_hist_{choice.key}")
            rows.append({t("compare.method"): choice.name, t("gaps.sampler"): how,
                         t("gaps.mean_max_prob"): scores["mean_max_prob"],
                         t("gaps.confident_share"): scores["confident_share"]})
        st.dataframe(rows, hide_index=True, width="stretch")
        st.caption(t("gaps.sampling_caption"))
        st.divider()
        with st.spinner(t("common.computing")):
            _beta_view(sel.dataset, names)
    except AECoreError as error:
        messages.show(error, "error.model")


main()
