"""The decision boundary: the network's output over the input plane as a heat map (≥ 100 × 100) with
the train and test points on top — TF Playground's picture, for binary, multi-class and regression
problems — or, for one input, the data and the prediction curve. Other inputs get a placeholder.

Feeding: ``reset(loaded_message)`` sets up the classes, points and extent; ``add_snapshot(snapshot)``
keeps the newest ``boundary`` grid; the coalesced redraw colours it. ``sampleClicked(index, split)``
("train"/"test", the row in ``loaded["train_X"]``/``["test_X"]``) is emitted on a click on a point.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QLinearGradient, QPainter, QPen
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

import pyqtgraph as pg

from engine.data import FEATURE_LABELS

from . import colormaps as cm
from .common import LivePlot, PlotTheme, pen, placeholder_label, small_font, style_plot_item, style_view

POINT_SIZE = 7.0
HIT_RADIUS = 6.0          # pixels around a point's centre that count as clicking it
SQUARE_WITHIN = 1.5       # extents whose sides differ less than this are drawn square


def input_label(name: str) -> str:
    return FEATURE_LABELS.get(name, name)


def class_label(name: str) -> str:
    return f"class {name}" if name.isdigit() else name


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


class SmoothImageItem(pg.ImageItem):
    """An image drawn with bilinear filtering: a 100 × 100 grid scaled up to a dock looks smooth
    (as Playground's canvas does) instead of blocky."""

    def paint(self, painter: QPainter, *args) -> None:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        super().paint(painter, *args)


# ---- legend ---------------------------------------------------------------------------
@dataclass
class LegendItem:
    kind: str                       # "dot" | "ring" | "line" | "gradient" | "text"
    text: str = ""
    color: QColor = field(default_factory=QColor)
    outline: QColor | None = None
    stops: list[QColor] = field(default_factory=list)
    labels: tuple[str, str, str] = ("", "", "")


class BoundaryLegend(QWidget):
    """One centred line of swatches: class colours, a colour bar, and the train/test markers."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("boundaryLegend")
        self.items: list[LegendItem] = []
        self.theme: PlotTheme | None = None
        self.setFont(small_font(self))

    def set_items(self, items: list[LegendItem], theme: PlotTheme) -> None:
        self.items, self.theme = items, theme
        self.updateGeometry()
        self.update()

    def text(self) -> str:
        """The legend's words (tests, accessibility)."""
        words = []
        for item in self.items:
            words += [w for w in (item.labels if item.kind == "gradient" else (item.text,)) if w]
        return " ".join(words)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(200, self.fontMetrics().height() + 10)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(60, self.fontMetrics().height() + 10)

    def _widths(self) -> list[float]:
        fm = self.fontMetrics()
        widths = []
        for item in self.items:
            if item.kind == "gradient":
                left, _, right = item.labels
                widths.append(fm.horizontalAdvance(left) + 96 + fm.horizontalAdvance(right) + 8)
            elif item.kind == "line":
                widths.append(22 + fm.horizontalAdvance(item.text))
            else:
                widths.append((14 if item.kind != "text" else 0) + fm.horizontalAdvance(item.text))
        return widths

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        if not self.items or self.theme is None:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = self.fontMetrics()
        gap = 14
        widths = self._widths()
        total = sum(widths) + gap * (len(widths) - 1)
        x = max(4.0, (self.width() - total) / 2)
        mid = self.height() / 2
        text_pen = QPen(self.theme.text)
        for item, width in zip(self.items, widths):
            if item.kind in ("dot", "ring"):
                p.setPen(QPen(item.outline or self.theme.background, 1.4))
                p.setBrush(QBrush(item.color) if item.kind == "dot" else Qt.BrushStyle.NoBrush)
                p.drawEllipse(QPointF(x + 5, mid), 4.5, 4.5)
                p.setPen(text_pen)
                p.drawText(QPointF(x + 14, mid + fm.ascent() / 2 - 1), item.text)
            elif item.kind == "line":
                p.setPen(QPen(item.color, 2.5))
                p.drawLine(QPointF(x, mid), QPointF(x + 16, mid))
                p.setPen(text_pen)
                p.drawText(QPointF(x + 22, mid + fm.ascent() / 2 - 1), item.text)
            elif item.kind == "text":
                p.setPen(QPen(self.theme.muted))
                p.drawText(QPointF(x, mid + fm.ascent() / 2 - 1), item.text)
            else:
                left, centre, right = item.labels
                p.setPen(text_pen)
                p.drawText(QPointF(x, mid + fm.ascent() / 2 - 1), left)
                bar = QRectF(x + fm.horizontalAdvance(left) + 4, mid - 5, 96, 10)
                gradient = QLinearGradient(bar.topLeft(), bar.topRight())
                for i, color in enumerate(item.stops):
                    gradient.setColorAt(i / max(1, len(item.stops) - 1), color)
                p.setPen(QPen(self.theme.axis, 0.8))
                p.setBrush(QBrush(gradient))
                p.drawRoundedRect(bar, 2, 2)
                if centre:
                    p.setPen(QPen(self.theme.axis, 1))
                    p.drawLine(QPointF(bar.center().x(), bar.bottom()), QPointF(bar.center().x(), bar.bottom() - 3))
                p.setPen(text_pen)
                p.drawText(QPointF(bar.right() + 4, mid + fm.ascent() / 2 - 1), right)
            x += width + gap
        p.end()


# ---- the plot -------------------------------------------------------------------------
class BoundaryPlot(LivePlot):
    """Decision boundary with data points; objectName ``boundaryPlot``."""

    sampleClicked = Signal(int, str)  # index into loaded["train_X"] / ["test_X"], "train" | "test"
    PREFERRED = QSize(320, 360)

    def __init__(self, parent: QWidget | None = None):
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

    # ---- colours ---------------------------------------------------------------------
    def _heat(self) -> cm.HeatStyle:
        return cm.HeatStyle.for_theme(self.theme.dark)

    def _palette(self) -> list[QColor]:
        return cm.class_colors(max(2, len(self.class_names)))

    def image_rgba(self, grid: np.ndarray | None = None) -> np.ndarray | None:
        """The heat map of ``grid`` (default: the newest) as (rows = x2, cols = x1, RGBA)."""
        grid = self.grid if grid is None else grid
        if grid is None or self.mode != "plane":
            return None
        grid = np.asarray(grid)
        style = self._heat()
        if grid.ndim == 3:
            return cm.class_probability_rgba(grid, self._palette(), style, self.discretize)
        if self.task in ("binary", "multiclass"):
            return cm.binary_rgba(grid, self._palette(), style, self.discretize)
        centre, half = self._scale
        return cm.diverging_rgba((grid - centre) / half, style, self.discretize)

    def _point_colors(self, split: str) -> list[QColor]:
        labels = self._labels.get(split)
        if labels is None or not len(labels):
            return []
        if self.task in ("binary", "multiclass"):
            palette = self._palette()
            return [palette[int(k) % len(palette)] for k in labels]
        centre, half = self._scale
        rgba = cm.diverging_rgba((labels - centre) / half, self._heat(), tint=False)
        return [QColor(int(r), int(g), int(b)) for r, g, b, _ in rgba]

    def _outlines(self) -> dict[str, QColor]:
        if self.theme.dark:
            return {"train": QColor("#15171a"), "test": QColor("#f2f2f2")}
        return {"train": QColor("#ffffff"), "test": QColor("#1b1d20")}

    def _style_points(self) -> None:
        outlines = self._outlines()
        for split, scatter in self.scatters.items():
            pts = self._points.get(split)
            if pts is None or not len(pts) or self.mode not in ("plane", "line"):
                scatter.setData([], [])
                continue
            size = self._point_size()
            if self.mode == "line":
                color = self.theme.series("train" if split == "train" else "test")
                brush = pg.mkBrush(color) if split == "train" else pg.mkBrush(None)
                outline = pen(self.theme.background if split == "train" else color, 1.0 if split == "train" else 1.6)
                scatter.setData(pts[:, 0], pts[:, 1], size=size, brush=brush, pen=outline)
            else:
                brushes = [pg.mkBrush(c) for c in self._point_colors(split)]
                outline = pen(outlines[split], 1.0)
                scatter.setData(pts[:, 0], pts[:, 1], size=size, brush=brushes, pen=outline)
        self.scatters["test"].setVisible(self.show_test)

    def _has_test(self) -> bool:
        return len(self._points.get("test", ())) > 0

    def _point_size(self) -> float:
        """Smaller dots when there are many, so the map still shows between them."""
        n = sum(len(p) for p in self._points.values())
        return POINT_SIZE if n <= 600 else (6.0 if n <= 1500 else 5.0)

    def _update_legend(self) -> None:
        theme = self.theme
        items: list[LegendItem] = []
        outlines = self._outlines()
        if self.mode == "plane":
            if self.task in ("binary", "multiclass"):
                palette = self._palette()
                names = self.class_names or ["0", "1"]
                if len(names) == 2:
                    heat = self._heat()
                    items.append(LegendItem("dot", class_label(names[0]), palette[0], outlines["train"]))
                    items.append(LegendItem("gradient", stops=[heat.heat_color(palette[0]), cm.qcolor(heat.tint(heat.neutral)),
                                                               heat.heat_color(palette[1])], labels=("", "0.5", "")))
                    items.append(LegendItem("dot", class_label(names[1]), palette[1], outlines["train"]))
                else:
                    items += [LegendItem("dot", class_label(n), palette[k], outlines["train"]) for k, n in enumerate(names)]
            else:
                centre, half = self._scale
                heat = self._heat()
                stops = [cm.qcolor(c) for c in cm.diverging_rgba(np.linspace(-1, 1, 9), heat)[:, :3]]
                items.append(LegendItem("gradient", stops=stops, labels=(
                    _short(centre - half), _short(centre), _short(centre + half))))
            marker = QColor(theme.muted)
            items.append(LegendItem("dot", "train", marker, outlines["train"]))
            if self._has_test():
                items.append(LegendItem("dot", "test", marker, outlines["test"]))
        elif self.mode == "line":
            items.append(LegendItem("dot", "train", theme.series("train"), theme.background))
            if self._has_test():
                items.append(LegendItem("ring", "test", QColor(), theme.series("test")))
            items.append(LegendItem("line", "prediction", theme.series("prediction")))
        self.legend.set_items(items, theme)
        self.legend.setVisible(bool(items))

    # ---- drawing ---------------------------------------------------------------------
    def _apply_theme(self) -> None:
        style_view(self.view, self.theme)
        style_plot_item(self.plot, self.theme)
        self.curve.setPen(pen(self.theme.series("prediction"), 2.5))
        self.placeholder.setStyleSheet(f"color: {self.theme.muted.name()};")
        if hasattr(self, "_points"):
            self._style_points()
            self._update_legend()

    def _draw(self) -> None:
        if self.mode == "plane" and self.grid is not None:
            rgba = self.image_rgba()
            r_rows, r_cols = rgba.shape[:2]
            x0, x1, y0, y1 = self.extent
            dx = (x1 - x0) / max(1, r_cols - 1)
            dy = (y1 - y0) / max(1, r_rows - 1)
            self.image.setImage(rgba.transpose(1, 0, 2), autoLevels=False)
            self.image.setRect(QRectF(x0 - dx / 2, y0 - dy / 2, dx * r_cols, dy * r_rows))
            self.image.show()
        else:
            self.image.hide()
        if self.mode == "line" and self.grid is not None and self.extent is not None:
            values = np.asarray(self.grid, dtype=np.float64).ravel()
            self.curve.setData(np.linspace(self.extent[0], self.extent[1], len(values)), values)
        else:
            self.curve.setData([], [])

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

    # ---- clicks ----------------------------------------------------------------------
    def sample_at(self, scene_pos: QPointF) -> tuple[int, str] | None:
        """The data point drawn under ``scene_pos`` (the nearest within HIT_RADIUS pixels; the test
        points lie on top), or None."""
        vb = self.plot.vb
        if self.mode not in ("plane", "line") or not vb.sceneBoundingRect().contains(scene_pos):
            return None
        at = vb.mapSceneToView(scene_pos)
        px, py = vb.viewPixelSize()
        if not (px > 0 and py > 0):
            return None
        best: tuple[float, int, str] | None = None
        for split in ("test", "train"):
            pts = self._points.get(split)
            if pts is None or not len(pts) or not self.scatters[split].isVisible():
                continue
            d2 = ((pts[:, 0] - at.x()) / px) ** 2 + ((pts[:, 1] - at.y()) / py) ** 2
            i = int(np.argmin(d2))
            if d2[i] <= HIT_RADIUS ** 2 and (best is None or d2[i] < best[0]):
                best = (float(d2[i]), i, split)
        return None if best is None else (best[1], best[2])

    def sample_text(self, index: int, split: str) -> str:
        """What a data point is, for its tooltip."""
        x = self._points[split][index]
        label = self._labels[split][index]
        names = [self.plot.getAxis(side).labelText for side in ("bottom", "left")]
        if self.task in ("binary", "multiclass"):
            k = int(label)
            what = class_label(self.class_names[k] if k < len(self.class_names) else str(k))
        else:
            what = f"target {float(label):.4g}"
        where = (f"{names[0]} = {x[0]:.3g}, {names[1]} = {x[1]:.3g}" if self.mode == "plane"
                 else f"{names[0]} = {x[0]:.3g}")
        return f"{split.capitalize()} sample {index}: {what} at {where}. Click to inspect it."

    @Slot(object)
    def _pointer_moved(self, pos: QPointF) -> None:
        """Over a data point: a pointing hand and a tooltip saying what it is."""
        hit = self.sample_at(pos)
        if hit == self._pointed:
            return
        self._pointed = hit
        if hit is None:
            self.view.unsetCursor()
            self.view.setToolTip("")
        else:
            self.view.setCursor(Qt.CursorShape.PointingHandCursor)
            self.view.setToolTip(self.sample_text(*hit))

    @Slot(object)
    def _on_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        hit = self.sample_at(event.scenePos())
        if hit is not None:
            self.sampleClicked.emit(*hit)

    def point_scene_pos(self, split: str, index: int) -> QPointF:
        """Where point ``index`` of ``split`` is drawn, in scene coordinates."""
        x, y = self._points[split][index]
        return self.plot.vb.mapViewToScene(QPointF(float(x), float(y)))


def _short(value: float) -> str:
    return f"{value:.3g}"
