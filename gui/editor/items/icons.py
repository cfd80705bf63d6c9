"""Small vector icons for the layer kinds, drawn with QPainter (crisp at any zoom and DPI).

Each icon is built once per kind as a few painter paths (strokes and fills) inside a unit box and
cached; drawing it is then one call per path.
"""
from __future__ import annotations

import math
from typing import Any, Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QTransform

S = 14.0  # icons are designed in a 14 × 14 box
Part = tuple[QPainterPath, float, float]  # (path, pen width or 0 for a fill, opacity)


def _curve(f: Callable[[float], float], lo: float, hi: float, steps: int = 20) -> QPainterPath:
    """The graph of f on [lo, hi], its values in [-1, 1] mapped onto the box's height."""
    path = QPainterPath()
    for i in range(steps + 1):
        t = i / steps
        point = QPointF(t * S, S / 2 - f(lo + (hi - lo) * t) * S / 2)
        if i == 0:
            path.moveTo(point)
        else:
            path.lineTo(point)
    return path


def _line(x0: float, y0: float, x1: float, y1: float) -> QPainterPath:
    path = QPainterPath(QPointF(x0, y0))
    path.lineTo(x1, y1)
    return path


def _polyline(*points: tuple[float, float]) -> QPainterPath:
    path = QPainterPath(QPointF(*points[0]))
    for p in points[1:]:
        path.lineTo(*p)
    return path


def _dots(cells: list[tuple[int, int]], radius: float) -> QPainterPath:
    path = QPainterPath()
    d = S / 3
    for i, j in cells:
        path.addEllipse(QPointF(d * (i + 0.5), d * (j + 0.5)), radius, radius)
    return path


_FUNCTIONS: dict[str, tuple[Callable[[float], float], float, float]] = {
    "sigmoid": (lambda x: 2 / (1 + math.exp(-x)) - 1, -6, 6),
    "tanh": (math.tanh, -3, 3),
    "linear": (lambda x: x * 0.9, -1, 1),
    "relu": (lambda x: max(x, 0) * 1.8 - 0.9, -1, 1),
    "leaky_relu": (lambda x: (x if x > 0 else 0.15 * x) * 1.6 - 0.6, -1, 1),
    "elu": (lambda x: (x if x > 0 else math.exp(x * 2.5) - 1) * 1.1 - 0.1, -1, 1),
    "gelu": (lambda x: x * (1 + math.erf(x / math.sqrt(2))) / 2.4 - 0.75, -2.5, 2.5),
    "silu": (lambda x: x / (1 + math.exp(-x)) / 1.3 - 0.75, -3, 2.5),
    "softplus": (lambda x: math.log1p(math.exp(x)) / 1.7 - 0.9, -3, 2.5),
}


def _activation(params: dict[str, Any]) -> list[Part]:
    fn = params.get("function", "sigmoid")
    axis = (_line(0, S / 2, S, S / 2), 1.0, 0.45)
    if fn == "step":
        return [axis, (_polyline((0, S - 1), (S / 2, S - 1), (S / 2, 1), (S, 1)), 1.7, 1.0)]
    f, lo, hi = _FUNCTIONS.get(fn, _FUNCTIONS["sigmoid"])
    return [axis, (_curve(f, lo, hi), 1.7, 1.0)]


def _dense(params: dict[str, Any]) -> list[Part]:
    return [(_dots([(i, j) for i in range(3) for j in range(3)], 1.6), 0.0, 1.0)]


def _dropout(params: dict[str, Any]) -> list[Part]:
    dropped = [(0, 1), (1, 0), (2, 2), (1, 2)]
    kept = [(i, j) for i in range(3) for j in range(3) if (i, j) not in dropped]
    return [(_dots(kept, 1.8), 0.0, 1.0), (_dots(dropped, 1.5), 1.0, 1.0)]


def _input(params: dict[str, Any]) -> list[Part]:
    y = S / 2
    return [(_line(0, y, S - 3, y), 1.7, 1.0), (_polyline((S - 8, y - 5), (S - 3, y), (S - 8, y + 5)), 1.7, 1.0),
            (_line(S, 1, S, S - 1), 1.7, 1.0)]


def _loss(params: dict[str, Any]) -> list[Part]:
    rings = QPainterPath()
    c = QPointF(S / 2, S / 2)
    rings.addEllipse(c, S / 2 - 0.5, S / 2 - 0.5)
    rings.addEllipse(c, S / 4, S / 4)
    bull = QPainterPath()
    bull.addEllipse(c, 1.5, 1.5)
    return [(rings, 1.4, 1.0), (bull, 0.0, 1.0)]


def _add(params: dict[str, Any]) -> list[Part]:
    c, r = S / 2, S / 2 - 0.5
    path = QPainterPath()
    path.addEllipse(QPointF(c, c), r, r)
    k = r * 0.55
    path.addPath(_line(c - k, c, c + k, c))
    path.addPath(_line(c, c - k, c, c + k))
    return [(path, 1.5, 1.0)]


def _concat(params: dict[str, Any]) -> list[Part]:
    x0, x1 = 1.0, S - 1
    brackets = _polyline((x0 + 3, 0), (x0, 0), (x0, S), (x0 + 3, S))
    brackets.addPath(_polyline((x1 - 3, 0), (x1, 0), (x1, S), (x1 - 3, S)))
    bars = _line(x0 + 4, S * 0.3, x1 - 4, S * 0.3)
    bars.addPath(_line(x0 + 4, S * 0.7, x1 - 4, S * 0.7))
    return [(brackets, 1.5, 1.0), (bars, 2.2, 1.0)]


def _softmax(params: dict[str, Any]) -> list[Part]:
    path = QPainterPath()
    heights = (0.25, 0.55, 1.0, 0.4)
    w = S / len(heights)
    for i, h in enumerate(heights):
        path.addRoundedRect(QRectF(i * w + 0.6, S - h * S, w - 1.2, h * S), 0.8, 0.8)
    return [(path, 0.0, 1.0)]


def _batchnorm(params: dict[str, Any]) -> list[Part]:
    return [(_line(0, S, S, S), 1.0, 0.45), (_curve(lambda x: 2 * math.exp(-x * x / 2) - 1, -3, 3), 1.7, 1.0)]


def _flatten(params: dict[str, Any]) -> list[Part]:
    grid = QPainterPath()
    s = S / 2 - 1
    for i in range(2):
        for j in range(2):
            grid.addRect(QRectF(i * s, 1 + j * s, s, s))
    return [(grid, 1.2, 1.0), (_line(S - 1.5, 1, S - 1.5, S - 1), 2.2, 1.0)]


def _cells(x0: float, y0: float, n: int, cell: float) -> QPainterPath:
    """An n × n grid of square cells with its top-left corner at (x0, y0)."""
    path = QPainterPath()
    for i in range(n):
        for j in range(n):
            path.addRect(QRectF(x0 + i * cell, y0 + j * cell, cell, cell))
    return path


def _conv2d(params: dict[str, Any]) -> list[Part]:
    """An image (a faint 3 × 3 grid) with the kernel's window drawn bold over one corner."""
    cell = (S - 2) / 3
    window = QPainterPath()
    window.addRect(QRectF(1, 1, 2 * cell, 2 * cell))
    return [(_cells(1, 1, 3, cell), 1.0, 0.55), (window, 2.2, 1.0)]


def _pool(params: dict[str, Any]) -> list[Part]:
    return [(_cells(1.5, 1.5, 2, (S - 3) / 2), 1.4, 1.0)]


def _maxpool(params: dict[str, Any]) -> list[Part]:
    """A 2 × 2 pooling window whose largest cell (filled) wins."""
    cell = (S - 3) / 2
    winner = QPainterPath()
    winner.addRect(QRectF(1.5 + cell, 1.5, cell, cell))
    return [*_pool(params), (winner, 0.0, 1.0)]


def _avgpool(params: dict[str, Any]) -> list[Part]:
    """A 2 × 2 pooling window, every cell shares the mean (all half filled)."""
    return [*_pool(params), (_cells(1.5, 1.5, 2, (S - 3) / 2), 0.0, 0.5)]


def _global_pool(params: dict[str, Any]) -> list[Part]:
    """A stack of feature maps, each averaged into one value (the dot)."""
    back = QPainterPath()
    back.addRect(QRectF(4.5, 0.8, 8.7, 8.7))
    front = QPainterPath()
    front.addRect(QRectF(0.8, 4.5, 8.7, 8.7))
    dot = QPainterPath()
    dot.addEllipse(QPointF(5.15, 8.85), 2.2, 2.2)
    return [(back, 1.3, 0.55), (front, 1.5, 1.0), (dot, 0.0, 1.0)]


def _reshape(params: dict[str, Any]) -> list[Part]:
    """The same values in another shape: a column of four cells beside a 2 × 2 block."""
    column = QPainterPath()
    for j in range(4):
        column.addRect(QRectF(0.8, 0.8 + j * 3.1, 3.1, 3.1))
    return [(column, 1.1, 1.0), (_cells(6.8, 3.6, 2, 3.4), 1.1, 1.0)]


def _unknown(params: dict[str, Any]) -> list[Part]:
    path = QPainterPath()
    path.addRoundedRect(QRectF(1, 1, S - 2, S - 2), 3, 3)
    return [(path, 1.5, 1.0)]


_BUILDERS: dict[str, Callable[[dict[str, Any]], list[Part]]] = {
    "Input": _input, "Loss": _loss, "Dense": _dense, "Activation": _activation, "Softmax": _softmax,
    "Add": _add, "Concat": _concat, "Dropout": _dropout, "BatchNorm": _batchnorm, "Flatten": _flatten,
    "Conv2D": _conv2d, "MaxPool2D": _maxpool, "AvgPool2D": _avgpool, "GlobalAveragePooling2D": _global_pool,
    "Reshape": _reshape,
}
_cache: dict[tuple[str, str], list[Part]] = {}
_pens: dict[tuple[int, float], QPen] = {}
_placed: dict[tuple, list[Part]] = {}


def icon_parts(type_name: str, params: dict[str, Any]) -> list[Part]:
    """The icon of a layer type (Activation: the curve of its function) in a 14 × 14 box."""
    key = (type_name, str(params.get("function", "")) if type_name == "Activation" else "")
    parts = _cache.get(key)
    if parts is None:
        parts = _cache[key] = _BUILDERS.get(type_name, _unknown)(params)
    return parts


def _pen(color: QColor, width: float) -> QPen:
    key = (color.rgba(), width)
    pen = _pens.get(key)
    if pen is None:
        pen = _pens[key] = QPen(color, width)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def draw_icon(painter: QPainter, type_name: str, params: dict[str, Any], rect: QRectF, color: QColor) -> None:
    """Draw the icon into ``rect`` (scaled from the 14 × 14 design box)."""
    scale = rect.width() / S
    key = (type_name, str(params.get("function", "")) if type_name == "Activation" else "",
           rect.x(), rect.y(), scale)
    parts = _placed.get(key)
    if parts is None:  # the paths moved into place once, so drawing needs no painter transform
        move = QTransform.fromTranslate(rect.x(), rect.y()).scale(scale, scale)
        parts = _placed[key] = [(move.map(path), width * scale, opacity)
                                for path, width, opacity in icon_parts(type_name, params)]
    for path, width, opacity in parts:
        if opacity != 1.0:
            painter.setOpacity(opacity)
        if width:
            painter.strokePath(path, _pen(color, width))
        else:
            painter.fillPath(path, color)
        if opacity != 1.0:
            painter.setOpacity(1.0)
