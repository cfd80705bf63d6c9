"""From a document's dataset spec (a plain dict) to the train and test sets and their preprocessing.

The spec is what the network file stores under ``"dataset"``::

    {"kind": "generator", "name": "spiral", "n": 500, "noise": 0.1, "seed": 0, "train_ratio": 0.5,
     "features": ["x1", "x2"], "standardize": false}
    {"kind": "csv", "path": "data.csv", "target": "label", "task": null, "delimiter": null,
     "header": null, "drop_missing": false, "train_ratio": 0.7, "seed": 0, "standardize": true}
    {"kind": "images", "path": "pets", "color": "grey", "size": [28, 28], "train_ratio": 0.8, "seed": 0}
    {"kind": "idx", "images": "train-images-idx3-ubyte.gz", "labels": "train-labels-idx1-ubyte.gz",
     "limit": 10000, "train_ratio": 0.8, "seed": 0}

``kind`` "generator" also covers the bundled real datasets (``name`` "iris", "digits"; digits as
8 × 8 images with ``"flat": false``). Relative file paths (``path``, ``images``, ``labels``) are
read from the network file's folder: ``path_keys`` lists them for code that moves or rebases them.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .catalogue import dataset_info, make_dataset
from .csv_import import load_csv
from .dataset import Dataset
from .idx import load_idx
from .images import load_image_folder
from .preprocess import Preprocessor
from .progress import Cancelled, Progress
from .split import split

KINDS = ("generator", "csv", "images", "idx")
PATH_KEYS = {"csv": ("path",), "images": ("path",), "idx": ("images", "labels")}
WHAT = {"path": "a CSV dataset needs the path of its file", "images": "an IDX dataset needs its images file",
        "labels": "an IDX dataset needs its labels file"}


@dataclass
class Prepared:
    train: Dataset
    test: Dataset
    preprocessor: Preprocessor


def load_spec(spec: dict[str, Any], base_dir: str | Path | None = None, progress: Progress = None,
              cancelled: Cancelled = None) -> Dataset:
    """The whole dataset a spec names; a relative CSV path is taken from ``base_dir``.

    ``progress(done, total)`` and ``cancelled()`` (engine.data.progress) reach the image folder and IDX
    readers: images read, or compressed bytes read of the IDX images file."""
    kind = spec.get("kind", "generator")
    if kind == "generator":
        options = {"flat": spec["flat"]} if "flat" in spec else {}
        return make_dataset(spec.get("name", "circle"), spec.get("n"), spec.get("noise", 0.0),
                            spec.get("seed", 0), **options)
    if kind not in PATH_KEYS:
        raise ValueError(f"dataset.kind: expected one of {', '.join(KINDS)}, received {kind!r}")
    paths = {key: _resolved(spec, key, base_dir) for key in PATH_KEYS[kind]}
    ratio = spec.get("train_ratio", 0.5)
    if kind == "csv":
        return load_csv(paths["path"], spec.get("target"), spec.get("task"), spec.get("delimiter"),
                        spec.get("header"), bool(spec.get("drop_missing", False)), ratio)
    if kind == "images":
        return load_image_folder(paths["path"], spec.get("color"), spec.get("size"), ratio, progress, cancelled)
    return load_idx(paths["images"], paths["labels"], spec.get("limit"), ratio, progress, cancelled)


def _resolved(spec: dict[str, Any], key: str, base_dir: str | Path | None) -> Path:
    value = spec.get(key)
    if not isinstance(value, str) or not value:
        what = "an image dataset needs its folder" if spec.get("kind") == "images" else WHAT[key]
        raise ValueError(f"dataset.{key}: {what}")
    path = Path(value)
    if base_dir is not None and not path.is_absolute():
        path = Path(base_dir) / path
    return path


def path_keys(spec: Any) -> tuple[str, ...]:
    """The keys of ``spec`` that hold file or folder paths (relative to the network file's folder)."""
    if not isinstance(spec, dict):
        return ()
    return tuple(k for k in PATH_KEYS.get(spec.get("kind", "generator"), ()) if isinstance(spec.get(k), str))


def is_image_spec(spec: dict[str, Any]) -> bool:
    """Whether the spec gives images (N, C, H, W): an image folder, IDX files, or digits with flat false."""
    kind = spec.get("kind", "generator")
    return kind in ("images", "idx") or (kind == "generator" and spec.get("name") == "digits"
                                         and spec.get("flat") is False)


def default_standardize(spec: dict[str, Any]) -> bool:
    """Generated sets stay raw as in Playground; real data, CSV files and images are standardised."""
    kind = spec.get("kind", "generator")
    return kind in PATH_KEYS or dataset_info(spec.get("name", "circle")).kind == "real"


def prepare(spec: dict[str, Any], base_dir: str | Path | None = None,
            preprocessor: Preprocessor | None = None, progress: Progress = None,
            cancelled: Cancelled = None) -> Prepared:
    """Load, split (``train_ratio``, ``seed``, ``stratify``) and fit the preprocessing on the train part.

    Pass the ``preprocessor`` saved with a trained network to reuse it instead of fitting anew.
    ``features`` apply to data with two raw inputs only; elsewhere they must be absent or null.
    ``progress``/``cancelled``: see ``load_spec``.
    """
    ds = load_spec(spec, base_dir, progress, cancelled)
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
