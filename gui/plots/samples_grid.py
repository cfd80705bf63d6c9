"""The samples of a classification with their true and predicted classes, mistakes in red: image data
as small tiles (grey or colour), other data as a table. "Mistakes only" hides the right ones.

Feeding: ``reset(loaded)`` (classes, labels and — for images — the tiles the worker sent),
``set_split("train" | "test")``, ``add_snapshot(snapshot)`` keeps the newest ``classes`` field of the
shown split (predicted class and probability of the first samples). A click on a tile or row emits
``sampleChosen(split, index)``; a double-click ``sampleActivated(split, index)``.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QWidget,
)

from .common import LivePlot, small_font
from .plot_widgets import placeholder_stack, scrolled, stacked_column
from .tiles import TileGrid, picture_rgba, to_qimage

MISTAKE_LIGHT, MISTAKE_DARK = "#d62f3c", "#ff6b6b"
TILE_TARGET = 44      # pixels a tile aims at (a whole multiple of the image size)
TABLE_FEATURES = 4    # feature columns shown in the table of non-image data

NEEDS_CLASSES = "Needs a classification dataset.\n\nThe samples with their predicted classes appear here for iris, the " \
                "spirals, the digits or a CSV file with a class column."
NO_RUN = "Press Play to train.\n\nEach sample appears here with its true and predicted class once a network " \
         "is loaded."


SPLITS = (("test", "Test set"), ("train", "Training set"))


def split_box(parent: QWidget, name: str) -> QComboBox:
    """A "Test set / Training set" chooser (the views' choosers are kept in step by ClassViews)."""
    box = QComboBox(parent)
    box.setObjectName(name)
    box.setToolTip("Which samples the views show: the test set or the training set")
    for key, title in SPLITS:
        box.addItem(title, key)
    box.setFont(small_font(parent))
    return box


def tile_size(height: int, width: int) -> int:
    side = max(height, width, 1)
    return side * max(1, round(TILE_TARGET / side))


def short(name: str, length: int = 8) -> str:
    return name if len(name) <= length else name[: length - 1] + "…"


class SampleTable(QAbstractTableModel):
    """Rows of non-image samples: number, true class, predicted class, probability, a few features."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view: SamplesView | None = None
        self.rows = np.zeros(0, dtype=np.int64)
        self.features: np.ndarray | None = None
        self.feature_names: list[str] = []

    def columns(self) -> list[str]:
        return ["#", "true", "predicted", "p"] + self.feature_names

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.columns())

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns()[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        v = self.view
        if v is None or not index.isValid():
            return None
        i, col = int(self.rows[index.row()]), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return str(i)
            if col == 1:
                return v.class_name(v.true_class(i))
            if col in (2, 3):
                p = v.predicted_class(i)
                if p is None:
                    return "–"
                return v.class_name(p) if col == 2 else f"{100 * float(v.confidence[i]):.0f} %"
            if self.features is not None and i < len(self.features):
                return f"{float(self.features[i, col - 4]):.3g}"
            return ""
        if role == Qt.ItemDataRole.ForegroundRole and col in (1, 2) and v.is_mistake(i):
            return v.mistake_color()
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter) if col in (0, 3) or col >= 4 \
                else int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return None

    def set_rows(self, rows: np.ndarray) -> None:
        if len(rows) == len(self.rows) and np.array_equal(rows, self.rows):
            if len(rows):
                self.dataChanged.emit(self.index(0, 1), self.index(len(rows) - 1, 3))
            return
        self.beginResetModel()
        self.rows = np.asarray(rows, dtype=np.int64)
        self.endResetModel()


class SamplesView(LivePlot):
    """Samples with true and predicted classes; objectName ``samplesView``."""

    sampleChosen = Signal(str, int)
    sampleActivated = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("samplesView")
        self.info: dict[str, Any] = {}
        self.split = "test"
        self.class_names: list[str] = []
        self.is_image = False
        self.y: dict[str, np.ndarray] = {}
        self.predicted: np.ndarray | None = None
        self.confidence = np.zeros(0)
        self.total = 0
        self._images: dict[str, list] = {}
        self._build()
        self._apply_theme()
        self.reset(None)

    def _build(self) -> None:
        self.mistakes_box = QCheckBox("Mistakes only", self)
        self.mistakes_box.setObjectName("samplesMistakesOnly")
        self.mistakes_box.setToolTip("Show only the samples the network classifies wrongly")
        self.mistakes_box.toggled.connect(self._option_changed)
        self.summary = QLabel(self)
        self.summary.setObjectName("samplesSummary")
        self.summary.setFont(small_font(self))
        self.summary.setWordWrap(True)
        self.summary.setContentsMargins(8, 0, 8, 2)
        self.split_box = split_box(self, "samplesSplit")
        bar = QHBoxLayout()
        bar.setContentsMargins(8, 4, 8, 2)
        bar.addWidget(self.split_box)
        bar.addSpacing(6)
        bar.addWidget(self.mistakes_box)
        bar.addStretch(1)

        self.grid = TileGrid(self)
        self.grid.setObjectName("samplesGrid")
        self.grid.tooltip = self._tooltip
        self.grid.tileClicked.connect(self._tile_clicked)
        self.grid.tileActivated.connect(lambda i: self.sampleActivated.emit(self.split, i))
        self.scroll = scrolled(self, self.grid)
        self.table_model = SampleTable(self)
        self.table_model.view = self
        self.table = QTableView(self)
        self.table.setObjectName("samplesTable")
        self.table.setModel(self.table_model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.setWordWrap(False)
        # Interactive, sized once per run: ResizeToContents measures every row on every update
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.clicked.connect(self._row_clicked)
        self.table.doubleClicked.connect(
            lambda index: self.sampleActivated.emit(self.split, int(self.table_model.rows[index.row()])))
        self.placeholder, self.stack = placeholder_stack(self, "samplesPlaceholder", self.scroll, self.table)
        stacked_column(self, bar, self.summary, self.stack)
        self._unconstrain_layout()

    # ---- feeding -----------------------------------------------------------------------------
    def reset(self, info: dict[str, Any] | None) -> None:
        self.info = info or {}
        self.class_names = [str(c) for c in self.info.get("class_names") or ()]
        classification = self.info.get("task") in ("binary", "multiclass")
        self.is_image = bool(self.info.get("image_shape")) and self.info.get("test_images") is not None
        self.y = {s: np.asarray(self.info.get(f"{s}_y", np.zeros(0))).ravel() for s in ("train", "test")}
        self._images = {}
        self._sized: tuple | None = None   # the table's columns were fitted to (split, predictions?)
        self.predicted, self.confidence, self.total = None, np.zeros(0), 0
        self.grid.set_selected(None)
        if not info:
            self._show_placeholder(NO_RUN)
        elif not classification:
            self._show_placeholder(NEEDS_CLASSES)
        else:
            self.stack.setCurrentWidget(self.scroll if self.is_image else self.table)
            self._load_split()
        self.mistakes_box.setEnabled(bool(info) and classification)
        self.split_box.setEnabled(bool(info) and classification)
        self.schedule_redraw()

    def _show_placeholder(self, text: str) -> None:
        self.placeholder.setText(text)
        self.stack.setCurrentWidget(self.placeholder)
        self.summary.setText("")

    def clear(self) -> None:
        self.predicted = None
        self.schedule_redraw()

    def set_split(self, split: str) -> None:
        if split == self.split:
            return
        self.split = split
        self.predicted, self.confidence = None, np.zeros(0)
        self.grid.set_selected(None)
        if self.stack.currentWidget() is not self.placeholder:
            self._load_split()
        self.schedule_redraw()

    def _load_split(self) -> None:
        if self.is_image:
            if self.split not in self._images:
                tiles = np.asarray(self.info.get(f"{self.split}_images"))
                self._images[self.split] = [to_qimage(picture_rgba(t)) for t in tiles]
            images = self._images[self.split]
            shape = self.info["image_shape"]
            self.grid.set_images(images, tile_size(int(shape[-2]), int(shape[-1])))
        else:
            features = self.info.get(f"{self.split}_features", self.info.get(f"{self.split}_X"))
            names = [str(n) for n in self.info.get("input_names") or ()]
            if features is not None:
                features = np.asarray(features)
                features = features.reshape(len(features), -1) if features.size else np.zeros((len(features), 0))
                features = features[:, :TABLE_FEATURES]
                self.table_model.feature_names = names[: features.shape[1]]
            else:
                self.table_model.feature_names = []
            self.table_model.features = features

    def add_snapshot(self, snapshot: dict[str, Any]) -> None:
        classes = snapshot.get("classes")
        if classes is None or classes.get("split") != self.split:
            return
        self.predicted = np.asarray(classes["predicted"], dtype=np.int64)
        self.confidence = np.asarray(classes["confidence"], dtype=np.float64)
        self.total = int(classes.get("total", len(self.predicted)))
        self.schedule_redraw()

    # ---- queries -----------------------------------------------------------------------------
    @property
    def mistakes_only(self) -> bool:
        return self.mistakes_box.isChecked()

    def set_mistakes_only(self, on: bool) -> None:
        self.mistakes_box.setChecked(on)

    def class_name(self, k: int | None) -> str:
        if k is None:
            return "–"
        return self.class_names[k] if 0 <= k < len(self.class_names) else str(k)

    def true_class(self, i: int) -> int:
        return int(self.y[self.split][i])

    def predicted_class(self, i: int) -> int | None:
        p = self.predicted
        return int(p[i]) if p is not None and i < len(p) else None

    def is_mistake(self, i: int) -> bool:
        p = self.predicted_class(i)
        return p is not None and p != self.true_class(i)

    def mistake_color(self) -> QColor:
        return QColor(MISTAKE_DARK if self.theme.dark else MISTAKE_LIGHT)

    def shown(self) -> np.ndarray:
        """The sample indices shown, in order."""
        n = len(self.predicted) if self.predicted is not None else min(len(self.y.get(self.split, ())),
                                                                          int(self.info.get("class_limit") or 0))
        if self.is_image:
            n = min(n, len(self.info.get(f"{self.split}_images", ())))
        rows = np.arange(n)
        if self.mistakes_only and self.predicted is not None:
            rows = rows[self.predicted[:n] != self.y[self.split][:n]]
        return rows

    # ---- drawing -----------------------------------------------------------------------------
    def _draw(self) -> None:
        if self.stack.currentWidget() is self.placeholder:
            return
        rows = self.shown()
        self._update_summary(len(rows))
        if self.is_image:
            n = len(self.grid.images)
            y = self.y[self.split][:n]
            red = self.mistake_color()
            captions, frames, colours = [], [], []
            for i in range(n):
                p = self.predicted_class(i)
                wrong = p is not None and p != int(y[i])
                captions.append(f"{short(self.class_name(int(y[i])), 5)}→{short(self.class_name(p), 5)}" if wrong
                                else short(self.class_name(int(y[i]))))
                frames.append(red if wrong else None)
                colours.append(red if wrong else None)
            self.grid.set_marks(captions, frames, colours)
            self.grid.set_order(rows)
        else:
            self.table_model.set_rows(rows)
            sized = (self.split, self.predicted is not None)
            if len(rows) and self._sized != sized:
                self._sized = sized
                self.table.resizeColumnsToContents()
                wide = self.table.fontMetrics().horizontalAdvance("100 %") + 14
                self.table.setColumnWidth(3, max(self.table.columnWidth(3), wide))

    def _update_summary(self, shown: int) -> None:
        name = "Test set" if self.split == "test" else "Training set"
        if self.predicted is None:
            self.summary.setText("The predictions come with the next snapshot")
            return
        n = len(self.predicted)
        wrong = int((self.predicted != self.y[self.split][:n]).sum())
        of = f" (the first {n:,} of {self.total:,})" if self.total > n else ""
        self.summary.setText(f"{name}{of}: {wrong:,} of {n:,} wrong, {100 * (n - wrong) / max(n, 1):.1f} % right")
        self.summary.setToolTip("Mistakes are framed red; click a sample for its feature maps")

    def _tooltip(self, i: int) -> str:
        p = self.predicted_class(i)
        text = f"Sample {i} of the {'test' if self.split == 'test' else 'training'} set\ntrue: {self.class_name(self.true_class(i))}"
        if p is not None:
            text += f"\npredicted: {self.class_name(p)} ({100 * float(self.confidence[i]):.0f} %)"
        return text + "\nClick: its feature maps; double-click: show them"

    @Slot(int)
    def _tile_clicked(self, i: int) -> None:
        self.grid.set_selected(i)
        self.sampleChosen.emit(self.split, i)

    def _row_clicked(self, index: QModelIndex) -> None:
        self.sampleChosen.emit(self.split, int(self.table_model.rows[index.row()]))

    def select_sample(self, index: int | None) -> None:
        self.grid.set_selected(index)

    @Slot()
    def _option_changed(self) -> None:
        self.redraw()

    def _apply_theme(self) -> None:
        t = self.theme
        self.grid.text_color = t.text
        self.grid.select_color = t.series("train")
        self.placeholder.setStyleSheet(f"color: {t.muted.name()};")
        self.summary.setStyleSheet(f"color: {t.muted.name()};")
        self.schedule_redraw()
