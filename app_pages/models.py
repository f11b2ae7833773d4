"""My models: the model store — list, rename, delete (confirmed), download, upload."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from ae_core.errors import AECoreError
from ae_core.store import ModelStore, safe_name, validate_name
from app_lib import catalog, dates, messages, sidebar
from app_lib.i18n import current_language, t, variant_name

CONFIRM_KEY = "_models_confirm_delete"
DAMAGED_CONFIRM_KEY = "_models_confirm_delete_damaged"
NOTICE_KEY = "_models_notice"
PICK_NEXT = "_models_pick_next"
ERROR_KEY = "_models_error"
METRIC_KEYS = ("mse", "knn5", "trustworthiness", "trust")


def _metrics_text(metrics: dict) -> str:
    return messages.metrics_text(metrics, METRIC_KEYS)


def _date(model, lang: str, tz) -> str:
    """When the model was made, on the visitor's clock; the file's time if it does not say."""
    moment = dates.parse(model.created) if model.created else None
    if moment is None:
        try:
            moment = datetime.fromtimestamp(model.path.stat().st_mtime).astimezone()
        except OSError:
            return ""
    return dates.readable(moment, lang, tz)




def _rename(store: ModelStore, name: str, widget_key: str) -> None:
    """The rename button's callback (a callback: a click must survive the shell's rerun)."""
    try:
        renamed = store.rename(name, st.session_state.get(widget_key, name))
    except AECoreError as e:
        st.session_state[ERROR_KEY] = messages.kind_of(e)
    else:
        catalog.refresh()
        st.session_state[NOTICE_KEY] = t("models.renamed", name=renamed.name)


def _changed(notice: str) -> None:
    catalog.refresh()
    st.session_state[NOTICE_KEY] = notice
    st.rerun()


def _table(models) -> None:
    lang, tz = current_language(), dates.browser_timezone()
    rows = [{t("models.col_name"): m.name,
             t("models.col_dataset"): sidebar.dataset_name(m.dataset, lang),
             t("models.col_variant"): variant_name(m.variant),
             t("models.col_dim"): m.latent_dim, t("models.col_metrics"): _metrics_text(m.metrics),
             t("models.col_date"): _date(m, lang, tz)} for m in models]
    st.dataframe(rows, hide_index=True, width="stretch")


def _actions(store: ModelStore, models) -> None:
    names = [m.name for m in models]
    if (added := st.session_state.pop(PICK_NEXT, None)) in names:
        st.session_state["models_pick"] = added  # a model just uploaded is the one picked
    name = st.selectbox(t("models.pick"), names, key="models_pick")
    model = next(m for m in models if m.name == name)
    left, middle, right = st.columns([2, 1, 1], vertical_alignment="bottom")
    left.text_input(t("models.rename_to"), value=name, key=f"models_new_{name}")
    middle.button(t("models.rename"), key="models_rename", width="stretch", on_click=_rename,
                  args=(store, name, f"models_new_{name}"))
    if error := st.session_state.pop(ERROR_KEY, None):
        messages.show(error, "models.error")
    try:
        data = model.path.read_bytes()
    except OSError:
        data = b""
    right.download_button(t("models.download"), data, file_name=model.path.name,
                          mime="application/octet-stream", key="models_download",
                          width="stretch")
    if st.session_state.get(CONFIRM_KEY) == name:
        st.warning(t("models.confirm", name=name), icon=":material/delete:")
        yes, no, _ = st.columns([1, 1, 4])
        if yes.button(t("models.yes"), key="models_yes", type="primary"):
            st.session_state.pop(CONFIRM_KEY, None)
            try:
                store.delete(name)
            except AECoreError as e:
                messages.show(e, "models.error")
            else:
                _changed(t("models.deleted", name=name))
        if no.button(t("models.no"), key="models_no"):
            st.session_state.pop(CONFIRM_KEY, None)
            st.rerun()
    elif st.button(t("models.delete"), key="models_delete"):
        st.session_state[CONFIRM_KEY] = name
        st.rerun()


def _replay(model) -> None:
    """The picked model's replay of training (``app_lib.replay``), or why it has none."""
    import numpy as np  # deferred with the model's loading: this page lists without torch

    from ae_core.io import load_model
    from ae_core.models import has_capability
    from app_lib import cache, canvas
    from app_lib import replay as replay_ui
    from app_lib import train_view as tv

    st.subheader(t("replay.models_title"))
    try:
        extras = load_model(model.path).extras
    except AECoreError as e:
        messages.show(e, "models.error")
        return
    try:
        data = cache.get_dataset(model.dataset)
        names, labels = list(data.class_names), np.asarray(data.y_test)
    except AECoreError:  # the dataset is not here: the replay without class names
        names, labels = [], None

    def draw_map(codes, frame: int) -> None:
        n = len(codes)
        shown = labels[:n] if labels is not None and len(labels) >= n else np.zeros(n, int)
        canvas.latent_canvas(tv.probe_message(
            codes, shown, names or ["?"], prior=has_capability(model.variant, "probabilistic"),
            map_id=f"probe:{model.name}"), key=f"models_probe_{model.name}")

    replay_ui.saved_panel(extras, labels, names, f"model:{model.name}",
                          f"models_replay_{model.name}", map_message=draw_map)


def _confirm_damaged(name: str | None) -> None:
    """Delete's and Cancel's callback (a callback: a click must survive the shell's rerun)."""
    if name is None:
        st.session_state.pop(DAMAGED_CONFIRM_KEY, None)
    else:
        st.session_state[DAMAGED_CONFIRM_KEY] = name


def _delete_damaged(store: ModelStore, name: str) -> None:
    """The confirmation's callback: delete the file and say so (or why not)."""
    st.session_state.pop(DAMAGED_CONFIRM_KEY, None)
    try:
        store.delete(name)
    except AECoreError as e:
        st.session_state[ERROR_KEY] = messages.kind_of(e)
    else:
        catalog.refresh()
        st.session_state[NOTICE_KEY] = t("models.deleted", name=name)


def _damaged(store: ModelStore, items) -> None:
    """Files that are not loadable models: said as damaged, with why and a Delete, so one
    bad file can never stop anyone from using this page."""
    st.subheader(t("models.damaged_title"))
    st.caption(t("models.damaged_caption"))
    for item in items:
        left, right = st.columns([5, 1], vertical_alignment="center")
        left.markdown(t("models.damaged_row", name=item.name,
                        reason=messages.sentence(item.error)))
        if st.session_state.get(DAMAGED_CONFIRM_KEY) != item.name:
            right.button(t("models.delete"), key=f"models_damaged_delete_{item.name}",
                         on_click=_confirm_damaged, args=(item.name,))
            continue
        st.warning(t("models.confirm", name=item.name), icon=":material/delete:")
        yes, no, _ = st.columns([1, 1, 4])
        yes.button(t("models.yes"), key="models_damaged_yes", type="primary",
                   on_click=_delete_damaged, args=(store, item.name))
        no.button(t("models.no"), key="models_damaged_no", on_click=_confirm_damaged,
                  args=(None,))
    if error := st.session_state.pop(ERROR_KEY, None):
        messages.show(error, "models.error")


def _upload(store: ModelStore) -> None:
    st.subheader(t("models.upload"))
    file = st.file_uploader(t("models.upload"), type=["safetensors"], key="models_upload",
                            help=t("models.upload_help"), label_visibility="collapsed")
    if file is None:
        return
    default = store.unique_name(safe_name(file.name.rsplit(".", 1)[0], room=3,
                                          fallback="uploaded-model"))
    name = st.text_input(t("models.upload_name"), value=default, key=f"models_as_{file.name}")
    if st.button(t("models.import"), key="models_import", type="primary"):
        try:
            stored = store.import_bytes(file.getvalue(), validate_name(name))
        except AECoreError as e:
            messages.show(e, "models.refused", icon=":material/block:")
        else:
            st.session_state[PICK_NEXT] = stored.name
            _changed(t("models.imported", name=stored.name))


store = ModelStore()
st.title(t("models.title"))
st.caption(t("models.caption", path=store.root))
if notice := st.session_state.pop(NOTICE_KEY, None):
    st.success(notice, icon=":material/check_circle:")
stored = store.list()
if stored:
    _table(stored)
    _actions(store, stored)
    picked = next((m for m in stored if m.name == st.session_state.get("models_pick")), None)
    if picked is not None:
        _replay(picked)
else:
    st.info(t("models.empty"), icon=":material/inventory_2:")
if damaged := store.damaged():
    _damaged(store, damaged)
st.divider()
_upload(store)
