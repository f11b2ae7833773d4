"""Latent Explorer's app shell: what every visitor's session runs.

``streamlit run app.py`` serves this script (``app.py`` is the server: see there).
It only wires the shell: the URL-backed session state, the shared sidebar and
the page list (``app_lib.nav.PAGES``); every page lives in ``app_pages/``.
"""

import streamlit as st

from app_lib import nav, present, sidebar, state, style
from app_lib.i18n import t

state.load_from_url()
st.set_page_config(page_title=t("app.title"), page_icon="🧭", layout="wide")
page = nav.navigation()
st.html(style.CSS)
present.render()
sidebar.render()
state.begin_page()
page.run()
state.sync_url()
