"""The decision boundary's picture: the network's output grid coloured as a heat map (or, for one
input, the prediction curve)."""
from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter

import pyqtgraph as pg

from . import colormaps as cm


class SmoothImageItem(pg.ImageItem):
    """An image drawn with bilinear filtering: a 100 × 100 grid scaled up to a dock looks smooth
    (as Playground's canvas does) instead of blocky."""

    def paint(self, painter: QPainter, *args: Any) -> None:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        super().paint(painter, *args)


class BoundaryImage:
    """Colouring and drawing the output grid (a part of BoundaryPlot)."""

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
