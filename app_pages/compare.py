"""Compare: PCA and autoencoders side by side on the same test points, with linked selection.

Everything computed here comes from ``ae_core.compare`` (metrics, rate–distortion)
through ``st.cache_data``, once per (dataset, model); the page only draws.
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from ae_core.compare import (
    METRIC_KEYS,
    ae_rate_distortion,
    compare_metrics,
    pca_rate_distortion,
    tsne_reference,
)
from ae_core.errors import AECoreError
from ae_core.imaging import png_bytes
from ae_core.latent import fit_projection
from ae_core.pretrained import list_pretrained
from ae_core.tasks import FAILED, STOPPED, TASKS
from app_lib import cache, catalog, figures, messages, widgets
from app_lib.background import task_panel
from app_lib.catalog import ModelChoice
from app_lib.figures import PALETTE, chart_margin, chart_title, class_color, point_size
from app_lib.i18n import bound, class_names, t
from app_lib.selection import selected_rows

ROWS_KEY = "compare_rows"
TSNE_KEY = "compare_tsne"
RD_ERROR_KEY = "_compare_rd_error"
MAX_MODELS = 2
MAX_SHOWN_ROWS = 6
RECON_COLUMNS = 6  # image columns a line of reconstructions is laid out on (the rest empty)
TRUST_POINTS = 2000
RD_FIT_MAX = 10_000
# The AE curve trained on this page: every size on digits; a subset and few epochs elsewhere.
RD_AE_EPOCHS = {"digits": 60}
RD_AE_EPOCHS_LARGE = 4
BAR_KEYS = ("knn1", "knn5", "trustworthiness", "silhouette")


# ------------------------------------------------------------------ cached computation


@st.cache_data(max_entries=16, show_spinner=False)
def model_metrics(dataset: str, choice: ModelChoice, stamp: float,
                  trust_points: int = TRUST_POINTS) -> dict:
    """One row of the comparison table, computed once per (dataset, model)."""
    data = cache.get_dataset(dataset)
    model = cache.get_model(dataset, choice)
    return model.call(  # shared with other sessions: one caller at a time
        lambda embedder: compare_metrics({choice.name: embedder}, data, trust_points))[choice.name]


@st.cache_data(max_entries=4, show_spinner=False)
def tsne_of(dataset: str, trust_points: int = TRUST_POINTS) -> tuple[np.ndarray, dict]:
    """The t-SNE reference: its test codes (aligned with the test rows) and its metrics row."""
    reference, subset = tsne_reference(cache.get_dataset(dataset), seed=0)
    row = compare_metrics({"t-SNE": reference}, subset, trust_points)["t-SNE"]
    return np.asarray(reference.test_codes, dtype=np.float32), row


@st.cache_data(max_entries=4, show_spinner=False)
def rate_distortion(dataset: str) -> dict[int, float]:
    data = cache.get_dataset(dataset)
    x = data.x_train
    if len(x) > RD_FIT_MAX:
        x = x[np.sort(np.random.default_rng(0).choice(len(x), RD_FIT_MAX, replace=False))]
    return pca_rate_distortion(x, data.x_test)


# ------------------------------------------------------------------ linked selection


def _map_key(i: int) -> str:
    return f"compare_map_{i}"


def _remember_selection(key: str) -> None:
    """Selection callback: the rows picked in one map become the rows every map highlights."""
    st.session_state[ROWS_KEY] = selected_rows(st.session_state.get(key))


def map_xy(codes: np.ndarray) -> tuple[np.ndarray, tuple[str, str] | None]:
    """Map positions of the codes and, for latent dims > 2, the axis titles of the 2-D PCA
    projection of the codes (``ae_core.latent.fit_projection``) they are drawn through."""
    if codes.shape[1] == 1:
        return np.column_stack([codes[:, 0], 0 * codes[:, 0]]), None
    if codes.shape[1] == 2:
        return codes, None
    projection = fit_projection(codes)
    share = projection.explained
    return (projection.project(codes),
            (t("compare.pc_axis", i=1, share=share[0]), t("compare.pc_axis", i=2, share=share[1])))


def _map_figure(codes: np.ndarray, labels: np.ndarray, names: list[str], rows: list[int],
                title: str) -> go.Figure:
    xy, axes = map_xy(codes)
    ids = np.arange(len(xy))
    size = point_size(len(xy))
    traces = []
    for label, name in enumerate(names):
        mask = labels == label
        if mask.any():
            traces.append(go.Scattergl(
                x=xy[mask, 0], y=xy[mask, 1], customdata=ids[mask], mode="markers", name=name,
                marker={"size": size, "color": class_color(label), "opacity": 0.85},
                hovertemplate=f"{name} · #%{{customdata}}<extra></extra>",
                legendgroup=name))
    if rows:
        picked = np.asarray(rows, dtype=int)
        traces.append(go.Scatter(
            x=xy[picked, 0], y=xy[picked, 1], mode="markers", hoverinfo="skip",
            name=t("compare.selected"), showlegend=False,
            marker={"symbol": "circle-open", "size": size + 10, "color": "#111",
                    "line": {"width": 2}}))
    fig = go.Figure(traces)
    # Streamlit turns clickmode into plain "event" whenever dragmode is "select" or "lasso",
    # and a plain click event never reaches Python: in pan mode a click selects its point;
    # box and lasso stay one toolbar button away (selection_mode below keeps them there).
    fig.update_layout(height=430, margin=chart_margin(title=True),
                      title=chart_title(title), dragmode="pan", clickmode="event+select",
                      hovermode="closest", showlegend=False, plot_bgcolor="#fafafa")
    fig.update_yaxes(scaleanchor="x", scaleratio=1)
    if axes:
        fig.update_xaxes(title_text=axes[0])
        fig.update_yaxes(title_text=axes[1])
    return fig


# ------------------------------------------------------------------ views


def _pick_models(dataset: str) -> list[ModelChoice]:
    options = [c for c in catalog.model_choices(dataset) if c.kind != "pca"]
    if not options:
        return []
    by_key = {c.key: c for c in options}
    two_d = [c.key for c in options if c.latent_dim == 2 and c.kind == "pretrained"]
    vaes = [k for k in two_d if by_key[k].is_vae][:1]   # one VAE and one AE, not two VAEs
    default = (vaes + [k for k in two_d if not by_key[k].is_vae][:1]
               or two_d[:MAX_MODELS] or [options[0].key])
    tr = bound()
    keys = st.multiselect(t("compare.models"), list(by_key), default=default,
                          max_selections=MAX_MODELS, key=f"compare_models_{dataset}",
                          format_func=lambda k: tr(f"model.{by_key[k].kind}", name=by_key[k].name),
                          help=t("compare.models_help"))
    return [by_key[k] for k in keys]


def _maps(sel, choices, data, names, tsne: np.ndarray | None = None) -> None:
    rows = [r for r in st.session_state.get(ROWS_KEY, []) if r < len(data.x_test)]
    cols = st.columns(len(choices) + (tsne is not None))
    for i, (col, choice) in enumerate(zip(cols, choices, strict=False)):
        codes, labels = cache.latent_codes(sel.dataset, choice, "test", catalog.model_stamp(choice))
        title = f"{choice.name} ({choice.latent_dim}-D)"
        if choice.latent_dim > 2:
            title = f"{choice.name} · {t('compare.projected', d=choice.latent_dim)}"
        key = _map_key(i)
        col.plotly_chart(_map_figure(codes, labels, names, rows, title),
                         key=key, on_select=partial(_remember_selection, key),
                         selection_mode=("points", "box", "lasso"), width="stretch",
                         config=figures.session_gl_config(figures.SELECT_CONFIG))
    if tsne is not None:
        key = _map_key(len(choices))
        cols[-1].plotly_chart(_map_figure(tsne, data.y_test.numpy(), names, rows,
                                          t("compare.tsne_name")),
                              key=key, on_select=partial(_remember_selection, key),
                              selection_mode=("points", "box", "lasso"), width="stretch",
                              config=figures.session_gl_config(figures.SELECT_CONFIG))
    st.caption(t("compare.legend", classes=", ".join(
        f"{n}" for n in names)) + " " + t("compare.select_hint"))
    if rows:
        _reconstructions(sel, choices, data, rows[:MAX_SHOWN_ROWS], len(rows))


def _reconstructions(sel, choices, data, rows: list[int], total: int) -> None:
    """One line per selected image: the original, then each method's reconstruction.

    Side by side, an image and what every method makes of it are compared
    at a glance; a single selected image no longer stands alone on a line
    above each of its reconstructions.
    """
    st.markdown(f"#### {t('compare.recon_title', n=total)}")
    x = data.x_test[rows]
    recons = [cache.get_model(sel.dataset, c).reconstruct(x) for c in choices]
    width = 1 + len(choices)
    for i, (row, image) in enumerate(zip(rows, x.numpy(), strict=True)):
        cells = st.columns([1] * width + [max(RECON_COLUMNS - width, 0) or 0.01])
        cells[0].image(png_bytes(image, target=96), caption=t("compare.original", row=row))
        for cell, choice, recon in zip(cells[1:], choices, recons, strict=False):
            cell.image(png_bytes(recon[i], target=96), caption=choice.name)


def _metrics_view(sel, choices, tsne_row: dict | None = None) -> dict[str, dict]:
    st.subheader(t("compare.metrics_title"))
    bar = st.progress(0.0, text=t("compare.computing"))
    table: dict[str, dict] = {}
    for i, choice in enumerate(choices):
        bar.progress(i / len(choices), text=t("compare.computing_model", name=choice.name))
        table[choice.name] = model_metrics(sel.dataset, choice, catalog.model_stamp(choice))
    if tsne_row is not None:
        table[t("compare.tsne_name")] = tsne_row
    bar.empty()
    shown = {name: {"latent_dim": row["latent_dim"], **{k: row.get(k, math.nan)
                                                         for k in METRIC_KEYS}}
             for name, row in table.items()}
    st.dataframe(
        [{t("compare.method"): name, **{t(f"metric.{k}"): v for k, v in row.items()}}
         for name, row in shown.items()],
        hide_index=True, width="stretch",
        column_config={t(f"metric.{k}"): st.column_config.NumberColumn(format="%.4f")
                       for k in METRIC_KEYS})
    fig = go.Figure([go.Bar(name=name, x=[t(f"metric.{k}") for k in BAR_KEYS],
                            y=[row[k] for k in BAR_KEYS],
                            marker_color=PALETTE[i % len(PALETTE)])
                     for i, (name, row) in enumerate(shown.items())])
    fig.update_layout(barmode="group", height=340, margin=chart_margin(),
                      yaxis={"range": [min(0.0, *(r["silhouette"] for r in shown.values())), 1]})
    st.plotly_chart(fig, width="stretch", key="compare_bars")
    for name, row in table.items():
        if "active_units" in row:
            st.caption(t("compare.vae_stats", name=name, active=row["active_units"],
                         d=row["latent_dim"],
                         kl=", ".join(f"{v:.2f}" for v in row["kl_per_dim"])))
    return table


def _rd_task_key(dataset: str) -> tuple:
    return ("compare-ae-rate-distortion", dataset)


def _start_ae_curve(dataset: str) -> None:
    """Train one plain AE per latent size in a worker thread (shared by every session)."""
    data = cache.get_dataset(dataset)
    x = data.x_train
    if len(x) > RD_FIT_MAX:
        x = x[np.sort(np.random.default_rng(0).choice(len(x), RD_FIT_MAX, replace=False))]
    epochs = RD_AE_EPOCHS.get(dataset, RD_AE_EPOCHS_LARGE)
    TASKS.start(_rd_task_key(dataset),
                lambda ctx: ae_rate_distortion(x, data.x_test, epochs=epochs, ctx=ctx))


def _on_train_curve(dataset: str) -> None:
    """Button callback (runs before the page does, so the page already shows the task)."""
    try:
        _start_ae_curve(dataset)
    except AECoreError as error:
        st.session_state[RD_ERROR_KEY] = messages.kind_of(error)


def _ae_curve(dataset: str) -> dict[int, float] | None:
    """The page-trained AE curve if there is one; otherwise a button that starts it."""
    state = task_panel(_rd_task_key(dataset), "compare_rd", t("compare.rd_training"))
    if error := st.session_state.pop(RD_ERROR_KEY, None):
        messages.show(error, "error.model")
    if state is None or state.status in (FAILED, STOPPED):
        st.button(t("compare.rd_train"), key="compare_rd_train", icon="🏋️",
                  help=t("compare.rd_train_help"), on_click=_on_train_curve, args=(dataset,))
    return state.result if state is not None and state.result else None


def _rate_distortion_view(sel, table) -> None:
    st.subheader(t("compare.rd_title"))
    curve = rate_distortion(sel.dataset)
    fig = go.Figure(go.Scatter(x=list(curve), y=list(curve.values()), mode="lines+markers",
                               name="PCA", line={"color": "#555"}))
    ae_curve = _ae_curve(sel.dataset)
    if ae_curve:
        fig.add_trace(go.Scatter(x=list(ae_curve), y=list(ae_curve.values()),
                                 mode="lines+markers", name=t("compare.rd_ae_curve"),
                                 line={"color": PALETTE[0], "dash": "dash"}))
    points = {m.name: (m.latent_dim, m.metrics["mse"])
              for m in list_pretrained(sel.dataset) if "mse" in m.metrics}
    points.update({name: (row["latent_dim"], row["mse"]) for name, row in table.items()
                   if not name.startswith("PCA") and math.isfinite(row.get("mse", math.nan))})
    for i, (name, (dim, mse)) in enumerate(points.items()):
        fig.add_trace(go.Scatter(x=[dim], y=[mse], mode="markers", name=name,
                                 marker={"size": 12, "color": PALETTE[(i + 1) % len(PALETTE)]}))
    fig.update_layout(height=360, margin=chart_margin(),
                      xaxis={"type": "log", "title": {"text": t("compare.rd_x")}},
                      yaxis={"title": {"text": t("compare.rd_y")}})
    st.plotly_chart(fig, width="stretch", key="compare_rd")
    st.caption(t("compare.rd_caption"))


def main() -> None:
    start = widgets.page_start("compare")
    if start is None:
        return
    sel, data = start
    models = _pick_models(sel.dataset)
    dim = models[0].latent_dim if models else 2
    choices = [catalog.pca_choice(dim), *models]
    names = class_names(data.meta, data.class_names)
    use_tsne = st.toggle(t("compare.tsne"), key=TSNE_KEY, help=t("compare.tsne_help"))
    try:
        with st.spinner(t("common.computing")):
            tsne_codes, tsne_row = tsne_of(sel.dataset) if use_tsne else (None, None)
            _maps(sel, choices, data, names, tsne_codes)
        table = _metrics_view(sel, choices, tsne_row)
        _rate_distortion_view(sel, table)
    except AECoreError as error:
        messages.show(error, "error.model")


main()
