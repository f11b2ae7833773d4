"""Cached loaders: models are shared resources, codes are cached data.

A click or a slider release must never re-encode a dataset: everything
expensive is computed here once per (dataset, model, split) and reused by
every session. Shared models run under a lock and ``torch.inference_mode``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import streamlit as st
import torch

from ae_core import PCAEmbedder, codecache, load_model
from ae_core.data import DATASETS, Dataset, data_dir, load_dataset
from ae_core.data.library import DatasetLibrary, is_user_dataset
from ae_core.imaging import png_bytes, tile
from ae_core.latent import LatentSpace, browser_map, interpolation_path, locate_row
from ae_core.threads import torch_threads
from ae_core.webdecoder import UnsupportedDecoder, decoder_program, program_parts
from app_lib import catalog
from app_lib.catalog import ModelChoice

T = TypeVar("T")


SMALL_BATCH = 256
"""Calls on at most this many images (a click, a slider, a manifold grid) run on one torch
thread: see ``ae_core.threads.torch_threads``."""


class SharedModel:
    """One loaded embedder shared by all sessions: serialised calls, NumPy out."""

    def __init__(self, embedder, choice: ModelChoice):
        self.embedder = embedder
        self.choice = choice
        self._lock = threading.Lock()

    @property
    def latent_dim(self) -> int:
        return int(self.embedder.latent_dim)

    def call(self, fn: Callable[[Any], T], threads: int | None = None) -> T:
        """``fn(embedder)`` under this model's lock and ``torch.inference_mode()``: the one way
        to use the shared embedder directly, since other sessions may be calling it too.
        ``threads`` sets this thread's torch threads for the call (None: unchanged)."""
        with self._lock, torch.inference_mode(), torch_threads(threads):
            return fn(self.embedder)

    def _run(self, method: str, data) -> np.ndarray:
        small = len(data) <= SMALL_BATCH
        out = self.call(lambda embedder: getattr(embedder, method)(data), 1 if small else None)
        return out.detach().cpu().numpy() if torch.is_tensor(out) else np.asarray(out)

    def encode(self, x) -> np.ndarray:
        return self._run("encode", x)

    def decode(self, z) -> np.ndarray:
        """Images (N, C, H, W); PCA's may leave [0, 1], the imaging helpers clip."""
        return self._run("decode", np.asarray(z, dtype=np.float32).reshape(-1, self.latent_dim))

    def reconstruct(self, x) -> np.ndarray:
        return self._run("reconstruct", x)


# ------------------------------------------------------------------ data


@st.cache_resource(max_entries=4, show_spinner=False)
def _builtin_dataset(name: str, root: str) -> Dataset:
    return load_dataset(name, root, download=False)


def get_dataset(name: str) -> Dataset:
    """A built-in dataset from the local cache (raises ``DatasetUnavailable``) or an upload.

    Built-in and saved datasets need no session, so the server's warm-up (``app_lib.warmup``)
    can fill the same cache before anyone visits; only this session's uploads read its state.
    """
    if name in DATASETS:
        return _builtin_dataset(name, str(data_dir()))
    if is_user_dataset(name):
        return DatasetLibrary().load(name)
    uploads = catalog.user_datasets()
    if name in uploads:
        return uploads[name]
    return _builtin_dataset(name, str(data_dir()))  # raises a clear "unknown dataset"


def split_data(dataset: Dataset, split: str):
    """(x, y) of the images the map shows: the test split, or train followed by test."""
    return dataset.split("all" if split == "all" else "test")


# ------------------------------------------------------------------ models


PCA_FIT_MAX = 10_000
"""PCA is fitted on at most this many training images (a fixed random subset): the leading
components of 10k MNIST images match those of all 60k, in a tenth of the time."""


@st.cache_resource(max_entries=6, show_spinner=False)
def _load_model(dataset: str, choice: ModelChoice, stamp: float) -> SharedModel:
    if choice.kind == "pca":
        x = get_dataset(dataset).x_train
        if len(x) > PCA_FIT_MAX:
            x = x[np.sort(np.random.default_rng(0).choice(len(x), PCA_FIT_MAX, replace=False))]
        return SharedModel(PCAEmbedder(choice.latent_dim).fit(x), choice)
    return SharedModel(load_model(choice.path), choice)


def get_model(dataset: str, choice: ModelChoice) -> SharedModel:
    return _load_model(dataset, choice, catalog.model_stamp(choice))


@st.cache_data(max_entries=8, show_spinner=False)
def latent_codes(dataset: str, choice: ModelChoice, split: str, stamp: float
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Codes (float32) and labels of every image on the map: the one place we encode, and
    for model files only once per machine (``ae_core.codecache`` keeps them on disk)."""
    x, y = split_data(get_dataset(dataset), split)
    model = get_model(dataset, choice)
    if choice.path is None:  # PCA, fitted at load: nothing on disk to key it by
        codes = model.encode(x).astype(np.float32)
    else:
        key = _codes_key(dataset, choice, split, stamp)
        codes = codecache.CodeCache().codes(key, x, model.encode)
    return codes, y.numpy().astype(np.int64)


ENCODE_IN_BACKGROUND = 20_000
"""A map of more images than this whose codes are not on disk yet (a model's first train +
test map: 70k MNIST images) is encoded in a background task with progress and Stop."""


@st.cache_resource(max_entries=16, show_spinner=False)
def _codes_key(dataset: str, choice: ModelChoice, split: str, stamp: float) -> str:
    x, _ = split_data(get_dataset(dataset), split)
    return codecache.digest(choice.path.read_bytes(), x.numpy())


_STORED: set[str] = set()
"""Codes keys found on disk: a map whose codes were stored is never checked again."""


def encoding_task(dataset: str, choice: ModelChoice, split: str):
    """(task key, task function) when this map must first be encoded in the background, else
    None: the function encodes in batches and stores the codes, so the map then finds them.

    Called on every full run of the page: it counts images without gathering them, and reads
    the stored codes only until they are there."""
    if choice.path is None:
        return None
    data = get_dataset(dataset)
    n = len(data.y_test) + (data.n_train if split == "all" else 0)
    if n <= ENCODE_IN_BACKGROUND:
        return None
    key = _codes_key(dataset, choice, split, catalog.model_stamp(choice))
    if key in _STORED or codecache.CodeCache().load(key, n) is not None:
        _STORED.add(key)
        return None

    def encode(ctx) -> bool:
        x, _ = split_data(data, split)
        model = get_model(dataset, choice)
        codes = codecache.encode_in_batches(model.encode, x, ctx=ctx)
        return codes is not None and codecache.CodeCache().save(key, codes)

    return ("encode-map", key), encode


@st.cache_resource(max_entries=8, show_spinner=False)
def _latent_space(dataset: str, choice: ModelChoice, split: str, stamp: float) -> LatentSpace:
    codes, labels = latent_codes(dataset, choice, split, stamp)
    return LatentSpace.build(codes, labels, prior=choice.is_vae)


def latent_space(dataset: str, choice: ModelChoice, split: str) -> LatentSpace:
    """Projection, slider ranges, window and neighbour index of one map (shared, read-only)."""
    return _latent_space(dataset, choice, split, catalog.model_stamp(choice))


# ------------------------------------------------------------------ pictures


@st.cache_resource(max_entries=8, show_spinner=False)
def _canvas_parts(dataset: str, choice: ModelChoice, split: str, stamp: float):
    space = _latent_space(dataset, choice, split, stamp)
    header, arrays = browser_map(space)
    header["map_id"] = f"{dataset}|{choice.name}|{choice.kind}|{split}|{stamp}"
    try:
        decoder = program_parts(get_model(dataset, choice).call(decoder_program))
    except UnsupportedDecoder:
        decoder = None
    return header, arrays, decoder


def canvas_parts(dataset: str, choice: ModelChoice, split: str):
    """The latent canvas's map header and arrays and the decoder's ops and weights (None when
    the page cannot run this decoder), built once per map and shared by every session."""
    return _canvas_parts(dataset, choice, split, catalog.model_stamp(choice))


@st.cache_data(max_entries=64, show_spinner=False)
def _interpolation(dataset: str, choice: ModelChoice, stamp: float, a: tuple[float, ...],
                   b: tuple[float, ...], steps: int, method: str) -> tuple[np.ndarray, bytes]:
    frames = get_model(dataset, choice).decode(interpolation_path(a, b, steps, method))
    return frames, png_bytes(tile(frames, steps, pad=1), target=112 * steps)


def interpolation(dataset: str, choice: ModelChoice, a, b, steps: int, method: str
                  ) -> tuple[np.ndarray, bytes]:
    """The A→B frames and their strip as a PNG, shared by every session: a click on the map
    reruns the part of the page that shows the strip, and must not decode it again."""
    return _interpolation(dataset, choice, catalog.model_stamp(choice),
                          tuple(float(v) for v in a), tuple(float(v) for v in b), steps, method)


def image_at(dataset: Dataset, split: str, row: int) -> np.ndarray:
    """The image (C, H, W) behind map row ``row`` without concatenating the splits."""
    part, index = locate_row(row, dataset.n_train, split)
    return (dataset.x_train if part == "train" else dataset.x_test)[index].numpy()
