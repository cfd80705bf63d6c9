"""The dataset catalogue: name -> DatasetInfo for pickers, and ``make_dataset`` to build one."""
from __future__ import annotations

import difflib
import numbers
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from . import bundled, playground, shapes
from .dataset import Dataset

MAX_NOISE = 0.5
MAX_SAMPLES = 1_000_000
PLAYGROUND_EXTENT = (-6.0, 6.0)


@dataclass(frozen=True)
class DatasetInfo:
    """What a dataset picker shows. ``extent`` is the plotted range of each input axis of a 1-D or 2-D set."""

    name: str
    title: str
    task: str
    default_n: int
    n_classes: int          # 0 for regression
    kind: str               # "playground" | "shape" | "real"
    description: str
    dims: int = 2           # raw features per sample
    extent: tuple[float, float] | None = PLAYGROUND_EXTENT
    image_shape: tuple[int, ...] | None = None  # (C, H, W) when the set also comes as images ("flat": false)
    image_title: str = ""                       # the picker's entry for the images
    image_description: str = ""

    @property
    def has_noise(self) -> bool:
        """Real data ignore ``noise`` and ``seed``; a GUI disables those controls."""
        return self.kind != "real"

    @property
    def fixed_size(self) -> bool:
        return self.kind == "real"


Generator = Callable[[int, float, np.random.Generator], tuple[np.ndarray, np.ndarray]]


DATASETS: dict[str, DatasetInfo] = {i.name: i for i in [
    DatasetInfo("circle", "Circle", "binary", 500, 2, "playground",
                "Class 1 inside radius 2.5, class 0 in a ring from 3.5 to 5 (TF Playground)"),
    DatasetInfo("xor", "Exclusive or", "binary", 500, 2, "playground",
                "Class 1 where x1·x2 ≥ 0: the four quadrants (TF Playground)"),
    DatasetInfo("gauss", "Two Gaussians", "binary", 500, 2, "playground",
                "Class 1 around (2, 2), class 0 around (−2, −2); noise widens them (TF Playground)"),
    DatasetInfo("spiral", "Spiral", "binary", 500, 2, "playground",
                "Two interleaved spiral arms of 1.75 turns (TF Playground)"),
    DatasetInfo("plane", "Plane", "regression", 1200, 0, "playground",
                "Target (x1 + x2) / 10 on [−6, 6]² (TF Playground)"),
    DatasetInfo("multi_gauss", "Multi-Gaussian", "regression", 1200, 0, "playground",
                "Six signed bumps; the target is the strongest one (TF Playground)"),
    DatasetInfo("moons", "Two moons", "binary", 500, 2, "shape", "Two interleaving half circles"),
    DatasetInfo("spiral3", "Three-arm spiral", "multiclass", 600, 3, "shape",
                "Three spiral arms of one turn, 120° apart"),
    DatasetInfo("blobs3", "Three blobs", "multiclass", 600, 3, "shape", "Three Gaussian blobs on a circle"),
    DatasetInfo("sine", "Sine", "regression", 200, 0, "shape", "1-D regression: target sin(x) for x in [−6, 6]",
                dims=1, extent=(-shapes.SINE_RANGE, shapes.SINE_RANGE)),
    DatasetInfo("iris", "Iris", "multiclass", 150, 3, "real",
                "Fisher's iris: 4 flower measurements (cm), 3 species, 50 each", dims=4, extent=None),
    DatasetInfo("digits", "Handwritten digits", "multiclass", 1797, 10, "real",
                "8 × 8 images of handwritten digits, pixels 0..16, 10 classes, as 64 inputs in a row",
                dims=64, extent=None, image_shape=(1, 8, 8), image_title="Handwritten digits (8 × 8 images)",
                image_description="1,797 greyscale 8 × 8 images of handwritten digits (pixels 0..16), 10 classes, "
                                  "shaped (1, 8, 8) for convolutional networks"),
]}

GENERATORS: dict[str, Generator] = {
    "circle": playground.circle, "xor": playground.xor, "gauss": playground.gauss, "spiral": playground.spiral,
    "plane": playground.plane, "multi_gauss": playground.multi_gauss,
    "moons": shapes.moons, "spiral3": shapes.spiral3, "blobs3": shapes.blobs3, "sine": shapes.sine,
}


def dataset_info(name: str) -> DatasetInfo:
    if name not in DATASETS:
        close = difflib.get_close_matches(str(name), DATASETS, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else f" Choose from {', '.join(DATASETS)}."
        raise ValueError(f"Unknown dataset {name!r}.{hint}")
    return DATASETS[name]


def describe(spec: dict[str, Any]) -> str:
    """One line on the data a generator spec gives (the picker's description)."""
    info = dataset_info(spec.get("name", "circle"))
    if info.image_shape is not None and spec.get("flat") is False:
        return info.image_description
    return info.description


def make_dataset(name: str, n: int | None = None, noise: float = 0.0, seed: int = 0, **kw: Any) -> Dataset:
    """Build dataset ``name`` with ``n`` samples (None: its default size).

    ``noise`` is a fraction from 0 to 0.5 (Playground's 0–50 %); real data ignore ``noise`` and
    ``seed``. Options: ``flat`` (digits: True gives (N, 64), False (N, 1, 8, 8)).
    """
    info = dataset_info(name)
    allowed = {"flat"} if name == "digits" else set()
    unknown = sorted(set(kw) - allowed)
    if unknown:
        raise TypeError(f"make_dataset({name!r}) takes no option {unknown[0]!r}"
                        + (f"; options: {', '.join(sorted(allowed))}" if allowed else ""))
    noise = _check_noise(noise)
    n = _check_size(info, n)
    if info.kind == "real":
        return bundled.digits(**kw) if name == "digits" else bundled.iris()
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be a whole number ≥ 0, received {seed!r}")
    X, y = GENERATORS[name](n, noise, np.random.default_rng(int(seed)))
    class_names = [str(k) for k in range(info.n_classes)]
    feature_names = ["x"] if info.dims == 1 else ["x1", "x2"]
    return Dataset(name, X, y, info.task, feature_names, class_names, {"n": n, "noise": noise, "seed": int(seed)})


def _check_noise(noise: float) -> float:
    if isinstance(noise, bool) or not isinstance(noise, numbers.Real) or not 0 <= noise <= MAX_NOISE:
        raise ValueError(f"noise is a fraction from 0 to {MAX_NOISE} (0.25 means 25 %), received {noise!r}")
    return float(noise)


def _check_size(info: DatasetInfo, n: int | None) -> int:
    if n is None:
        return info.default_n
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise ValueError(f"n must be a whole number of samples, received {n!r}")
    if info.fixed_size and n != info.default_n:
        raise ValueError(f"{info.name} has a fixed size of {info.default_n} samples; pass n=None")
    low = max(info.n_classes, 1)
    if not low <= n <= MAX_SAMPLES:
        raise ValueError(f"{info.name} needs between {low} and {MAX_SAMPLES:,} samples, received {n}")
    return int(n)
