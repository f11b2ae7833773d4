"""Latent Explorer's app shell: what every visitor's session runs.

``streamlit run app.py`` serves this script (``app.py`` is the server: see there).
It only wires the shell: the URL-backed session state, the shared sidebar and
the page list (``app_lib.nav.PAGES``); every page lives in ``app_pages/``.

The sidebar is drawn after the page. Its values live in plain session keys (``state``),
so the page reads them before the sidebar's widgets exist; what changes is the order in
which the browser gets the elements. A first visit's browser renders everything it has
been sent before it reads the next message, and the Explore page's map comes in a
message of about 1 MB: sent before the sidebar's widgets, it is drawn about half a
second earlier on a fresh server (``benchmarks/README.md``, cold start).
"""

import streamlit as st

from app_lib import nav, present, sidebar, state, style
from app_lib.i18n import t

state.load_from_url()
st.set_page_config(page_title=t("app.title"), page_icon="🧭", layout="wide")
page = nav.navigation()
st.html(style.CSS)
present.render()
state.ensure_model_fits()
state.begin_page()
try:
    page.run()
finally:  # the sidebar's widgets reach the browser after the page's: see the module doc
    sidebar.render()
state.sync_url()
