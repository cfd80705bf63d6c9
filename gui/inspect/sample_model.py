"""The Qt model of the step inspector's sample table: one split's ``SampleData`` as rows (index,
true class or target, prediction, loss, features), computed per cell."""
from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QWidget

from engine.explain.text import num

from .sample_data import SampleData
from .style import colors
from .tables import SORT_ROLE, RowsModel

MAX_FEATURE_COLUMNS = 4


class SampleModel(RowsModel):
    """The samples of one split: columns computed per cell (a split may hold thousands of rows)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__([], [], parent)
        self.data_: SampleData | None = None
        self.kinds: list[str] = []   # per column: "#", "true", "predicted", "loss", "feature" or "features"
        self._first_feature = 4

    def set_data(self, data: SampleData | None) -> None:
        self.beginResetModel()
        self.data_ = data
        # the outcome first (what a person looks for to pick a sample), then the features
        cols = ["#", "true" if data is not None and data.classification else "target", "predicted", "loss"]
        kinds = ["#", "true", "predicted", "loss"]
        self._first_feature = len(cols)
        if data is not None and data.X is not None:
            d = int(np.prod(data.X.shape[1:])) if data.X.ndim >= 2 else 1
            names = data.feature_names if len(data.feature_names) == d else [f"x{i + 1}" for i in range(d)]
            if d <= MAX_FEATURE_COLUMNS:
                cols += names
                kinds += ["feature"] * d
            else:
                cols.append(f"features ({d})")
                kinds.append("features")
        self.headers, self.kinds = cols, kinds
        self.endResetModel()

    def column_of(self, kind: str) -> int:
        return self.kinds.index(kind)

    def set_result(self, index: int, predicted: str, loss: float, label: str | None = None) -> None:
        """Fill in one row (e.g. from a trace of that sample)."""
        if self.data_ is None or not self.data_.set_result(index, predicted, loss, label):
            return
        self.dataChanged.emit(self.index(index, self.column_of("predicted")), self.index(index, self.column_of("loss")))

    def results_changed(self) -> None:
        """Every row's prediction and loss changed (the worker's ``samples`` reply)."""
        if self.data_ is not None and self.data_.size:
            self.dataChanged.emit(self.index(0, self.column_of("predicted")),
                                  self.index(self.data_.size - 1, self.column_of("loss")))

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() or self.data_ is None else self.data_.size

    def _cell(self, row: int, col: int) -> tuple[str, Any]:
        d = self.data_
        kind = self.kinds[col]
        if kind == "#":
            return str(row), row
        if kind == "true":
            return d.target_text(row), d.target_text(row)
        if kind == "predicted":
            text = d.predicted[row] if d.predicted is not None and d.predicted[row] else "—"
            right = d.is_correct(row)
            if right is None:
                return text, "2" + text
            return ("✓ " if right else "✗ ") + text, ("1" if right else "0") + text  # sorted: wrong ones first
        if kind == "loss":
            v = float(d.loss[row]) if d.loss is not None else float("nan")
            return (num(v) if np.isfinite(v) else "—"), (v if np.isfinite(v) else -1.0)
        X = d.X.reshape(len(d.X), -1) if d.X.ndim != 2 else d.X
        if kind == "features":
            row_x = X[row]
            return "[" + ", ".join(num(v, 3) for v in row_x[:3]) + ", …]", float(np.abs(row_x).sum())
        v = float(X[row, col - self._first_feature])
        return num(v), v

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.data_ is None:
            return None
        kind = self.kinds[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell(index.row(), index.column())[0]
        if role == SORT_ROLE:
            return self._cell(index.row(), index.column())[1]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if kind in ("true", "predicted"):
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if kind == "loss":
                return colors().muted if self._cell(index.row(), index.column())[0] == "—" else None
            if kind == "predicted":
                right = self.data_.is_correct(index.row())
                return None if right is None else colors().ok if right else colors().error
        if role == Qt.ItemDataRole.ToolTipRole and kind == "predicted":
            right = self.data_.is_correct(index.row())
            if right is False:
                return f"Misclassified: the network predicts {self.data_.predicted[index.row()]}, " \
                       f"the data says {self.data_.target_text(index.row())}"
            if right:
                return "Classified right"
        return None
