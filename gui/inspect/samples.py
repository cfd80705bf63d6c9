"""Choosing the sample to explain: the data of each split as a small sortable table (index,
features, true class or target, prediction, loss), and a picker around it (split, index box, the
selection that the gradient check runs on, a count of the misclassified samples and a switch that
shows only those).

The rows come from the training worker's ``loaded`` message (the raw features — ``train_X`` of 1-D
and 2-D problems, ``train_features`` of tabular data — and targets), with every sample's prediction
and loss from its ``samples`` reply (``set_labels``; a trace fills in its own row too), or, in
process, from an ``engine.session.Session`` (with every prediction and loss).

The samples' data is in sample_data.py, the table's Qt model in sample_model.py and its filter in
sample_filter.py (all re-exported here); this module is the picker widget around them.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QModelIndex, Qt, Signal
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

from .sample_data import SampleData, predicted_label, prediction_text, value_text  # noqa: F401 - re-exported
from .sample_filter import MisclassifiedFilter
from .sample_model import MAX_FEATURE_COLUMNS, SampleModel  # noqa: F401 - re-exported
from .style import number_font
from .tables import SORT_ROLE


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
