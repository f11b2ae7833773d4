"""My data: upload a .npz or a .zip of class folders, preview it, save it to the library."""

from __future__ import annotations

import hashlib

import numpy as np
import streamlit as st

from ae_core.data.library import DatasetLibrary, display_name
from ae_core.data.user import load_image_zip, load_npz
from ae_core.errors import AECoreError
from ae_core.imaging import png_bytes, tile
from ae_core.store import safe_name
from app_lib import catalog, messages, nav
from app_lib.i18n import t

SIZES = (8, 16, 28, 32, 64)
NOTICE_KEY = "_data_notice"
PREVIEW_N = 40


@st.cache_data(max_entries=2, show_spinner=False)
def _parse(data: bytes, file_name: str, size: int, digest: str):
    """The upload as a Dataset (cached per file content and size)."""
    stem = file_name.rsplit(".", 1)[0]
    if file_name.lower().endswith(".zip"):
        return load_image_zip(data, stem, image_size=size)
    return load_npz(data, stem, image_size=size)


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
        return
    data = file.getvalue()
    try:
        dataset = _parse(data, file.name, size, hashlib.sha256(data).hexdigest())
    except AECoreError as e:
        messages.show(e, "data.bad", icon="⛔")
        return
    _preview(dataset)
    name = st.text_input(t("data.name"), value=safe_name(file.name.rsplit(".", 1)[0],
                                                         fallback="dataset"),
                         key=f"data_name_{file.name}")
    if st.button(t("data.save"), key="data_save", type="primary"):
        try:
            saved = library.save(dataset, name, source=file.name)
        except AECoreError as e:
            messages.show(e, "data.bad", icon="⛔")
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


nav.require_shell()
library = DatasetLibrary()
st.title(t("data.title"))
st.caption(t("data.caption"))
if notice := st.session_state.pop(NOTICE_KEY, None):
    st.success(notice, icon="✅")
_upload(library)
st.divider()
_saved(library)
