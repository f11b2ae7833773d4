"""ae_core: autoencoders to see what they learn — data, models, training, metrics, files.

Never imports Streamlit: the app is one user of this library among others
(the ``python -m ae_core`` command line, notebooks, benchmarks).

The names below are resolved on first use (PEP 562), so that importing a leaf module
(``ae_core.binpack``, ``ae_core.errors``) does not import torch: the app draws its first
map from stored bytes before torch has finished loading.
"""

from __future__ import annotations

from ae_core.lazy import lazy_exports
from ae_core.version import __version__

_EXPORTS = {
    "Embedder": "ae_core.embedders", "PCAEmbedder": "ae_core.embedders",
    "AECoreError": "ae_core.errors", "ConfigError": "ae_core.errors",
    "CorruptFileError": "ae_core.errors", "DataError": "ae_core.errors",
    "DatasetUnavailable": "ae_core.errors", "ModelFileError": "ae_core.errors",
    "load_model": "ae_core.io", "save_model": "ae_core.io",
    "VARIANTS": "ae_core.models", "build_model": "ae_core.models",
    "make_config": "ae_core.models",
    "TrainConfig": "ae_core.training", "Trainer": "ae_core.training",
}

__all__ = [*sorted(_EXPORTS), "__version__"]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
