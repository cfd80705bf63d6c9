"""The canvas scene: mirrors the document's graph through its events and turns gestures into undo
commands (it never changes the graph directly, and model events never push commands).

Items: NodeItem (with PortItem and BadgeItem children) per node, EdgeItem per wire. Each model event
touches only the items it concerns; analysis results (shapes, parameter counts, issues) repaint only
the nodes whose display changed.

Its parts: the selection and the edits made from it (scene_edits), what it shows beyond the graph
(scene_display: analysis, style, training overlays, the step animation) and the mouse gestures
(scene_gestures).
"""
from __future__ import annotations

import weakref
from typing import Callable, Iterable

import shiboken6
from PySide6.QtCore import QObject, QPointF, QRectF, Signal
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from engine.graph import (
    Edge, EdgeAdded, EdgeRemoved, Node, NodeAdded, NodeMoved, NodeRemoved, NodeRenamed, ParamsChanged,
)

from ..document import DocumentModel
from ..weak_slots import connect_weak
from .interactions import Interaction, MoveNodes, NewWire
from .items.edge import EdgeItem
from .items.node import NodeItem
from .items.port import PortItem
from .items.style import CanvasStyle
from .overlays import CanvasOverlays
from .quick_add import QuickAddRequest
from .scene_display import SceneDisplay, parameter_count  # noqa: F401 - re-exported
from .scene_edits import Point, SceneEdits, _xy  # noqa: F401 - re-exported
from .scene_gestures import SceneGestures


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


class CanvasScene(SceneEdits, SceneDisplay, SceneGestures, QGraphicsScene):
    nodeSelectionChanged = Signal(list)   # ids of the selected nodes
    statusMessage = Signal(str)           # e.g. why a wire was refused
    nodeActivated = Signal(str)           # a node was double-clicked
    nodeClicked = Signal(str)             # the person clicked a node, and it is now the only one selected
    emptyChanged = Signal(bool)           # the graph became empty / non-empty (the view's hint)

    def __init__(self, document: DocumentModel, parent: QObject | None = None) -> None:
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
        self._plain_press = False
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

    def network_rect(self) -> QRectF:
        """The nodes and their wires (a wire looping back to the next row bulges beyond the nodes)."""
        rect = self.nodes_rect()
        for item in self._edges.values():
            rect = rect.united(item.mapRectToScene(item.path().boundingRect()))
        return rect

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
        if kind is not NodeMoved and kind is not NodeRenamed:
            self.overlays.graph_changed()  # maps and wire colours of the old network are held back
        empty = len(self.graph) == 0
        if empty != self._empty:
            self._empty = empty
            self.emptyChanged.emit(empty)

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
