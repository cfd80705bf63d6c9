"""The plots' colours, mixed from the application palette (light or dark), and the pyqtgraph styling
that applies them: axes, grids, pens."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette, QPen

import pyqtgraph as pg

from gui.editor.items.style import mix
from gui.panels.theme import is_dark

from .log_axis import DecadeAxis  # noqa: F401 - re-exported (the log axes of the loss and gradient plots)

# Series colours per theme: (light, dark). Train is blue, test orange (the usual convention).
_SERIES = {
    "train": ("#1f6fd1", "#5ea1f2"),
    "test": ("#e0701a", "#f59a4a"),
    "weights": ("#1f6fd1", "#5ea1f2"),
    "gradients": ("#d9480f", "#f5843e"),
}


# Stacking inside a PlotItem: the grid-drawing axes below every view box (pyqtgraph's is at -100)
GRID_Z = -110.0


@dataclass(frozen=True)
class PlotTheme:
    """Colours of a plot, mixed from a (light or dark) palette."""

    dark: bool
    background: QColor
    text: QColor
    muted: QColor
    axis: QColor
    grid: QColor
    crosshair: QColor

    @classmethod
    def from_palette(cls, palette: QPalette) -> "PlotTheme":
        dark = is_dark(palette)
        base = palette.color(QPalette.ColorRole.Base)
        window = palette.color(QPalette.ColorRole.Window)
        text = palette.color(QPalette.ColorRole.Text)
        background = mix(base, window, 0.35) if dark else base
        return cls(
            dark=dark,
            background=background,
            text=text,
            muted=mix(text, background, 0.40),
            axis=mix(text, background, 0.45),
            grid=mix(text, background, 0.86 if dark else 0.90),
            crosshair=mix(text, background, 0.35),
        )

    def series(self, name: str) -> QColor:
        if name == "prediction":  # a curve over train (blue) and test (orange) points: the text colour
            return mix(self.text, self.background, 0.12)
        light, dark = _SERIES[name]
        return QColor(dark if self.dark else light)


def style_plot_item(plot: pg.PlotItem, theme: PlotTheme, grid: bool = False) -> None:
    """Axis lines, ticks and labels in the theme's colours; ``grid``: opaque grid lines in the
    theme's grid colour behind the data (pre-mixed: translucent lines cost milliseconds a frame).

    The grid lines are painted by the left and bottom axes, which pyqtgraph stacks *above* the view
    box (axis z 0.5, view box z -100): opaque lines there would cover a 1-px curve wherever it runs
    along one (whole stretches of a flat curve vanished). So those axes go below the view box
    (GRID_Z); a second view box sharing the plot (the loss plot's accuracy) stacks between."""
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(theme.axis))
        axis.setTextPen(pg.mkPen(theme.text))
        if axis.labelText:
            axis.setLabel(axis.labelText, units=axis.labelUnits or None, color=theme.text.name())
    if grid:
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            axis.setTickPen(pg.mkPen(theme.grid))
            axis.setStyle(tickAlpha=255, maxTickLevel=1)
            axis.setGrid(255)
            axis.setZValue(GRID_Z)


def style_view(view: pg.GraphicsView, theme: PlotTheme) -> None:
    view.setBackground(theme.background)


def pen(color: QColor | str, width: float = 1.5, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    p = pg.mkPen(QColor(color), width=width)
    p.setStyle(style)
    p.setCosmetic(True)
    return p

def with_alpha(color: QColor, alpha: float) -> QColor:
    c = QColor(color)
    c.setAlphaF(alpha)
    return c
