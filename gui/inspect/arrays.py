"""Arrays as the inspector shows them: a few values as aligned numbers with bars, many as a heatmap.

``VectorTable``: columns of up to ``SMALL`` values side by side (z, a, ∂L/∂a, …), one row per
element, each number right-aligned in tabular figures and coloured by sign, with a bar from a zero
line scaled to the column's largest magnitude. ``Heatmap``: a matrix (or a long vector wrapped into
rows) as coloured cells — blue positive, orange negative — with a legend; hovering a cell tells its
index and value. Both paint themselves (no child widgets), size to their content so no text is
clipped, and give their numbers back as text (``texts()``, ``values``) for copying and tests.
"""
from __future__ import annotations

import math
import re

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtCore import QEvent
from PySide6.QtGui import (
    QAction, QColor, QFontMetricsF, QGuiApplication, QImage, QLinearGradient, QMouseEvent, QPainter, QPaintEvent, QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from engine.explain.text import num

from .style import Colors, colors, number_font

SMALL = 16          # arrays up to this many values: numbers and bars; larger ones: a heatmap
BAR_WIDTH = 40.0
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SYMBOL_DIGITS = re.compile(r"(?<=^[A-Za-z\u00C0-\u024F\u0370-\u03FF])(\d+)|(?<=[^A-Za-z0-9_.][A-Za-z\u00C0-\u024F\u0370-\u03FF])(\d+)")


def pretty_symbol(symbol: str) -> str:
    """``z1[0]`` → ``z₁[0]``, ``∂L/∂a1`` → ``∂L/∂a₁`` (one-letter variables only; node names stay)."""
    return _SYMBOL_DIGITS.sub(lambda m: m.group().translate(_SUBSCRIPTS), symbol)


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    t = min(max(t, 0.0), 1.0)
    return QColor.fromRgbF(a.redF() + (b.redF() - a.redF()) * t, a.greenF() + (b.greenF() - a.greenF()) * t,
                           a.blueF() + (b.blueF() - a.blueF()) * t)


class _Copyable(QWidget):
    """Context menu "Copy values" (tab-separated), a tooltip per element."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        copy = QAction("Copy values", self)
        copy.triggered.connect(lambda: QGuiApplication.clipboard().setText(self.copy_text()))
        self.addAction(copy)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self._colors: Colors = colors(self)

    def copy_text(self) -> str:  # pragma: no cover - overridden
        return ""

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() in (event.Type.PaletteChange, event.Type.ApplicationPaletteChange):
            self._colors = colors(self)
            self.update()
        super().changeEvent(event)


class VectorTable(_Copyable):
    """Columns ``[(header, values)]`` of equal length, rows labelled ``row_labels``."""

    def __init__(self, columns: list[tuple[str, np.ndarray]], row_labels: list[str] | None = None, *,
                 bars: bool = True, parent: QWidget | None = None, name: str = "") -> None:
        super().__init__(parent)
        if name:
            self.setObjectName(name)
        self.columns = [(h, np.asarray(v, dtype=np.float64).reshape(-1)) for h, v in columns]
        n = max((v.size for _, v in self.columns), default=0)
        self.row_labels = list(row_labels) if row_labels is not None else [f"[{i}]" for i in range(n)]
        self.rows = n
        self.bars = bars and n > 1  # one value has nothing to compare its bar with
        self._texts = [[num(v[i]) if i < v.size else "" for _, v in self.columns] for i in range(n)]
        self.setFont(number_font(self.font()))
        self._layout()

    # ---- content -------------------------------------------------------------------------------
    def texts(self) -> list[list[str]]:
        """The numbers as shown, row by row."""
        return [list(r) for r in self._texts]

    def column_texts(self, header: str) -> list[str]:
        j = [h for h, _ in self.columns].index(header)
        return [r[j] for r in self._texts]

    def copy_text(self) -> str:
        lines = ["\t".join([""] + [h for h, _ in self.columns])]
        lines += ["\t".join([label] + row) for label, row in zip(self.row_labels, self._texts)]
        return "\n".join(lines)

    # ---- geometry --------------------------------------------------------------------------------
    def _layout(self) -> None:
        """Column positions with bars (the size hint) and without (the minimum size: a narrow page
        keeps the numbers and drops the bars)."""
        fm = QFontMetricsF(self.font())
        self._row_h = math.ceil(fm.height() + 6)
        self._label_w = math.ceil(max([fm.horizontalAdvance(s) for s in self.row_labels] + [0]) + 14)
        self._text_w = [max([fm.horizontalAdvance(header)] + [fm.horizontalAdvance(r[j]) for r in self._texts] + [24.0])
                        for j, (header, _) in enumerate(self.columns)]
        self._full_width = self._columns_at(self.bars)
        self._bare_width = self._columns_at(False)
        self._height = self._row_h * (self.rows + 1) + 2
        self._show_bars = self.bars
        self._columns_at(self._show_bars)
        self.updateGeometry()

    def _columns_at(self, bars: bool) -> int:
        self._col_x: list[tuple[float, float, float]] = []  # (text left, text width, bar left)
        x = float(self._label_w)
        for text_w in self._text_w:
            bar_left = x + text_w + 6
            self._col_x.append((x, text_w, bar_left))
            x = bar_left + (BAR_WIDTH if bars else 0) + 14
        self._width = math.ceil(x)
        return self._width

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(self._full_width, self._height)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(self._bare_width, self._height)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        show = self.bars and self.width() >= self._full_width
        if show != self._show_bars:
            self._show_bars = show
            self._columns_at(show)
            self.update()
        super().resizeEvent(event)

    def _cell_at(self, pos: QPointF) -> tuple[int, int] | None:
        row = int(pos.y() // self._row_h) - 1
        if not 0 <= row < self.rows:
            return None
        for j, (left, text_w, bar_left) in enumerate(self._col_x):
            right = bar_left + (BAR_WIDTH if self._show_bars else 0) + 8
            if left - 8 <= pos.x() <= right:
                return row, j
        return None

    # ---- Qt ------------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        c = self._colors
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        fm = QFontMetricsF(self.font())
        rh = self._row_h
        stripe = _mix(c.card, c.text, 0.045)
        for i in range(self.rows):
            if i % 2 == 1:
                p.fillRect(QRectF(0, rh * (i + 1), self._width, rh), stripe)
        base = (rh + fm.ascent() - fm.descent()) / 2
        p.setPen(c.muted)
        for j, (header, _) in enumerate(self.columns):
            left, text_w, _ = self._col_x[j]
            p.drawText(QPointF(left + text_w - fm.horizontalAdvance(header), base), header)
        p.setPen(QPen(c.card_border, 1.0))
        p.drawLine(QPointF(0, rh - 0.5), QPointF(self._width, rh - 0.5))
        for i, label in enumerate(self.row_labels):
            y = rh * (i + 1)
            p.setPen(c.muted)
            p.drawText(QPointF(6, y + base), label)
            for j, (_, values) in enumerate(self.columns):
                if i >= values.size:
                    continue
                v = float(values[i])
                left, text_w, bar_left = self._col_x[j]
                text = self._texts[i][j]
                p.setPen(c.sign(v) if math.isfinite(v) else c.error)
                p.drawText(QPointF(left + text_w - fm.horizontalAdvance(text), y + base), text)
                if self._show_bars:
                    self._bar(p, values, v, bar_left, y, rh)
        p.end()

    def _bar(self, p: QPainter, values: np.ndarray, v: float, left: float, y: float, rh: float) -> None:
        c = self._colors
        finite = values[np.isfinite(values)]
        scale = float(np.abs(finite).max()) if finite.size else 0.0
        half = BAR_WIDTH / 2
        mid = left + half
        p.setPen(QPen(c.zero_line, 1.0))
        p.drawLine(QPointF(mid, y + 3), QPointF(mid, y + rh - 3))
        if scale > 0 and math.isfinite(v) and v != 0:
            w = max(1.5, abs(v) / scale * (half - 1))
            rect = QRectF(mid, y + 5, w, rh - 10) if v > 0 else QRectF(mid - w, y + 5, w, rh - 10)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(c.positive_bar if v > 0 else c.negative_bar)
            p.drawRoundedRect(rect, 2, 2)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        cell = self._cell_at(event.position())
        if cell is None:
            QToolTip.hideText()
            return
        i, j = cell
        header, values = self.columns[j]
        if i < values.size:
            QToolTip.showText(event.globalPosition().toPoint(),
                              f"{header} {self.row_labels[i]} = {float(values[i]):.9g}", self)


class Heatmap(_Copyable):
    """A matrix as coloured cells (a 1-D array wraps into rows), symmetric around 0."""

    def __init__(self, values: np.ndarray, *, parent: QWidget | None = None, name: str = "",
                 max_width: float = 340.0, max_height: float = 200.0, label: str = "") -> None:
        super().__init__(parent)
        if name:
            self.setObjectName(name)
        self.values = np.asarray(values, dtype=np.float64)
        self.label = label
        flat = self.values.reshape(-1)
        if self.values.ndim == 2:
            self.grid_shape = self.values.shape
        else:
            side = math.isqrt(flat.size)
            cols = side if side * side == flat.size else min(flat.size, max(8, math.ceil(math.sqrt(flat.size * 2))))
            self.grid_shape = (math.ceil(flat.size / max(cols, 1)), cols)
        rows, cols = self.grid_shape
        self.cell = max(2.0, min(16.0, math.floor(min(max_width / max(cols, 1), max_height / max(rows, 1)))))
        finite = flat[np.isfinite(flat)]
        self.scale = float(np.abs(finite).max()) if finite.size else 0.0
        self.setFont(number_font(self.font()))
        fm = QFontMetricsF(self.font())
        self._top = math.ceil(fm.height() + 4) if label else 0
        self._legend_h = math.ceil(fm.height() + 12)
        self._caption = (f"{'×'.join(map(str, self.values.shape))} values · mean |·| "
                         f"{num(np.abs(finite).mean()) if finite.size else '—'}")
        legend_w = fm.horizontalAdvance(f"−{num(self.scale)}  0  {num(self.scale)}") + 70
        self._width = math.ceil(max(cols * self.cell, legend_w, fm.horizontalAdvance(self._caption),
                                    fm.horizontalAdvance(label)) + 2)
        self._height = math.ceil(self._top + rows * self.cell + self._legend_h + fm.height() + 6)
        self._image: QImage | None = None
        self._image_key: tuple | None = None

    def copy_text(self) -> str:
        a = self.values if self.values.ndim == 2 else self.values.reshape(1, -1)
        return "\n".join("\t".join(num(v) for v in row) for row in a)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(self._width, self._height)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self.sizeHint()

    def color_of(self, v: float) -> QColor:
        c = self._colors
        if not math.isfinite(v):
            return c.error
        if self.scale == 0:
            return c.card
        t = abs(v) / self.scale
        return _mix(c.card, c.positive_bar if v > 0 else c.negative_bar, t ** 0.8)

    def _render(self) -> QImage:
        c = self._colors
        key = (c.dark, c.card.rgb())
        if self._image is not None and self._image_key == key:
            return self._image
        rows, cols = self.grid_shape
        image = QImage(cols, rows, QImage.Format.Format_ARGB32)
        image.fill(QColor(0, 0, 0, 0))
        flat = self.values.reshape(-1)
        for k, v in enumerate(flat):
            image.setPixelColor(k % cols, k // cols, self.color_of(float(v)))
        self._image, self._image_key = image, key
        return image

    def _index_at(self, pos: QPointF) -> tuple[int, ...] | None:
        rows, cols = self.grid_shape
        r, col = int((pos.y() - self._top) // self.cell), int(pos.x() // self.cell)
        if not (0 <= r < rows and 0 <= col < cols):
            return None
        if self.values.ndim == 2:
            return (r, col)
        k = r * cols + col
        return (k,) if k < self.values.size else None

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        c = self._colors
        p = QPainter(self)
        rows, cols = self.grid_shape
        w, h = cols * self.cell, rows * self.cell
        fm = QFontMetricsF(self.font())
        if self.label:
            p.setPen(c.muted)
            p.drawText(QPointF(0, fm.ascent() + 1), self.label)
        top = self._top
        p.drawImage(QRectF(0, top, w, h), self._render())
        p.setPen(QPen(c.card_border, 1.0))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(QRectF(0.5, top + 0.5, w - 1, h - 1))
        y = top + h + 6
        lo, hi = f"−{num(self.scale)}" if self.scale else "0", num(self.scale)
        lo_w = fm.horizontalAdvance(lo)
        bar = QRectF(lo_w + 6, y + 2, 60, fm.height() - 4)
        gradient = QLinearGradient(bar.topLeft(), bar.topRight())
        gradient.setColorAt(0.0, c.negative_bar)
        gradient.setColorAt(0.5, c.card)
        gradient.setColorAt(1.0, c.positive_bar)
        p.setPen(c.muted)
        p.drawText(QPointF(0, y + fm.ascent()), lo)
        p.fillRect(bar, gradient)
        p.drawRect(bar)
        p.drawText(QPointF(bar.right() + 6, y + fm.ascent()), hi)
        p.drawText(QPointF(0, y + fm.height() + 4 + fm.ascent()), self._caption)
        p.end()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        index = self._index_at(event.position())
        if index is None:
            QToolTip.hideText()
            return
        text = f"{self.label}[{','.join(map(str, index))}] = {float(self.values[index]):.9g}"
        QToolTip.showText(event.globalPosition().toPoint(), text, self)


def array_widget(columns: list[tuple[str, np.ndarray]], row_labels: list[str] | None = None, *,
                 name: str = "", parent: QWidget | None = None) -> list[QWidget]:
    """Numbers and bars when every column is small (one table), else one heatmap per column."""
    columns = [(h, np.asarray(v)) for h, v in columns if v is not None]
    if not columns:
        return []
    if all(v.size <= SMALL for _, v in columns) and len({v.size for _, v in columns}) == 1:
        return [VectorTable(columns, row_labels, parent=parent, name=name)]
    return [Heatmap(v, parent=parent, name=f"{name}:{h}" if name else "", label=h) for h, v in columns]
