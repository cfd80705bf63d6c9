"""Small vector icons for the layer kinds, drawn with QPainter (crisp at any zoom and DPI)."""
from __future__ import annotations

import math
from typing import Any, Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen


def _pen(color: QColor, width: float = 1.5) -> QPen:
    pen = QPen(color, width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _curve(r: QRectF, f: Callable[[float], float], lo: float, hi: float, steps: int = 16) -> QPainterPath:
    """The graph of f on [lo, hi], its values mapped from [-1, 1] onto the rect's height."""
    path = QPainterPath()
    for i in range(steps + 1):
        t = i / steps
        x = lo + (hi - lo) * t
        point = QPointF(r.left() + t * r.width(), r.center().y() - f(x) * r.height() / 2)
        if i == 0:
            path.moveTo(point)
        else:
            path.lineTo(point)
    return path


_FUNCTIONS: dict[str, tuple[Callable[[float], float], float, float]] = {
    "sigmoid": (lambda x: 2 / (1 + math.exp(-x)) - 1, -6, 6),
    "tanh": (math.tanh, -3, 3),
    "linear": (lambda x: x, -1, 1),
    "relu": (lambda x: max(x, 0) * 2 - 1, -1, 1),
    "leaky_relu": (lambda x: (x if x > 0 else 0.15 * x) * 1.6 - 0.6, -1, 1),
    "elu": (lambda x: (x if x > 0 else math.exp(x * 2.5) - 1) * 1.1 - 0.1, -1, 1),
    "gelu": (lambda x: 2 * 0.5 * x * (1 + math.erf(x / math.sqrt(2))) / 2.4 - 0.75, -2.5, 2.5),
    "silu": (lambda x: 2 * x / (1 + math.exp(-x)) / 2.6 - 0.75, -3, 2.5),
    "softplus": (lambda x: math.log1p(math.exp(x)) / 1.7 - 0.9, -3, 2.5),
}


def _activation(p: QPainter, r: QRectF, color: QColor, params: dict[str, Any]) -> None:
    fn = params.get("function", "sigmoid")
    p.setPen(_pen(color, 1.0))
    p.setOpacity(0.45)
    p.drawLine(QPointF(r.left(), r.center().y()), QPointF(r.right(), r.center().y()))
    p.setOpacity(1.0)
    p.setPen(_pen(color, 1.7))
    if fn == "step":
        path = QPainterPath(QPointF(r.left(), r.bottom()))
        path.lineTo(r.center().x(), r.bottom())
        path.lineTo(r.center().x(), r.top())
        path.lineTo(r.right(), r.top())
        p.drawPath(path)
        return
    f, lo, hi = _FUNCTIONS.get(fn, _FUNCTIONS["sigmoid"])
    p.drawPath(_curve(r, f, lo, hi))


def _dense(p: QPainter, r: QRectF, color: QColor, params: dict[str, Any]) -> None:
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(color))
    d = r.width() / 3
    for i in range(3):
        for j in range(3):
            p.drawEllipse(QPointF(r.left() + d * (i + 0.5), r.top() + d * (j + 0.5)), 1.6, 1.6)


def _dropout(p: QPainter, r: QRectF, color: QColor, params: dict[str, Any]) -> None:
    d = r.width() / 3
    dropped = {(0, 1), (1, 0), (2, 2), (1, 2)}
    for i in range(3):
        for j in range(3):
            c = QPointF(r.left() + d * (i + 0.5), r.top() + d * (j + 0.5))
            if (i, j) in dropped:
                p.setPen(_pen(color, 1.0))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawEllipse(c, 1.6, 1.6)
            else:
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(QBrush(color))
                p.drawEllipse(c, 1.8, 1.8)


def _input(p: QPainter, r: QRectF, color: QColor, params: dict[str, Any]) -> None:
    p.setPen(_pen(color, 1.7))
    y = r.center().y()
    p.drawLine(QPointF(r.left(), y), QPointF(r.right() - 3, y))
    head = QPainterPath(QPointF(r.right() - 8, y - 5))
    head.lineTo(r.right() - 3, y)
    head.lineTo(r.right() - 8, y + 5)
    p.drawPath(head)
    p.drawLine(QPointF(r.right(), r.top() + 1), QPointF(r.right(), r.bottom() - 1))


def _loss(p: QPainter, r: QRectF, color: QColor, params: dict[str, Any]) -> None:
    c = r.center()
    p.setPen(_pen(color, 1.4))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawEllipse(c, r.width() / 2 - 0.5, r.height() / 2 - 0.5)
    p.drawEllipse(c, r.width() / 4, r.height() / 4)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(color))
    p.drawEllipse(c, 1.5, 1.5)


def _add(p: QPainter, r: QRectF, color: QColor, params: dict[str, Any]) -> None:
    c = r.center()
    rad = r.width() / 2 - 0.5
    p.setPen(_pen(color, 1.5))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawEllipse(c, rad, rad)
    k = rad * 0.55
    p.drawLine(QPointF(c.x() - k, c.y()), QPointF(c.x() + k, c.y()))
    p.drawLine(QPointF(c.x(), c.y() - k), QPointF(c.x(), c.y() + k))


def _concat(p: QPainter, r: QRectF, color: QColor, params: dict[str, Any]) -> None:
    p.setPen(_pen(color, 1.5))
    x0, x1 = r.left() + 1, r.right() - 1
    bracket = QPainterPath(QPointF(x0 + 3, r.top()))
    bracket.lineTo(x0, r.top())
    bracket.lineTo(x0, r.bottom())
    bracket.lineTo(x0 + 3, r.bottom())
    p.drawPath(bracket)
    bracket = QPainterPath(QPointF(x1 - 3, r.top()))
    bracket.lineTo(x1, r.top())
    bracket.lineTo(x1, r.bottom())
    bracket.lineTo(x1 - 3, r.bottom())
    p.drawPath(bracket)
    p.setPen(_pen(color, 2.2))
    for y in (r.top() + r.height() * 0.3, r.top() + r.height() * 0.7):
        p.drawLine(QPointF(x0 + 4, y), QPointF(x1 - 4, y))


def _softmax(p: QPainter, r: QRectF, color: QColor, params: dict[str, Any]) -> None:
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(color))
    heights = (0.25, 0.55, 1.0, 0.4)
    w = r.width() / len(heights)
    for i, h in enumerate(heights):
        p.drawRoundedRect(QRectF(r.left() + i * w + 0.6, r.bottom() - h * r.height(), w - 1.2, h * r.height()), 0.8, 0.8)


def _batchnorm(p: QPainter, r: QRectF, color: QColor, params: dict[str, Any]) -> None:
    p.setPen(_pen(color, 1.0))
    p.setOpacity(0.45)
    p.drawLine(QPointF(r.left(), r.bottom()), QPointF(r.right(), r.bottom()))
    p.setOpacity(1.0)
    p.setPen(_pen(color, 1.7))
    p.drawPath(_curve(r, lambda x: 2 * math.exp(-x * x / 2) - 1, -3, 3))


def _flatten(p: QPainter, r: QRectF, color: QColor, params: dict[str, Any]) -> None:
    p.setPen(_pen(color, 1.2))
    p.setBrush(Qt.BrushStyle.NoBrush)
    s = r.height() / 2 - 1
    for i in range(2):
        for j in range(2):
            p.drawRect(QRectF(r.left() + i * s, r.top() + 1 + j * s, s, s))
    p.setPen(_pen(color, 2.2))
    x = r.right() - 1.5
    p.drawLine(QPointF(x, r.top() + 1), QPointF(x, r.bottom() - 1))


def _unknown(p: QPainter, r: QRectF, color: QColor, params: dict[str, Any]) -> None:
    p.setPen(_pen(color, 1.5))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRoundedRect(r.adjusted(1, 1, -1, -1), 3, 3)


_ICONS = {
    "Input": _input, "Loss": _loss, "Dense": _dense, "Activation": _activation, "Softmax": _softmax,
    "Add": _add, "Concat": _concat, "Dropout": _dropout, "BatchNorm": _batchnorm, "Flatten": _flatten,
}


def draw_icon(painter: QPainter, type_name: str, params: dict[str, Any], rect: QRectF, color: QColor) -> None:
    """Draw the icon of a layer type (a function curve for Activation) inside ``rect``."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    _ICONS.get(type_name, _unknown)(painter, rect, color, params)
    painter.restore()
