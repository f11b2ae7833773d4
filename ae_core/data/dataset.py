"""The in-memory dataset every model, metric and page works on."""

from __future__ import annotations

from dataclasses import dataclass, field

import torch


@dataclass
class Dataset:
    """Images as one float32 tensor in [0, 1], shaped (N, 1, H, W), plus labels.

    Holding everything as tensors lets training index random batches without a
    per-sample Python loop.
    """

    name: str
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    class_names: list[str]
    meta: dict = field(default_factory=dict)

    @property
    def image_shape(self) -> tuple[int, int, int]:
        return tuple(self.x_train.shape[1:])  # type: ignore[return-value]

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
