"""My data: upload a .npz or a .zip of class folders, preview it, save it to the library.

Reading an upload (decoding a zip's images) runs as a background task with a progress
bar and Stop, so a large or hostile upload never holds the page; its result is kept in
this session only, and the task is forgotten once read, so finished imports do not pile
up in the server's memory.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import numpy as np
import streamlit as st

from ae_core.data.library import DatasetLibrary, display_name
from ae_core.data.user import ImportStopped, load_upload
from ae_core.errors import AECoreError, error_kind
from ae_core.imaging import png_bytes, tile
from ae_core.store import safe_name
from ae_core.tasks import DONE, FAILED, TASKS, Context
from app_lib import catalog, messages
from app_lib.background import task_panel
from app_lib.i18n import t

SIZES = (8, 16, 28, 32, 64)
NOTICE_KEY = "_data_notice"
SESSION_KEY = "_data_session"
TASK_KEY = "_data_task"
RESULT_KEY = "_data_result"
PREVIEW_N = 40
QUICK_S = 0.5  # how long the page waits for an import before it shows a progress bar


def _read(data: bytes, file_name: str, size: int, ctx: Context) -> Any:
    """The task: the upload as a Dataset, ``None`` when stopped, or the refusal's kind (the
    task board keeps only an English message, the page says the kind in its language)."""
    try:
        return load_upload(data, file_name, size, ctx)
    except ImportStopped:
        return None
    except AECoreError as e:
        return {"error": error_kind(e)}


def _task_key(data: bytes, size: int) -> tuple:
    """This session's import of this content at this size (never shared with another
    visitor, who could otherwise stop it)."""
    session = st.session_state.setdefault(SESSION_KEY, uuid.uuid4().hex)
    return ("data-import", session, hashlib.sha256(data).hexdigest(), size)


def _switch_to(key: tuple | None) -> None:
    """Stop and forget this session's import of another file or size."""
    old = st.session_state.get(TASK_KEY)
    if old is not None and old != key:
        TASKS.forget(old)
        st.session_state.pop(RESULT_KEY, None)
    st.session_state[TASK_KEY] = key


def _again(key: tuple) -> None:
    """'Read it again''s callback: forget the stopped task so the next run starts anew."""
    TASKS.forget(key)


def _imported(data: bytes, file_name: str, size: int):
    """The upload's Dataset once read, else ``None`` after drawing the progress, the stop
    or the refusal."""
    key = _task_key(data, size)
    _switch_to(key)
    kept = st.session_state.get(RESULT_KEY)
    if kept is None or kept[0] != key:
        kept = _run(key, data, file_name, size)
        if kept is None:
            return None
    result = kept[1]
    if isinstance(result, dict):
        messages.show(result["error"], "data.bad", icon=":material/block:")
        return None
    return result


def _run(key: tuple, data: bytes, file_name: str, size: int) -> tuple | None:
    """Start or follow the import; once it has ended with a result (a dataset or a refusal)
    keep that in the session, forget the task and return ``(key, result)``."""
    if TASKS.get(key) is None:
        try:
            TASKS.start(key, lambda ctx: _read(data, file_name, size, ctx))
        except AECoreError as e:  # too many computations on this machine right now
            messages.show(e, "data.bad", icon=":material/block:")
            return None
    task = TASKS.get(key)
    task.wait(QUICK_S)  # a small upload is read before the page draws: no bar flashes by
    state = task.state()
    if state.running:
        task_panel(key, "data_import", t("data.importing", file=file_name))
        return None
    if state.status == FAILED:  # not a refusal: a bug, said with its details
        messages.show({"code": "unexpected", "params": {}, "details": [],
                       "message": state.error or ""}, "data.bad", icon=":material/block:")
        return None
    if state.status != DONE or state.result is None:
        st.info(t("data.import_stopped"), icon=":material/stop_circle:")
        st.button(t("data.import_again"), key="data_again", on_click=_again, args=(key,))
        return None
    TASKS.forget(key)
    st.session_state[RESULT_KEY] = (key, state.result)
    return key, state.result


def _preview(dataset) -> None:
    st.caption(t("data.summary", n_train=dataset.n_train, n_test=len(dataset.x_test),
                 k=len(dataset.class_names), side=dataset.image_shape[-1]))
    left, right = st.columns([2, 1])
    with left:
        st.markdown(f"**{t('data.preview')}**")
        images = dataset.x_train[:PREVIEW_N].numpy()
        st.image(png_bytes(tile(images, 10), target=600), caption=t("data.preview"))
    with right:
        st.markdown(f"**{t('data.counts')}**")
        y = np.concatenate([dataset.y_train.numpy(), dataset.y_test.numpy()])
        counts = np.bincount(y, minlength=len(dataset.class_names))
        st.dataframe([{t("data.class"): n, t("data.count"): int(c)}
                      for n, c in zip(dataset.class_names, counts, strict=False)],
                     hide_index=True, width="stretch")


def _upload(library: DatasetLibrary) -> None:
    file = st.file_uploader(t("data.file"), type=["npz", "zip"], key="data_upload")
    size = st.select_slider(t("data.size"), SIZES, value=28, key="data_size",
                            help=t("data.size_help"))
    if file is None:
        _switch_to(None)
        return
    dataset = _imported(file.getvalue(), file.name, size)
    if dataset is None:
        return
    _preview(dataset)
    name = st.text_input(t("data.name"), value=safe_name(file.name.rsplit(".", 1)[0],
                                                         fallback="dataset"),
                         key=f"data_name_{file.name}")
    if st.button(t("data.save"), key="data_save", type="primary"):
        try:
            saved = library.save(dataset, name, source=file.name)
        except AECoreError as e:
            messages.show(e, "data.bad", icon=":material/block:")
        else:
            catalog.refresh()
            st.session_state[NOTICE_KEY] = t("data.saved", name=display_name(saved))
            st.rerun()


def _saved(library: DatasetLibrary) -> None:
    st.subheader(t("data.saved_list"))
    items = library.list()
    if not items:
        st.caption(t("data.none"))
        return
    for item in items:
        left, right = st.columns([5, 1], vertical_alignment="center")
        left.markdown(f"**{display_name(item['name'])}** · {item.get('n_train', '?')} + "
                      f"{item.get('n_test', '?')} · {item.get('image_size', '?')} px · "
                      f"{item.get('created', '')}")
        if right.button(t("data.delete"), key=f"data_del_{item['name']}"):
            library.delete(item["name"])
            catalog.refresh()
            st.session_state[NOTICE_KEY] = t("data.deleted", name=display_name(item["name"]))
            st.rerun()


library = DatasetLibrary()
st.title(t("data.title"))
st.caption(t("data.caption"))
if notice := st.session_state.pop(NOTICE_KEY, None):
    st.success(notice, icon=":material/check_circle:")
_upload(library)
st.divider()
_saved(library)
