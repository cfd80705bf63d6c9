"""Faster reductions for the shapes training produces.

NumPy reduces a C-ordered (N, K) array along its short last axis slowly (an inner loop of K per
row); for K ≤ 64 reducing the transposed copy, or a dot product with ones, is 3–10× faster on a
(1797, 10) batch. Results equal the plain reductions up to float rounding.
"""
from __future__ import annotations

import numpy as np

_SHORT = 64
_ones: dict[tuple[int, np.dtype], np.ndarray] = {}


def ones(n: int, dtype: np.dtype) -> np.ndarray:
    key = (n, np.dtype(dtype))
    v = _ones.get(key)
    if v is None:
        if len(_ones) > 64:
            _ones.clear()
        v = _ones[key] = np.ones(n, dtype=dtype)
    return v


def row_max(z: np.ndarray) -> np.ndarray:
    """max over the last axis, keepdims (for 2-D arrays with a short last axis: via the transpose)."""
    if z.ndim == 2 and z.shape[1] <= _SHORT and z.shape[0] > 4 * z.shape[1]:
        return np.ascontiguousarray(z.T).max(axis=0)[:, None]
    return z.max(axis=-1, keepdims=True)


def row_sum(z: np.ndarray) -> np.ndarray:
    """sum over the last axis, keepdims."""
    if z.ndim == 2 and z.shape[1] <= _SHORT:
        return (z @ ones(z.shape[1], z.dtype))[:, None]
    return z.sum(axis=-1, keepdims=True)


def col_sum(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """sum over the batch axis of a 2-D array (a bias gradient), as one BLAS call."""
    if z.ndim == 2:
        return np.dot(ones(z.shape[0], z.dtype), z, out=out)
    return np.sum(z, axis=0, out=out)
