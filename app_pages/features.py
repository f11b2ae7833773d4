"""Feature learning: accuracy with few labels on raw pixels, PCA codes and autoencoder codes."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from ae_core import PCAEmbedder
from ae_core.applications import label_efficiency
from ae_core.errors import AECoreError
from app_lib import cache, catalog, messages, widgets
from app_lib.applications import background, features_task_key, models_of
from app_lib.figures import PALETTE, chart_margin, chart_title
from app_lib.i18n import bound, t

N_PER_CLASS = (10, 100, 1000)
TRAIN_MAX = 10_000
TEST_MAX = 1_000
RAW = "raw"


def _scorer(dataset: str, pca_k: int, seed: int):
    """Fit PCA, encode with every autoencoder and score few-label classifiers, in a task."""
    data = cache.get_dataset(dataset)
    xtr, ytr = data.x_train[:TRAIN_MAX], data.y_train[:TRAIN_MAX]
    xte, yte = data.x_test[:TEST_MAX], data.y_test[:TEST_MAX]
    models = {f"{c.name} ({c.latent_dim}-D)": cache.get_model(dataset, c)
              for c in models_of(dataset)}

    def run(ctx):
        steps = 2 + len(models)
        result = {}

        def score(name, features, done):
            ctx.progress(done / steps)
            result.update(label_efficiency({name: features}, ytr, yte, N_PER_CLASS, seed=seed))

        score(RAW, (xtr.reshape(len(xtr), -1), xte.reshape(len(xte), -1)), 0)
        for i, (name, model) in enumerate({f"PCA {pca_k}-D": PCAEmbedder(pca_k).fit(xtr),
                                           **models}.items()):
            if ctx.stop_requested:
                break
            score(name, (model.encode(xtr), model.encode(xte)), i + 1)
        return result

    return run


def _efficiency(dataset: str, pca_k: int, seed: int, stamps: tuple) -> dict | None:
    """{feature set: {"knn": [...], "logreg": [...]}}, or None while it computes."""
    state = background(features_task_key(dataset, pca_k, seed, stamps),
                       lambda: _scorer(dataset, pca_k, seed), "feat_task", t("feat.computing"),
                       t("apps.recompute"))
    return None if state is None else state.result


def main() -> None:
    start = widgets.page_start("feat")
    if start is None:
        return
    sel, data = start
    tr = bound()
    c1, c2, c3 = st.columns(3)
    clf = c1.radio(t("feat.classifier"), ["logreg", "knn"], key="feat_clf",
                   format_func=lambda c: tr(f"feat.clf.{c}"))
    pca_k = c2.select_slider(t("feat.pca_k"), [2, 8, 16, 32], value=16, key="feat_pca")
    seed = int(c3.number_input(t("feat.seed"), 0, 999, 0, key="feat_seed"))
    stamps = tuple(catalog.model_stamp(c) for c in catalog.model_choices(sel.dataset))
    try:
        computed = _efficiency(sel.dataset, pca_k, seed, stamps)
    except AECoreError as error:
        messages.show(error, "apps.error")
        return
    if not computed:
        return
    result = {t("feat.raw") if name == RAW else name: row for name, row in computed.items()}
    fig = go.Figure([go.Scatter(x=list(N_PER_CLASS), y=row[clf], mode="lines+markers",
                                name=name, line={"color": PALETTE[i % len(PALETTE)]})
                     for i, (name, row) in enumerate(result.items())])
    fig.update_layout(height=420, margin=chart_margin(title=True),
                      title=chart_title(t("feat.chart_title", clf=t(f"feat.clf.{clf}"))),
                      xaxis={"type": "log", "title": {"text": t("feat.x")}},
                      yaxis={"title": {"text": t("feat.y")}, "range": [0, 1]})
    st.plotly_chart(fig, width="stretch", key="feat_chart")
    st.caption(t("feat.caption", n=len(data.y_train)))
    st.dataframe([{t("feat.features"): name,
                   **{f"{k}/{t('feat.class')}": row[clf][i] for i, k in enumerate(N_PER_CLASS)}}
                  for name, row in result.items()], hide_index=True, width="stretch")


main()
