"""One small protocol for everything that maps images to codes and back.

PCA and every autoencoder implement ``fit``, ``encode``, ``decode`` and
``reconstruct`` (scikit-learn's fit / transform / inverse_transform idea), so
comparing methods is one loop over embedders, never a special case.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import numpy as np
import torch


@runtime_checkable
class Embedder(Protocol):
    """Images (N, C, H, W) in [0, 1] ↔ codes (N, latent_dim); CPU float32 tensors out."""

    latent_dim: int

    def fit(self, x: Any, y: Any = None) -> Embedder: ...
    def encode(self, x: Any) -> torch.Tensor: ...
    def decode(self, z: Any) -> torch.Tensor: ...
    def reconstruct(self, x: Any) -> torch.Tensor: ...


class PCAEmbedder:
    """Principal component analysis behind the embedder protocol.

    ``decode`` is the exact linear inverse (not clipped to [0, 1]) so its error
    is the textbook sum of discarded eigenvalues; callers clip for display.
    """

    def __init__(self, latent_dim: int = 2, seed: int = 0):
        self.latent_dim = latent_dim
        self.seed = seed
        self.pca = None
        self.image_shape: tuple[int, ...] | None = None

    def fit(self, x: Any, y: Any = None) -> PCAEmbedder:
        from sklearn.decomposition import PCA  # imported here: keeps `import ae_core` fast

        flat, self.image_shape = _flatten(x)
        solver = "randomized" if self.latent_dim < min(flat.shape) // 4 else "full"
        self.pca = PCA(self.latent_dim, svd_solver=solver, random_state=self.seed).fit(flat)
        return self

    def encode(self, x: Any) -> torch.Tensor:
        flat, _ = _flatten(x)
        return torch.from_numpy(self._fitted().transform(flat).astype(np.float32))

    def decode(self, z: Any) -> torch.Tensor:
        codes = np.asarray(z.cpu() if torch.is_tensor(z) else z, dtype=np.float64)
        flat = self._fitted().inverse_transform(codes.reshape(-1, self.latent_dim))
        return torch.from_numpy(flat.astype(np.float32)).reshape(-1, *self.image_shape)

    def reconstruct(self, x: Any) -> torch.Tensor:
        return self.decode(self.encode(x))

    @property
    def explained_variance(self) -> np.ndarray:
        return self._fitted().explained_variance_

    def _fitted(self):
        if self.pca is None:
            raise RuntimeError("PCAEmbedder.fit must be called before encode/decode")
        return self.pca


def _flatten(x: Any) -> tuple[np.ndarray, tuple[int, ...]]:
    a = x.detach().cpu().numpy() if torch.is_tensor(x) else np.asarray(x)
    return a.reshape(len(a), -1).astype(np.float64), tuple(a.shape[1:])
