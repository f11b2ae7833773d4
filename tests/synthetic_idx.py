"""A tiny MNIST-shaped dataset as four IDX gzip files, with a spec that carries their md5s:
the same code paths that fetch, verify and parse MNIST, without MNIST or internet."""

from __future__ import annotations

import hashlib

import numpy as np

from ae_core.data import DatasetSpec, FileSpec
from ae_core.data.idx import to_idx_bytes

RNG = np.random.default_rng(0)
IMAGES = RNG.integers(0, 256, size=(30, 4, 4), dtype=np.uint8)
LABELS = (np.arange(30) % 3).astype(np.uint8)
N_TRAIN = 20
PAYLOADS = {
    "train-images-idx3-ubyte.gz": to_idx_bytes(IMAGES[:N_TRAIN], compress=True),
    "train-labels-idx1-ubyte.gz": to_idx_bytes(LABELS[:N_TRAIN], compress=True),
    "t10k-images-idx3-ubyte.gz": to_idx_bytes(IMAGES[N_TRAIN:], compress=True),
    "t10k-labels-idx1-ubyte.gz": to_idx_bytes(LABELS[N_TRAIN:], compress=True),
}
TRAIN_IMAGES = "train-images-idx3-ubyte.gz"


def spec(name: str = "synth", mirrors: tuple[str, ...] = ()) -> DatasetSpec:
    files = tuple(FileSpec(name=n, md5=hashlib.md5(b).hexdigest(), size=len(b))
                  for n, b in PAYLOADS.items())
    return DatasetSpec(name=name, title="Synthetic", class_names=("a", "b", "c"),
                       class_names_ko=("가", "나", "다"), image_size=4, kind="idx", files=files,
                       mirrors=mirrors)
