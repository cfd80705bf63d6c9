"""The preprocessing a trained network carries: raw features in, the dataset's own labels out.

``Preprocessor.fit(train)`` learns it from the training split only; ``to_dict`` is plain JSON, so
the network file stores it and a loaded network predicts on new raw data with nothing else:
``labels, probs = pre.predict(net, X_raw)``.

Network input = (feature_map(X_raw) − mean) / std, where the feature map applies only when
``features`` is set (2-D inputs) and the standardisation only when ``standardize`` is true.
Statistics are per column for tabular data and per channel for images (N, C, H, W).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from .dataset import TASKS, Dataset
from .features import check_features, feature_map
from .preprocess_fields import Fields

VERSION = 1


@dataclass(eq=False)
class Preprocessor:
    task: str
    class_names: list[str]
    input_names: list[str]            # raw feature names, e.g. a CSV's header, for matching columns
    input_shape: tuple[int, ...]      # one raw sample, e.g. (2,) or (1, 8, 8)
    features: list[str] | None = None
    standardize: bool = False
    mean: np.ndarray | None = None    # (n_inputs,) for tabular data, (C, 1, 1) for images
    std: np.ndarray | None = None
    target_mean: np.ndarray | None = None  # regression only: targets are standardised when set
    target_std: np.ndarray | None = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Preprocessor) and self.to_dict() == other.to_dict()

    # ---- fitting -------------------------------------------------------------------------------
    @classmethod
    def fit(cls, train: Dataset, features: Sequence[str] | None = None, standardize: bool = True,
            standardize_targets: bool = False) -> "Preprocessor":
        """Learn the preprocessing from ``train`` (the training split only, so no test statistics leak)."""
        if train.n_samples == 0:
            raise ValueError("Cannot fit preprocessing on an empty training set")
        pre = cls(train.task, list(train.class_names), list(train.feature_names), train.input_shape,
                  None if features is None else check_features(features), bool(standardize))
        pre._check_features()
        if standardize:
            X = pre._mapped(train.X)
            # Per column for tabular data; per channel, shaped (C, 1, 1), for images.
            mean, std = _mean_std(X) if X.size > CHUNK_VALUES else _mean_std_small(X)
            pre.mean, pre.std = mean, _safe_std(std)
        if standardize_targets:
            if train.is_classification:
                raise ValueError("standardize_targets applies to regression only")
            pre.target_mean = train.y.mean(axis=0)
            pre.target_std = _safe_std(train.y.std(axis=0))
        return pre

    def _check_features(self) -> None:
        if self.features is not None and self.input_shape != (2,):
            raise ValueError(f"Feature maps (x1², sin x1, …) need exactly 2 raw inputs; this data has "
                             f"{int(np.prod(self.input_shape))} ({', '.join(self.input_names[:5])}"
                             f"{', …' if len(self.input_names) > 5 else ''})")

    # ---- shapes --------------------------------------------------------------------------------
    @property
    def is_classification(self) -> bool:
        return self.task != "regression"

    @property
    def network_input_shape(self) -> tuple[int, ...]:
        """Shape of one transformed sample: the network's Input shape."""
        return (len(self.features),) if self.features is not None else self.input_shape

    @property
    def n_inputs(self) -> int:
        """Width of the network input after the feature map (all values for images)."""
        return int(np.prod(self.network_input_shape))

    @property
    def network_input_names(self) -> list[str]:
        return list(self.features) if self.features is not None else list(self.input_names)

    # ---- the forward direction -----------------------------------------------------------------
    def transform(self, X_raw: Any, dtype: Any = None) -> np.ndarray:
        """Raw features (N, *input_shape), or one sample, -> network input (N, *network_input_shape).

        The arithmetic is float64; with ``dtype`` (e.g. float32, the network's) the result is stored
        in that type, a chunk of samples at a time, so a large image set never exists in float64.
        """
        X = np.asarray(X_raw)
        if X.dtype != np.float32:
            X = np.asarray(X, dtype=np.float64)
        if self.input_shape == (1,) and X.ndim == 1:
            X = X[:, None]  # one raw input: a vector holds N samples
        elif X.ndim == len(self.input_shape):
            X = X[None]  # one sample
        if X.shape[1:] != self.input_shape:
            per = "×".join(map(str, self.input_shape))
            raise ValueError(f"Expected samples of {per} raw values ({', '.join(self.input_names[:8])}"
                             f"{', …' if len(self.input_names) > 8 else ''}), received shape {X.shape}")
        if dtype is None or np.dtype(dtype) == np.float64 or X.size <= CHUNK_VALUES:
            out = self._transformed(X)
            return out if dtype is None else out.astype(dtype, copy=False)
        out = np.empty((len(X), *self.network_input_shape), dtype=dtype)
        step = _chunk_rows(X)
        for start in range(0, len(X), step):
            out[start:start + step] = self._transformed(X[start:start + step])
        return out

    def _transformed(self, X: np.ndarray) -> np.ndarray:
        X = self._mapped(np.asarray(X, dtype=np.float64))
        if self.standardize:
            X = (X - self.mean) / self.std
        return X

    def _mapped(self, X: np.ndarray) -> np.ndarray:
        return feature_map(X, self.features) if self.features is not None else X

    def encode_targets(self, y: Any) -> np.ndarray:
        """Targets for training: class indices (int64; labels are looked up by name), or scaled floats."""
        y = np.asarray(y)
        if not self.is_classification:
            y = y.astype(np.float64)
            return y if self.target_mean is None else (y - self.target_mean) / self.target_std
        if y.dtype.kind in "USO":
            return self._indices_of_labels(y.astype(str))
        if y.size and not np.all(np.mod(y, 1) == 0):
            raise ValueError("Class targets must be whole class indices 0, 1, … or class labels")
        y = y.astype(np.int64)
        if y.size and (y.min() < 0 or y.max() >= len(self.class_names)):
            raise ValueError(f"Class index out of range: the classes are 0..{len(self.class_names) - 1}")
        return y

    def _indices_of_labels(self, labels: np.ndarray) -> np.ndarray:
        names = np.asarray(self.class_names, dtype=str)
        order = np.argsort(names)
        pos = np.clip(np.searchsorted(names[order], labels), 0, len(names) - 1)
        found = names[order][pos] == labels
        if not found.all():
            bad = str(labels[~found][0])
            raise ValueError(f"Unknown class label {bad!r}; the classes are {', '.join(map(repr, self.class_names))}")
        return order[pos].astype(np.int64)

    # ---- the way back --------------------------------------------------------------------------
    def decode(self, outputs: Any) -> tuple[np.ndarray, np.ndarray | None]:
        """Network outputs (N, …) -> (labels, probabilities).

        Classification: labels are class-name strings and probabilities (N, K); a single sigmoid
        output p becomes columns [1 − p, p]. Regression: the values in the dataset's units (N,)
        for a single target, (N, k) otherwise, and None.
        """
        out = np.asarray(outputs, dtype=np.float64)
        if not self.is_classification:
            values = out.reshape(len(out), -1)
            if values.shape[1] == 1:
                values = values[:, 0]
            if self.target_mean is not None:
                values = values * self.target_std + self.target_mean
            return values, None
        k = len(self.class_names)
        if out.ndim == 1 or out.shape[1] == 1:
            if k != 2:
                raise ValueError(f"One output per sample only fits 2 classes; this network has {k}")
            p1 = np.clip(out.reshape(-1), 0.0, 1.0)
            probs = np.column_stack([1.0 - p1, p1])
        elif out.ndim == 2 and out.shape[1] == k:
            probs = out
        else:
            raise ValueError(f"Expected {k} class scores per sample, received outputs of shape {out.shape}")
        return np.asarray(self.class_names, dtype=str)[probs.argmax(axis=1)], probs

    def predict(self, model: Any, X_raw: Any) -> tuple[np.ndarray, np.ndarray | None]:
        """``decode(model.predict(transform(X_raw)))`` for anything with a ``predict`` method."""
        return self.decode(model.predict(self.transform(X_raw)))

    # ---- serialisation -------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types only (statistics as flat lists of floats)."""
        def flat(a: np.ndarray | None) -> Any:
            return None if a is None else np.asarray(a, dtype=np.float64).reshape(-1).tolist()

        def target(a: np.ndarray | None) -> Any:
            return None if a is None else np.asarray(a, dtype=np.float64).tolist()

        return {
            "version": VERSION,
            "task": self.task,
            "class_names": list(self.class_names),
            "input_names": list(self.input_names),
            "input_shape": list(self.input_shape),
            "features": None if self.features is None else list(self.features),
            "standardize": self.standardize,
            "mean": flat(self.mean),
            "std": flat(self.std),
            "target_mean": target(self.target_mean),
            "target_std": target(self.target_std),
        }

    @classmethod
    def from_dict(cls, data: Any) -> "Preprocessor":
        """Rebuild from ``to_dict`` output; ValueError naming the field on bad input. Unknown keys are ignored."""
        f = Fields(data)
        version = f.integer("version", default=VERSION)
        if version > VERSION:
            raise f.bad("version", f"{version} was written by a newer NeuroCanvas (this one reads up to {VERSION})")
        task = f.choice("task", TASKS)
        class_names = f.strings("class_names", default=[])
        if task != "regression" and (len(class_names) < 2 or len(set(class_names)) != len(class_names)):
            raise f.bad("class_names", "a classification needs at least 2 distinct class names")
        if task == "binary" and len(class_names) != 2:
            raise f.bad("class_names", "a binary task has exactly 2 classes")
        if task == "regression" and class_names:
            raise f.bad("class_names", "a regression has no class names")
        input_shape = tuple(f.shape("input_shape"))
        input_names = f.strings("input_names")
        if len(input_names) != int(np.prod(input_shape)):
            raise f.bad("input_names", f"{len(input_names)} names for input_shape {list(input_shape)}")
        features = f.get("features", default=None)
        if features is not None:
            try:
                features = check_features(f.strings("features"))
            except ValueError as exc:
                raise f.bad("features", str(exc)) from None
        pre = cls(task, class_names, input_names, input_shape, features, f.boolean("standardize", default=False))
        try:
            pre._check_features()
        except ValueError as exc:
            raise f.bad("features", str(exc)) from None
        if pre.standardize:
            stats_shape = pre.network_input_shape if len(pre.network_input_shape) == 1 else \
                (pre.network_input_shape[0],) + (1,) * (len(pre.network_input_shape) - 1)
            pre.mean = f.numbers("mean", int(np.prod(stats_shape))).reshape(stats_shape)
            pre.std = f.numbers("std", int(np.prod(stats_shape)), positive=True).reshape(stats_shape)
        if f.get("target_mean", default=None) is not None or f.get("target_std", default=None) is not None:
            if task != "regression":
                raise f.bad("target_mean", "target statistics apply to regression only")
            pre.target_mean = f.numbers("target_mean")
            pre.target_std = f.numbers("target_std", positive=True)
            if pre.target_std.shape != pre.target_mean.shape:
                raise f.bad("target_std", "must have the shape of target_mean")
        return pre


CHUNK_VALUES = 1 << 22  # above this many values, statistics and transforms go a chunk of samples at a time


def _chunk_rows(X: np.ndarray) -> int:
    return max(1, CHUNK_VALUES // max(1, int(np.prod(X.shape[1:]))))


def _mean_std_small(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    axes = (0, *range(2, X.ndim))
    X = np.asarray(X, dtype=np.float64)
    return X.mean(axis=axes, keepdims=True)[0], X.std(axis=axes, keepdims=True)[0]


def _mean_std(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per column (or per channel) mean and standard deviation in float64, two passes over chunks of
    samples: no float64 copy of the whole set."""
    axes = (0, *range(2, X.ndim))
    count = X.size // int(X.shape[1])
    step = _chunk_rows(X)
    total = sum(np.asarray(X[i:i + step], dtype=np.float64).sum(axis=axes, keepdims=True)
                for i in range(0, len(X), step))
    mean = total / count
    squares = sum(np.square(np.asarray(X[i:i + step], dtype=np.float64) - mean).sum(axis=axes, keepdims=True)
                  for i in range(0, len(X), step))
    return mean[0], np.sqrt(squares / count)[0]


def _safe_std(std: np.ndarray) -> np.ndarray:
    """A constant column keeps its centred value (0) instead of dividing by zero."""
    std = np.asarray(std, dtype=np.float64)
    return np.where((std > 0) & np.isfinite(std), std, 1.0)
