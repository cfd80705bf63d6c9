"""From a document's dataset spec (a plain dict) to the train and test sets and their preprocessing.

The spec is what the network file stores under ``"dataset"``::

    {"kind": "generator", "name": "spiral", "n": 500, "noise": 0.1, "seed": 0, "train_ratio": 0.5,
     "features": ["x1", "x2"], "standardize": false}
    {"kind": "csv", "path": "data.csv", "target": "label", "task": null, "delimiter": null,
     "header": null, "drop_missing": false, "train_ratio": 0.7, "seed": 0, "standardize": true}

``kind`` "generator" also covers the bundled real datasets (``name`` "iris", "digits").
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .catalogue import dataset_info, make_dataset
from .csv_import import load_csv
from .dataset import Dataset
from .preprocess import Preprocessor
from .split import split

KINDS = ("generator", "csv")


@dataclass
class Prepared:
    train: Dataset
    test: Dataset
    preprocessor: Preprocessor


def load_spec(spec: dict[str, Any], base_dir: str | Path | None = None) -> Dataset:
    """The whole dataset a spec names; a relative CSV path is taken from ``base_dir``."""
    kind = spec.get("kind", "generator")
    if kind == "generator":
        options = {"flat": spec["flat"]} if "flat" in spec else {}
        return make_dataset(spec.get("name", "circle"), spec.get("n"), spec.get("noise", 0.0),
                            spec.get("seed", 0), **options)
    if kind == "csv":
        if not spec.get("path"):
            raise ValueError("dataset.path: a CSV dataset needs the path of its file")
        path = Path(spec["path"])
        if base_dir is not None and not path.is_absolute():
            path = Path(base_dir) / path
        return load_csv(path, spec.get("target"), spec.get("task"), spec.get("delimiter"), spec.get("header"),
                        bool(spec.get("drop_missing", False)), spec.get("train_ratio", 0.5))
    raise ValueError(f"dataset.kind: expected one of {', '.join(KINDS)}, received {kind!r}")


def default_standardize(spec: dict[str, Any]) -> bool:
    """Generated sets stay raw as in Playground; real data and CSV files are standardised."""
    return spec.get("kind", "generator") == "csv" or dataset_info(spec.get("name", "circle")).kind == "real"


def prepare(spec: dict[str, Any], base_dir: str | Path | None = None,
            preprocessor: Preprocessor | None = None) -> Prepared:
    """Load, split (``train_ratio``, ``seed``, ``stratify``) and fit the preprocessing on the train part.

    Pass the ``preprocessor`` saved with a trained network to reuse it instead of fitting anew.
    ``features`` apply to data with two raw inputs only; elsewhere they must be absent or null.
    """
    ds = load_spec(spec, base_dir)
    train, test = split(ds, spec.get("train_ratio", 0.5), spec.get("seed", 0), bool(spec.get("stratify", False)))
    if preprocessor is None:
        features = spec.get("features")
        if features is not None and ds.input_shape != (2,):
            raise ValueError(f"dataset.features: feature maps need 2 raw inputs, but {ds.name} has "
                             f"{len(ds.feature_names)}; set features to null")
        standardize = spec.get("standardize")
        if standardize is None:
            standardize = default_standardize(spec)
        scale_targets = bool(spec.get("standardize_targets", False))
        preprocessor = Preprocessor.fit(train, features, bool(standardize), scale_targets)
    return Prepared(train, test, preprocessor)
