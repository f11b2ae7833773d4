"""Streamlit glue for Latent Explorer: strings, state, cached loaders, figures.

Computation lives in ``ae_core``; pages in ``app_pages/`` hold the UI; this
package is what they share (and the only place that imports both).
"""
