"""Datasets for ae_core: built-in (digits, MNIST, Fashion-MNIST) and user uploads.

Everything returns a ``Dataset`` of float32 tensors in [0, 1]; refusals are
``ae_core.errors`` exceptions with messages meant for users.
"""

from __future__ import annotations

from ae_core.lazy import lazy_exports

_EXPORTS = {
    "DATASETS": "ae_core.data.builtin",
    "DatasetSpec": "ae_core.data.builtin",
    "clear_cache": "ae_core.data.builtin",
    "dataset_names": "ae_core.data.builtin",
    "get_spec": "ae_core.data.builtin",
    "is_cached": "ae_core.data.builtin",
    "load_dataset": "ae_core.data.builtin",
    "missing_files": "ae_core.data.builtin",
    "Dataset": "ae_core.data.dataset",
    "DATA_DIR_ENV": "ae_core.data.download",
    "FileSpec": "ae_core.data.download",
    "MIRROR_ENV": "ae_core.data.download",
    "Progress": "ae_core.data.download",
    "data_dir": "ae_core.data.download",
    "download_dataset": "ae_core.data.download",
    "read_idx": "ae_core.data.idx",
    "IMAGE_EXTENSIONS": "ae_core.data.user",
    "MAX_CLASSES": "ae_core.data.user",
    "MAX_DECODE_PIXELS": "ae_core.data.user",
    "MAX_IMAGES": "ae_core.data.user",
    "MAX_SIDE": "ae_core.data.user",
    "MAX_TOTAL_PIXELS": "ae_core.data.user",
    "MAX_UNCOMPRESSED_BYTES": "ae_core.data.user",
    "MAX_UPLOAD_BYTES": "ae_core.data.user",
    "MAX_ZIP_FILES": "ae_core.data.user",
    "MAX_ZIP_MEMBER_BYTES": "ae_core.data.user",
    "MIN_IMAGES": "ae_core.data.user",
    "MIN_SIDE": "ae_core.data.user",
    "load_image_zip": "ae_core.data.user",
    "load_npz": "ae_core.data.user",
    "split_indices": "ae_core.data.user",
}
"""Each public name → its module, imported on first use (PEP 562): the sidebar lists the
datasets and asks which are on disk without loading torch, which the loaders need."""

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
