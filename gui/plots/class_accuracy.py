"""Per-class accuracy (recall: the share of each class's samples classified right) as a column of
bars drawn beside the confusion matrix's rows, so each bar sits next to the row it sums up."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter

from .plot_theme import PlotTheme

BAR_WIDTH = 46       # pixels of a full (100 %) bar
BAR_MAX_HEIGHT = 14


def per_class_accuracy(confusion: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(right, total) per true class from (K, K) counts; right / total is the class's recall."""
    c = np.asarray(confusion, dtype=np.int64)
    return np.diag(c).copy(), c.sum(axis=1)


def accuracy_text(right: int, total: int) -> str:
    return f"{100 * right / total:.0f} %" if total else "–"


def column_width(fm: QFontMetrics) -> int:
    """Pixels the accuracy column needs (bar, gap, "100 %")."""
    return BAR_WIDTH + 6 + fm.horizontalAdvance("100 %") + 4


def draw_accuracy_column(p: QPainter, theme: PlotTheme, fm: QFontMetrics, left: float, top: float, row: float,
                         confusion: np.ndarray | None, k: int, color: QColor) -> None:
    """The header "accuracy" above ``top`` and one bar per row of height ``row`` from ``top`` down."""
    p.setPen(theme.muted)
    p.drawText(QRectF(left, top - fm.height() - 2, column_width(fm), fm.height()),
               Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, "accuracy")
    right, total = per_class_accuracy(confusion) if confusion is not None else (np.zeros(k), np.zeros(k))
    bar_h = max(2.0, min(BAR_MAX_HEIGHT, row - 4))
    show_text = row >= fm.height() - 3
    for i in range(k):
        y = top + i * row
        track = QRectF(left, y + (row - bar_h) / 2, BAR_WIDTH, bar_h)
        p.fillRect(track, theme.grid)
        if total[i]:
            share = float(right[i]) / float(total[i])
            p.fillRect(QRectF(track.left(), track.top(), BAR_WIDTH * share, bar_h), color)
        if show_text and confusion is not None:
            p.setPen(theme.text)
            p.drawText(QRectF(left + BAR_WIDTH + 6, y, column_width(fm) - BAR_WIDTH - 6, row),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                       accuracy_text(int(right[i]), int(total[i])))
