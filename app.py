"""Latent Explorer: see what autoencoders learn. Run with ``streamlit run app.py``.

This file is the server. Streamlit finds the ``st.App`` below and serves
``streamlit_app.py`` (the app shell: navigation, sidebar, pages) to every
visitor. Its lifespan starts ``app_lib.warmup``, which loads the default
dataset and model and draws the default map while the server starts, so the
first visitor does not wait for torch, the data and the codes. Its routes answer over
plain HTTP: ``app_lib.rows`` a click on the Explore map with that image (and the drawing
pad its encoder's weights), ``app_lib.inbox`` the clicks and released positions the page
has already drawn (kept for the session's next run, without a rerun), ``app_lib.encode``
a drawing for a model whose encoder the page cannot run, ``app_lib.classroom_http`` a
class (the teacher's view, pushed to each student's page).
"""

import streamlit as st
from starlette.middleware import Middleware

from app_lib import classroom_http, encode, inbox, pixel_ratio, rows, server_root, warmup

app = st.App("streamlit_app.py", lifespan=warmup.lifespan,
             routes=[rows.route(), rows.encoder_route(), inbox.route(), encode.route(),
                     *classroom_http.routes()],
             middleware=[Middleware(server_root.ServerRoot),
                         Middleware(pixel_ratio.ClientHints)])
