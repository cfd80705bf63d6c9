"""Choosing the sample to explain: the data of each split as a small sortable table (index,
features, true class or target, prediction, loss), and a picker around it (split, index box, the
selection that the gradient check runs on, a count of the misclassified samples and a switch that
shows only those).

The rows come from the training worker's ``loaded`` message (the raw features — ``train_X`` of 1-D
and 2-D problems, ``train_features`` of tabular data — and targets), with every sample's prediction
and loss from its ``samples`` reply (``set_labels``; a trace fills in its own row too), or, in
process, from an ``engine.session.Session`` (with every prediction and loss).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from engine.explain.text import num

from .style import colors, number_font
from .tables import SORT_ROLE, RowsModel

MAX_FEATURE_COLUMNS = 4


@dataclass
class SampleData:
    """One split's samples as the table shows them (raw features and targets)."""

    split: str
    size: int
    X: np.ndarray | None = None          # (n, d) raw features, when known
    y: np.ndarray | None = None          # (n,) or (n, k) raw targets, when known
    feature_names: list[str] = field(default_factory=list)
    class_names: list[str] = field(default_factory=list)
    task: str = "regression"
    predicted: list[str] | None = None   # the prediction as text, per sample
    loss: np.ndarray | None = None       # the sample's loss (inference mode), NaN where unknown
    correct: np.ndarray | None = None    # classification: predicted class == true class (None: unknown)
    known: np.ndarray | None = None      # … where ``correct`` is known

    @classmethod
    def from_loaded(cls, info: dict[str, Any], split: str) -> "SampleData":
        """From the worker's ``loaded`` message: ``train_X`` (1-D and 2-D inputs) or
        ``train_features`` (tabular data), ``train_y``, and the same for ``test``."""
        X = info.get(f"{split}_X")
        if X is None:
            X = info.get(f"{split}_features")
        y = info.get(f"{split}_y")
        size = int(info.get(f"{split}_size", len(X) if X is not None else 0))
        return cls(split, size, None if X is None else np.asarray(X), None if y is None else np.asarray(y),
                   list(info.get("input_names", [])), list(info.get("class_names", [])),
                   str(info.get("task", "regression")))

    @classmethod
    def from_session(cls, session: Any, split: str) -> "SampleData":
        """From an engine Session, with the network's prediction and loss of every sample."""
        data = session.data.train if split == "train" else session.data.test
        X, Y = (session.X_train, session.Y_train) if split == "train" else (session.X_test, session.Y_test)
        pre = session.preprocessor
        out = cls(split, len(data.X), np.asarray(data.X), np.asarray(data.y), list(pre.input_names),
                  list(pre.class_names), session.network.task)
        if len(X):
            with np.errstate(all="ignore"):
                out.set_predictions(session.network.predict(X), session.network.per_sample_loss(X, Y))
        return out

    @property
    def classification(self) -> bool:
        return self.task in ("binary", "multiclass")

    def set_predictions(self, outputs: np.ndarray, losses: np.ndarray | None = None) -> None:
        """The network's outputs (probabilities or values) and per-sample losses for every row."""
        outputs = np.asarray(outputs)
        self.predicted = [prediction_text(o, self.task, self.class_names) for o in outputs]
        if losses is not None:
            self.loss = np.asarray(losses, dtype=np.float64).reshape(-1)
        if self.classification:
            self._set_correct([predicted_label(o, self.task, self.class_names) for o in outputs])

    def set_labels(self, predicted: Any, losses: Any) -> bool:
        """Every row's prediction in the data's own terms (class names, or values in the target's
        units; the worker's ``samples`` reply) and loss; False if they do not fit this split."""
        predicted = np.asarray(predicted)
        losses = np.asarray(losses, dtype=np.float64).reshape(-1)
        if len(predicted) != self.size or len(losses) != self.size:
            return False
        if self.classification or predicted.dtype.kind in "US":
            self.predicted = [str(p) for p in predicted]
            if self.classification:
                self._set_correct(self.predicted)
        else:
            self.predicted = [value_text(p) for p in predicted]
        self.loss = losses
        return True

    def _set_correct(self, labels: list[str]) -> None:
        if self.y is None:
            return
        self.correct = np.array([label == self.true_label(i) for i, label in enumerate(labels)], dtype=bool)
        self.known = np.ones(self.size, dtype=bool)

    def set_result(self, index: int, predicted: str, loss: float, label: str | None = None) -> bool:
        """Fill in one sample's prediction and loss (e.g. from a trace of it; ``label``: the class it
        predicts); False if out of range."""
        if not 0 <= index < self.size:
            return False
        if self.predicted is None:
            self.predicted = [""] * self.size
        if self.loss is None:
            self.loss = np.full(self.size, np.nan)
        self.predicted[index] = predicted
        self.loss[index] = loss
        if label is not None and self.classification and self.y is not None:
            if self.correct is None:
                self.correct = np.zeros(self.size, dtype=bool)
                self.known = np.zeros(self.size, dtype=bool)
            self.correct[index] = label == self.true_label(index)
            self.known[index] = True
        return True

    def is_correct(self, i: int) -> bool | None:
        """Whether sample ``i`` is classified right (None: not a classifier, or not known yet)."""
        if self.correct is None or self.known is None or not self.known[i]:
            return None
        return bool(self.correct[i])

    def misclassified(self) -> int | None:
        """How many samples are classified wrong (None: unknown for some)."""
        if self.correct is None or self.known is None or not self.known.all():
            return None
        return int((~self.correct).sum())

    def true_label(self, i: int) -> str:
        """The true class's name (classification) as the predictions name it."""
        return self.target_text(i)

    def target_text(self, i: int) -> str:
        if self.y is None:
            return "—"
        v = self.y[i]
        if isinstance(v, (str, np.str_)):
            return str(v)
        arr = np.asarray(v).reshape(-1)
        if self.task != "regression" and arr.size == 1 and self.class_names:
            k = int(arr[0])
            return self.class_names[k] if 0 <= k < len(self.class_names) else str(k)
        return num(arr[0]) if arr.size == 1 else "[" + ", ".join(num(a, 3) for a in arr[:4]) + (", …]" if arr.size > 4 else "]")


def value_text(value: Any) -> str:
    arr = np.asarray(value, dtype=np.float64).reshape(-1)
    return num(arr[0]) if arr.size == 1 else "[" + ", ".join(num(a, 3) for a in arr[:4]) + (", …]" if arr.size > 4 else "]")


def predicted_label(output: Any, task: str, class_names: list[str]) -> str | None:
    """The class a classifier's output picks, by name (None: not a classifier's output)."""
    o = np.asarray(output, dtype=np.float64).reshape(-1)
    if task == "binary" and o.size == 1:
        k = int(o[0] >= 0.5)
    elif task == "multiclass" and o.size > 1:
        k = int(np.argmax(o))
    else:
        return None
    return class_names[k] if k < len(class_names) else str(k)


def prediction_text(output: Any, task: str, class_names: list[str]) -> str:
    """``1 (0.93)`` for a binary classifier, ``versicolor (0.71)`` for several classes, ``0.42`` else."""
    o = np.asarray(output, dtype=np.float64).reshape(-1)
    if task == "binary" and o.size == 1:
        k = int(o[0] >= 0.5)
        name = class_names[k] if k < len(class_names) else str(k)
        return f"{name} ({num(o[0], 3)})"
    if task == "multiclass" and o.size > 1:
        k = int(np.argmax(o))
        name = class_names[k] if k < len(class_names) else str(k)
        return f"{name} ({num(o[k], 3)})"
    return num(o[0]) if o.size == 1 else "[" + ", ".join(num(a, 3) for a in o[:3]) + (", …]" if o.size > 3 else "]")


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


class MisclassifiedFilter(QSortFilterProxyModel):
    """The sorting proxy of the table; ``only_wrong`` keeps the misclassified rows only."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.only_wrong = False

    def set_only_wrong(self, on: bool) -> None:
        self.refilter(lambda: setattr(self, "only_wrong", bool(on)))

    def refilter(self, change=None) -> None:
        """Apply the filter again (after ``change``, if given), the Qt 6.9+ way where there is one."""
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            if change is not None:
                change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # Qt 6.8
            if change is not None:
                change()
            self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:  # noqa: N802
        if not self.only_wrong:
            return True
        data = self.sourceModel().data_
        return data is not None and data.is_correct(row) is False


class SamplePicker(QWidget):
    """The table of samples with a split chooser; ``sampleChosen(index, split)`` on a new current row."""

    sampleChosen = Signal(int, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stepSamplePicker")
        self.samples: dict[str, SampleData] = {}
        self._quiet = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        row = QHBoxLayout()
        row.setSpacing(6)
        self.split_box = QComboBox(self)
        self.split_box.setObjectName("stepSplit")
        self.split_box.setToolTip("Which part of the data to pick the sample from")
        self.split_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.split_box.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.split_box.currentIndexChanged.connect(self._split_changed)
        row.addWidget(QLabel("Sample", self))
        self.index_box = QSpinBox(self)
        self.index_box.setObjectName("stepSampleIndex")
        self.index_box.setToolTip("The sample's index in its split")
        self.index_box.setKeyboardTracking(False)
        self.index_box.valueChanged.connect(self._index_typed)
        row.addWidget(self.index_box)
        row.addWidget(self.split_box)
        row.addStretch(1)
        layout.addLayout(row)
        quality = QHBoxLayout()
        quality.setSpacing(6)
        self.summary = QLabel("", self)
        self.summary.setObjectName("stepSampleSummary")
        self.summary.setToolTip("How the network does on this split with the weights the step uses")
        quality.addWidget(self.summary, 1)
        self.only_wrong = QCheckBox("Only misclassified", self)
        self.only_wrong.setObjectName("stepOnlyMisclassified")
        self.only_wrong.setToolTip("List only the samples the network gets wrong")
        self.only_wrong.toggled.connect(self._only_wrong_toggled)
        quality.addWidget(self.only_wrong)
        layout.addLayout(quality)
        self.model = SampleModel(self)
        self.proxy = MisclassifiedFilter(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView(self)
        self.table.setObjectName("stepSampleTable")
        self.table.setModel(self.proxy)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # sized once per split, not per change
        header.setResizeContentsPrecision(200)
        header.setStretchLastSection(True)
        self.table.setFont(number_font(self.table.font()))
        self.table.setToolTip("Click a sample to explain its training step; select several (Shift/Ctrl) for the "
                              "gradient check. Sort by loss to find the worst one, by predicted to put the "
                              "misclassified (✗) first.")
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        layout.addWidget(self.table, 1)

    # ---- data ----------------------------------------------------------------------------------
    @property
    def split(self) -> str:
        return self.split_box.currentData() or "train"

    def set_samples(self, samples: dict[str, SampleData]) -> None:
        split = self.split
        self.samples = {k: v for k, v in samples.items() if v.size > 0}
        self._quiet = True
        try:
            self.split_box.clear()
            for key, data in self.samples.items():
                self.split_box.addItem(f"of {data.size:,} {'training' if key == 'train' else 'test'}", key)
            if split in self.samples:
                self.split_box.setCurrentIndex(list(self.samples).index(split))
        finally:
            self._quiet = False
        self._show_split()

    def _show_split(self) -> None:
        data = self.samples.get(self.split)
        self._quiet = True
        try:
            self.model.set_data(data)
            self.table.resizeColumnsToContents()
            self.index_box.setRange(0, max((data.size if data else 0) - 1, 0))
        finally:
            self._quiet = False
        self._update_summary()

    def set_result(self, split: str, index: int, predicted: str, loss: float, label: str | None = None) -> None:
        if split == self.split:
            self.model.set_result(index, predicted, loss, label)
            self._resize_results()
            self._update_summary()
        elif split in self.samples:
            self.samples[split].set_result(index, predicted, loss, label)

    def results_changed(self, split: str) -> None:
        """Every prediction and loss of ``split`` is new (its SampleData was updated in place)."""
        if split != self.split or split not in self.samples:
            return
        self.model.results_changed()
        if self.proxy.only_wrong:
            self.proxy.refilter()
        self._resize_results()
        self._update_summary()

    def _resize_results(self) -> None:
        for kind in ("predicted", "loss"):
            self.table.resizeColumnToContents(self.model.column_of(kind))

    def _update_summary(self) -> None:
        data = self.samples.get(self.split)
        wrong = data.misclassified() if data is not None else None
        parts = []
        if wrong is not None:
            parts.append(f"{wrong:,} of {data.size:,} misclassified" if wrong else f"all {data.size:,} classified right")
        if data is not None and data.loss is not None and np.isfinite(data.loss).all() and data.size:
            parts.append(f"mean loss {num(float(np.mean(data.loss)))}")
        self.summary.setText(" · ".join(parts))
        self.summary.setVisible(bool(parts))
        self.only_wrong.setVisible(data is not None and data.classification)
        self.only_wrong.setEnabled(data is not None and data.correct is not None)

    def _only_wrong_toggled(self, on: bool) -> None:
        self.proxy.set_only_wrong(on)

    def select(self, index: int, split: str | None = None, emit: bool = False) -> None:
        """Make ``index`` the current row (of ``split``) without asking for a trace unless ``emit``."""
        if split is not None and split != self.split and split in self.samples:
            self._quiet = True
            try:
                self.split_box.setCurrentIndex(list(self.samples).index(split))
            finally:
                self._quiet = False
            self._show_split()
        data = self.samples.get(self.split)
        if data is None or not 0 <= index < data.size:
            return
        self._quiet = not emit
        try:
            source = self.model.index(index, 0)
            row = self.proxy.mapFromSource(source)
            if not row.isValid() and self.only_wrong.isChecked():  # a sample the filter hides: show all
                self.only_wrong.setChecked(False)
                row = self.proxy.mapFromSource(source)
            self.table.setCurrentIndex(row)
            self.table.scrollTo(row)
            self.index_box.setValue(index)
        finally:
            self._quiet = False

    def natural_width(self) -> int:
        """The width that shows every column of the table (and its scroll bar)."""
        header = self.table.horizontalHeader()
        return header.length() + self.table.verticalScrollBar().sizeHint().width() + 2 * self.table.frameWidth() + 12

    def selected_indices(self) -> list[int]:
        """The selected samples (the current one first), as indices into the split."""
        rows = [self.proxy.mapToSource(i).row() for i in self.table.selectionModel().selectedRows()]
        current = self.proxy.mapToSource(self.table.currentIndex()).row()
        out = ([current] if current >= 0 else []) + sorted(r for r in rows if r != current)
        return out

    # ---- signals -------------------------------------------------------------------------------
    def _split_changed(self) -> None:
        if self._quiet:
            return
        self._show_split()
        if self.samples.get(self.split):
            self.select(0, emit=True)

    def _row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if not current.isValid():
            return
        index = self.proxy.mapToSource(current).row()
        if self.index_box.value() != index:
            quiet, self._quiet = self._quiet, True
            self.index_box.setValue(index)
            self._quiet = quiet
        if not self._quiet:
            self.sampleChosen.emit(index, self.split)

    def _index_typed(self, value: int) -> None:
        if not self._quiet:
            self.select(value, emit=True)
