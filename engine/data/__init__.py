"""Datasets: Playground's generators, more shapes, bundled real data, CSV import, splits, feature
maps and the preprocessing a trained network carries. Pure NumPy; see docs/datasets.md.
"""
from __future__ import annotations

from .catalogue import DATASETS, DatasetInfo, dataset_info, make_dataset
from .csv_import import load_csv, load_features_csv
from .csv_table import CSVError
from .dataset import TASKS, Dataset, one_hot
from .features import DEFAULT_FEATURES, FEATURE_LABELS, FEATURES, feature_map
from .preprocess import Preprocessor
from .spec import Prepared, load_spec, prepare
from .split import split

__all__ = [
    "CSVError", "DATASETS", "DEFAULT_FEATURES", "Dataset", "DatasetInfo", "FEATURES", "FEATURE_LABELS",
    "Prepared", "Preprocessor", "TASKS", "dataset_info", "feature_map", "load_csv", "load_features_csv",
    "load_spec", "make_dataset", "one_hot", "prepare", "split",
]
