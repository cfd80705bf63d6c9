"""Train/test splits: Playground's rule (shuffle, the first floor(N·ratio) samples train)."""
from __future__ import annotations

import math
import numbers

import numpy as np

from .dataset import Dataset

SPLIT_STREAM = 1  # keeps the split's random stream apart from the generator's, which uses the same seed


def check_train_ratio(train_ratio: float) -> None:
    if isinstance(train_ratio, bool) or not isinstance(train_ratio, numbers.Real) or not 0 < train_ratio <= 1:
        raise ValueError(f"train_ratio must lie above 0 and at most 1 (0.5 means 50 %; 1 trains on every row "
                         f"and keeps no test set), received {train_ratio!r}")


def train_size(n: int, train_ratio: float, name: str = "The dataset") -> int:
    """How many of ``n`` samples train; ValueError if the ratio is out of range or a side is empty."""
    check_train_ratio(train_ratio)
    if train_ratio == 1:
        if n < 1:
            raise ValueError(f"{name} has no rows")
        return n  # a truth table: train on every row, no test set
    # The epsilon keeps e.g. 100 · 0.29 = 28.999… at 29, as Playground's integer percentages give.
    n_train = math.floor(n * train_ratio + 1e-9)
    if n_train < 1 or n_train >= n:
        raise ValueError(
            f"{name} has {n} rows, fewer than a train ratio of {train_ratio:g} needs: the training set would get "
            f"{n_train} and the test set {n - n_train}; each side needs at least one row"
        )
    return n_train


def split(ds: Dataset, train_ratio: float = 0.5, seed: int = 0, stratify: bool = False) -> tuple[Dataset, Dataset]:
    """(train, test): a seeded shuffle, then the first floor(N·train_ratio) samples train.

    A ratio of 1 trains on every sample and leaves the test set empty (for truth tables such as AND).

    ``stratify=True`` (classification only) keeps each class's share in both parts, up to rounding
    (largest remainders); the sizes are the same as without it.
    """
    n = ds.n_samples
    n_train = train_size(n, train_ratio, f"Dataset {ds.name!r}")
    order = np.random.default_rng([int(seed), SPLIT_STREAM]).permutation(n)
    if stratify and ds.is_classification:
        train_idx, test_idx = _stratified(ds.y[order], order, n_train)
    else:
        train_idx, test_idx = order[:n_train], order[n_train:]
    return ds.subset(train_idx, f"{ds.name} (train)"), ds.subset(test_idx, f"{ds.name} (test)")


def _stratified(labels: np.ndarray, order: np.ndarray, n_train: int) -> tuple[np.ndarray, np.ndarray]:
    counts = np.bincount(labels)
    exact = counts * (n_train / len(labels))
    quota = np.floor(exact).astype(np.int64)
    remainder_first = np.argsort(-(exact - quota), kind="stable")
    quota[remainder_first[: n_train - quota.sum()]] += 1
    # Rank of each sample within its class, in shuffled order: the first quota[c] of class c train.
    by_class = np.argsort(labels, kind="stable")
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.empty(len(labels), dtype=np.int64)
    rank[by_class] = np.arange(len(labels)) - np.repeat(starts, counts)
    is_train = rank < quota[labels]
    return order[is_train], order[~is_train]
