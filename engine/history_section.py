"""The history section of a network file: per-epoch lists of numbers, NaN stored as null."""
from __future__ import annotations

import math
from typing import Any, Iterable

import numpy as np

from .file_problems import Problems, key_path, read_object, show


def read_history(data: Any, problems: Problems, path: str = "history") -> dict[str, list[float]] | None:
    """Per-epoch lists of numbers; null (and any non-finite number) reads as NaN."""
    data = read_object(data, problems, path, "history dropped")
    if data is None:
        return None
    out: dict[str, list[float]] = {}
    for key, values in data.items():
        series = [math.nan if v is None else _history_value(v) for v in values] if isinstance(values, list) else None
        if series is None or any(v is None for v in series):
            bad = values if series is None else values[series.index(None)]
            problems.add(key_path(path, key), f"expected a list of numbers, holding {show(bad)} (dropped)")
            continue
        out[key] = series  # type: ignore[assignment]
    return out


def _history_value(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    if isinstance(v, int) and abs(v) <= 2**53:
        return v  # e.g. epoch numbers stay whole
    try:
        number = float(v)
    except OverflowError:
        return None
    return number if math.isfinite(number) else math.nan


def write_history(history: dict[str, Iterable[Any]]) -> dict[str, list[float | None]]:
    """The lists as JSON: NaN (and any non-finite value) as null, whole numbers as they are."""
    out: dict[str, list[float | None]] = {}
    for key, values in history.items():
        out[key] = [_history_json(v) for v in values]
    return out


def _history_json(v: Any) -> float | None:
    if v is None:
        return None
    if isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)):
        return int(v)
    v = float(v)
    return v if math.isfinite(v) else None
