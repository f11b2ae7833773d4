"""Anomaly detection: an autoencoder trained on the normal classes reconstructs the others badly."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from ae_core.applications import anomaly_scores, normal_mask, threshold_report, train_normal_model
from ae_core.errors import AECoreError
from ae_core.metrics import anomaly_auroc, roc_curve_points
from app_lib import cache, catalog, figures, messages, widgets
from app_lib.applications import (
    ANOMALY_HIDDEN,
    ANOMALY_LATENT_DIM,
    anomaly_epochs,
    anomaly_task_key,
    background,
    models_of,
    strip_png,
)
from app_lib.figures import PALETTE, chart_margin, chart_title, class_color
from app_lib.i18n import bound, class_names, t

N_WORST = 10


def _trainer(dataset: str, normal: tuple[int, ...]):
    """The task function training the page's model (data picked here, in the script run)."""
    data = cache.get_dataset(dataset)
    x, shape = data.x_train[normal_mask(data.y_train, normal)], data.image_shape

    def train(ctx):
        return train_normal_model(x, shape, latent_dim=ANOMALY_LATENT_DIM, hidden=ANOMALY_HIDDEN,
                                  epochs=anomaly_epochs(dataset), ctx=ctx)

    return train


def _trained_model(dataset: str, normal: tuple[int, ...]):
    """(model, cache stamp) trained on the normal classes; (None, None) while it trains."""
    n = int(normal_mask(cache.get_dataset(dataset).y_train, normal).sum())
    state = background(anomaly_task_key(dataset, normal), lambda: _trainer(dataset, normal),
                       "anom_task", t("anom.training", n=n), t("apps.retrain"))
    if state is None:
        return None, None
    return state.result, f"{state.status}:{state.elapsed:.6f}"


@st.cache_data(max_entries=16, show_spinner=False)
def _scores(dataset: str, source: str, normal: tuple[int, ...], stamp: object, _model
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Test-set scores, anomaly flags and 2-D codes for the map."""
    data = cache.get_dataset(dataset)
    scores = anomaly_scores(_model, data.x_test)
    codes = np.asarray(_model.encode(data.x_test), dtype=np.float64)
    codes = codes - codes.mean(0)
    if codes.shape[1] > 2:  # the two leading principal axes of the codes
        codes = codes @ np.linalg.svd(codes, full_matrices=False)[2][:2].T
    return scores, ~normal_mask(data.y_test, normal), codes


def _controls(sel, names):
    tr = bound()
    c1, c2 = st.columns(2)
    mode = c1.radio(t("anom.mode"), ["one", "all_but_one", "custom"], key="anom_mode",
                    format_func=lambda m: tr(f"anom.mode.{m}"), horizontal=True)
    if mode == "custom":
        picked = c2.multiselect(t("anom.normal"), list(range(len(names))), default=[0],
                                format_func=lambda i: names[i], key="anom_custom")
        normal = tuple(sorted(picked))
    else:
        cls = c2.selectbox(t("anom.class"), list(range(len(names))), key="anom_class",
                           format_func=lambda i: names[i])
        normal = (cls,) if mode == "one" else tuple(i for i in range(len(names)) if i != cls)
    aes = {c.key: c for c in models_of(sel.dataset)}  # any autoencoder reconstructs
    options = ["train", *aes]
    source = st.selectbox(t("anom.source"), options, key="anom_source",
                          format_func=lambda k: tr("anom.source.train") if k == "train"
                          else tr("anom.source.shipped", name=aes[k].name),
                          help=t("anom.source_help"))
    return normal, source, aes


def _histogram(scores, flags, threshold) -> None:
    fig = go.Figure([go.Histogram(x=scores[~flags], name=t("anom.normal_label"), opacity=0.6,
                                  marker_color=PALETTE[0], nbinsx=50),
                     go.Histogram(x=scores[flags], name=t("anom.anomalous"), opacity=0.6,
                                  marker_color=PALETTE[3], nbinsx=50)])
    fig.add_vline(x=threshold, line_dash="dash", line_color="#111")
    fig.update_layout(barmode="overlay", height=320, margin=chart_margin(title=True),
                      title=chart_title(t("anom.hist_title")),
                      xaxis={"title": {"text": t("anom.score")}})
    st.plotly_chart(fig, width="stretch", key="anom_hist")


def _report(scores, flags, threshold) -> None:
    rep = threshold_report(scores, flags, threshold)
    c1, c2, c3 = st.columns(3)
    c1.metric(t("anom.precision"), f"{rep['precision']:.3f}")
    c2.metric(t("anom.recall"), f"{rep['recall']:.3f}")
    c3.metric("AUROC", f"{anomaly_auroc(scores, flags):.3f}")
    pred_a, pred_n = t("anom.pred_anomaly"), t("anom.pred_normal")
    st.dataframe([{t("anom.truth"): t("anom.anomalous"), pred_a: rep["tp"], pred_n: rep["fn"]},
                  {t("anom.truth"): t("anom.normal_label"), pred_a: rep["fp"],
                   pred_n: rep["tn"]}], hide_index=True, key="anom_confusion")


def _roc(scores, flags, threshold) -> None:
    fpr, tpr, thr = roc_curve_points(scores, flags)
    i = int(np.searchsorted(-thr, -threshold, side="right")) - 1  # last point flagging > thr
    fig = go.Figure([go.Scatter(x=fpr, y=tpr, mode="lines", name="ROC",
                                line={"color": PALETTE[1]}),
                     go.Scatter(x=[0, 1], y=[0, 1], mode="lines", line={"dash": "dot",
                                                                        "color": "#aaa"},
                                showlegend=False),
                     go.Scatter(x=[fpr[max(i, 0)]], y=[tpr[max(i, 0)]], mode="markers",
                                marker={"size": 12, "color": "#111"}, name=t("anom.threshold"))])
    fig.update_layout(height=340, margin=chart_margin(title=True),
                      title=chart_title(f"ROC · AUROC = {anomaly_auroc(scores, flags):.3f}"),
                      xaxis={"title": {"text": t("anom.fpr")}, "range": [0, 1]},
                      yaxis={"title": {"text": t("anom.tpr")}, "range": [0, 1.02]})
    st.plotly_chart(fig, width="stretch", key="anom_roc")


def _map(codes, scores, flags, threshold, labels, names) -> None:
    flagged = scores > threshold
    fig = go.Figure()
    for label, name in enumerate(names):
        m = labels == label
        if m.any():
            fig.add_trace(go.Scattergl(x=codes[m, 0], y=codes[m, 1], mode="markers", name=name,
                                       marker={"size": 5, "color": class_color(label),
                                               "opacity": 0.5}))
    fig.add_trace(go.Scatter(x=codes[flagged, 0], y=codes[flagged, 1], mode="markers",
                             name=t("anom.flagged"),
                             marker={"symbol": "circle-open", "size": 11, "color": "#d00",
                                     "line": {"width": 2}}))
    fig.update_layout(height=420, margin=chart_margin(title=True),
                      title=chart_title(t("anom.map_title")))
    st.plotly_chart(fig, width="stretch", key="anom_map",
                    config=figures.session_gl_config())


def main() -> None:
    start = widgets.page_start("anom")
    if start is None:
        return
    sel, data = start
    names = class_names(data.meta, data.class_names)
    normal, source, aes = _controls(sel, names)
    if not normal or len(normal) == len(names):
        st.info(t("anom.need_both"))
        return
    try:
        if source == "train":
            model, stamp = _trained_model(sel.dataset, normal)
            if model is None:
                return
        else:
            model = cache.get_model(sel.dataset, aes[source])
            stamp = catalog.model_stamp(aes[source])
            st.caption(t("anom.shipped_note"))
        scores, flags, codes = _scores(sel.dataset, source, normal, stamp, model)
    except AECoreError as error:
        messages.show(error, "apps.error")
        return
    hi = float(np.max(scores))
    default = float(np.quantile(scores[~flags], 0.95))
    threshold = st.slider(t("anom.threshold"), 0.0, round(hi, 2), round(default, 2),
                          step=round(max(hi / 200, 0.01), 2),
                          key=f"anom_thr_{source}_{normal}_{stamp}")  # new model, new slider
    _histogram(scores, flags, threshold)
    c1, c2 = st.columns(2)
    with c1:
        _report(scores, flags, threshold)
    with c2:
        _roc(scores, flags, threshold)
    st.subheader(t("anom.worst_title"))
    worst = np.argsort(-scores)[:N_WORST]
    st.image(strip_png(data.x_test[worst].numpy(), target=80),
             caption=" · ".join(f"{names[int(data.y_test[i])]} {scores[i]:.1f}" for i in worst))
    _map(codes, scores, flags, threshold, data.y_test.numpy(), names)


main()
