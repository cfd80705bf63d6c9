"""The canvas side of the step inspector's animation (gui.inspect): the active node ringed in the
colour of the phase (forward, loss, backward, update), its wires emphasised with the values they
carry written on them, a caption under the node, and a dashed "hint" ring for the node a hovered
chain-rule factor lives on.

One overlay item above the nodes, drawn from the items' current geometry: it takes no mouse
buttons and has an empty shape, so the canvas stays fully interactive under it, and it follows
nodes that are dragged (it re-reads their geometry when the scene changes).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsObject, QStyleOptionGraphicsItem, QWidget

from ..weak_slots import connect_weak

from engine.explain.text import num

if TYPE_CHECKING:  # pragma: no cover
    from .scene import CanvasScene

# (light palette, dark palette) per phase of a training step; the inspector uses the same colours
PHASE_COLORS = {
    "forward": ("#2563eb", "#6ea8ff"),
    "loss": ("#b5179e", "#f07ad8"),
    "backward": ("#c2410c", "#ff9a57"),
    "update": ("#15803d", "#4ade80"),
}
HINT_COLORS = ("#a16207", "#facc15")
RING_GAP = 4.0
LABEL_RISE = 17.0   # a wire's label sits this far above the wire's middle


def phase_color(phase: str, dark: bool) -> QColor:
    light_dark = PHASE_COLORS.get(phase, PHASE_COLORS["forward"])
    return QColor(light_dark[1] if dark else light_dark[0])


def short_value(value: Any) -> str:
    """A wire's value in a few characters: ``0.6792``, ``[0.12, -0.305]``, ``[0.12, -0.305, …] ×16``."""
    if isinstance(value, str):
        return value
    a = np.asarray(value, dtype=np.float64).reshape(-1)
    if a.size == 1:
        return num(a[0])
    if a.size <= 3:
        return "[" + ", ".join(num(v, 3) for v in a) + "]"
    return "[" + ", ".join(num(v, 3) for v in a[:2]) + f", …] ×{a.size}"


class StepHighlight(QGraphicsObject):
    """Made by ``CanvasScene.step_highlight()``; driven by ``set_step`` and ``set_hint``."""

    def __init__(self, scene: "CanvasScene") -> None:
        super().__init__()
        self._canvas = scene
        self.node_id: str | None = None
        self.wires: dict[tuple[str, str], str] = {}
        self.phase = "forward"
        self.caption = ""
        self.hint_id: str | None = None
        self.hint_text = ""
        self._key: tuple | None = None
        self._shapes: dict[str, Any] = {}
        self._labels_cache: list[tuple[QRectF, str, str, QPointF | None]] = []
        self._bounds = QRectF()
        self.setZValue(20)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)
        scene.addItem(self)
        connect_weak(scene.changed, self, "_scene_changed")

    # ---- state ---------------------------------------------------------------------------------
    def set_step(self, node_id: str | None, wire_values: dict[tuple[str, str], Any] | None = None, *,
                 phase: str = "forward", caption: str = "") -> None:
        """Ring ``node_id`` (None: nothing) and label the wires ``{(src id, dst id): value or text}``."""
        self.node_id = node_id
        self.wires = {k: short_value(v) for k, v in (wire_values or {}).items()}
        self.phase = phase
        self.caption = caption
        self.sync(force=True)

    def set_hint(self, node_id: str | None, text: str = "") -> None:
        """A dashed ring (and ``text``) on the node a hovered factor belongs to; None clears it."""
        if node_id == self.hint_id and text == self.hint_text:
            return
        self.hint_id, self.hint_text = node_id, text
        self.sync(force=True)

    def clear(self) -> None:
        self.node_id, self.wires, self.caption, self.hint_id, self.hint_text = None, {}, "", None, ""
        self.sync(force=True)

    @property
    def active(self) -> bool:
        return self.node_id is not None or bool(self.wires) or self.hint_id is not None

    def wire_labels(self) -> dict[tuple[str, str], str]:
        """The texts written on wires that exist on the canvas (what is drawn)."""
        return {k: t for k, t in self.wires.items() if k in self._shapes.get("wires", {})}

    # ---- geometry ------------------------------------------------------------------------------
    def _card(self, node_id: str | None) -> QRectF | None:
        item = self._canvas.node_item(node_id) if node_id is not None else None
        if item is None:
            return None
        return item.mapRectToScene(item.shape().boundingRect())

    def _collect(self) -> dict[str, Any]:
        """The active and hinted cards, and per labelled wire its paths with the cards at both ends."""
        wires: dict[tuple[str, str], list[tuple[QPainterPath, QRectF | None, QRectF | None]]] = {}
        if self.wires:
            for edge in self._canvas.edge_items():
                key = (edge.edge.src, edge.edge.dst)
                if key in self.wires:
                    wires.setdefault(key, []).append((edge.path(), self._card(key[0]), self._card(key[1])))
        return {"node": self._card(self.node_id), "hint": self._card(self.hint_id), "wires": wires}

    @staticmethod
    def _geometry_key(shapes: dict[str, Any]) -> tuple:
        def rect(r: QRectF | None) -> tuple:
            return () if r is None else (r.x(), r.y(), r.width(), r.height())
        paths = tuple((k, tuple((p.pointAtPercent(0).toTuple(), p.pointAtPercent(1).toTuple(), rect(a), rect(b))
                                for p, a, b in v))
                      for k, v in sorted(shapes["wires"].items()))
        return rect(shapes["node"]), rect(shapes["hint"]), paths

    def _label_font(self) -> QFont:
        font = QFont(self._canvas.style.body_font)
        font.setPixelSize(11)
        font.setWeight(QFont.Weight.DemiBold)
        return font

    def _pill(self, text: str, center: QPointF) -> QRectF:
        fm = QFontMetricsF(self._label_font())
        w, h = fm.horizontalAdvance(text) + 12.0, fm.height() + 4.0
        return QRectF(center.x() - w / 2, center.y() - h / 2, w, h)

    def _labels(self, shapes: dict[str, Any]) -> list[tuple[QRectF, str, str, QPointF | None]]:
        """(rect, text, role, anchor) of every text drawn: wire values (``anchor``: the wire's middle,
        when the label had to move above the nodes), the caption, the hint's text."""
        out = []
        arrow = "◂ " if self.phase == "backward" else ""
        for key, paths in shapes["wires"].items():
            text = arrow + self.wires[key]
            for path, src, dst in paths:
                mid = path.pointAtPercent(0.5)
                rect = self._pill(text, QPointF(mid.x(), mid.y() - LABEL_RISE))
                gap = abs(path.pointAtPercent(1).x() - path.pointAtPercent(0).x())
                if rect.width() > gap - 6:  # too wide for the gap: above both nodes, with a leader line
                    tops = [r.top() for r in (src, dst) if r is not None]
                    top = min(tops + [mid.y()]) - RING_GAP - 6
                    rect.moveBottom(top)
                    out.append((rect, text, "wire", mid))
                else:
                    out.append((rect, text, "wire", None))
        card = shapes["node"]
        fm = QFontMetricsF(self._label_font())
        if card is not None and self.caption:
            center = QPointF(card.center().x(), card.bottom() + RING_GAP + 4 + fm.height() / 2)
            out.append((self._pill(self.caption, center), self.caption, "caption", None))
        hint = shapes["hint"]
        if hint is not None and self.hint_text:
            center = QPointF(hint.center().x(), hint.top() - RING_GAP - 4 - fm.height() / 2)
            out.append((self._pill(self.hint_text, center), self.hint_text, "hint", None))
        return out

    def sync(self, force: bool = False) -> None:
        """Re-read the nodes' and wires' geometry; repaint when it (or the state) changed."""
        shapes = self._collect()
        key = self._geometry_key(shapes)
        if not force and key == self._key:
            return
        self._key = key
        self._shapes = shapes
        bounds = QRectF()
        for r in (shapes["node"], shapes["hint"]):
            if r is not None:
                bounds = bounds.united(r.adjusted(-12, -12, 12, 12))
        for paths in shapes["wires"].values():
            for path, _, _ in paths:
                bounds = bounds.united(path.boundingRect().adjusted(-8, -8, 8, 8))
        self._labels_cache = self._labels(shapes)
        for rect, _, _, _ in self._labels_cache:
            bounds = bounds.united(rect.adjusted(-2, -2, 2, 2))
        self.prepareGeometryChange()
        self._bounds = bounds
        self.update()

    def _scene_changed(self, _regions: object = None) -> None:
        if self.active:
            self.sync()

    # ---- Qt ------------------------------------------------------------------------------------
    def boundingRect(self) -> QRectF:  # noqa: N802
        return self._bounds

    def shape(self) -> QPainterPath:
        return QPainterPath()  # never under the mouse: clicks and hovers reach the canvas items

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if not self.active or not self._shapes:
            return
        style = self._canvas.style
        color = phase_color(self.phase, style.dark)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        halo = QColor(color)
        halo.setAlphaF(0.28)
        for paths in self._shapes["wires"].values():
            for path, _, _ in paths:
                painter.setPen(QPen(halo, 8.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
                painter.drawPath(path)
                painter.setPen(QPen(color, 2.6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
                painter.drawPath(path)
        card = self._shapes["node"]
        if card is not None:
            ring = card.adjusted(-RING_GAP, -RING_GAP, RING_GAP, RING_GAP)
            painter.setPen(QPen(halo, 7.0))
            painter.drawRoundedRect(ring, 10, 10)
            painter.setPen(QPen(color, 2.6))
            painter.drawRoundedRect(ring, 10, 10)
        hint = self._shapes["hint"]
        if hint is not None:
            hint_color = QColor(HINT_COLORS[1] if style.dark else HINT_COLORS[0])
            pen = QPen(hint_color, 2.4, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawRoundedRect(hint.adjusted(-RING_GAP - 3, -RING_GAP - 3, RING_GAP + 3, RING_GAP + 3), 12, 12)
        painter.setFont(self._label_font())
        for rect, text, role, anchor in self._labels_cache:
            tone = QColor(HINT_COLORS[1] if style.dark else HINT_COLORS[0]) if role == "hint" else color
            if anchor is not None:
                painter.setPen(QPen(tone, 1.2, Qt.PenStyle.DotLine))
                painter.drawLine(QPointF(rect.center().x(), rect.bottom()), anchor)
                painter.setBrush(tone)
                painter.drawEllipse(anchor, 2.5, 2.5)
            painter.setPen(QPen(tone, 1.2))
            painter.setBrush(style.card)
            painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
            painter.setPen(tone if role != "caption" else style.text)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.setBrush(Qt.BrushStyle.NoBrush)
