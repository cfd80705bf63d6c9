"""Gestures in progress on the canvas, as small state objects (Orange's document/interactions.py):
the scene (or the view, for panning) hands mouse events to the active one until it ends, instead of
keeping flags in the mouse handlers.

- ``MoveNodes``: Qt moves the selected items during the drag; on release one MoveNodesCommand
  records every node that moved (the model changes only then).
- ``NewWire``: press on a port and drag. Every port is tinted valid or invalid for this wire, the end
  snaps to the nearest valid port within SNAP_RADIUS view pixels, and on release the wire is
  connected, refused with the reason (scene.statusMessage), or, on empty canvas, the quick-add popup
  offers the node types that can take it. Pressing on an input that already has a wire picks that
  wire up: dropped on another input it is re-routed (one undo step), on empty canvas it is removed.
- ``Pan``: middle-drag or space + left-drag in the view.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtWidgets import QGraphicsSceneMouseEvent, QGraphicsView, QToolTip

from engine.graph import Edge

from .commands import ConnectCommand, MoveNodesCommand, RemoveCommand
from .items import port as port_states
from .items.edge import TempWireItem
from .items.geometry import SNAP_RADIUS
from .items.port import PortItem
from .quick_add import QuickAddRequest

if TYPE_CHECKING:  # pragma: no cover
    from .items.node import NodeItem
    from .scene import CanvasScene


def view_scale(event: QGraphicsSceneMouseEvent) -> float:
    """The zoom of the view the event came from (1.0 when unknown)."""
    widget = event.widget()
    view = widget.parentWidget() if widget is not None else None
    if isinstance(view, QGraphicsView):
        return max(view.transform().m11(), 1e-3)
    return 1.0


class Interaction:
    """One gesture. ``consumes_mouse`` says whether the scene's default handling is bypassed."""

    consumes_mouse = True

    def __init__(self, scene: "CanvasScene") -> None:
        self.scene = scene

    def mouse_move(self, event: QGraphicsSceneMouseEvent) -> None:
        pass

    def mouse_release(self, event: QGraphicsSceneMouseEvent) -> None:
        self.end()

    def cancel(self) -> None:
        self.end()

    def end(self) -> None:
        self.scene._end_interaction(self)


class MoveNodes(Interaction):
    consumes_mouse = False  # Qt moves the items (with grid snapping in NodeItem.itemChange)

    def __init__(self, scene: "CanvasScene", items: list["NodeItem"], pressed: "NodeItem | None" = None) -> None:
        super().__init__(scene)
        self.start = {item.node_id: tuple(item.node.pos) for item in items}
        self.pressed = pressed.node_id if pressed is not None else None  # the node under the mouse
        self.moved = False

    def mouse_release(self, event: QGraphicsSceneMouseEvent) -> None:
        moves = {}
        for nid, old in self.start.items():
            item = self.scene.node_item(nid)
            if item is None:
                continue
            new = (item.pos().x(), item.pos().y())
            if new != old:
                moves[nid] = (old, new)
        self.end()
        self.moved = bool(moves)
        if moves:
            self.scene.document.push(MoveNodesCommand(self.scene.graph, moves))

    def cancel(self) -> None:
        pass  # Qt is still moving the items; the release records wherever they end up


class NewWire(Interaction):
    def __init__(self, scene: "CanvasScene", pressed: PortItem) -> None:
        super().__init__(scene)
        graph = scene.graph
        self.picked: Edge | None = None
        origin = pressed
        if pressed.is_input:
            existing = graph.inbound(pressed.node_id, pressed.name)
            if isinstance(existing, Edge):  # pick the wire up by its end and re-route it
                self.picked = existing
                scene.edge_item(existing).hide()
                origin = scene.node_item(existing.src).port(existing.src_port, False)
        self.origin: PortItem = origin
        self.from_output = not origin.is_input
        self.target: PortItem | None = None
        self.target_valid = False
        self.pending = False  # waiting for the quick-add popup
        self._tooltips: dict[PortItem, str] = {}
        self._last_reason = ""
        self.wire = TempWireItem(scene.style, origin.scenePos(), self.from_output)
        scene.addItem(self.wire)
        self.valid = self._tint_ports()

    # ---- validity ---------------------------------------------------------------------------
    def _tint_ports(self) -> dict[PortItem, bool]:
        """Valid/invalid for every port this wire could end on; the same rules as
        Graph.connection_problem, computed for all ports in O(V + E) (cycles: one ancestor walk)."""
        graph = self.scene.graph
        me = self.origin.node_id
        valid: dict[PortItem, bool] = {}
        if self.from_output:
            blocked = graph.ancestors(me) | {me}
            inbound = graph.inbound
            freed = (self.picked.dst, self.picked.dst_port) if self.picked else None
            for item in self.scene.node_items():
                for port in item.inputs.values():
                    used = (item.node_id, port.name) != freed and inbound(item.node_id, port.name) is not None
                    valid[port] = item.node_id not in blocked and not used
                for port in item.outputs.values():
                    port.set_state(port_states.INACTIVE)
        else:
            blocked = graph.descendants(me) | {me}
            for item in self.scene.node_items():
                for port in item.outputs.values():
                    valid[port] = item.node_id not in blocked
                for port in item.inputs.values():
                    if port is not self.origin:
                        port.set_state(port_states.INACTIVE)
        for port, ok in valid.items():
            port.set_state(port_states.VALID if ok else port_states.INVALID)
        return valid

    def _ends(self, port: PortItem) -> tuple[str, str, str, str]:
        """(src, src_port, dst, dst_port) of the wire that would end on ``port``."""
        o = self.origin
        if self.from_output:
            return (o.node_id, o.name, port.node_id, port.name)
        return (port.node_id, port.name, o.node_id, o.name)

    def problem(self, port: PortItem) -> str:
        """Why the wire cannot end on ``port`` (the graph's own message)."""
        src, sp, dst, dp = self._ends(port)
        error = self.scene.graph.connection_problem(src, dst, sp, dp)
        if error is None:  # a port of the wrong direction
            kind = "an output" if self.from_output else "an input"
            return f"A wire from {kind} cannot end on {port.name} of {port.node_item.name}"
        return str(error)

    def _find_target(self, pos: QPointF, radius: float) -> tuple[PortItem | None, bool]:
        """The nearest valid port within ``radius`` (snapping), else a port right under the mouse."""
        best, best_d = None, radius * radius
        under, under_d = None, float("inf")
        for item in self.scene.items(QRectF(pos.x() - radius, pos.y() - radius, 2 * radius, 2 * radius)):
            if not isinstance(item, PortItem) or item is self.origin or item not in self.valid:
                continue
            d = item.scenePos() - pos
            dist = d.x() * d.x() + d.y() * d.y()
            if self.valid[item] and dist <= best_d:
                best, best_d = item, dist
            elif item.contains(item.mapFromScene(pos)) and dist < under_d:
                under, under_d = item, dist
        if best is not None:
            return best, True
        return under, False

    # ---- events -------------------------------------------------------------------------------
    def mouse_move(self, event: QGraphicsSceneMouseEvent) -> None:
        if self.pending:
            return
        pos = event.scenePos()
        port, ok = self._find_target(pos, SNAP_RADIUS / view_scale(event))
        if port is not self.target:
            if self.target is not None and self.target in self.valid:
                self.target.set_state(port_states.VALID if self.valid[self.target] else port_states.INVALID)
            self.target, self.target_valid = port, ok
            if port is not None and ok:
                port.set_state(port_states.TARGET)
        if port is not None and ok:
            self.wire.set_free_end(port.scenePos(), TempWireItem.VALID)
        elif port is not None:
            self.wire.set_free_end(pos, TempWireItem.INVALID)
            reason = self.problem(port)
            self._tooltips.setdefault(port, port.toolTip())
            port.setToolTip(reason)
            if reason != self._last_reason:
                self._last_reason = reason
                self.scene.statusMessage.emit(reason)
                if event.widget() is not None:
                    QToolTip.showText(event.screenPos(), reason, event.widget())
        else:
            self.wire.set_free_end(pos)
            if self._last_reason:
                self._last_reason = ""
                QToolTip.hideText()

    def mouse_release(self, event: QGraphicsSceneMouseEvent) -> None:
        if self.pending:
            return
        self.mouse_move(event)
        port, ok = self.target, self.target_valid
        graph = self.scene.graph
        if port is not None and ok:
            self.end()
            self._connect(port)
        elif port is not None:
            reason = self.problem(port)
            self.end()
            self.scene.statusMessage.emit(reason)
        elif self.picked is not None:
            edge = self.picked
            self.end()
            self.scene.document.push(RemoveCommand(graph, [], [edge], text="Disconnect"))
        else:
            o = self.origin
            request = QuickAddRequest(
                event.scenePos(),
                connect_from=(o.node_id, o.name) if self.from_output else None,
                connect_to=None if self.from_output else (o.node_id, o.name),
                finished=self.end,
            )
            self.pending = True
            if not self.scene.request_quick_add(request):
                request.finish()

    def _connect(self, port: PortItem) -> None:
        document, graph = self.scene.document, self.scene.graph
        src, sp, dst, dp = self._ends(port)
        if self.picked is None:
            document.push(ConnectCommand(graph, src, sp, dst, dp))
        elif (dst, dp) != (self.picked.dst, self.picked.dst_port):  # else: put back where it was
            # A macro, not QUndoCommand children: PySide6 does not keep the Python wrappers of
            # child commands alive (the stack then calls into freed objects).
            stack = document.undo_stack
            stack.beginMacro("Reconnect")
            try:
                document.push(RemoveCommand(graph, [], [self.picked], text="Disconnect"))
                document.push(ConnectCommand(graph, src, sp, dst, dp))
            finally:
                stack.endMacro()

    def end(self) -> None:
        if self.wire.scene() is not None:
            self.wire.scene().removeItem(self.wire)
        for port in self.scene.all_ports():
            port.set_state(port_states.NORMAL)
        for port, tip in self._tooltips.items():
            port.setToolTip(tip)
        if self._last_reason:
            QToolTip.hideText()
        if self.picked is not None:
            item = self.scene.edge_item(self.picked)
            if item is not None:
                item.show()
        super().end()


class Pan:
    """Drag the canvas: the scroll bars follow the mouse (they are hidden; the view's scene rect is
    large so there is always room)."""

    def __init__(self, view: QGraphicsView, pos: QPointF) -> None:
        self.view = view
        self.last = QPointF(pos)

    def move(self, pos: QPointF) -> None:
        delta = pos - self.last
        self.last = QPointF(pos)
        h, v = self.view.horizontalScrollBar(), self.view.verticalScrollBar()
        h.setValue(h.value() - round(delta.x()))
        v.setValue(v.value() - round(delta.y()))
