"""A layer node on the canvas: a rounded card with a coloured header by category, an icon, the
node's name, a one-line description of its settings, its output shape and parameter count, an
error or warning badge, and its named ports.

The item only mirrors the model: the scene calls ``refresh`` (name, parameters, ports),
``set_analysis`` (shape, parameter count, issues) and ``set_model_pos`` when the graph changes.
Painting is cached (DeviceCoordinateCache): a pan repaints nothing, a zoom repaints each node once.
"""
from __future__ import annotations

from typing import Any, Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainter, QPainterPath, QPen, QStaticText
from PySide6.QtWidgets import QGraphicsItem, QGraphicsSceneMouseEvent, QStyleOptionGraphicsItem, QWidget

from engine.graph import Node
from engine.layers.base import fmt_shape

from .geometry import (
    BADGE_RADIUS, HEADER_HEIGHT, ICON_SIZE, LABEL_COLUMN, NODE_WIDTH, PAD, PORT_RADIUS, RADIUS, node_rect, port_pos,
    snap,
)
from .icons import draw_icon
from .port import PortItem
from .hover import HoverHighlight
from .style import CanvasStyle

LOD_TEXT = 0.55   # below this zoom the body text is too small to read: skip it
LOD_NAME = 0.45   # ... and below this the name and icon


def summary(node: Node) -> str:
    """What the node does, in a few words: "Dense · 8 · tanh", "Loss · bce", "Add · 3 inputs"."""
    p = node.params
    t = node.type
    parts: list[str] = []
    if t == "Dense":
        parts.append(str(p["units"]))
        if p["activation"] != "linear":
            parts.append(p["activation"])
    elif t in ("Activation", "Loss"):
        parts.append(str(p["function"]))
    elif t == "Dropout":
        parts.append(f"{p['rate']:g}")
    elif t == "Input":
        parts.append(" × ".join(str(d) for d in p["shape"]))
    elif node.spec.variadic:
        parts.append(f"{p[node.spec.variadic]} inputs")
    else:
        first = next((s for s in node.spec.params if s.kind in ("choice", "int")), None)
        if first is not None:
            parts.append(str(p[first.name]))
    return " · ".join([t] + parts)


def shape_text(shape: Sequence[int] | None) -> str:
    if shape is not None and len(shape) == 0:
        return "scalar"
    return fmt_shape(tuple(shape) if shape is not None else None)


def params_text(count: int | None, has_weights: bool) -> str:
    if not has_weights:
        return "no params"
    if count is None:
        return "? params"
    return f"{count:,} param" + ("" if count == 1 else "s")


def _static(text: str) -> QStaticText:
    static = QStaticText(text)
    static.setTextFormat(Qt.TextFormat.PlainText)
    static.setPerformanceHint(QStaticText.PerformanceHint.AggressiveCaching)
    return static


class BadgeItem(QGraphicsItem):
    """The error (red) or warning (amber) mark in the header; its tooltip lists the issues."""

    def __init__(self, node_item: "NodeItem") -> None:
        super().__init__(node_item)
        self.node_item = node_item
        self.severity: str | None = None
        self.setZValue(3)
        self.setAcceptHoverEvents(True)
        self.hide()

    def set_issues(self, severity: str | None, tooltip: str) -> None:
        self.severity = severity
        self.setToolTip(tooltip)
        self.setVisible(severity is not None)
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802
        r = BADGE_RADIUS + 1.5
        return QRectF(-r, -r, 2 * r, 2 * r)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        style = self.node_item.style
        color = style.error if self.severity == "error" else style.warning
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(QColor("white"), 1.5))
        painter.setBrush(QBrush(color))
        painter.drawEllipse(QPointF(0, 0), BADGE_RADIUS, BADGE_RADIUS)
        mark = QColor("white") if self.severity == "error" else QColor("#3a2a00")
        painter.setPen(QPen(mark, 2.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.drawLine(QPointF(0, -3.6), QPointF(0, 1.0))
        painter.drawPoint(QPointF(0, 3.8))


class NodeItem(HoverHighlight, QGraphicsItem):
    def __init__(self, node: Node, style: CanvasStyle) -> None:
        super().__init__()
        self.node = node
        self.node_id = node.id
        self.style = style
        self.edges: set = set()  # EdgeItems touching this node (kept by the scene)
        self.inputs: dict[str, PortItem] = {}
        self.outputs: dict[str, PortItem] = {}
        self.issues: list[Any] = []
        self.severity: str | None = None
        self.shape_text = "?"
        self.output_shape: tuple[int, ...] | None = None
        self.params_text = ""
        self._analysis_key: tuple | None = None
        self._syncing = False
        self._hover = False
        self._rect = QRectF()
        self._body_height = 0.0
        self._footer: QGraphicsItem | None = None   # e.g. the neuron maps (gui.editor.overlays)
        self._footer_height = 0.0
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges
        )
        self.setAcceptHoverEvents(True)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.badge = BadgeItem(self)
        self.refresh()
        self.set_model_pos(*node.pos)

    # ---- model -> item ------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the name, the parameters and the ports from the model node."""
        node = self.node
        self.name = node.name
        self.type_name = node.type
        self.category = node.spec.category
        self.description = node.spec.description
        self.summary = summary(node)
        self.has_weights = node.spec.has_weights
        self._sync_ports(node.input_ports, node.output_ports)
        self.setToolTip(f"{node.name} ({node.type})\n{self.description}")
        self._layout_text()
        self.update()

    def _sync_ports(self, inputs: list[str], outputs: list[str]) -> None:
        rows = max(len(inputs), len(outputs), 1)
        self._body_height = node_rect(rows).height()
        self._update_card()
        for ports, names, is_input in ((self.inputs, inputs, True), (self.outputs, outputs, False)):
            for gone in [n for n in ports if n not in names]:
                item = ports.pop(gone)
                if item.scene() is not None:
                    item.scene().removeItem(item)
                else:
                    item.setParentItem(None)
            for i, name in enumerate(names):
                port = ports.get(name)
                if port is None:
                    port = ports[name] = PortItem(self, name, is_input)
                port.setPos(port_pos(is_input, i, len(names), rows))
                kind = "input" if is_input else "output"
                port.setToolTip(f"{name}: {kind} of {self.node.name}")
        self._port_list = [*self.inputs.values(), *self.outputs.values()]
        self.badge.setPos(NODE_WIDTH - PAD - BADGE_RADIUS + 2, HEADER_HEIGHT / 2)
        for edge in self.edges:
            edge.update_path()

    def _update_card(self) -> None:
        """The card: the body (header, text, ports) plus the footer's height below it."""
        rect = QRectF(0.0, 0.0, NODE_WIDTH, self._body_height + self._footer_height)
        if self._footer is not None:
            self._footer.setPos(0.0, self._body_height)
        if rect == self._rect:
            return
        self.prepareGeometryChange()
        self._rect = rect
        self._card = QPainterPath()
        self._card.addRoundedRect(rect, RADIUS, RADIUS)
        top = QPainterPath()
        top.addRect(QRectF(0, 0, rect.width(), HEADER_HEIGHT))
        self._header = self._card.intersected(top)
        r, h = RADIUS, rect.height()
        self._shadow = QPainterPath(QPointF(0.5, h - r))
        self._shadow.quadTo(QPointF(0.5, h + 1), QPointF(r, h + 1))
        self._shadow.lineTo(rect.width() - r, h + 1)
        self._shadow.quadTo(QPointF(rect.width() - 0.5, h + 1), QPointF(rect.width() - 0.5, h - r))

    def set_footer(self, item: QGraphicsItem | None, height: float = 0.0) -> None:
        """Show ``item`` (a child of this node) under the body, the card growing by ``height``;
        None removes it. The header, the text and the ports stay where they are, so wires do not
        move."""
        height = float(height) if item is not None else 0.0
        if item is self._footer and height == self._footer_height:
            return
        self._footer = item
        self._footer_height = height
        self._update_card()
        self.update()

    @property
    def footer(self) -> QGraphicsItem | None:
        return self._footer

    @property
    def body_height(self) -> float:
        """Height of the card without its footer."""
        return self._body_height

    def set_analysis(self, shape: Sequence[int] | None, count: int | None, issues: list[Any]) -> bool:
        """Show the inferred output shape, the parameter count and the node's issues; returns
        whether anything changed (unchanged nodes are not repainted)."""
        key = (shape, count, tuple((i.severity, i.message) for i in issues))
        if key == self._analysis_key:
            return False
        self._analysis_key = key
        self.issues = list(issues)
        self.output_shape = tuple(shape) if shape is not None else None
        self.shape_text = shape_text(shape)
        self.params_text = params_text(count, self.has_weights)
        errors = [i for i in issues if i.severity == "error"]
        self.severity = "error" if errors else ("warning" if issues else None)
        lines = [f"{'Error' if i.severity == 'error' else 'Warning'}: {i.message}" for i in issues]
        self.badge.set_issues(self.severity, "\n".join(lines))
        self._layout_text()
        self.update()
        return True

    def set_model_pos(self, x: float, y: float) -> None:
        """Move to the model's position exactly (no grid snapping: the model is the truth)."""
        self._syncing = True
        try:
            self.setPos(x, y)
        finally:
            self._syncing = False

    def set_style(self, style: CanvasStyle) -> None:
        self.style = style
        self.update()
        for port in self.ports():
            port.update()
        self.badge.update()

    # ---- ports ------------------------------------------------------------------------------
    def port(self, name: str, is_input: bool) -> PortItem | None:
        return (self.inputs if is_input else self.outputs).get(name)

    def ports(self) -> list[PortItem]:
        return list(self._port_list)

    def port_scene_pos(self, name: str, is_input: bool) -> QPointF:
        port = self.port(name, is_input)
        local = port.pos() if port is not None else self._rect.center()
        return self.pos() + local

    # ---- text layout (done on change, not per paint) ------------------------------------------
    def _layout_text(self) -> None:
        """Elide and place the texts once per change; painting draws cached QStaticTexts."""
        style = self.style
        width = NODE_WIDTH
        name_left = PAD + ICON_SIZE + 6
        name_room = width - name_left - PAD - (2 * BADGE_RADIUS + 4 if self.severity else 0)
        fm_name = QFontMetricsF(style.name_font)
        fm_body = QFontMetricsF(style.body_font)
        fm_small = QFontMetricsF(style.small_font)
        self._name_elided = fm_name.elidedText(self.name, Qt.TextElideMode.ElideRight, name_room)
        text_left = LABEL_COLUMN if len(self.inputs) > 1 else PAD + 2
        room = width - text_left - PAD - 2
        summary_text = fm_body.elidedText(self.summary, Qt.TextElideMode.ElideRight, room)
        params_w = fm_small.horizontalAdvance(self.params_text)
        shape = fm_small.elidedText(self.shape_text, Qt.TextElideMode.ElideRight, max(room - params_w - 8, 20))
        top = HEADER_HEIGHT + (self._body_height - HEADER_HEIGHT - 32.0) / 2
        self._name_text = (QPointF(name_left, (HEADER_HEIGHT - fm_name.height()) / 2), _static(self._name_elided))
        self._summary_text = (QPointF(text_left, top), _static(summary_text))
        self._shape_text = (QPointF(text_left, top + 18), _static(shape))
        self._params_text = (QPointF(width - PAD - 2 - params_w, top + 18), _static(self.params_text))
        self._labels = [(QPointF(PAD - 1, port.pos().y() - fm_small.height() / 2), _static(name))
                        for name, port in self.inputs.items()] if len(self.inputs) > 1 else []

    # ---- Qt geometry and painting -------------------------------------------------------------
    def boundingRect(self) -> QRectF:  # noqa: N802
        return self._rect.adjusted(-PORT_RADIUS - 2, -6, PORT_RADIUS + 2, 6)

    def shape(self) -> QPainterPath:
        return self._card

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        style = self.style
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        selected = self.isSelected()

        # shadow, card with its border, header
        if lod >= LOD_TEXT:  # a soft lower edge: stroked, which costs far less than a filled shadow
            painter.setPen(style.pen(style.shadow, 2.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(self._shadow)
        if self.severity == "error" and not selected:
            painter.setPen(style.pen(style.error, 1.3))
        elif self._hover:
            painter.setPen(style.pen(style.selection, 1.0))
        else:
            painter.setPen(style.pen(style.card_border, 1.0))
        painter.setBrush(style.card)
        painter.drawPath(self._card)
        color = style.category_color(self.category)
        painter.fillPath(self._header, color.lighter(108) if self._hover and not selected else color)
        if selected:  # a ring with a soft halo: clear on any header colour
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(style.pen(style.selection_halo, 5.0))
            painter.drawRoundedRect(self._rect.adjusted(-3, -3, 3, 3), RADIUS + 3, RADIUS + 3)
            painter.setPen(style.pen(style.selection, 2.0))
            painter.drawRoundedRect(self._rect.adjusted(-1.5, -1.5, 1.5, 1.5), RADIUS + 1.5, RADIUS + 1.5)

        # the ports' plain dots (a PortItem paints over its dot only when hovered or tinted)
        painter.setPen(style.pen(style.port_ring, 1.6))
        for port in self._port_list:
            painter.setBrush(style.port_fill if port.connected else style.card)
            painter.drawEllipse(port.pos(), PORT_RADIUS, PORT_RADIUS)

        if lod < LOD_NAME:
            return
        draw_icon(painter, self.type_name, self.node.params,
                  QRectF(PAD, (HEADER_HEIGHT - ICON_SIZE) / 2, ICON_SIZE, ICON_SIZE), style.header_text)
        painter.setPen(style.header_text)
        painter.setFont(style.name_font)
        painter.drawStaticText(*self._name_text)
        if lod < LOD_TEXT:
            return

        painter.setFont(style.body_font)
        painter.setPen(style.text)
        painter.drawStaticText(*self._summary_text)
        painter.setFont(style.small_font)
        painter.setPen(style.error if self.shape_text == "?" and self.severity == "error" else style.shape)
        painter.drawStaticText(*self._shape_text)
        painter.setPen(style.muted)
        painter.drawStaticText(*self._params_text)
        for point, label in self._labels:
            painter.drawStaticText(point, label)

    # ---- interaction ----------------------------------------------------------------------------
    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:  # noqa: N802
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionChange and not self._syncing:
            return QPointF(snap(value.x()), snap(value.y()))
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            for edge in self.edges:
                edge.update_path()
        elif change == QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged:
            self.setZValue(1 if value else 0)
        return super().itemChange(change, value)

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        scene = self.scene()
        if scene is not None and hasattr(scene, "nodeActivated"):
            scene.nodeActivated.emit(self.node_id)
        event.accept()
