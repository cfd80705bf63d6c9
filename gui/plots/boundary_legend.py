"""The line under the decision boundary that explains its colours: class swatches or a colour bar, and
the train/test markers."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QLinearGradient, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from . import colormaps as cm
from .plot_theme import PlotTheme
from .plot_widgets import small_font


def class_label(name: str) -> str:
    return f"class {name}" if name.isdigit() else name


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

    def __init__(self, parent: QWidget | None = None) -> None:
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

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
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


class BoundaryLegendContent:
    """What the legend lists for the boundary shown (a part of BoundaryPlot)."""

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


def _short(value: float) -> str:
    return f"{value:.3g}"
