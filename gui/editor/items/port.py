"""A named port on a node: a small dot with a larger circular hit area.

Ports are children of their NodeItem. The node paints the plain dots into its own cached picture;
a port item paints only when it looks different: hovered, or tinted during a wire drag — ``valid``
(green: the wire may end here), ``target`` (the port the wire snapped to), ``invalid`` (faded red;
the reason is in the tooltip and the status message) or ``inactive`` (a port of the wrong direction).
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from .geometry import PORT_HIT_RADIUS, PORT_RADIUS
from .hover import HoverHighlight
from .style import mix

NORMAL, VALID, INVALID, INACTIVE, TARGET = "normal", "valid", "invalid", "inactive", "target"


class PortItem(HoverHighlight, QGraphicsItem):
    def __init__(self, node_item: QGraphicsItem, name: str, is_input: bool) -> None:
        super().__init__(node_item)
        self.node_item = node_item
        self.name = name
        self.is_input = is_input
        self.connected = False
        self.state = NORMAL
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setZValue(2)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, True)
        self._hit = QPainterPath()
        self._hit.addEllipse(QPointF(0, 0), PORT_HIT_RADIUS, PORT_HIT_RADIUS)

    @property
    def node_id(self) -> str:
        return self.node_item.node_id

    def key(self) -> tuple[str, str, bool]:
        return (self.node_item.node_id, self.name, self.is_input)

    # ---- state ----------------------------------------------------------------------------
    def set_connected(self, connected: bool) -> None:
        if connected != self.connected:
            self.connected = connected
            self.node_item.update()  # the plain dot is part of the node's picture

    def set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self._restyle()

    def _restyle(self) -> None:
        plain = self.state == NORMAL and not self.hovered
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, plain)
        self.update()

    _hover_changed = _restyle

    # ---- geometry and painting ---------------------------------------------------------------
    def boundingRect(self) -> QRectF:  # noqa: N802
        r = PORT_HIT_RADIUS
        return QRectF(-r, -r, 2 * r, 2 * r)

    def shape(self) -> QPainterPath:
        return self._hit

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        style = self.node_item.style
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        radius = PORT_RADIUS
        ring = style.port_ring
        fill = style.port_fill if self.connected else style.card
        if self.state == VALID:
            ring, fill = style.valid, mix(style.card, style.valid, 0.35)
            radius += 0.8
        elif self.state == TARGET:
            halo = QColor(style.valid)
            halo.setAlphaF(0.28)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(halo)
            painter.drawEllipse(QPointF(0, 0), radius + 6, radius + 6)
            ring, fill = style.valid, style.valid
            radius += 1.5
        elif self.state == INVALID:
            ring, fill = style.invalid, mix(style.card, style.invalid, 0.25)
        elif self.state == INACTIVE:  # fade the node's dot
            veil = QColor(style.card)
            veil.setAlphaF(0.6)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(veil)
            painter.drawEllipse(QPointF(0, 0), radius + 1.5, radius + 1.5)
            return
        elif self.hovered:
            ring = style.selection
            fill = style.selection if self.connected else mix(style.card, style.selection, 0.3)
            radius += 1.0
        painter.setPen(QPen(ring, 1.6))
        painter.setBrush(QBrush(fill))
        painter.drawEllipse(QPointF(0, 0), radius, radius)
