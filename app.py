"""Latent Explorer: see what autoencoders learn. Run with ``streamlit run app.py``.

This file is the server. Streamlit finds the ``st.App`` below and serves
``streamlit_app.py`` (the app shell: navigation, sidebar, pages) to every
visitor. Its lifespan starts ``app_lib.warmup``, which loads the default
dataset and model and draws the default map while the server starts, so the
first visitor does not wait for torch, the data and the codes. Its one route,
``app_lib.rows``, answers a click on the Explore map with that image over plain HTTP.
"""

import streamlit as st
from starlette.middleware import Middleware

from app_lib import pixel_ratio, rows, server_root, warmup

app = st.App("streamlit_app.py", lifespan=warmup.lifespan, routes=[rows.route()],
             middleware=[Middleware(server_root.ServerRoot),
                         Middleware(pixel_ratio.ClientHints)])
