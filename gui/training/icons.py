"""Icons of the training controls, drawn like the others (gui.icons: vector, in the palette's text
colour): play, pause, step, step_epoch, reset, stop. Importing this module registers them."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath

from gui.icons import _drawing, _pen, _points


@_drawing("play")
def _play(p: QPainter, c: QColor) -> None:
    p.setPen(_pen(c, 1.4))
    p.setBrush(c)
    p.drawPolygon(_points(7, 4.5, 19.5, 12, 7, 19.5))


@_drawing("pause")
def _pause(p: QPainter, c: QColor) -> None:
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(c)
    p.drawRoundedRect(QRectF(6, 4.5, 4.2, 15), 1, 1)
    p.drawRoundedRect(QRectF(13.8, 4.5, 4.2, 15), 1, 1)


@_drawing("step")
def _step(p: QPainter, c: QColor) -> None:
    p.setPen(_pen(c, 1.4))
    p.setBrush(c)
    p.drawPolygon(_points(5, 5.5, 15, 12, 5, 18.5))
    p.setPen(Qt.PenStyle.NoPen)
    p.drawRoundedRect(QRectF(16, 5.5, 3.2, 13), 0.8, 0.8)


@_drawing("reset")
def _reset(p: QPainter, c: QColor) -> None:
    p.setPen(_pen(c, 1.8))
    path = QPainterPath()
    path.arcMoveTo(QRectF(4.5, 4.5, 15, 15), 110)
    path.arcTo(QRectF(4.5, 4.5, 15, 15), 110, 290)
    p.drawPath(path)
    p.drawPolyline([QPointF(5, 3.5), QPointF(9.4, 5.6), QPointF(7.6, 10)])


@_drawing("stop")
def _stop(p: QPainter, c: QColor) -> None:
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(c)
    p.drawRoundedRect(QRectF(5.5, 5.5, 13, 13), 1.6, 1.6)
