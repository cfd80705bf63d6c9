"""Toolbar and menu icons drawn at run time with QPainter: crisp at any size and device pixel
ratio, and in the palette's text colour, so they follow the system's light or dark theme."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QIcon,
    QIconEngine,
    QImage,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
)

Draw = Callable[[QPainter, QColor], None]  # draws in a 24 × 24 box

_DRAWINGS: dict[str, Draw] = {}


def _drawing(name: str) -> Callable[[Draw], Draw]:
    def register(fn: Draw) -> Draw:
        _DRAWINGS[name] = fn
        return fn

    return register


class _VectorIconEngine(QIconEngine):
    def __init__(self, name: str) -> None:
        super().__init__()
        self._name = name

    def clone(self) -> QIconEngine:
        return _VectorIconEngine(self._name)

    def key(self) -> str:
        return "neurocanvas-vector"

    def _color(self, mode: QIcon.Mode) -> QColor:
        palette = QGuiApplication.palette()
        group = QPalette.ColorGroup.Disabled if mode == QIcon.Mode.Disabled else QPalette.ColorGroup.Normal
        role = QPalette.ColorRole.HighlightedText if mode == QIcon.Mode.Selected else QPalette.ColorRole.WindowText
        return palette.color(group, role)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        side = min(rect.width(), rect.height())
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.translate(rect.x() + (rect.width() - side) / 2, rect.y() + (rect.height() - side) / 2)
        painter.scale(side / 24.0, side / 24.0)
        _DRAWINGS[self._name](painter, self._color(mode))
        painter.restore()

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:
        w, h = max(1, round(size.width() * scale)), max(1, round(size.height() * scale))
        image = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        self.paint(painter, QRect(0, 0, w, h), mode, state)
        painter.end()
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(scale)
        return pixmap

    def actualSize(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QSize:
        return size


def icon(name: str) -> QIcon:
    """A drawn icon: new, open, save, undo, redo, zoom_in, zoom_out, zoom_fit, zoom_100, layout, help."""
    if name not in _DRAWINGS:
        raise KeyError(f"no icon named {name!r}")
    return QIcon(_VectorIconEngine(name))


def _pen(color: QColor, width: float = 1.6) -> QPen:
    pen = QPen(color, width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _points(*xy: float) -> list[QPointF]:
    return [QPointF(xy[i], xy[i + 1]) for i in range(0, len(xy), 2)]


@_drawing("new")
def _new(p: QPainter, c: QColor) -> None:
    p.setPen(_pen(c))
    p.drawPolygon(_points(6, 3, 14, 3, 19, 8, 19, 21, 6, 21))  # a page with a folded corner
    p.drawPolyline(_points(14, 3, 14, 8, 19, 8))
    p.drawLine(QPointF(12.5, 11.5), QPointF(12.5, 17.5))
    p.drawLine(QPointF(9.5, 14.5), QPointF(15.5, 14.5))


@_drawing("open")
def _open(p: QPainter, c: QColor) -> None:
    p.setPen(_pen(c))
    p.drawPolyline(_points(3, 19, 3, 5, 9, 5, 11, 7, 18, 7, 18, 10))  # the folder's back
    p.drawPolygon(_points(3, 19, 6.5, 10, 21.5, 10, 18, 19))  # its open front


@_drawing("save")
def _save(p: QPainter, c: QColor) -> None:
    p.setPen(_pen(c))
    p.drawPolygon(_points(4, 4, 17, 4, 20, 7, 20, 20, 4, 20))
    p.drawRect(QRectF(8, 4, 7, 5))
    p.drawRect(QRectF(7, 13, 10, 7))


def _curved_arrow(p: QPainter, c: QColor, mirrored: bool) -> None:
    if mirrored:
        p.translate(24, 0)
        p.scale(-1, 1)
    p.setPen(_pen(c, 1.8))
    path = QPainterPath()
    path.moveTo(5, 10)
    path.lineTo(15, 10)
    path.cubicTo(22, 10, 22, 20, 15, 20)
    path.lineTo(10, 20)
    p.drawPath(path)
    p.drawPolyline([QPointF(9, 6), QPointF(5, 10), QPointF(9, 14)])


@_drawing("undo")
def _undo(p: QPainter, c: QColor) -> None:
    _curved_arrow(p, c, mirrored=False)


@_drawing("redo")
def _redo(p: QPainter, c: QColor) -> None:
    _curved_arrow(p, c, mirrored=True)


def _magnifier(marks: list[tuple[tuple[float, float], tuple[float, float]]]) -> Draw:
    """A magnifying glass with ``marks`` (lines) in its lens."""

    def draw(p: QPainter, c: QColor) -> None:
        p.setPen(_pen(c, 1.8))
        p.drawEllipse(QPointF(10, 10), 6, 6)
        p.drawLine(QPointF(14.5, 14.5), QPointF(20, 20))
        for (x0, y0), (x1, y1) in marks:
            p.drawLine(QPointF(x0, y0), QPointF(x1, y1))

    return draw


_DRAWINGS["zoom_in"] = _magnifier([((7, 10), (13, 10)), ((10, 7), (10, 13))])     # +
_DRAWINGS["zoom_out"] = _magnifier([((7, 10), (13, 10))])                          # −
_DRAWINGS["zoom_100"] = _magnifier([((8, 8), (10, 7)), ((10, 7), (10, 13.5))])    # 1


@_drawing("zoom_fit")
def _zoom_fit(p: QPainter, c: QColor) -> None:
    p.setPen(_pen(c, 1.8))
    for sx, sy in ((1, 1), (-1, 1), (1, -1), (-1, -1)):
        x0, y0 = 12 - 8 * sx, 12 - 8 * sy
        p.drawPolyline([QPointF(x0, y0 + 5 * sy), QPointF(x0, y0), QPointF(x0 + 5 * sx, y0)])
    p.drawRoundedRect(QRectF(8.5, 8.5, 7, 7), 1.5, 1.5)


@_drawing("layout")
def _layout(p: QPainter, c: QColor) -> None:
    """Nodes in columns, left to right."""
    p.setPen(_pen(c, 1.5))
    boxes = [QRectF(2, 9.5, 5, 5), QRectF(9.5, 3, 5, 5), QRectF(9.5, 16, 5, 5), QRectF(17, 9.5, 5, 5)]
    wires = [((7, 12), (9.5, 5.5)), ((7, 12), (9.5, 18.5)), ((14.5, 5.5), (17, 12)), ((14.5, 18.5), (17, 12))]
    for (x0, y0), (x1, y1) in wires:
        p.drawLine(QPointF(x0, y0), QPointF(x1, y1))
    for box in boxes:
        p.drawRoundedRect(box, 1.2, 1.2)


@_drawing("help")
def _help(p: QPainter, c: QColor) -> None:
    p.setPen(_pen(c, 1.7))
    p.drawEllipse(QPointF(12, 12), 9, 9)
    path = QPainterPath()
    path.moveTo(9.3, 9.6)
    path.arcTo(QRectF(9.3, 6.6, 5.4, 5.4), 180, -270)
    path.lineTo(12, 14)
    p.drawPath(path)
    p.setBrush(c)
    p.drawEllipse(QPointF(12, 17.2), 0.6, 0.6)


@_drawing("keyboard")
def _keyboard(p: QPainter, c: QColor) -> None:
    p.setPen(_pen(c, 1.5))
    p.drawRoundedRect(QRectF(2.5, 6.5, 19, 11), 2, 2)
    for row, y in enumerate((9.5, 12.5)):
        for i in range(5 - row):
            x = 5.5 + i * 3.2 + row * 1.6
            p.drawPoint(QPointF(x, y))
    p.drawLine(QPointF(8, 15), QPointF(16, 15))

