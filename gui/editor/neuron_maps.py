"""Neuron maps (TF Playground's): for a network with a 2-D input, each node shows under its body a
small image per unit (up to 8, four to a row) of that unit's output over the input plane; the Input
node shows the network's input features (x₁, x₂, x₁², …) with their names. They hang in a footer
under the node's body: the card grows downwards, so the header, the ports and therefore the wires
never move when the maps appear or disappear. The Loss node shows none.

Colours are Playground's: orange for negative, white for zero, blue for positive. How values map
to them depends on what the node outputs, so every kind of layer reads well:

- outputs in 0…1 (sigmoid, softmax, step): fixed, 0 orange, **0.5 white**, 1 blue — a probability
  reads like the decision boundary (orange class 0, blue class 1);
- tanh: fixed, −1 orange, 0 white, 1 blue — saturation is meaningful, so it is not rescaled;
- anything unbounded (linear, ReLU family, ELU, GELU, softplus, SiLU, merges, batch norm, …):
  scaled per layer by the largest |value| over all its units, 0 white — units of one layer stay
  comparable, and a ReLU layer shows white (off) and blue (on);
- the Input node's features: scaled per feature (x₁ spans ±6 while x₁² spans 0…36).

The maps become images without per-pixel Python: the values go through a 257-entry colour table
(the last entry grey, for NaN/Inf) with NumPy into one RGB32 buffer per node, wrapped by a QImage
and drawn cell by cell. Each node's maps are a child item with its own pixmap cache, so a new set of
maps repaints only the maps, never the node cards, and a pan repaints nothing.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QStaticText
from PySide6.QtWidgets import QGraphicsItem, QGraphicsSceneHoverEvent, QStyleOptionGraphicsItem, QWidget

from .items.geometry import NODE_WIDTH
from .items.node import _static

if TYPE_CHECKING:
    from .items.node import NodeItem

# Playground's colour scale (d3: domain [-1, 0, 1] -> these, clamped)
NEGATIVE = "#f59322"
ZERO = "#e8eaeb"
POSITIVE = "#0877bd"
INVALID = "#9aa0a6"       # NaN / Inf

MAX_UNITS = 8
COLUMNS = 4
CELL = 28.0               # one map, in scene units (the worker's default map resolution is 28)
SINGLE_CELL = 52.0        # a node with one unit (the output) shows its map larger
GAP = 4.0
TOP = 7.0                 # space between the body and the first row of maps
BOTTOM = 9.0
MORE = 11.0               # a line under the maps of a layer wider than MAX_UNITS: "+8 more"
LABEL = 12.0              # under each Input feature map: its name
LOD_DETAIL = 0.5          # below this zoom: images only (no frames, no labels)

# how a node's values map to colours (module docstring)
PROBABILITY, TANH, PER_LAYER, PER_UNIT = "probability", "tanh", "per_layer", "per_unit"
_PROBABILITY_FUNCTIONS = {"sigmoid", "softmax", "step"}


def _colour_table() -> np.ndarray:
    """257 ARGB32 values: index 0…255 runs orange -> white -> blue, 256 is the NaN grey."""
    neg, zero, pos = (np.array(QColor(c).getRgb()[:3], dtype=np.float64) for c in (NEGATIVE, ZERO, POSITIVE))
    t = np.linspace(-1.0, 1.0, 256)[:, None]
    rgb = np.where(t < 0, zero + (neg - zero) * -t, zero + (pos - zero) * t)
    rgb = np.vstack([np.rint(rgb), np.array(QColor(INVALID).getRgb()[:3])]).astype(np.uint32)
    return (0xFF000000 | (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]).astype(np.uint32)


COLOUR_TABLE = _colour_table()


def value_mode(node_item: "NodeItem") -> str:
    """How a node's outputs are scaled to colours (see the module docstring)."""
    node = node_item.node
    if node.type == "Input":
        return PER_UNIT
    if node.type == "Softmax":
        return PROBABILITY
    function = node.params.get("activation") if node.type == "Dense" else (
        node.params.get("function") if node.type == "Activation" else None)
    if function in _PROBABILITY_FUNCTIONS:
        return PROBABILITY
    if function == "tanh":
        return TANH
    return PER_LAYER


def scaled(values: np.ndarray, mode: str) -> np.ndarray:
    """Values (units, r, r) -> the colour scale's −1…1 (NaN stays NaN)."""
    v = np.asarray(values, dtype=np.float32)
    with np.errstate(all="ignore"):
        if mode == PROBABILITY:
            return v * 2.0 - 1.0
        if mode == TANH:
            return v
        finite = np.where(np.isfinite(v), np.abs(v), 0.0)
        if mode == PER_UNIT:
            peak = finite.max(axis=(1, 2), keepdims=True)
        else:
            peak = np.float32(finite.max()) if finite.size else np.float32(0.0)
        return v / np.maximum(peak, np.float32(1e-12))


def map_pixels(values: np.ndarray, mode: str) -> np.ndarray:
    """Values (units, r, r), row 0 at the lowest x2 -> ARGB32 pixels (units·r, r), row 0 at the
    top (highest x2), ready for a QImage."""
    t = scaled(values, mode)[:, ::-1, :]
    with np.errstate(invalid="ignore"):
        index = np.clip(np.rint(t * 127.5 + 127.5), 0, 255)
    index = np.where(np.isfinite(t), index, 256).astype(np.intp)
    pixels = COLOUR_TABLE[index]
    return np.ascontiguousarray(pixels.reshape(-1, pixels.shape[-1]))


def cell_size(units: int) -> float:
    return SINGLE_CELL if units == 1 else CELL


def footer_height(units: int, labelled: bool, more: bool = False) -> float:
    rows = max(1, math.ceil(units / COLUMNS))
    return (TOP + rows * (cell_size(units) + (LABEL if labelled else 0.0)) + (rows - 1) * GAP + BOTTOM
            + (MORE if more else 0.0))


def cell_rects(units: int, labelled: bool) -> list[QRectF]:
    """Where each unit's map sits in the footer (rows of up to four, centred)."""
    rects = []
    size = cell_size(units)
    row_height = size + (LABEL if labelled else 0.0) + GAP
    for row in range(math.ceil(units / COLUMNS)):
        count = min(COLUMNS, units - row * COLUMNS)
        left = (NODE_WIDTH - count * size - (count - 1) * GAP) / 2.0
        for col in range(count):
            rects.append(QRectF(left + col * (size + GAP), TOP + row * row_height, size, size))
    return rects


class NeuronMapsItem(QGraphicsItem):
    """The maps of one node: a child of its NodeItem, sitting in the card's footer."""

    def __init__(self, node_item: "NodeItem") -> None:
        super().__init__(node_item)
        self.node_item = node_item
        self.units = 0
        self.labels: list[str] = []
        self._values: np.ndarray | None = None
        self._image: QImage | None = None
        self._pixels: np.ndarray | None = None  # the QImage's memory
        self._cells: list[QRectF] = []
        self._label_texts: list[tuple[QPointF, QStaticText]] = []
        self._height = 0.0
        self._more = 0
        self.setZValue(1)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)  # clicks and drags go to the node
        self.setAcceptHoverEvents(True)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    @property
    def height(self) -> float:
        return self._height

    def set_values(self, values: np.ndarray, labels: list[str] | None = None, total_units: int | None = None) -> None:
        """New maps (units, r, r); ``labels`` names each unit (the Input node's features). The image
        is made when the maps are next painted: nodes out of view cost nothing."""
        values = np.asarray(values)[:MAX_UNITS]
        units = values.shape[0]
        self._values = values
        self._image = None
        more = max(0, (total_units or units) - units)
        labelled = bool(labels) and len(labels) >= units
        if (units != self.units or labelled != bool(self.labels) or bool(more) != bool(self._more)
                or (labelled and labels[:units] != self.labels)):
            self.prepareGeometryChange()
            self.units = units
            self.labels = list(labels[:units]) if labelled else []
            self._cells = cell_rects(units, labelled)
            self._height = footer_height(units, labelled, bool(more))
            self._layout_labels()
        self._more = more
        self.update()

    @property
    def image(self) -> QImage:
        """The maps as one RGB32 image, unit ``u`` in rows ``u·r … u·r + r − 1`` (highest x2 on top)."""
        if self._image is None:
            if self._values is None:
                return QImage()
            values = self._values
            self._pixels = map_pixels(values, value_mode(self.node_item))
            r = values.shape[-1]
            self._image = QImage(self._pixels.data, r, values.shape[0] * values.shape[1], r * 4,
                                 QImage.Format.Format_RGB32)
        return self._image

    def value_range(self, unit: int) -> tuple[float, float] | None:
        if self._values is None or unit >= len(self._values):
            return None
        v = self._values[unit]
        v = v[np.isfinite(v)]
        return (float(v.min()), float(v.max())) if v.size else None

    def _layout_labels(self) -> None:
        self._label_texts = []
        if not self.labels:
            return
        self._label_font = QFont(self.node_item.style.small_font)
        self._label_font.setPixelSize(9)
        fm = QFontMetricsF(self._label_font)
        for rect, label in zip(self._cells, self.labels):
            text = fm.elidedText(label, Qt.TextElideMode.ElideRight, CELL + GAP)
            width = fm.horizontalAdvance(text)
            self._label_texts.append((QPointF(rect.center().x() - width / 2, rect.bottom() + 0.5), _static(text)))

    def restyle(self) -> None:
        self._layout_labels()
        self.update()

    def unit_at(self, pos: QPointF) -> int | None:
        for i, rect in enumerate(self._cells):
            if rect.adjusted(-GAP / 2, -GAP / 2, GAP / 2, GAP / 2).contains(pos):
                return i
        return None

    def tooltip_for(self, unit: int) -> str:
        node = self.node_item.node
        name = self.labels[unit] if self.labels else f"unit {unit + 1}"
        text = f"{node.name} · {name}: output over the input plane"
        span = self.value_range(unit)
        if span is not None:
            lo, hi = span
            text += f"\nfrom {lo:.3g} to {hi:.3g} (orange negative, white 0, blue positive)"
        if self._more:
            text += f"\nshowing the first {self.units} of {self.units + self._more} units"
        return text

    # ---- Qt ------------------------------------------------------------------------------------
    def hoverMoveEvent(self, event: QGraphicsSceneHoverEvent) -> None:  # noqa: N802
        unit = self.unit_at(event.pos())
        self.setToolTip(self.tooltip_for(unit) if unit is not None else "")

    def boundingRect(self) -> QRectF:  # noqa: N802
        return QRectF(0.0, 0.0, NODE_WIDTH, self._height)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        image = self.image
        if image.isNull():
            return
        style = self.node_item.style
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        r = image.width()
        detail = lod >= LOD_DETAIL
        if detail:
            painter.setPen(style.pen(style.card_border, 1.0))
            painter.drawLine(QPointF(8.0, 0.5), QPointF(NODE_WIDTH - 8.0, 0.5))
        # smooth when painting into the cache; while a zoom repaints every frame, nearest-neighbour costs half as much
        smooth = self.cacheMode() != QGraphicsItem.CacheMode.NoCache
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, smooth)
        for i, rect in enumerate(self._cells):
            painter.drawImage(rect, image, QRectF(0, i * r, r, r))
        if not detail:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(style.pen(style.card_border, 1.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for rect in self._cells:
            painter.drawRect(rect.adjusted(-0.5, -0.5, 0.5, 0.5))
        if self._label_texts:
            painter.setFont(self._label_font)
            painter.setPen(style.muted)
            for point, text in self._label_texts:
                painter.drawStaticText(point, text)
        if self._more and self._cells:
            painter.setFont(style.small_font)
            painter.setPen(style.muted)
            right = max(rect.right() for rect in self._cells)
            painter.drawText(QRectF(0, self._cells[-1].bottom() + 2, right, MORE),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"+{self._more} more")
