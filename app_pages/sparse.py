"""Sparse inspector: how often each hidden unit fires and what it draws (L1, KL, no penalty)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from ae_core.applications import (
    FIRE_SHARE,
    activation_stats,
    feature_images,
    train_sparse_comparison,
)
from ae_core.errors import AECoreError
from ae_core.metrics import psnr
from app_lib import cache, messages, widgets
from app_lib.applications import (
    SPARSE_FIT_MAX,
    SPARSE_UNITS,
    background,
    models_of,
    sparse_epochs,
    sparse_task_key,
    strip_png,
)
from app_lib.figures import PALETTE, chart_margin, chart_title
from app_lib.i18n import bound, t

# A unit fires on an image when its activation is above this share of its own largest
# activation on the test set (ae_core.applications.activation_stats): the same reading for
# an L1 model's ReLU codes (any scale) and a KL model's sigmoid codes pulled towards ρ.
FIRE_LEVELS = (0.01, 0.05, FIRE_SHARE, 0.25, 0.5)


def _share(v: float) -> str:
    return f"{v:.0%}"


def _trainer(dataset: str):
    """The task function training the three comparison models, with progress and stop."""
    data = cache.get_dataset(dataset)
    x, shape = data.x_train[:SPARSE_FIT_MAX], data.image_shape

    def train(ctx):
        return train_sparse_comparison(x, shape, SPARSE_UNITS, sparse_epochs(dataset), ctx=ctx)

    return train


def _comparison_models(dataset: str) -> dict | None:
    """The comparison models (those trained before a stop), or None while they train."""
    state = background(sparse_task_key(dataset), lambda: _trainer(dataset), "sparse_task",
                       t("sparse.training"), t("apps.retrain"))
    return None if state is None else state.result


def _rho(model) -> float | None:
    return getattr(model.config, "rho", None) if model.config.variant == "sparse_kl" else None


def _inspect(model, x, key: str, fire: float) -> dict:
    """The model's unit statistics on ``x``: metrics, the per-unit bars, the histogram."""
    codes = np.asarray(model.encode(x), dtype=np.float64)
    stats = activation_stats(codes, fire_share=fire)
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("sparse.mean_act"), f"{codes.mean():.3f}")
    c2.metric(t("sparse.per_image"), f"{stats['per_image'].mean():.1f} / {codes.shape[1]}",
              help=t("sparse.per_image_help"))
    c3.metric(t("sparse.dead"), int(stats["dead"].sum()))
    c4.metric(t("sparse.always_on"), int(stats["always_on"].sum()))
    order = np.argsort(-stats["mean"])
    colors = [PALETTE[3] if stats["dead"][j] else PALETTE[1] if stats["always_on"][j]
              else PALETTE[0] for j in order]
    bars = go.Figure(go.Bar(x=[str(j) for j in order], y=stats["mean"][order],
                            marker_color=colors, name=t("sparse.mean_act")))
    rho = _rho(model)
    if rho is not None:
        bars.add_hline(y=rho, line_dash="dash", line_color="#111",
                       annotation_text=f"ρ = {rho:g}")
    bars.update_layout(height=300, margin=chart_margin(title=True),
                       title=chart_title(t("sparse.bars_title")),
                       xaxis={"title": {"text": t("sparse.unit")}, "type": "category"})
    st.plotly_chart(bars, width="stretch", key=f"{key}_bars")
    alive = stats["relative"][:, ~stats["dead"]]
    hist = go.Figure(go.Histogram(x=alive.ravel(), xbins={"start": 0, "end": 1, "size": 0.02},
                                  marker_color=PALETTE[2]))
    hist.add_vline(x=fire, line_dash="dash", line_color="#d00",
                   annotation_text=t("sparse.fire_line", v=_share(fire)))
    hist.update_layout(height=260, margin=chart_margin(title=True),
                       title=chart_title(t("sparse.hist_title")), yaxis={"type": "log"},
                       xaxis={"range": [0, 1], "tickformat": ".0%"})
    st.plotly_chart(hist, width="stretch", key=f"{key}_hist")
    return stats


def _features(model, which: str, caption: str, dead=None) -> None:
    """The units' feature images; dead units (never firing) are drawn plain grey."""
    try:
        images = feature_images(model, which, blank=dead)
    except AECoreError as error:
        st.info(str(error))
        return
    if dead is not None and dead.any():
        caption += " · " + t("sparse.dead_tiles", n=int(dead.sum()))
    st.image(strip_png(images, ncols=16, target=40), caption=caption)


def main() -> None:
    start = widgets.page_start("sparse")
    if start is None:
        return
    sel, data = start
    tr = bound()
    x = data.x_test
    which = st.radio(t("sparse.which"), ["decoder", "encoder"], key="sparse_which",
                     horizontal=True, format_func=lambda w: tr(f"sparse.which.{w}"))
    fire = st.select_slider(t("sparse.fire"), FIRE_LEVELS, value=FIRE_SHARE, format_func=_share,
                            key="sparse_fire", help=t("sparse.fire_help"))
    choices = {c.key: c for c in models_of(sel.dataset, ("sparse_l1", "sparse_kl"))}
    if choices:
        key = st.selectbox(t("sparse.model"), list(choices), key="sparse_model",
                           format_func=lambda k: tr(f"model.{choices[k].kind}",
                                                    name=choices[k].name))
        try:
            model = cache.get_model(sel.dataset, choices[key]).embedder
            stats = _inspect(model, x, "sparse_main", fire)
            _features(model, which, t(f"sparse.which.{which}"), stats["dead"])
        except AECoreError as error:
            messages.show(error, "apps.error")
    else:
        st.info(t("sparse.no_model"))
    st.subheader(t("sparse.compare_title"))
    st.markdown(t("sparse.compare_intro", n=SPARSE_UNITS))
    try:
        models = _comparison_models(sel.dataset)
    except AECoreError as error:
        messages.show(error, "apps.error")
        return
    if not models:
        return
    rows, dead = [], {}
    for name, model in models.items():
        codes = np.asarray(model.encode(x), dtype=np.float64)
        stats = activation_stats(codes, fire_share=fire)
        dead[name] = stats["dead"]
        rows.append({t("sparse.objective"): t(f"sparse.obj.{name}"),
                     t("sparse.mean_act"): float(codes.mean()),
                     t("sparse.per_image"): float(stats["per_image"].mean()),
                     t("sparse.near_zero", v=_share(fire)):
                         float(np.mean(stats["relative"] <= fire)),
                     t("sparse.dead"): int(stats["dead"].sum()),
                     t("sparse.always_on"): int(stats["always_on"].sum()),
                     "PSNR (dB)": psnr(x, model.reconstruct(x))})
    st.dataframe(rows, hide_index=True, width="stretch", key="sparse_table")
    cols = st.columns(len(models))
    for col, (name, model) in zip(cols, models.items(), strict=True):
        with col:
            st.markdown(f"**{t(f'sparse.obj.{name}')}**")
            _features(model, which, t(f"sparse.obj.{name}"), dead[name])


main()
