"""Small UI pieces several pages use: the dataset gate, inline images, the gap verdict."""

from __future__ import annotations

import base64
from html import escape

import streamlit as st

from ae_core.data import DATASETS, Dataset, download_dataset
from ae_core.data.download import missing_bytes
from ae_core.errors import AECoreError, DatasetUnavailable
from ae_core.latent import ManifoldReading
from app_lib import cache, messages, state
from app_lib.i18n import dataset_title, human_bytes, t


def page_start(prefix: str, intro: bool = True):
    """The common top of a page: title, intro, and the selection with its dataset.

    Returns ``(selection, dataset)``, or None when the dataset is not on this
    machine (the download panel is shown instead).
    """
    sel = state.current()
    st.title(t(f"{prefix}.title"))
    if intro:
        st.markdown(t(f"{prefix}.intro"))
    data = dataset_or_download(sel.dataset)
    return None if data is None else (sel, data)


def dataset_or_download(name: str) -> Dataset | None:
    """The dataset if it is on this machine; otherwise its size and a download button."""
    try:
        return cache.get_dataset(name)
    except DatasetUnavailable as missing:
        _download_panel(name, missing)
    except AECoreError as error:
        messages.show(error, "data.error")
    return None


_DOWNLOAD_FLAG = "_download_requested"


def _request_download(name: str) -> None:
    """Button callback: a flag, not the button's value, so the request survives any rerun."""
    st.session_state[_DOWNLOAD_FLAG] = name


def _download_panel(name: str, missing: DatasetUnavailable) -> None:
    spec = DATASETS[name]
    title = dataset_title(spec)
    st.info(t("data.missing", title=title, size=human_bytes(missing_bytes(spec))), icon="📦")
    st.button(t("data.download", title=title), type="primary", key=f"download:{name}",
              on_click=_request_download, args=(name,))
    if st.session_state.get(_DOWNLOAD_FLAG) != name:
        messages.show_details(missing)
        return
    del st.session_state[_DOWNLOAD_FLAG]
    bar = st.progress(0.0)

    def progress(done: int, total: int, filename: str) -> None:
        bar.progress(min(done / max(total, 1), 1.0), text=t(
            "data.downloading", file=filename, done=human_bytes(done), total=human_bytes(total)))

    try:
        download_dataset(spec, progress=progress)
    except AECoreError as error:
        bar.empty()
        messages.show(error)
        return
    st.success(t("data.done"))
    st.rerun()


EXACT = 1e-6
VERDICT_STYLE = {  # Streamlit's own success / warning / error colours, and an icon each
    "on": ("✅", "rgba(33,195,84,.1)", "rgb(23,114,51)"),
    "edge": ("⚠️", "rgba(255,189,69,.2)", "rgb(146,108,5)"),
    "gap": ("🕳️", "rgba(255,43,43,.09)", "rgb(125,53,59)"),
}
CAPTION_STYLE = "font-size:14px;color:rgba(49,51,63,.6);margin:.25rem 0 .5rem"
HEADING_STYLE = "font-size:1.5rem;font-weight:600;line-height:1.2;margin:0 0 .75rem;padding:0"
"""``#### `` markdown's look, for a heading inside an HTML element."""


def caption_html(text: str) -> str:
    """``st.caption``'s look as HTML, to share one element with what it describes."""
    return f'<p style="{CAPTION_STYLE}">{escape(text)}</p>'


def verdict_html(reading: ManifoldReading) -> str:
    """The on / edge / gap verdict as a coloured box, with the numbers behind it."""
    icon, background, ink = VERDICT_STYLE[reading.verdict]
    box = (f'<div role="status" data-verdict="{reading.verdict}" style="background:{background};'
           f'color:{ink};border-radius:.5rem;padding:.75rem 1rem;margin:.5rem 0">{icon} '
           f'<strong>{escape(t("gap." + reading.verdict))}</strong></div>')
    if reading.distance < EXACT:
        return box + caption_html(t("gap.exact", row=reading.nearest_row))
    notes = [t("gap.detail", dist=reading.distance, ratio=reading.ratio, pct=reading.percentile)]
    if reading.verdict == "gap":
        notes.append(t("gap.explain"))
    return box + "".join(map(caption_html, notes))


def generated_html(png: bytes, title: str, position: str, reading: ManifoldReading,
                   width: int = 280) -> str:
    """Title, decoded image, position and verdict as one element: a slider rerun sends
    and the browser lays out one element instead of five (about 2 ms each in the browser)."""
    return (f'<h4 style="{HEADING_STYLE}">{escape(title)}</h4>' + image_html(png, title, width)
            + caption_html(position) + verdict_html(reading))


def image_html(png: bytes, alt: str, width: int, caption: str = "") -> str:
    data = base64.b64encode(png).decode("ascii")
    label = f'<figcaption style="text-align:center;opacity:.7">{escape(caption)}</figcaption>'
    return (f'<figure style="margin:0"><img src="data:image/png;base64,{data}" '
            f'alt="{escape(alt)}" width="{width}" style="image-rendering:pixelated;'
            f'max-width:100%;height:auto;display:block;margin:auto"/>'
            f'{label if caption else ""}</figure>')
