"""The confusion matrix (rows: true class, columns: predicted class) with counts in the cells, each
row coloured by its shares — the diagonal in blue, mistakes in red — and a per-class accuracy bar at
the end of each row. For every classification dataset, images or not.

Feeding: ``reset(loaded)``, ``set_split(split)``, ``add_snapshot(snapshot)`` keeps the newest
``classes`` field of the shown split. Hovering a cell tells its count and share.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QStackedWidget, QToolTip, QVBoxLayout, QWidget

from . import colormaps as cm
from .class_accuracy import accuracy_text, column_width, draw_accuracy_column, per_class_accuracy
from .common import LivePlot, placeholder_label, small_font
from .plot_theme import PlotTheme
from .samples_grid import NEEDS_CLASSES, split_box

NO_RUN = "Press Play to train.\n\nThe confusion matrix shows which classes the network mixes up."
RIGHT_COLOR = (cm.BLUE, "#5ea1f2")
WRONG_COLOR = ("#d62f3c", "#ff6b6b")


def row_shares(confusion: np.ndarray) -> np.ndarray:
    """Each count as a share of its row (its true class); rows without samples are 0."""
    c = np.asarray(confusion, dtype=np.float64)
    return c / np.maximum(c.sum(axis=1, keepdims=True), 1.0)


class ConfusionMatrix(QWidget):
    """The K × K grid of counts; objectName ``confusionMatrix``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("confusionMatrix")
        self.setFont(small_font(self))
        self.setMouseTracking(True)
        self.class_names: list[str] = []
        self.counts: np.ndarray | None = None
        self.theme: PlotTheme | None = None
        self.bar_color = QColor(RIGHT_COLOR[0])
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(300, 300)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(100, 100)

    def set_data(self, class_names: list[str], counts: np.ndarray | None) -> None:
        self.class_names = list(class_names)
        self.counts = None if counts is None else np.asarray(counts, dtype=np.int64)
        self.update()

    # ---- geometry --------------------------------------------------------------------------
    def _label_width(self) -> int:
        fm = QFontMetrics(self.font())
        return min(80, max([fm.horizontalAdvance(n) for n in self.class_names] or [10])) + 6

    def grid_rect(self) -> QRectF:
        """The square of the cells: room on the left for the true classes and a title, above for
        the predicted classes and a title."""
        fm = QFontMetrics(self.font())
        k = max(1, len(self.class_names))
        left = fm.height() + 4 + self._label_width()
        top = fm.height() * 2 + 6
        right = column_width(fm) + 10
        side = max(10.0, min(self.width() - left - right, self.height() - top - 6))
        side = float(int(side / k) * k) or side
        return QRectF(left, top, side, side)

    def accuracy_row_at(self, pos: QPointF) -> int | None:
        rect, k = self.grid_rect(), len(self.class_names)
        if not k or not (rect.right() + 6 <= pos.x() <= self.width() and rect.top() <= pos.y() < rect.bottom()):
            return None
        return int((pos.y() - rect.top()) // (rect.height() / k))

    def cell_at(self, pos: QPointF) -> tuple[int, int] | None:
        rect, k = self.grid_rect(), len(self.class_names)
        if not k or not rect.contains(pos):
            return None
        size = rect.width() / k
        return int((pos.y() - rect.top()) // size), int((pos.x() - rect.left()) // size)

    # ---- painting ----------------------------------------------------------------------------
    def cell_colors(self) -> np.ndarray:
        """(K, K, 3) colours: blue on the diagonal, red off it, as strong as the row share."""
        t = self.theme
        dark = bool(t and t.dark)
        paper = cm.rgb(t.background if t else "#ffffff")
        shares = row_shares(self.counts)[..., None]
        right, wrong = cm.rgb(RIGHT_COLOR[dark]), cm.rgb(WRONG_COLOR[dark])
        k = len(shares)
        ends = np.where(np.eye(k, dtype=bool)[..., None], right, wrong)
        return paper + (ends - paper) * np.sqrt(shares)  # sqrt: a few mistakes still show

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        t, k = self.theme, len(self.class_names)
        if t is None or not k:
            return
        p = QPainter(self)
        fm = QFontMetrics(self.font())
        rect = self.grid_rect()
        size = rect.width() / k
        colors = self.cell_colors() if self.counts is not None else None
        widest = fm.horizontalAdvance(str(int(self.counts.max()))) if self.counts is not None and self.counts.size else 0
        show_counts = size >= widest + 4
        for r in range(k):
            for c in range(k):
                cell = QRectF(rect.left() + c * size, rect.top() + r * size, size, size)
                if colors is not None:
                    color = cm.qcolor(colors[r, c])
                    p.fillRect(cell, color)
                    count = int(self.counts[r, c])
                    if show_counts and (count or r == c):
                        p.setPen(QColor("#ffffff") if color.lightnessF() < 0.55 else t.text)
                        p.drawText(cell, Qt.AlignmentFlag.AlignCenter, f"{count}")
        p.setPen(t.grid)
        for i in range(k + 1):
            p.drawLine(QPointF(rect.left(), rect.top() + i * size), QPointF(rect.right(), rect.top() + i * size))
            p.drawLine(QPointF(rect.left() + i * size, rect.top()), QPointF(rect.left() + i * size, rect.bottom()))
        p.setPen(t.text)
        label_w = self._label_width()
        draw_accuracy_column(p, t, fm, rect.right() + 10, rect.top(), size, self.counts, k, self.bar_color)
        p.setPen(t.text)
        step = max(1, int(np.ceil((fm.height() - 3) / size)))
        for i, name in enumerate(self.class_names):
            if i % step:
                continue
            elided = fm.elidedText(name, Qt.TextElideMode.ElideRight, label_w - 4)
            p.drawText(QRectF(rect.left() - label_w, rect.top() + i * size, label_w - 4, size),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, elided)
            short = fm.elidedText(name, Qt.TextElideMode.ElideRight, int(max(size * step, 12)))
            p.drawText(QRectF(rect.left() + i * size - size * (step - 1) / 2, rect.top() - fm.height() - 2,
                              size * step, fm.height()), Qt.AlignmentFlag.AlignCenter, short)
        p.setPen(t.muted)
        p.drawText(QRectF(rect.left(), 2, rect.width(), fm.height()), Qt.AlignmentFlag.AlignCenter, "predicted")
        p.save()
        p.translate(fm.height() / 2 + 2, rect.center().y())
        p.rotate(-90)
        p.drawText(QRectF(-rect.height() / 2, -fm.height() / 2, rect.height(), fm.height()),
                   Qt.AlignmentFlag.AlignCenter, "true class")
        p.restore()
        p.end()

    def tooltip_text(self, row: int, col: int) -> str:
        if self.counts is None:
            return ""
        n, total = int(self.counts[row, col]), int(self.counts[row].sum())
        share = f"{100 * n / total:.1f} %" if total else "–"
        true, pred = self.class_names[row], self.class_names[col]
        verdict = "right" if row == col else "mistaken"
        return f"true {true}, predicted {pred}: {n:,} samples ({verdict}; {share} of the {total:,} {true})"

    def accuracy_tooltip(self, row: int) -> str:
        if self.counts is None:
            return ""
        right, total = per_class_accuracy(self.counts)
        return (f"{self.class_names[row]}: {int(right[row]):,} of {int(total[row]):,} right "
                f"({accuracy_text(int(right[row]), int(total[row]))})")

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            pos = QPointF(event.pos())
            cell, row = self.cell_at(pos), self.accuracy_row_at(pos)
            text = self.tooltip_text(*cell) if cell else (self.accuracy_tooltip(row) if row is not None else "")
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)


class ConfusionView(LivePlot):
    """The confusion matrix and the per-class accuracy; objectName ``confusionView``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("confusionView")
        self.split = "test"
        self.class_names: list[str] = []
        self.classes: dict[str, Any] | None = None
        self.matrix = ConfusionMatrix(self)
        self.summary = QLabel(self)
        self.summary.setObjectName("confusionSummary")
        self.summary.setFont(small_font(self))
        self.split_box = split_box(self, "confusionSplit")
        self.placeholder = placeholder_label(self, "confusionPlaceholder")
        self.summary.setWordWrap(True)
        page = QWidget(self)
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 4, 4)
        bar = QHBoxLayout()
        bar.setContentsMargins(8, 4, 8, 0)
        bar.setSpacing(8)
        bar.addWidget(self.split_box)
        bar.addWidget(self.summary, 1)
        column.addLayout(bar)
        column.addWidget(self.matrix, 1)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(page)
        self.page = page
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self._unconstrain_layout()
        self._apply_theme()
        self.reset(None)

    def reset(self, info: dict[str, Any] | None) -> None:
        info = info or {}
        self.class_names = [str(c) for c in info.get("class_names") or ()]
        self.classes = None
        if not info:
            self.placeholder.setText(NO_RUN)
            self.stack.setCurrentWidget(self.placeholder)
        elif info.get("task") not in ("binary", "multiclass"):
            self.placeholder.setText(NEEDS_CLASSES.replace("The samples with their predicted classes appear",
                                                           "The confusion matrix appears"))
            self.stack.setCurrentWidget(self.placeholder)
        else:
            self.stack.setCurrentWidget(self.page)
        self.schedule_redraw()

    def clear(self) -> None:
        self.classes = None
        self.schedule_redraw()

    def set_split(self, split: str) -> None:
        if split != self.split:
            self.split = split
            self.classes = None
            self.schedule_redraw()

    def add_snapshot(self, snapshot: dict[str, Any]) -> None:
        classes = snapshot.get("classes")
        if classes is not None and classes.get("split") == self.split:
            self.classes = classes
            self.schedule_redraw()

    @property
    def counts(self) -> np.ndarray | None:
        return None if self.classes is None else np.asarray(self.classes["confusion"])

    def _draw(self) -> None:
        counts = self.counts
        self.matrix.set_data(self.class_names, counts)
        name = "test set" if self.split == "test" else "training set"
        if counts is None:
            self.summary.setText("The confusion matrix comes with the next snapshot")
            return
        n, total = int(counts.sum()), int(self.classes.get("total", counts.sum()))
        right = int(np.trace(counts))
        of = f" (the first {n:,} of {total:,})" if total > n else ""
        self.summary.setText(f"Accuracy {100 * right / max(n, 1):.1f} % on {n:,} samples{of}")
        self.summary.setToolTip(f"Rows: the true class, columns: the predicted class, on the {name}")

    def _apply_theme(self) -> None:
        t = self.theme
        self.matrix.theme = t
        self.matrix.bar_color = QColor(RIGHT_COLOR[t.dark])
        self.matrix.update()
        self.placeholder.setStyleSheet(f"color: {t.muted.name()};")
        self.summary.setStyleSheet(f"color: {t.muted.name()};")
