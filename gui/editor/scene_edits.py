"""The canvas's selection and the edits made from it: add, delete, cut, copy, paste, duplicate and
auto-layout, each one undo command on the document's stack."""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Iterable

import numpy as np
from PySide6.QtCore import QPointF, QRectF

from engine import registry
from engine.graph import Edge
from engine.layout import COLUMN_GAP, ROW_GAP, auto_layout

from .clipboard import copy_fragment, paste_fragment
from .commands import AddNodeCommand, MoveNodesCommand, PasteCommand, RemoveCommand, fragment_of
from .items.geometry import GRID, NODE_WIDTH, PASTE_OFFSET, node_rect, port_pos, snap
from .quick_add import QuickAddRequest

Point = QPointF | tuple[float, float]

FREE_MARGIN = 20.0     # a placed node keeps this far from the others (room for their wires)
FREE_SEARCH = 1000.0   # how far from the requested point a free spot is looked for


@lru_cache(maxsize=1)
def _offsets() -> np.ndarray:
    """Grid offsets (k, 2) within FREE_SEARCH, nearest first (on a tie: down before up, right before
    left)."""
    n = int(FREE_SEARCH // GRID)
    i, j = np.meshgrid(np.arange(-n, n + 1), np.arange(-n, n + 1), indexing="ij")
    i, j = i.ravel(), j.ravel()
    d2 = i * i + j * j
    keep = d2 <= n * n
    i, j, d2 = i[keep], j[keep], d2[keep]
    order = np.lexsort((i < 0, j < 0, d2))
    return np.column_stack([i[order], j[order]]).astype(np.float64) * GRID


def _rows(type_name: str, params: dict[str, Any] | None) -> int:
    """The port rows of a new node of this type (its card's height follows them)."""
    spec = registry.get(type_name)
    return max(len(spec.input_ports(spec.make_params(params or {}))), len(spec.outputs), 1)


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
        """Add a node centred on ``point`` (a drop or the view's centre), or as near to it as it fits
        without covering another node (free_spot)."""
        x, y = _xy(point)
        rect = node_rect(_rows(type_name, params))
        x, y = self.free_spot(snap(x - rect.width() / 2), snap(y - rect.height() / 2), rect.width(), rect.height())
        return self.add_node(type_name, (x, y), params)

    def free_spot(self, x: float, y: float, width: float, height: float) -> tuple[float, float]:
        """The grid position nearest to (``x``, ``y``) where a ``width`` × ``height`` card keeps at least
        FREE_MARGIN from every node's rectangle (neuron maps included): the grid steps around it are
        tried outwards, nearest first. With no free spot within FREE_SEARCH, (``x``, ``y``) itself."""
        m = FREE_MARGIN
        rects = np.array([(r.left() - m, r.top() - m, r.right() + m, r.bottom() + m)
                          for r in (item.sceneBoundingRect() for item in self._nodes.values())]).reshape(-1, 4)
        near = ((rects[:, 2] > x - FREE_SEARCH) & (rects[:, 0] < x + width + FREE_SEARCH)
                & (rects[:, 3] > y - FREE_SEARCH) & (rects[:, 1] < y + height + FREE_SEARCH))
        rects = rects[near]
        if not len(rects):
            return x, y
        offsets = _offsets()
        for start in range(0, len(offsets), 4096):  # the nearest spots first: usually one chunk
            chunk = offsets[start:start + 4096]
            left, top = x + chunk[:, :1], y + chunk[:, 1:]
            hit = ((left < rects[:, 2]) & (left + width > rects[:, 0])
                   & (top < rects[:, 3]) & (top + height > rects[:, 1])).any(axis=1)
            free = np.flatnonzero(~hit)
            if len(free):
                dx, dy = chunk[free[0]]
                return x + float(dx), y + float(dy)
        return x, y

    def complete_quick_add(self, request: QuickAddRequest, type_name: str, params: dict[str, Any]) -> str:
        """Add the node picked in the quick-add popup, wired as the request says, placed so the
        wired port lands where the wire was dropped."""
        p = request.scene_pos
        if request.connect_from is not None or request.connect_to is not None:
            spec = registry.get(type_name)
            ins = spec.input_ports(spec.make_params(params))
            rows = _rows(type_name, params)
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
