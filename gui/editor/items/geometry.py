"""Sizes and positions on the canvas, in scene units (1 unit = 1 pixel at 100 % zoom).

A node's model position is its top-left corner. Everything here is plain arithmetic so the
scene, the interactions and the tests agree on where a port is without asking a painted item.
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainterPath

GRID = 10.0              # node positions snap to this
NODE_WIDTH = 150.0       # example files place columns 200 apart: leaves 50 for the wires
HEADER_HEIGHT = 26.0
BODY_MIN_HEIGHT = 46.0
PORT_ROW = 18.0          # vertical distance between the ports of a multi-input node
RADIUS = 7.0             # corner radius of the card
PORT_RADIUS = 4.5        # the drawn dot
PORT_HIT_RADIUS = 11.0   # the clickable area around it
SNAP_RADIUS = 20.0       # a wire end snaps to a port this close (view pixels)
PASTE_OFFSET = 30.0
PAD = 10.0               # inner horizontal padding of the card
LABEL_COLUMN = 34.0      # left edge of the body text when "in1", "in2" labels are shown
ICON_SIZE = 14.0
BADGE_RADIUS = 7.5


def snap(value: float, step: float = GRID) -> float:
    return round(value / step) * step


def body_height(rows: int) -> float:
    """``rows``: the larger of the node's input and output port counts."""
    return max(BODY_MIN_HEIGHT, rows * PORT_ROW + 10.0)


def node_rect(rows: int) -> QRectF:
    return QRectF(0.0, 0.0, NODE_WIDTH, HEADER_HEIGHT + body_height(rows))


def port_pos(is_input: bool, index: int, count: int, rows: int) -> QPointF:
    """Where a port sits relative to the node's top-left corner: inputs on the left edge, outputs
    on the right, spread around the middle of the body."""
    mid = HEADER_HEIGHT + body_height(rows) / 2.0
    y = mid + (index - (count - 1) / 2.0) * PORT_ROW
    return QPointF(0.0 if is_input else NODE_WIDTH, y)


def wire_path(start: QPointF, end: QPointF) -> QPainterPath:
    """A cubic Bézier from an output port (leaving right) to an input port (entering from the left)."""
    dx = end.x() - start.x()
    reach = max(abs(dx) * 0.5, 40.0)
    if dx < 0:  # a wire running backwards loops out and back in rather than crossing the nodes
        reach = max(reach, min(abs(end.y() - start.y()) * 0.5 + 40.0, 160.0))
    path = QPainterPath(start)
    path.cubicTo(QPointF(start.x() + reach, start.y()), QPointF(end.x() - reach, end.y()), end)
    return path
