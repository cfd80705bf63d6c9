"""Playground's input features: maps of a 2-D point (x1, x2) to the columns a network sees."""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

FEATURES: tuple[str, ...] = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
FEATURE_LABELS: dict[str, str] = {
    "x1": "x₁", "x2": "x₂", "x1^2": "x₁²", "x2^2": "x₂²", "x1*x2": "x₁x₂",
    "sin(x1)": "sin(x₁)", "sin(x2)": "sin(x₂)",
}
DEFAULT_FEATURES: tuple[str, ...] = ("x1", "x2")

_MAPS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "x1": lambda a, b: a,
    "x2": lambda a, b: b,
    "x1^2": lambda a, b: a * a,
    "x2^2": lambda a, b: b * b,
    "x1*x2": lambda a, b: a * b,
    "sin(x1)": lambda a, b: np.sin(a),
    "sin(x2)": lambda a, b: np.sin(b),
}


def check_features(features: Sequence[str]) -> list[str]:
    """The names as a list; ValueError naming any unknown or repeated one, or an empty choice."""
    if isinstance(features, str):
        raise ValueError(f"features must be a list of names, received the string {features!r}")
    names = list(features)
    unknown = [f for f in names if f not in _MAPS]
    if unknown:
        raise ValueError(f"Unknown feature {unknown[0]!r}; choose from {', '.join(FEATURES)}")
    repeated = sorted({f for f in names if names.count(f) > 1})
    if repeated:
        raise ValueError(f"Feature {repeated[0]!r} is chosen twice")
    if not names:
        raise ValueError("Choose at least one feature")
    return names


def feature_map(X: Any, features: Sequence[str]) -> np.ndarray:
    """(N, 2) points -> (N, len(features)) columns, in the order given."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"Feature maps take 2 inputs (x1, x2) per sample, received shape {X.shape}")
    a, b = X[:, 0], X[:, 1]
    return np.column_stack([_MAPS[f](a, b) for f in check_features(features)])
