"""The in-memory dataset every model, metric and page works on."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import torch

from ae_core.errors import DataError

_LOADING = threading.Lock()
"""Serialises first loads of training images (one per process at a time is plenty)."""


class Dataset:
    """Images as one float32 tensor in [0, 1], shaped (N, 1, H, W), plus labels.

    Holding everything as tensors lets training index random batches without a
    per-sample Python loop.

    ``x_train`` may also be given as a function that returns it: the images are
    then loaded on first use, once, by whichever thread asks first. The built-in
    MNIST-style sets do this, because the Explore map needs only the test split:
    a server start skips decoding 47 MB of training images (and holding 188 MB of
    floats) until a page trains, fits PCA or shows the training split.
    """

    def __init__(self, name: str, x_train: torch.Tensor | Callable[[], torch.Tensor],
                 y_train: torch.Tensor, x_test: torch.Tensor, y_test: torch.Tensor,
                 class_names: list[str], meta: dict | None = None):
        self.name = name
        self._x_train = x_train
        self.y_train = y_train
        self.x_test = x_test
        self.y_test = y_test
        self.class_names = class_names
        self.meta = {} if meta is None else meta

    @property
    def x_train(self) -> torch.Tensor:
        if callable(self._x_train):
            with _LOADING:
                if callable(self._x_train):
                    self._x_train = self._checked_train(self._x_train())
        return self._x_train

    @property
    def train_loaded(self) -> bool:
        """False while the training images are still waiting for their first use."""
        return not callable(self._x_train)

    def _checked_train(self, x: torch.Tensor) -> torch.Tensor:
        if len(x) != len(self.y_train) or tuple(x.shape[1:]) != tuple(self.x_test.shape[1:]):
            raise DataError(f"The training images of '{self.name}' {tuple(x.shape)} do not "
                            f"match its {len(self.y_train)} labels and its test images "
                            f"{tuple(self.x_test.shape)}: its files may have changed.")
        return x

    @property
    def n_train(self) -> int:
        """How many training images (without loading them)."""
        return len(self.y_train)

    @property
    def image_shape(self) -> tuple[int, int, int]:
        return tuple(self.x_test.shape[1:])  # type: ignore[return-value]

    @property
    def n_features(self) -> int:
        c, h, w = self.image_shape
        return c * h * w

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    def split(self, which: str) -> tuple[torch.Tensor, torch.Tensor]:
        """Return (x, y) of ``"train"``, ``"test"`` or ``"all"`` (train then test)."""
        if which == "train":
            return self.x_train, self.y_train
        if which == "test":
            return self.x_test, self.y_test
        if which == "all":
            return torch.cat([self.x_train, self.x_test]), torch.cat([self.y_train, self.y_test])
        raise ValueError(f"unknown split {which!r}; use 'train', 'test' or 'all'")

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (Streamlit's data cache pickles what it keeps) with its images loaded."""
        state = dict(self.__dict__)
        state["_x_train"] = self.x_train
        return state

    def __repr__(self) -> str:
        train = "not loaded yet" if not self.train_loaded else tuple(self._x_train.shape)
        return (f"Dataset({self.name!r}, train {self.n_train} images ({train}), "
                f"test {tuple(self.x_test.shape)}, {self.n_classes} classes)")
