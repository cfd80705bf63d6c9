"""Wires: a cubic Bézier from an output port to an input port.

``shape()`` is the stroked outline of the curve (QPainterPathStroker), so only the wire itself is
clickable, not the area its curve encloses (DESIGN §4). ``TempWireItem`` is the wire that follows
the mouse while one is being drawn.
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from engine.graph import Edge

from .geometry import wire_path
from .hover import HoverHighlight
from .style import CanvasStyle

HIT_WIDTH = 12.0
WIRE_WIDTH = 2.0


class EdgeItem(HoverHighlight, QGraphicsItem):
    def __init__(self, edge: Edge, src_item: QGraphicsItem, dst_item: QGraphicsItem, style: CanvasStyle) -> None:
        super().__init__()
        self.edge = edge
        self.src_item = src_item
        self.dst_item = dst_item
        self.style = style
        self._hover = False
        self._path = QPainterPath()
        self._shape: QPainterPath | None = None
        self._bounds = QRectF()
        self._weight_pen: QPen | None = None  # set by the overlays: weight sign and size
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setAcceptHoverEvents(True)
        self.setZValue(-1)  # one drawPath: caching it in a pixmap would cost more than it saves
        self.update_path()

    def endpoints(self) -> tuple[QPointF, QPointF]:
        e = self.edge
        return (self.src_item.port_scene_pos(e.src_port, False), self.dst_item.port_scene_pos(e.dst_port, True))

    def update_path(self) -> None:
        path = wire_path(*self.endpoints())
        if path == self._path:
            return
        self.prepareGeometryChange()
        self._path = path
        self._shape = None
        self._bounds = path.boundingRect().adjusted(-HIT_WIDTH / 2, -HIT_WIDTH / 2, HIT_WIDTH / 2, HIT_WIDTH / 2)

    def path(self) -> QPainterPath:
        return QPainterPath(self._path)

    def set_style(self, style: CanvasStyle) -> None:
        self.style = style
        self.update()

    def set_weight_pen(self, pen: QPen | None, tooltip: str = "") -> None:
        """Draw the wire with ``pen`` (the weights it carries, gui.editor.overlays) instead of the
        plain one; None returns to the plain look. Hover and selection still show as usual."""
        if pen == self._weight_pen and tooltip == self.toolTip():
            return
        self._weight_pen = pen
        self.setToolTip(tooltip)
        self.update()

    @property
    def weight_pen(self) -> QPen | None:
        return self._weight_pen

    def boundingRect(self) -> QRectF:  # noqa: N802
        return self._bounds

    def shape(self) -> QPainterPath:
        if self._shape is None:
            stroker = QPainterPathStroker()
            stroker.setWidth(HIT_WIDTH)
            stroker.setCapStyle(Qt.PenCapStyle.RoundCap)
            self._shape = stroker.createStroke(self._path)
        return self._shape

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        style = self.style
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if self.isSelected():
            halo = QColor(style.selection)
            halo.setAlphaF(0.3)
            painter.setPen(QPen(halo, 7.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            painter.drawPath(self._path)
            painter.setPen(QPen(style.selection, 2.4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        elif self._hover:
            painter.setPen(QPen(style.wire_hover, 2.8, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        elif self._weight_pen is not None:
            painter.setPen(self._weight_pen)
        else:
            painter.setPen(QPen(style.wire, WIRE_WIDTH, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.drawPath(self._path)


class TempWireItem(QGraphicsItem):
    """The wire being drawn: from the fixed port to the mouse (or to the port it snapped to)."""

    NEUTRAL, VALID, INVALID = "neutral", "valid", "invalid"

    def __init__(self, style: CanvasStyle, fixed: QPointF, fixed_is_output: bool) -> None:
        super().__init__()
        self.style = style
        self.fixed = QPointF(fixed)
        self.fixed_is_output = fixed_is_output
        self.state = self.NEUTRAL
        self._path = QPainterPath()
        self.setZValue(5)
        self.set_free_end(fixed)

    def set_free_end(self, point: QPointF, state: str = NEUTRAL) -> None:
        if self.fixed_is_output:
            path = wire_path(self.fixed, point)
        else:
            path = wire_path(point, self.fixed)
        self.prepareGeometryChange()
        self._path = path
        self.state = state
        self.update()

    def path(self) -> QPainterPath:
        return QPainterPath(self._path)

    def boundingRect(self) -> QRectF:  # noqa: N802
        return self._path.boundingRect().adjusted(-4, -4, 4, 4)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        style = self.style
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if self.state == self.VALID:
            pen = QPen(style.valid, 2.4)
        elif self.state == self.INVALID:
            pen = QPen(style.error, 2.0, Qt.PenStyle.DashLine)
        else:
            pen = QPen(style.selection, 2.0, Qt.PenStyle.DashLine)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._path)
