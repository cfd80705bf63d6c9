"""Metrics reported per epoch: accuracy for classification, MAE and R² for regression."""
from __future__ import annotations

import numpy as np


def accuracy(pred: np.ndarray, y: np.ndarray, task: str) -> float:
    """Share of samples whose predicted class equals the target class.

    ``task`` "binary": pred holds probabilities (or 0/1 step outputs) per output unit, threshold 0.5;
    "multiclass": argmax over classes of pred and of the one-hot target.
    """
    if len(pred) == 0:
        return float("nan")
    if task == "multiclass":
        return float(np.mean(pred.argmax(axis=1) == y.argmax(axis=1)))
    return float(np.mean((pred >= 0.5) == (y >= 0.5)))


def mae(pred: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(np.abs(pred - y))) if pred.size else float("nan")


def r2(pred: np.ndarray, y: np.ndarray) -> float:
    """Coefficient of determination, 1 − SS_res/SS_tot, averaged over output columns."""
    if len(y) < 2:
        return float("nan")
    y2 = y.reshape(len(y), -1).astype(np.float64)
    p2 = pred.reshape(len(pred), -1).astype(np.float64)
    ss_res = ((y2 - p2) ** 2).sum(axis=0)
    ss_tot = ((y2 - y2.mean(axis=0)) ** 2).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = np.where(ss_tot > 0, 1.0 - ss_res / np.where(ss_tot > 0, ss_tot, 1.0), 0.0)
    return float(scores.mean())
