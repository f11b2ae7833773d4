"""ae_core: autoencoders to see what they learn — data, models, training, metrics, files.

Never imports Streamlit: the app is one user of this library among others
(the ``python -m ae_core`` command line, notebooks, benchmarks).
"""

__version__ = "0.1.0"

from ae_core.embedders import Embedder, PCAEmbedder
from ae_core.errors import (
    AECoreError,
    ConfigError,
    CorruptFileError,
    DataError,
    DatasetUnavailable,
    ModelFileError,
)
from ae_core.io import load_model, save_model
from ae_core.models import VARIANTS, build_model, make_config
from ae_core.training import TrainConfig, Trainer

__all__ = [
    "VARIANTS", "AECoreError", "ConfigError", "CorruptFileError", "DataError",
    "DatasetUnavailable", "Embedder", "ModelFileError", "PCAEmbedder", "TrainConfig",
    "Trainer", "__version__", "build_model", "load_model", "make_config", "save_model",
]
