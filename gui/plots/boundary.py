"""The decision boundary: the network's output over the input plane as a heat map (≥ 100 × 100) with
the train and test points on top — TF Playground's picture, for binary, multi-class and regression
problems — or, for one input, the data and the prediction curve. Other inputs get a placeholder.

Feeding: ``reset(loaded_message)`` sets up the classes, points and extent; ``add_snapshot(snapshot)``
keeps the newest ``boundary`` grid; the coalesced redraw colours it. ``sampleClicked(index, split)``
("train"/"test", the row in ``loaded["train_X"]``/``["test_X"]``) is emitted on a click on a point.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QObject, QSize, Signal, Slot
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

import pyqtgraph as pg

from engine.data import FEATURE_LABELS

from . import colormaps as cm
from .boundary_image import BoundaryImage, SmoothImageItem
from .boundary_legend import BoundaryLegend, BoundaryLegendContent, LegendItem, class_label  # noqa: F401 - re-exported
from .boundary_points import HIT_RADIUS, POINT_SIZE, BoundaryPoints  # noqa: F401 - re-exported
from .common import LivePlot, pen, placeholder_label, small_font, style_plot_item, style_view

SQUARE_WITHIN = 1.5       # extents whose sides differ less than this are drawn square


def input_label(name: str) -> str:
    return FEATURE_LABELS.get(name, name)


def placeholder_text(info: dict[str, Any] | None) -> str:
    """Why there is no boundary for this data (empty when there is one)."""
    if not info:
        return "The decision boundary appears when a network is loaded."
    shape = [int(s) for s in info.get("input_shape") or ()]
    if shape == [2] and info.get("extent") is not None and info.get("train_X") is not None:
        return ""
    if shape == [1] and info.get("train_X") is not None:
        return ""
    if len(shape) == 1:
        n = shape[0]
        if n == 2:
            return "The decision boundary needs the data's extent; none was sent."
        return f"The decision boundary needs 2 input features; this dataset has {n}."
    dims = " × ".join(str(s) for s in shape)
    return (f"The decision boundary needs 2 input features; this dataset's samples are {dims} "
            f"arrays ({math.prod(shape):,} values).")


class BoundaryPlot(BoundaryImage, BoundaryPoints, BoundaryLegendContent, LivePlot):
    """Decision boundary with data points; objectName ``boundaryPlot``."""

    sampleClicked = Signal(int, str)  # index into loaded["train_X"] / ["test_X"], "train" | "test"
    PREFERRED = QSize(320, 360)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("boundaryPlot")
        self.mode = "empty"          # "empty" | "placeholder" | "plane" | "line"
        self.task: str | None = None
        self.class_names: list[str] = []
        self.extent: tuple[float, float, float, float] | None = None
        self.grid: np.ndarray | None = None   # the newest snapshot["boundary"]
        self._points: dict[str, np.ndarray] = {}   # split -> (N, 2) in view coordinates
        self._labels: dict[str, np.ndarray] = {}   # split -> class index or target value
        self._scale = (0.0, 1.0)                   # regression: centre, half range
        self._aspect: float | None = None
        self._build()
        self._apply_theme()
        self.reset(None)

    def _build(self) -> None:
        self.discretize_box = QCheckBox("Discretize output", self)
        self.discretize_box.setObjectName("boundaryDiscretize")
        self.discretize_box.setToolTip("Show each point's predicted class (or band of values) without shading")
        self.discretize_box.toggled.connect(self._option_changed)
        self.show_test_box = QCheckBox("Show test data", self)
        self.show_test_box.setObjectName("boundaryShowTest")
        self.show_test_box.setChecked(True)
        self.show_test_box.toggled.connect(self._option_changed)
        for box in (self.discretize_box, self.show_test_box):
            box.setFont(small_font(self))
        self.options = QWidget(self)
        bar = QHBoxLayout(self.options)
        bar.setContentsMargins(8, 4, 8, 0)
        bar.setSpacing(12)
        bar.addWidget(self.discretize_box)
        bar.addWidget(self.show_test_box)
        bar.addStretch(1)

        self.view = pg.GraphicsLayoutWidget(self)
        self.view.setObjectName("boundaryView")
        self.view.installEventFilter(self)
        self.plot: pg.PlotItem = self.view.addPlot()
        self.plot.setMouseEnabled(False, False)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        for side in ("left", "bottom"):
            self.plot.getAxis(side).enableAutoSIPrefix(False)
        self.plot.getAxis("left").setWidth(40)
        self.image = SmoothImageItem()
        self.image.setZValue(-10)
        self.plot.addItem(self.image)
        self.curve = pg.PlotDataItem()
        self.curve.setZValue(5)
        self.plot.addItem(self.curve)
        self.scatters = {"train": pg.ScatterPlotItem(pxMode=True), "test": pg.ScatterPlotItem(pxMode=True)}
        self.scatters["train"].setZValue(10)
        self.scatters["test"].setZValue(11)
        for scatter in self.scatters.values():
            self.plot.addItem(scatter)
        self.plot.scene().sigMouseClicked.connect(self._on_clicked)
        self.plot.scene().sigMouseMoved.connect(self._pointer_moved)
        self._pointed: tuple[int, str] | None = None

        self.placeholder = placeholder_label(self, "boundaryPlaceholder")
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self.view)
        self.legend = BoundaryLegend(self)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 2)
        layout.setSpacing(0)
        layout.addWidget(self.options)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.legend)
        self._unconstrain_layout()

    # ---- feeding ---------------------------------------------------------------------
    def reset(self, info: dict[str, Any] | None) -> None:
        """A run was loaded: its task, classes, data points and extent (the ``loaded`` message)."""
        info = info or {}
        self.grid = None
        self.task = info.get("task") or info.get("network_task")
        self.class_names = [str(c) for c in info.get("class_names") or ()]
        self.message = message = placeholder_text(info)
        if message:
            self.mode = "placeholder" if info else "empty"
            hint = ("\n\nThe loss and gradient views follow the training as usual." if info else "")
            self.placeholder.setText(message.replace("; ", ";\n") + hint)
            self._points, self._labels = {}, {}
            self.extent = None
        else:
            self._set_data(info)
        self.stack.setCurrentWidget(self.placeholder if message else self.view)
        self.discretize_box.setEnabled(self.mode == "plane")
        self.show_test_box.setEnabled(self.mode in ("plane", "line"))
        self.options.setVisible(self.mode in ("plane", "line"))
        self._style_points()
        self._update_legend()
        self._fit_aspect()
        self.schedule_redraw()

    def _set_data(self, info: dict[str, Any]) -> None:
        shape = [int(s) for s in info["input_shape"]]
        self.mode = "plane" if shape == [2] else "line"
        names = [input_label(n) for n in info.get("input_names") or ("x1", "x2")[: shape[0]]]
        classification = self.task in ("binary", "multiclass")
        self._points, self._labels = {}, {}
        targets = []
        for split in ("train", "test"):
            X = np.asarray(info.get(f"{split}_X", np.zeros((0, shape[0]))), dtype=np.float64).reshape(-1, shape[0])
            y = np.asarray(info.get(f"{split}_y", np.zeros(len(X))))
            if classification:
                y = y.astype(np.int64).ravel()
            else:  # several targets: the boundary shows the first
                y = y.astype(np.float64).reshape(len(X), -1)[:, 0] if len(X) else np.zeros(0)
            self._points[split] = X if self.mode == "plane" else np.column_stack([X[:, 0], y.astype(np.float64)])
            self._labels[split] = y
            if not classification:
                targets.append(y)
        self._scale = cm.value_scale(np.concatenate(targets)) if targets else (0.0, 1.0)
        if self.mode == "plane":
            self.extent = tuple(float(v) for v in info["extent"])
            x0, x1, y0, y1 = self.extent
            ratio = (y1 - y0) / (x1 - x0) if x1 > x0 else 1.0
            self._aspect = ratio if 1 / SQUARE_WITHIN <= ratio <= SQUARE_WITHIN else None
            self.plot.setLabel("bottom", names[0])
            self.plot.setLabel("left", names[1] if len(names) > 1 else "x₂")
            self.plot.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        else:
            ext = info.get("extent")
            self.extent = tuple(float(v) for v in ext) if ext is not None else None
            self._aspect = None
            self.plot.setLabel("bottom", names[0])
            self.plot.setLabel("left", "output" if classification else "target")
            pts = np.concatenate([self._points["train"], self._points["test"]])
            lo, hi = (self.extent[0], self.extent[1]) if self.extent else (pts[:, 0].min(), pts[:, 0].max())
            ylo, yhi = (pts[:, 1].min(), pts[:, 1].max()) if len(pts) else (-1.0, 1.0)
            pad = 0.08 * ((yhi - ylo) or 1.0)
            self.plot.setRange(xRange=(lo, hi), yRange=(ylo - pad, yhi + pad), padding=0)
        style_plot_item(self.plot, self.theme)

    def clear(self) -> None:
        """Forget the network's output (the weights were reset); the data points stay."""
        self.grid = None
        self.schedule_redraw()

    def add_snapshot(self, snapshot: dict[str, Any]) -> None:
        """Keep the snapshot's boundary grid (drawn by the next redraw)."""
        grid = snapshot.get("boundary")
        if grid is not None and self.mode in ("plane", "line"):
            self.grid = grid
            self.schedule_redraw()

    # ---- options ---------------------------------------------------------------------
    @property
    def discretize(self) -> bool:
        return self.discretize_box.isChecked()

    def set_discretize(self, on: bool) -> None:
        self.discretize_box.setChecked(on)

    @property
    def show_test(self) -> bool:
        return self.show_test_box.isChecked()

    def set_show_test(self, on: bool) -> None:
        self.show_test_box.setChecked(on)

    @Slot()
    def _option_changed(self) -> None:
        self.scatters["test"].setVisible(self.show_test)
        self.redraw()

    # ---- drawing ---------------------------------------------------------------------
    def _apply_theme(self) -> None:
        style_view(self.view, self.theme)
        style_plot_item(self.plot, self.theme)
        self.curve.setPen(pen(self.theme.series("prediction"), 2.5))
        self.placeholder.setStyleSheet(f"color: {self.theme.muted.name()};")
        if hasattr(self, "_points"):
            self._style_points()
            self._update_legend()

    # ---- layout: a square plot for a square extent ------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.view and event.type() == QEvent.Type.Resize:
            self._fit_aspect()
        return super().eventFilter(watched, event)

    def _fit_aspect(self) -> None:
        """Pad the plot so the data area keeps the extent's shape (a square for Playground data)."""
        layout = self.view.ci
        if self._aspect is None or self.mode != "plane":
            layout.setContentsMargins(4, 4, 10, 4)
            return
        left = self.plot.getAxis("left").width() + 4
        bottom = self.plot.getAxis("bottom").height() + 4
        w, h = self.view.width() - left - 14, self.view.height() - bottom - 8
        if w <= 0 or h <= 0:
            return
        if h / w > self._aspect:   # too tall: pad top and bottom
            extra = h - w * self._aspect
            layout.setContentsMargins(4, 4 + extra / 2, 10, 4 + extra / 2)
        else:                       # too wide: pad left and right
            extra = w - h / self._aspect
            layout.setContentsMargins(4 + extra / 2, 4, 10 + extra / 2, 4)
