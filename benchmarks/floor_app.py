"""The floor: a bare one-line Streamlit page.

``bench_app.py`` times this page exactly like the app, in the same run, so the app's cold
start and page load can be read against what Streamlit and this browser alone cost on the
machine at hand.
"""

import streamlit as st

st.title("Floor")
