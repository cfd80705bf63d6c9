"""A small scatter plot of the chosen data, in Playground's colours, drawn with QPainter.

2-D data: the points over the plotted extent (training points filled, test points with a dark
ring as in Playground). 1-D regression: target over x. Wider data: the first two columns,
standardised, with a note; images: a grid of samples, a few of each class, with a note.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from .theme import muted_color

# Playground's colours: class 0 is its orange (−1), class 1 its blue (+1).
ORANGE = QColor("#f59322")
BLUE = QColor("#0877bd")
CLASS_COLORS = [ORANGE, BLUE, QColor("#2ca02c"), QColor("#d62728"), QColor("#9467bd"), QColor("#8c564b"),
                QColor("#e377c2"), QColor("#7f7f7f"), QColor("#bcbd22"), QColor("#17becf")]
SIDE = 148
GRID = 4  # images per row and column of the image preview


def class_color(k: int) -> QColor:
    return CLASS_COLORS[k % len(CLASS_COLORS)]


def value_color(t: float) -> QColor:
    """Regression: t in [0, 1] from orange through white to blue (Playground's diverging map)."""
    t = min(max(t, 0.0), 1.0)
    white = QColor("#f0f0f0")
    a, b, u = (ORANGE, white, t * 2) if t < 0.5 else (white, BLUE, t * 2 - 1)
    return QColor(round(a.red() + (b.red() - a.red()) * u), round(a.green() + (b.green() - a.green()) * u),
                  round(a.blue() + (b.blue() - a.blue()) * u))


class DatasetPreview(QWidget):
    """``show_data(train_X, train_y, test_X, test_y, task, extent)`` or ``show_note(text)``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("datasetPreview")
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setFixedSize(SIDE, SIDE)
        self._points: list[tuple[np.ndarray, np.ndarray, bool]] = []
        self._task = "binary"
        self._extent = (-6.0, 6.0, -6.0, 6.0)
        self._curve = False
        self._note = ""
        self._y_range = (0.0, 1.0)
        self._images: list[tuple[QImage, int]] = []

    def sizeHint(self) -> QSize:
        return QSize(SIDE, SIDE)

    @property
    def point_count(self) -> int:
        return sum(len(x) for x, _, _ in self._points)

    @property
    def note(self) -> str:
        return self._note

    @property
    def image_count(self) -> int:
        return len(self._images)

    def show_note(self, text: str) -> None:
        self._points, self._images, self._note = [], [], text
        self.update()

    def show_images(self, X: np.ndarray, y: np.ndarray, note: str = "") -> None:
        """Up to GRID² samples of images X (N, C, H, W), classes taken in turn, drawn greyscale or RGB."""
        y = np.asarray(y)
        if y.dtype.kind in "iu" and y.ndim == 1 and len(y):
            order = np.lexsort((np.arange(len(y)), _rank_within_class(y)))  # 1st of each class, then 2nd, …
        else:
            order = np.arange(len(X))
        chosen = order[: GRID * GRID]
        sample = np.asarray(X[chosen], dtype=np.float64)
        lo, hi = (float(sample.min()), float(sample.max())) if sample.size else (0.0, 1.0)
        pixels = np.clip(np.rint((sample - lo) / ((hi - lo) or 1.0) * 255), 0, 255).astype(np.uint8)
        self._images = [(_qimage(img), int(y[i]) if y.dtype.kind in "iu" and y.ndim == 1 else -1)
                        for img, i in zip(pixels, chosen)]
        self._points, self._note = [], note
        self.update()

    def show_data(self, train_X: np.ndarray, train_y: np.ndarray, test_X: np.ndarray, test_y: np.ndarray,
                  task: str, extent: tuple[float, float] | None = None, note: str = "") -> None:
        train_X, test_X = np.asarray(train_X, float), np.asarray(test_X, float)
        self._task, self._note, self._images = task, note, []
        self._curve = train_X.ndim == 2 and train_X.shape[1] == 1
        if self._curve:  # 1-D: x against the target
            train_X = np.column_stack([train_X[:, 0], np.asarray(train_y, float).reshape(len(train_X), -1)[:, 0]])
            test_X = np.column_stack([test_X[:, 0], np.asarray(test_y, float).reshape(len(test_X), -1)[:, 0]]) \
                if len(test_X) else test_X.reshape(0, 2)
        both = np.concatenate([train_X[:, :2], test_X[:, :2]]) if len(test_X) else train_X[:, :2]
        if extent is not None and not self._curve:
            self._extent = (extent[0], extent[1], extent[0], extent[1])
        elif len(both):
            lo, hi = both.min(axis=0), both.max(axis=0)
            pad = 0.06 * np.maximum(hi - lo, 1e-9)
            self._extent = (lo[0] - pad[0], hi[0] + pad[0], lo[1] - pad[1], hi[1] + pad[1])
        if task == "regression" and not self._curve:
            ys = np.concatenate([np.ravel(train_y), np.ravel(test_y)]).astype(float)
            self._y_range = (float(ys.min()), float(ys.max())) if len(ys) else (0.0, 1.0)
        self._points = [(train_X[:, :2], np.asarray(train_y), False), (test_X[:, :2], np.asarray(test_y), True)]
        self.update()

    def _color(self, y: object) -> QColor:
        if self._curve:  # x against the target: the height says it all
            return BLUE
        if self._task == "regression":
            lo, hi = self._y_range
            return value_color((float(y) - lo) / (hi - lo) if hi > lo else 0.5)
        return class_color(int(y))

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        frame = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        p.setPen(QPen(muted_color(self.palette()), 1))
        p.setBrush(self.palette().base())
        p.drawRect(frame)
        if self._images:
            self._paint_images(p, frame)
        if self._points:
            x0, x1, y0, y1 = self._extent
            w, h = frame.width() - 8, frame.height() - 8
            sx, sy = w / ((x1 - x0) or 1), h / ((y1 - y0) or 1)
            ring = QPen(QColor(30, 30, 30), 0.9)
            radius = 1.9 if self.point_count > 150 else 3.2  # a few points may be larger
            for X, y, is_test in self._points:
                p.setPen(ring if is_test else Qt.PenStyle.NoPen)
                for (a, b), label in zip(X, y):
                    p.setBrush(self._color(label))
                    p.drawEllipse(QPointF(frame.left() + 4 + (a - x0) * sx, frame.bottom() - 4 - (b - y0) * sy),
                                  radius, radius)
        if self._note:
            shown = self._points or self._images
            p.setPen(self.palette().color(self.foregroundRole()) if not shown else muted_color(self.palette()))
            flags = Qt.TextFlag.TextWordWrap | (Qt.AlignmentFlag.AlignCenter if not shown
                                                else Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignHCenter)
            p.drawText(frame.adjusted(6, 6, -6, -4), int(flags), self._note)
        p.end()

    def _paint_images(self, p: QPainter, frame: QRectF) -> None:
        """The samples in a GRID × GRID block above the note, each with its class colour underneath."""
        note_h = p.fontMetrics().height() + 6 if self._note else 0
        gap = 3.0
        cell = min((frame.width() - 8 - gap * (GRID - 1)) / GRID, (frame.height() - 8 - note_h - gap * GRID) / GRID)
        left = frame.left() + (frame.width() - GRID * cell - gap * (GRID - 1)) / 2
        top = frame.top() + 4
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)  # crisp pixels, as the network sees them
        for k, (image, label) in enumerate(self._images):
            r, c = divmod(k, GRID)
            box = QRectF(left + c * (cell + gap), top + r * (cell + gap), cell, cell - 2)
            p.drawImage(box, image)
            if label >= 0:
                p.fillRect(QRectF(box.left(), box.bottom() + 0.5, box.width(), 2), class_color(label))


def _rank_within_class(y: np.ndarray) -> np.ndarray:
    """For each sample, how many earlier samples share its class (0 for the first of each class)."""
    order = np.argsort(y, kind="stable")
    counts = np.bincount(y)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.empty(len(y), dtype=np.int64)
    rank[order] = np.arange(len(y)) - np.repeat(starts, counts)
    return rank


def _qimage(img: np.ndarray) -> QImage:
    """(C, H, W) uint8 -> a QImage that owns its pixels (grey for 1 channel, RGB for 3)."""
    c, h, w = img.shape
    if c == 3:
        data = np.ascontiguousarray(img.transpose(1, 2, 0))
        return QImage(data.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
    data = np.ascontiguousarray(img[0])
    return QImage(data.data, w, h, w, QImage.Format.Format_Grayscale8).copy()
