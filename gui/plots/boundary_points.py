"""The data points on the decision boundary: their colours and sizes, and which one is under the
mouse (its tooltip, and ``sampleClicked`` on a click)."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, Qt, Slot
from PySide6.QtGui import QColor

import pyqtgraph as pg

from . import colormaps as cm
from .boundary_legend import class_label
from .plot_theme import pen

POINT_SIZE = 7.0
HIT_RADIUS = 6.0          # pixels around a point's centre that count as clicking it


class BoundaryPoints:
    """The train and test scatters (a part of BoundaryPlot)."""

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
