"""Datasets for ae_core: built-in (digits, MNIST, Fashion-MNIST) and user uploads.

Everything returns a ``Dataset`` of float32 tensors in [0, 1]; refusals are
``ae_core.errors`` exceptions with messages meant for users.
"""

from ae_core.data.builtin import (
    DATASETS,
    DatasetSpec,
    clear_cache,
    dataset_names,
    get_spec,
    is_cached,
    load_dataset,
    missing_files,
)
from ae_core.data.dataset import Dataset
from ae_core.data.download import (
    DATA_DIR_ENV,
    MIRROR_ENV,
    FileSpec,
    Progress,
    data_dir,
    download_dataset,
)
from ae_core.data.idx import read_idx
from ae_core.data.user import (
    IMAGE_EXTENSIONS,
    MAX_CLASSES,
    MAX_DECODE_PIXELS,
    MAX_IMAGES,
    MAX_SIDE,
    MAX_TOTAL_PIXELS,
    MAX_UNCOMPRESSED_BYTES,
    MAX_UPLOAD_BYTES,
    MAX_ZIP_FILES,
    MAX_ZIP_MEMBER_BYTES,
    MIN_IMAGES,
    MIN_SIDE,
    load_image_zip,
    load_npz,
    split_indices,
)

__all__ = [
    "DATASETS",
    "DATA_DIR_ENV",
    "IMAGE_EXTENSIONS",
    "MAX_CLASSES",
    "MAX_DECODE_PIXELS",
    "MAX_IMAGES",
    "MAX_SIDE",
    "MAX_TOTAL_PIXELS",
    "MAX_UNCOMPRESSED_BYTES",
    "MAX_UPLOAD_BYTES",
    "MAX_ZIP_FILES",
    "MAX_ZIP_MEMBER_BYTES",
    "MIN_IMAGES",
    "MIN_SIDE",
    "MIRROR_ENV",
    "Dataset",
    "DatasetSpec",
    "FileSpec",
    "Progress",
    "clear_cache",
    "data_dir",
    "dataset_names",
    "download_dataset",
    "get_spec",
    "is_cached",
    "load_dataset",
    "load_image_zip",
    "load_npz",
    "missing_files",
    "read_idx",
    "split_indices",
]
