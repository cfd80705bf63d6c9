"""CSV import: a file of numeric feature columns and one target column -> Dataset."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from .csv_table import (
    Table, first_missing, is_missing, is_number, located_error, number_label, parse_numbers, read_table,
)
from .dataset import Dataset
from .split import check_train_ratio, train_size

TASK_CHOICES = ("binary", "multiclass", "classification", "regression")
MAX_DETECTED_CLASSES = 20
MIN_ROWS = 2


def load_csv(path: str | Path, target: str | int | None = None, task: str | None = None,
             delimiter: str | None = None, header: bool | None = None, drop_missing: bool = False,
             train_ratio: float | None = None) -> Dataset:
    """Read a dataset from a delimited text file.

    ``target``: column name, or 0-based index (negative counts from the end); None = last column.
    ``task``: None detects it (non-numeric target, or whole numbers with at most 20 distinct values
    that make at most half the row count -> classification; else regression), or one of
    "binary", "multiclass", "classification" (binary or multiclass by class count), "regression".
    ``delimiter``/``header``: None detects them. ``drop_missing``: drop rows with a missing value
    instead of failing. ``train_ratio``: also check that a split with this ratio leaves rows on
    both sides. Raises CSVError, naming the row and column, for any problem in the file.
    """
    if task is not None and task not in TASK_CHOICES:
        raise ValueError(f"task must be None or one of {', '.join(TASK_CHOICES)}, received {task!r}")
    if train_ratio is not None:
        check_train_ratio(train_ratio)
    table = read_table(path, delimiter, header)
    if table.width < 2:
        raise located_error(table.path, "has one column; a dataset needs feature columns and a target column")
    t = table.find_column(-1 if target is None else target)
    feature_cols = [j for j in range(table.width) if j != t]
    X, x_missing = parse_numbers(table, feature_cols)
    target_cells = [row[t] for row in table.rows]
    missing = np.zeros((len(table.rows), table.width), dtype=bool)
    missing[:, feature_cols] = x_missing
    missing[:, t] = [is_missing(c) for c in target_cells]
    keep = ~missing.any(axis=1)
    if not keep.all() and not drop_missing:
        raise first_missing(table, missing, list(range(table.width)),
                            "fill it in, or drop the rows that have one (drop_missing=True; in a network "
                            "file: \"drop_missing\": true in its dataset)")
    dropped = [table.lines[i] for i in np.flatnonzero(~keep)]
    rows = np.flatnonzero(keep)
    if len(rows) < MIN_ROWS:
        raise located_error(table.path, f"has {len(rows)} usable data row{'s' if len(rows) != 1 else ''}"
                                        f"{' after dropping rows with missing values' if dropped else ''}; "
                                        f"a dataset needs at least {MIN_ROWS}")
    if train_ratio is not None:
        try:
            train_size(len(rows), train_ratio, "the file")
        except ValueError as exc:
            raise located_error(table.path, str(exc)) from None
    y, class_names, task = _targets(table, t, rows, [target_cells[i] for i in rows], task)
    if table.names is not None:
        feature_names = [table.names[j] for j in feature_cols]
    else:
        feature_names = [f"x{k + 1}" for k in range(len(feature_cols))]
    meta = {"source": str(table.path), "target": table.column_name(t) or "y", "delimiter": table.delimiter,
            "header": table.names is not None, "dropped_rows": dropped}
    return Dataset(dataset_name(table.path), X[rows], y, task, feature_names, class_names, meta)


def dataset_name(path: Path) -> str:
    """'iris' for iris.csv and iris.csv.gz."""
    return Path(path.name.removesuffix(".gz")).stem


def _targets(table: Table, t: int, rows: np.ndarray, cells: list[str],
             task: str | None) -> tuple[np.ndarray, list[str], str]:
    numeric = all(map(is_number, cells))
    values = np.array(cells, dtype=np.float64) if numeric else None
    if task is None:
        task = "classification" if values is None or _looks_categorical(values) else "regression"
    if task == "regression":
        if values is None:
            i = next(k for k, c in enumerate(cells) if not is_number(c))
            raise table.error(f"{cells[i]!r} is not a number; a regression target must be numeric "
                              f"(or use task='classification')", int(rows[i]), t)
        if not np.isfinite(values).all():
            i = int(np.flatnonzero(~np.isfinite(values))[0])
            raise table.error(f"{cells[i]!r} is not a finite number", int(rows[i]), t)
        return values, [], "regression"
    if values is not None:
        uniq, y = np.unique(values, return_inverse=True)
        class_names = [number_label(v) for v in uniq]
    else:
        uniq, y = np.unique(np.array(cells, dtype=str), return_inverse=True)
        class_names = [str(v) for v in uniq]
    k = len(class_names)
    if k < 2:
        raise table.error(f"only one class ({class_names[0]!r}) in the target column; classification needs at least "
                          f"two: choose another target column or task='regression'", None, t)
    if task == "binary" and k != 2:
        raise table.error(f"task='binary' but the target column has {k} classes; use task='multiclass'", None, t)
    if task == "classification":
        task = "binary" if k == 2 else "multiclass"
    return y.astype(np.int64), class_names, task


def _looks_categorical(values: np.ndarray) -> bool:
    distinct = len(np.unique(values))
    return bool(np.all(values == np.round(values))) and distinct <= MAX_DETECTED_CLASSES and 2 * distinct <= len(values)


def load_features_csv(path: str | Path, names: Sequence[str], delimiter: str | None = None,
                      header: bool | None = None) -> np.ndarray:
    """Raw feature columns for prediction, (N, len(names)) float64.

    With a header the columns are found by name (other columns, such as the target, are ignored);
    without one the file must have exactly ``len(names)`` columns, in that order.
    """
    table = read_table(path, delimiter, header)
    if table.names is not None:
        columns = [table.find_column(n) for n in names]
    elif table.width == len(names):
        columns = list(range(table.width))
    else:
        raise located_error(table.path, f"has {table.width} columns and no header; the network takes "
                                        f"{len(names)} features ({', '.join(names)}): add a header row naming them")
    X, missing = parse_numbers(table, columns)
    if missing.any():
        raise first_missing(table, missing, columns, "the network needs every feature of a sample to predict it")
    return X
