"""The least a page with the map can be: Streamlit, one 10k-point WebGL scatter, one image.

``bench_app.py`` times this page exactly like the app, in the same run, so the app's
cold start and page load can be read against what Streamlit and Plotly alone cost on
the machine at hand. It imports no torch and computes nothing worth mentioning.
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

rng = np.random.default_rng(0)
xy = rng.normal(size=(10_000, 2))
labels = rng.integers(0, 10, len(xy))
st.title("Floor")
traces = [go.Scattergl(x=xy[labels == k, 0], y=xy[labels == k, 1], mode="markers", name=str(k),
                       customdata=np.flatnonzero(labels == k)) for k in range(10)]
# At the benchmark's 1x screen the app draws WebGL at 1x (app_lib.pixel_ratio); so does the
# floor, or the ratio between them would credit the app with what any page could do.
st.plotly_chart(go.Figure(traces, layout={"height": 620}), key="map", on_select="rerun",
                selection_mode="points", config={"plotGlPixelRatio": 1})
st.image(np.zeros((28, 28)), width=280)
