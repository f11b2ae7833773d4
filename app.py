"""Latent Explorer: see what autoencoders learn.

Run with ``streamlit run app.py``. The pages arrive with the next issues; this
entry point already loads the embedded digits set and a shipped model.
"""

import streamlit as st

st.set_page_config(page_title="Latent Explorer", page_icon="🧭", layout="wide")
st.title("Latent Explorer")
st.write("Autoencoders, their latent spaces and PCA — explored in the browser. "
         "오토인코더와 잠재 공간을 브라우저에서 탐색합니다.")
