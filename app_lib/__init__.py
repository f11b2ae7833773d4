"""Streamlit glue for Latent Explorer: strings, state, cached loaders, figures.

Computation lives in ``ae_core``; pages in ``pages/`` hold the UI; this
package is what they share (and the only place that imports both).
"""
