"""The Dataset record every generator, loader and split returns.

Classification targets are class indices 0..K-1 (``class_names[k]`` is the label of index k);
one-hot encoding is left to the network (``Network.prepare_targets``) or ``one_hot``.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

TASKS = ("binary", "multiclass", "regression")


@dataclass(eq=False)  # arrays make field-wise == ambiguous; datasets compare by identity
class Dataset:
    """Raw features ``X`` (N, d) or (N, C, H, W) and targets ``y``.

    ``X`` is float64, or float32 where the loader gives float32 (image pixels: an MNIST-sized set
    takes half the memory); preprocessing computes in float64 either way.

    ``y`` is (N,) int64 class indices for ``binary``/``multiclass``, and (N,) or (N, k) float64
    for ``regression``. ``meta`` holds loader notes, e.g. ``source`` and ``dropped_rows`` of a CSV.
    """

    name: str
    X: np.ndarray
    y: np.ndarray
    task: str
    feature_names: list[str]
    class_names: list[str]
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.task not in TASKS:
            raise ValueError(f"Dataset {self.name!r}: task must be one of {', '.join(TASKS)}, received {self.task!r}")
        x = np.asarray(self.X)
        self.X = x if x.dtype == np.float32 else np.asarray(x, dtype=np.float64)
        if self.X.ndim < 2:
            raise ValueError(f"Dataset {self.name!r}: X must have a sample axis and a feature axis, "
                             f"received shape {self.X.shape}")
        if self.is_classification:
            self.y = np.asarray(self.y, dtype=np.int64)
            k = len(self.class_names)
            if self.y.ndim != 1:
                raise ValueError(f"Dataset {self.name!r}: class indices must be a 1-D array, "
                                 f"received shape {self.y.shape}")
            if k < 2:
                raise ValueError(f"Dataset {self.name!r}: classification needs at least 2 class names, received {k}")
            if self.task == "binary" and k != 2:
                raise ValueError(f"Dataset {self.name!r}: a binary task has exactly 2 classes, received {k}")
            if self.y.size and (self.y.min() < 0 or self.y.max() >= k):
                raise ValueError(f"Dataset {self.name!r}: class indices must lie in 0..{k - 1}")
        else:
            self.y = np.asarray(self.y, dtype=np.float64)
            if self.class_names:
                raise ValueError(f"Dataset {self.name!r}: a regression dataset has no class names")
            if self.y.ndim not in (1, 2):
                raise ValueError(f"Dataset {self.name!r}: regression targets must be (N,) or (N, k), "
                                 f"received shape {self.y.shape}")
        if len(self.X) != len(self.y):
            raise ValueError(f"Dataset {self.name!r}: {len(self.X)} samples but {len(self.y)} targets")
        if len(self.feature_names) != int(np.prod(self.X.shape[1:])):
            raise ValueError(f"Dataset {self.name!r}: {len(self.feature_names)} feature names for "
                             f"{int(np.prod(self.X.shape[1:]))} features")

    @property
    def is_classification(self) -> bool:
        return self.task != "regression"

    @property
    def n_classes(self) -> int:
        """Number of classes; 0 for regression."""
        return len(self.class_names)

    @property
    def n_samples(self) -> int:
        return len(self.X)

    @property
    def input_shape(self) -> tuple[int, ...]:
        """Shape of one raw sample, e.g. (2,) or (1, 8, 8)."""
        return tuple(self.X.shape[1:])

    def class_counts(self) -> np.ndarray:
        """Samples per class index (empty for regression)."""
        if not self.is_classification:
            return np.zeros(0, dtype=np.int64)
        return np.bincount(self.y, minlength=self.n_classes)

    def subset(self, indices: Any, name: str | None = None) -> "Dataset":
        """The samples at ``indices`` (copied), with the same names and task."""
        idx = np.asarray(indices)
        return replace(self, name=name or self.name, X=self.X[idx], y=self.y[idx], meta=dict(self.meta))


def one_hot(y: Any, n_classes: int) -> np.ndarray:
    """(N,) class indices -> (N, n_classes) float64 one-hot rows."""
    y = np.asarray(y, dtype=np.int64)
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"Class indices must lie in 0..{n_classes - 1}")
    return np.eye(n_classes)[y]
