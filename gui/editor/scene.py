"""The canvas scene: mirrors the document's graph through its events and turns gestures into undo
commands (it never changes the graph directly, and model events never push commands).

Items: NodeItem (with PortItem and BadgeItem children) per node, EdgeItem per wire. Each model event
touches only the items it concerns; analysis results (shapes, parameter counts, issues) repaint only
the nodes whose display changed.
"""
from __future__ import annotations

import json
import weakref
from collections import defaultdict
from typing import Any, Callable, Iterable

import shiboken6
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QGraphicsSceneMouseEvent

from engine import registry
from engine.graph import (
    Edge, EdgeAdded, EdgeRemoved, Node, NodeAdded, NodeMoved, NodeRemoved, NodeRenamed, ParamsChanged,
)
from engine.layout import COLUMN_GAP, ROW_GAP, auto_layout
from engine.validation import Analysis

from ..document import DocumentModel
from ..weak_slots import connect_weak
from .clipboard import copy_fragment, paste_fragment
from .commands import AddNodeCommand, MoveNodesCommand, PasteCommand, RemoveCommand, fragment_of
from .interactions import Interaction, MoveNodes, NewWire
from .items.edge import EdgeItem
from .items.geometry import NODE_WIDTH, PASTE_OFFSET, node_rect, port_pos, snap
from .items.node import NodeItem
from .items.port import PortItem
from .items.style import CanvasStyle
from .overlays import CanvasOverlays
from .quick_add import QuickAddRequest

Point = QPointF | tuple[float, float]


def _xy(pos: Point) -> tuple[float, float]:
    if isinstance(pos, QPointF):
        return (pos.x(), pos.y())
    return (float(pos[0]), float(pos[1]))


_param_counts: dict[tuple, int | None] = {}


def parameter_count(node: Node, in_shapes: list, out_shape: tuple | None) -> int | None:
    """Trainable values of a node (as the compiled layer would have), None while its input shape is
    unknown. Uses the layer's own param_shapes without allocating arrays; cached."""
    spec = node.spec
    if not spec.has_weights or spec.factory is None:
        return 0
    if out_shape is None or any(s is None for s in in_shapes):
        return None
    key = (node.type, json.dumps(node.params, sort_keys=True, default=str), tuple(in_shapes), out_shape)
    if key not in _param_counts:
        if len(_param_counts) > 4096:
            _param_counts.clear()
        try:
            layer = spec.factory(node.name, node.params, list(in_shapes), out_shape)
            _param_counts[key] = layer.parameter_count
        except Exception:  # noqa: BLE001 - a layer that cannot be built shows "? params"
            _param_counts[key] = None
    return _param_counts[key]


def _weak_listener(scene: "CanvasScene") -> Callable[[object], None]:
    """A graph listener that does not keep the scene alive: a scene dropped without detach()
    unsubscribes itself at the next event instead of mirroring a graph nobody sees."""
    ref = weakref.ref(scene)
    graph = scene.graph

    def listener(event: object) -> None:
        target = ref()
        if target is None or not shiboken6.isValid(target):
            graph.unsubscribe(listener)
            return
        target._on_graph_event(event)

    return listener


class CanvasScene(QGraphicsScene):
    nodeSelectionChanged = Signal(list)   # ids of the selected nodes
    statusMessage = Signal(str)           # e.g. why a wire was refused
    nodeActivated = Signal(str)           # a node was double-clicked
    emptyChanged = Signal(bool)           # the graph became empty / non-empty (the view's hint)

    def __init__(self, document: DocumentModel, parent=None):
        super().__init__(parent)
        self.document = document
        self.graph = document.graph
        self.style = CanvasStyle.from_palette()
        self.setBackgroundBrush(self.style.canvas)
        self._nodes: dict[str, NodeItem] = {}
        self._edges: dict[Edge, EdgeItem] = {}
        self._interaction: Interaction | None = None
        self._selection: list[str] = []
        self._paste_key: str | None = None
        self._paste_count = 0
        self.quick_add_handler: Callable[[QuickAddRequest], bool] | None = None
        self._caching = True
        self.overlays = CanvasOverlays(self)
        for node in self.graph.nodes:
            self._add_node_item(node)
        for edge in self.graph.edges:
            self._add_edge_item(edge)
        self._empty = len(self.graph) == 0
        self._unsubscribe = self.graph.subscribe(_weak_listener(self))
        self._analysis_slot = connect_weak(document.analysisChanged, self, "_apply_analysis")
        connect_weak(self.selectionChanged, self, "_on_selection_changed")
        self._apply_analysis(document.analysis)

    def detach(self) -> None:
        """Stop following the graph (call before dropping the scene for another document)."""
        self._unsubscribe()
        try:
            self.document.analysisChanged.disconnect(self._analysis_slot)
        except (RuntimeError, TypeError):
            pass

    # ---- lookup ---------------------------------------------------------------------------------
    @property
    def is_empty(self) -> bool:
        return self._empty

    def node_item(self, node_id: str) -> NodeItem | None:
        return self._nodes.get(node_id)

    def node_items(self) -> Iterable[NodeItem]:
        return self._nodes.values()

    def edge_item(self, edge: Edge) -> EdgeItem | None:
        return self._edges.get(edge)

    def edge_items(self) -> Iterable[EdgeItem]:
        return self._edges.values()

    def all_ports(self) -> Iterable[PortItem]:
        for item in self._nodes.values():
            yield from item.inputs.values()
            yield from item.outputs.values()

    def port_at(self, pos: QPointF) -> PortItem | None:
        for item in self.items(pos):
            if isinstance(item, PortItem):
                return item
        return None

    def nodes_rect(self) -> QRectF:
        """The bounding rectangle of every node (empty if there are none)."""
        rect = QRectF()
        for item in self._nodes.values():
            rect = rect.united(item.sceneBoundingRect())
        return rect

    # ---- selection ------------------------------------------------------------------------------
    def selected_node_ids(self) -> list[str]:
        return [nid for nid, item in self._nodes.items() if item.isSelected()]

    def selected_edges(self) -> list[Edge]:
        return [e for e, item in self._edges.items() if item.isSelected()]

    def select_nodes(self, ids: Iterable[str]) -> None:
        wanted = set(ids)
        self.blockSignals(True)
        try:
            self.clearSelection()
            for nid in wanted:
                item = self._nodes.get(nid)
                if item is not None:
                    item.setSelected(True)
        finally:
            self.blockSignals(False)
        self._on_selection_changed()

    def select_all(self) -> None:
        self.blockSignals(True)
        try:
            for item in (*self._nodes.values(), *self._edges.values()):
                item.setSelected(True)
        finally:
            self.blockSignals(False)
        self._on_selection_changed()

    def _on_selection_changed(self) -> None:
        ids = self.selected_node_ids()
        if ids != self._selection:
            self._selection = ids
            self.nodeSelectionChanged.emit(list(ids))

    # ---- edits (each one undo command) -------------------------------------------------------------
    def add_node(self, type_name: str, pos: Point, params: dict[str, Any] | None = None, *,
                 connect_from: tuple[str, str] | None = None, connect_to: tuple[str, str] | None = None,
                 select: bool = True) -> str:
        """Add a node with its top-left corner at ``pos`` (snapped to the grid); returns its id."""
        x, y = _xy(pos)
        command = AddNodeCommand(self.graph, type_name, (snap(x), snap(y)), params,
                                 connect_from=connect_from, connect_to=connect_to)
        self.document.push(command)
        if select:
            self.select_nodes([command.node_id])
        return command.node_id

    def add_node_at(self, type_name: str, point: Point, params: dict[str, Any] | None = None) -> str:
        """Add a node centred on ``point`` (a drop or the view's centre), shifted off any node
        already sitting exactly there."""
        x, y = _xy(point)
        rect = node_rect(1)
        x, y = snap(x - rect.width() / 2), snap(y - rect.height() / 2)
        taken = {(n.pos[0], n.pos[1]) for n in self.graph.nodes}
        while (x, y) in taken:
            x, y = x + PASTE_OFFSET, y + PASTE_OFFSET
        return self.add_node(type_name, (x, y), params)

    def complete_quick_add(self, request: QuickAddRequest, type_name: str, params: dict[str, Any]) -> str:
        """Add the node picked in the quick-add popup, wired as the request says, placed so the
        wired port lands where the wire was dropped."""
        p = request.scene_pos
        if request.connect_from is not None or request.connect_to is not None:
            spec = registry.get(type_name)
            ins = spec.input_ports(spec.make_params(params))
            rows = max(len(ins), len(spec.outputs), 1)
            if request.connect_from is not None:
                anchor = port_pos(True, 0, len(ins), rows)
            else:
                anchor = port_pos(False, 0, len(spec.outputs), rows)
            x, y = p.x() - anchor.x(), p.y() - anchor.y()
            return self.add_node(type_name, (x, y), params, connect_from=request.connect_from,
                                 connect_to=request.connect_to)
        return self.add_node_at(type_name, p, params)

    def delete_selection(self) -> bool:
        """Remove the selected nodes (with their wires) and the selected wires: one undo step."""
        ids = self.selected_node_ids()
        edges = self.selected_edges()
        if not ids and not edges:
            return False
        text = "Delete" if ids else ("Delete wire" if len(edges) == 1 else "Delete wires")
        self.document.push(RemoveCommand(self.graph, ids, edges, text=text))
        return True

    def copy_selection(self) -> bool:
        ids = self.selected_node_ids()
        if not ids:
            return False
        copy_fragment(fragment_of(self.graph, ids))
        return True

    def cut_selection(self) -> bool:
        if not self.copy_selection():
            return False
        self.document.push(RemoveCommand(self.graph, self.selected_node_ids(), self.selected_edges(), text="Cut"))
        return True

    def paste(self, at: Point | None = None) -> list[str]:
        """Paste the clipboard's fragment: its top-left at ``at``, or offset from the originals
        (+30, +30, and further on each repeated paste). The pasted nodes become the selection."""
        fragment = paste_fragment()
        if not fragment:
            return []
        key = json.dumps(fragment, sort_keys=True)
        if at is None:
            self._paste_count = self._paste_count + 1 if key == self._paste_key else 1
            self._paste_key = key
            offset = (PASTE_OFFSET * self._paste_count, PASTE_OFFSET * self._paste_count)
        else:
            x, y = _xy(at)
            left = min(nd["pos"][0] for nd in fragment["nodes"])
            top = min(nd["pos"][1] for nd in fragment["nodes"])
            offset = (snap(x - left), snap(y - top))
        return self._insert_fragment(fragment, offset, "Paste")

    def duplicate_selection(self) -> list[str]:
        ids = self.selected_node_ids()
        if not ids:
            return []
        return self._insert_fragment(fragment_of(self.graph, ids), (PASTE_OFFSET, PASTE_OFFSET), "Duplicate")

    def _insert_fragment(self, fragment: dict[str, Any], offset: tuple[float, float], text: str) -> list[str]:
        command = PasteCommand(self.graph, fragment, offset, text=text)
        self.document.push(command)
        self.select_nodes(command.node_ids)
        return list(command.node_ids)

    def auto_layout(self) -> bool:
        """Arrange the nodes left to right (engine.layout) as one undo step, keeping the network
        where it was on the canvas."""
        if not len(self.graph):
            return False
        tallest = max(item.boundingRect().height() for item in self._nodes.values())
        rect = self.nodes_rect()
        origin = (snap(rect.left()), snap(rect.center().y() - node_rect(1).height() / 2))
        positions = auto_layout(self.graph, column_gap=max(COLUMN_GAP, NODE_WIDTH + 70),
                                row_gap=max(ROW_GAP, tallest + 30), origin=origin)
        moves = {}
        for nid, (x, y) in positions.items():
            new = (snap(x), snap(y))
            old = self.graph.node(nid).pos
            if new != old:
                moves[nid] = (old, new)
        if not moves:
            return False
        self.document.push(MoveNodesCommand(self.graph, moves, text="Auto-layout"))
        return True

    # ---- model -> items --------------------------------------------------------------------------
    def _on_graph_event(self, event: object) -> None:
        kind = type(event)
        if kind is not NodeMoved and kind is not NodeRenamed and isinstance(self._interaction, NewWire):
            self._interaction.cancel()  # e.g. an undo mid-drag: its ports may be about to go
        if kind is NodeMoved:
            item = self._nodes.get(event.node.id)
            if item is not None:
                item.set_model_pos(*event.new)
        elif kind is EdgeAdded:
            self._add_edge_item(event.edge)
        elif kind is EdgeRemoved:
            self._remove_edge_item(event.edge)
        elif kind is NodeAdded:
            self._add_node_item(event.node)
        elif kind is NodeRemoved:
            self._remove_node_item(event.node.id)
        elif kind is NodeRenamed or kind is ParamsChanged:
            item = self._nodes.get(event.node.id)
            if item is not None:
                item.refresh()
        empty = len(self.graph) == 0
        if empty != self._empty:
            self._empty = empty
            self.emptyChanged.emit(empty)

    def set_item_caching(self, enabled: bool) -> None:
        """Nodes keep a device-pixel picture of themselves (fast pans, drags and edits); while a
        zoom is under way every frame needs a new one, so the view turns caching off meanwhile."""
        if enabled != self._caching:
            self._caching = enabled
            mode = QGraphicsItem.CacheMode.DeviceCoordinateCache if enabled else QGraphicsItem.CacheMode.NoCache
            for item in self._nodes.values():
                item.setCacheMode(mode)
            self.overlays.set_caching(enabled)

    def _add_node_item(self, node: Node) -> NodeItem:
        item = NodeItem(node, self.style)
        if not self._caching:
            item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
        self._nodes[node.id] = item
        self.addItem(item)
        return item

    def _remove_node_item(self, node_id: str) -> None:
        item = self._nodes.pop(node_id, None)
        if item is None:
            return
        if isinstance(self._interaction, MoveNodes):
            self._interaction.start.pop(node_id, None)
        for edge in list(item.edges):
            self._remove_edge_item(edge.edge)
        self.removeItem(item)
        self._on_selection_changed()

    def _add_edge_item(self, edge: Edge) -> None:
        src, dst = self._nodes[edge.src], self._nodes[edge.dst]
        item = EdgeItem(edge, src, dst, self.style)
        self._edges[edge] = item
        src.edges.add(item)
        dst.edges.add(item)
        self.addItem(item)
        for port in (src.port(edge.src_port, False), dst.port(edge.dst_port, True)):
            if port is not None:
                port.set_connected(True)
        self.overlays.style_edge(item)

    def _remove_edge_item(self, edge: Edge) -> None:
        item = self._edges.pop(edge, None)
        if item is None:
            return
        item.src_item.edges.discard(item)
        item.dst_item.edges.discard(item)
        self.removeItem(item)
        src_port = item.src_item.port(edge.src_port, False)
        if src_port is not None:
            src_port.set_connected(any(e.edge.src_port == edge.src_port and e.src_item is item.src_item
                                       for e in item.src_item.edges))
        dst_port = item.dst_item.port(edge.dst_port, True)
        if dst_port is not None:
            dst_port.set_connected(False)
        if item.isSelected():
            self._on_selection_changed()

    def _apply_analysis(self, analysis: Analysis) -> None:
        """Shapes, parameter counts and badges; only nodes whose display changed repaint."""
        if not shiboken6.isValid(self):
            return
        by_node: dict[str, list] = defaultdict(list)
        for issue in analysis.issues:
            if issue.node is not None:
                by_node[issue.node].append(issue)
        shapes = analysis.shapes
        sources = self.graph.sources
        for nid, item in self._nodes.items():
            shape = shapes.get(nid)
            in_shapes = [shapes.get(s) if s is not None else None for s in sources(nid)]
            item.set_analysis(shape, parameter_count(item.node, in_shapes, shape), by_node.get(nid, []))

    def refresh_style(self) -> None:
        """Re-read the application palette (light/dark switch)."""
        self.style = CanvasStyle.from_palette()
        self.setBackgroundBrush(self.style.canvas)
        for item in self._nodes.values():
            item.set_style(self.style)
            item.refresh()
        for edge in self._edges.values():
            edge.set_style(self.style)
        self.overlays.restyle()
        self.update()

    # ---- live training overlays (gui.editor.overlays) ---------------------------------------------
    def set_neuron_maps(self, maps: dict[str, Any] | None) -> None:
        """Show each node's output over the input plane, ``{node name: (units, r, r)}`` (a
        snapshot's ``neuron_maps``, row 0 at the lowest x2); None removes every map."""
        self.overlays.set_neuron_maps(maps)

    def set_neuron_maps_visible(self, visible: bool) -> None:
        self.overlays.set_neuron_maps_visible(visible)

    def set_weight_summary(self, summary: dict[str, dict[str, float]] | None) -> None:
        """Colour and thicken the wire into each layer by ``{layer: {"mean", "mean_abs"}}`` (a
        snapshot's ``weights``); None returns every wire to the plain look."""
        self.overlays.set_weight_summary(summary)

    def set_weight_colouring(self, enabled: bool) -> None:
        self.overlays.set_weight_colouring(enabled)

    # ---- the step inspector's animation (gui.inspect) ------------------------------------------------
    def step_highlight(self) -> "StepHighlight":
        """The overlay that rings the active node of a training-step animation and writes values on
        its wires (gui.editor.step_highlight); made on first use."""
        from .step_highlight import StepHighlight

        overlay = getattr(self, "_step_highlight", None)
        if overlay is None:
            overlay = self._step_highlight = StepHighlight(self)
        return overlay

    def set_step_highlight(self, node_id: str | None, wire_values: dict | None = None, *,
                           phase: str = "forward", caption: str = "") -> None:
        """Emphasise ``node_id`` (None: no node) and write ``{(src id, dst id): value or text}`` on
        those wires, in the colour of ``phase`` ("forward", "loss", "backward", "update")."""
        if node_id is None and not wire_values and getattr(self, "_step_highlight", None) is None:
            return
        self.step_highlight().set_step(node_id, wire_values, phase=phase, caption=caption)

    # ---- gestures -----------------------------------------------------------------------------------
    @property
    def interaction(self) -> Interaction | None:
        return self._interaction

    def cancel_interaction(self) -> bool:
        if self._interaction is None:
            return False
        self._interaction.cancel()
        return True

    def _end_interaction(self, interaction: Interaction) -> None:
        if self._interaction is interaction:
            self._interaction = None

    def request_quick_add(self, request: QuickAddRequest) -> bool:
        """Ask the view to show the quick-add popup; False if there is no view to show it."""
        handler = self.quick_add_handler
        return bool(handler(request)) if handler is not None else False

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        if self._interaction is not None and self._interaction.consumes_mouse:
            event.accept()
            return
        if event.button() == Qt.MouseButton.LeftButton:
            port = self.port_at(event.scenePos())
            if port is not None:
                self._interaction = NewWire(self, port)
                event.accept()
                return
        super().mousePressEvent(event)
        grabber = self.mouseGrabberItem()
        if event.button() == Qt.MouseButton.LeftButton and isinstance(grabber, NodeItem):
            moving = [self._nodes[nid] for nid in self.selected_node_ids()]
            if grabber not in moving:
                moving.append(grabber)
            self._interaction = MoveNodes(self, moving)

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        interaction = self._interaction
        if interaction is not None:
            interaction.mouse_move(event)
            if interaction.consumes_mouse:
                event.accept()
                return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        interaction = self._interaction
        if interaction is not None and interaction.consumes_mouse:
            if event.button() == Qt.MouseButton.LeftButton:
                interaction.mouse_release(event)
            event.accept()
            return
        super().mouseReleaseEvent(event)
        if interaction is not None and event.button() == Qt.MouseButton.LeftButton:
            interaction.mouse_release(event)

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        if self.port_at(event.scenePos()) is not None:
            event.accept()
            return
        super().mouseDoubleClickEvent(event)
