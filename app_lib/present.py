"""Presentation mode: the app as a class sees it on a 1280×720 projector.

One switch (the sidebar's toggle, or ``?present=1`` in the address, which
``app_lib.state`` keeps like the language) hides the sidebar, captions and export
sections, enlarges the text, and moves the page list to the top bar so a teacher
can still change pages. The way back is a small "Exit presentation" button in the bottom
right corner, or Esc.

The session key holds ``"1"`` only while the mode is on, so an address without the flag
stays as it was (``state.sync_url`` writes only keys the session has).
"""

from __future__ import annotations

import streamlit as st

from app_lib.i18n import t

PRESENT_KEY = "present"
ON = "1"
_WIDGET = "_w_present"
EXIT_KEY = "present_exit"

CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapseButton"],
[data-testid="stElementContainer"]:has([data-testid="stCaptionContainer"]),
[data-testid="stElementContainer"]:has([data-testid="stDownloadButton"]) {
  display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 3.2rem 1.5rem 1rem; max-width: 100%; }
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] li,
[data-testid="stMain"] [data-testid="stWidgetLabel"] p { font-size: 1.2rem; }
[data-testid="stMain"] h1 { font-size: 2.1rem; padding: 0.2rem 0; }
[data-testid="stMain"] h2 { font-size: 1.7rem; }
[data-testid="stMain"] h3 { font-size: 1.45rem; }
[data-testid="stMain"] h4 { font-size: 1.3rem; }
.st-key-present_exit { position: fixed; bottom: 0.5rem; right: 0.75rem; z-index: 1000100;
  width: max-content !important; opacity: 0.55; }
.st-key-present_exit:hover, .st-key-present_exit:focus-within { opacity: 1; }
.st-key-present_exit button { min-height: 2rem; padding: 0.1rem 0.7rem; }
</style>"""
"""Hidden: the sidebar and its open/close arrows, captions (the notes under a figure)
and downloads, which a class cannot use on a wall. Larger: paragraphs, widget
labels and headings. The exit button floats, faint until pointed at, in the bottom right
corner (the top bar holds the page list), so it costs the page no height."""

ESC_JS = """<script>
(() => {
  const doc = window.parent && window.parent.document ? window.parent.document : document;
  if (doc.__presentEsc) return;
  doc.__presentEsc = true;
  doc.addEventListener("keydown", (e) => {
    if (e.key !== "Escape" || e.defaultPrevented) return;
    const button = doc.querySelector(".st-key-present_exit button");
    if (button) button.click();
  });
})();
</script>"""
"""Esc presses the exit button (a listener added once per page; with no button, as when
the mode is off, Esc does nothing)."""


def on() -> bool:
    """Whether this session shows the app in presentation mode."""
    return st.session_state.get(PRESENT_KEY) == ON


def set_on(value: bool) -> None:
    if value:
        st.session_state[PRESENT_KEY] = ON
    else:
        st.session_state.pop(PRESENT_KEY, None)


def from_params(params: dict[str, str | None]) -> None:
    """Seed the mode from an address's ``present`` flag (``1`` turns it on)."""
    if params.get(PRESENT_KEY) == ON:
        st.session_state.setdefault(PRESENT_KEY, ON)


def _copy() -> None:
    set_on(bool(st.session_state.get(_WIDGET)))


def toggle() -> None:
    """The sidebar's switch."""
    st.session_state[_WIDGET] = on()
    st.toggle(t("present.toggle"), key=_WIDGET, on_change=_copy, help=t("present.help"))


def render() -> None:
    """While the mode is on: its CSS, the exit button and Esc; nothing otherwise."""
    if not on():
        return
    st.html(CSS)
    st.button(t("present.exit"), key=EXIT_KEY, on_click=set_on, args=(False,),
              icon=":material/close_fullscreen:", help=t("present.exit_help"))
    st.html(ESC_JS, unsafe_allow_javascript=True)


def canvas_options() -> dict[str, bool | int]:
    """The latent canvas's options for this mode: larger text (``lc-present``) and a map at
    most 500 px high, so the larger title above it still leaves the map's axis on screen."""
    return {"present": True, "max_height": 500} if on() else {}
