"""The canvas's selection and the edits made from it: add, delete, cut, copy, paste, duplicate and
auto-layout, each one undo command on the document's stack."""
from __future__ import annotations

import json
from typing import Any, Iterable

from PySide6.QtCore import QPointF

from engine import registry
from engine.graph import Edge
from engine.layout import COLUMN_GAP, ROW_GAP, auto_layout

from .clipboard import copy_fragment, paste_fragment
from .commands import AddNodeCommand, MoveNodesCommand, PasteCommand, RemoveCommand, fragment_of
from .items.geometry import NODE_WIDTH, PASTE_OFFSET, node_rect, port_pos, snap
from .quick_add import QuickAddRequest

Point = QPointF | tuple[float, float]


def _xy(pos: Point) -> tuple[float, float]:
    if isinstance(pos, QPointF):
        return (pos.x(), pos.y())
    return (float(pos[0]), float(pos[1]))


class SceneEdits:
    """Selection and edits (a part of CanvasScene)."""

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
