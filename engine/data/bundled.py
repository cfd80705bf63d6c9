"""Real datasets shipped in resources/datasets/ (plain CSV; nothing is downloaded at run time).

Source, licence and the exact transformation are in resources/datasets/README.md.
"""
from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from .csv_import import load_csv
from .dataset import Dataset

# engine/data/bundled.py -> the repository root, which holds resources/ beside engine/.
DATASETS_DIR = Path(__file__).resolve().parents[2] / "resources" / "datasets"
FILES = {"iris": ("iris.csv", "species"), "digits": ("digits.csv.gz", "digit")}
IMAGE_SHAPE = (1, 8, 8)


def bundled_path(name: str) -> Path:
    path = DATASETS_DIR / FILES[name][0]
    if not path.is_file():
        raise FileNotFoundError(f"The bundled dataset {name!r} is missing: expected {path}. It ships in the "
                                f"resources/datasets folder next to the engine package; reinstall or restore it")
    return path


@lru_cache(maxsize=None)
def _load(name: str) -> Dataset:
    filename, target = FILES[name]
    ds = load_csv(bundled_path(name), target=target, task="multiclass", header=True, delimiter=",")
    ds.X.setflags(write=False)
    ds.y.setflags(write=False)
    return ds


def _fresh(ds: Dataset, name: str) -> Dataset:
    """A copy, so callers can change it without touching the cache."""
    return replace(ds, name=name, X=ds.X.copy(), y=ds.y.copy(), feature_names=list(ds.feature_names),
                   class_names=list(ds.class_names), meta={"source": ds.meta["source"]})


def iris() -> Dataset:
    """Fisher's iris: 150 × 4 measurements in cm, classes setosa, versicolor, virginica (50 each)."""
    return _fresh(_load("iris"), "iris")


def digits(flat: bool = True) -> Dataset:
    """1,797 handwritten digits, 8 × 8 pixels valued 0..16: X is (N, 64), or (N, 1, 8, 8) with ``flat=False``."""
    ds = _fresh(_load("digits"), "digits")
    if not flat:
        ds.X = ds.X.reshape(len(ds.X), *IMAGE_SHAPE)
    return ds
