"""Datasets: Playground's generators, more shapes, bundled real data, CSV import, image folders, IDX
files, splits, feature maps and the preprocessing a trained network carries. NumPy (and Pillow to
decode images); see docs/datasets.md.
"""
from __future__ import annotations

from .catalogue import DATASETS, DatasetInfo, dataset_info, make_dataset
from .csv_import import load_csv, load_features_csv
from .csv_table import CSVError
from .dataset import TASKS, Dataset, one_hot
from .features import DEFAULT_FEATURES, FEATURE_LABELS, FEATURES, feature_map
from .idx import IDXError, load_idx, read_idx
from .images import ImageError, load_image_files, load_image_folder
from .preprocess import Preprocessor
from .spec import Prepared, is_image_spec, load_spec, path_keys, prepare
from .split import split

__all__ = [
    "CSVError", "DATASETS", "DEFAULT_FEATURES", "Dataset", "DatasetInfo", "FEATURES", "FEATURE_LABELS", "IDXError",
    "ImageError", "Prepared", "Preprocessor", "TASKS", "dataset_info", "feature_map", "is_image_spec", "load_csv",
    "load_features_csv", "load_idx", "load_image_files", "load_image_folder", "load_spec", "make_dataset", "one_hot",
    "path_keys", "prepare", "read_idx", "split",
]
