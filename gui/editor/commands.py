"""Undo commands. Each changes only the engine's graph model; the canvas follows the model's events.

Pattern from Orange's document/commands.py: removing nodes is one command that also takes their
wires and restores both on undo (same ids, indexes and wire order); a drag is one move command
pushed on mouse release; model events never push commands.
"""
from __future__ import annotations

import copy
import itertools
import uuid
from typing import Any

from PySide6.QtGui import QUndoCommand

from engine.graph import Edge, Graph, RemovedNode

_merge_sessions = itertools.count(1)


def new_merge_session() -> int:
    """A token for SetParamsCommand: consecutive commands with the same token merge into one."""
    return next(_merge_sessions)


class AddNodeCommand(QUndoCommand):
    """Add one layer node (optionally wired from an existing output port)."""

    def __init__(self, graph: Graph, type_name: str, pos: tuple[float, float], params: dict[str, Any] | None = None,
                 name: str | None = None, connect_from: tuple[str, str] | None = None,
                 connect_to: tuple[str, str] | None = None, parent: QUndoCommand | None = None) -> None:
        super().__init__(f"Add {type_name}", parent)
        self.graph = graph
        self.type_name = type_name
        self.pos = (float(pos[0]), float(pos[1]))
        self.params = dict(params or {})
        self.name = name
        self.node_id = uuid.uuid4().hex
        self.connect_from = connect_from  # (src node id, src port) -> the new node's first free input
        self.connect_to = connect_to      # (dst node id, dst port) <- the new node's output
        self._removed: RemovedNode | None = None

    def redo(self) -> None:
        if self._removed is not None:
            self.graph.restore_node(self._removed)
            return
        node = self.graph.add_node(self.type_name, self.name, pos=self.pos, node_id=self.node_id, params=self.params)
        self.name = node.name
        if self.connect_from is not None:
            self.graph.connect(self.connect_from[0], node, self.connect_from[1])
        if self.connect_to is not None:
            self.graph.connect(node, self.connect_to[0], "out", self.connect_to[1])

    def undo(self) -> None:
        self._removed = self.graph.remove_node(self.node_id)


class RemoveCommand(QUndoCommand):
    """Remove wires and nodes (a node's own wires go with it) as one step."""

    def __init__(self, graph: Graph, node_ids: list[str], edges: list[Edge] | None = None,
                 text: str = "Delete", parent: QUndoCommand | None = None) -> None:
        super().__init__(text, parent)
        self.graph = graph
        self.node_ids = [nid for nid in dict.fromkeys(node_ids)]
        doomed = set(self.node_ids)
        self.edges = [e for e in (edges or []) if e.src not in doomed and e.dst not in doomed]
        self._edge_positions: list[tuple[int, Edge]] = []
        self._removed: list[RemovedNode] = []

    def redo(self) -> None:
        order = self.graph.edges
        self._edge_positions = [(order.index(e), e) for e in self.edges if e in order]
        for _, e in self._edge_positions:
            self.graph.disconnect(e)
        self._removed = [self.graph.remove_node(nid) for nid in self.node_ids]

    def undo(self) -> None:
        for removed in reversed(self._removed):
            self.graph.restore_node(removed)
        for _, e in sorted(self._edge_positions, key=lambda p: p[0]):
            self.graph.connect(e.src, e.dst, e.src_port, e.dst_port)


class ConnectCommand(QUndoCommand):
    def __init__(self, graph: Graph, src: str, src_port: str, dst: str, dst_port: str,
                 parent: QUndoCommand | None = None) -> None:
        super().__init__("Connect", parent)
        self.graph = graph
        self.edge = Edge(src, src_port, dst, dst_port)

    def redo(self) -> None:
        e = self.edge
        self.graph.connect(e.src, e.dst, e.src_port, e.dst_port)

    def undo(self) -> None:
        self.graph.disconnect(self.edge)


class MoveNodesCommand(QUndoCommand):
    """Move nodes; ``moves`` is {node id: (old position, new position)}."""

    def __init__(self, graph: Graph, moves: dict[str, tuple[tuple[float, float], tuple[float, float]]],
                 text: str | None = None, parent: QUndoCommand | None = None) -> None:
        n = len(moves)
        super().__init__(text or ("Move node" if n == 1 else f"Move {n} nodes"), parent)
        self.graph = graph
        self.moves = dict(moves)

    def redo(self) -> None:
        for nid, (_, new) in self.moves.items():
            self.graph.set_pos(nid, *new)

    def undo(self) -> None:
        for nid, (old, _) in self.moves.items():
            self.graph.set_pos(nid, *old)


class SetParamsCommand(QUndoCommand):
    """Change parameters of one node. Commands with the same ``merge_session`` on the same node
    merge into one undo step (a spin box dragged through many values)."""

    ID = 0x4E43  # "NC"

    def __init__(self, graph: Graph, node_id: str, changes: dict[str, Any], merge_session: int | None = None,
                 parent: QUndoCommand | None = None) -> None:
        node = graph.node(node_id)
        label = ", ".join(changes)
        super().__init__(f"Change {node.name} {label}", parent)
        self.graph = graph
        self.node_id = node_id
        self.old = {k: copy.deepcopy(node.params[k]) for k in changes}
        self.new = copy.deepcopy(changes)
        self.merge_session = merge_session

    def id(self) -> int:
        return self.ID if self.merge_session is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetParamsCommand) or other.merge_session != self.merge_session:
            return False
        if other.node_id != self.node_id:
            return False
        for k, v in other.old.items():
            self.old.setdefault(k, v)
        self.new.update(other.new)
        return True

    def redo(self) -> None:
        self.graph.set_params(self.node_id, **self.new)

    def undo(self) -> None:
        self.graph.set_params(self.node_id, **self.old)


class RenameCommand(QUndoCommand):
    def __init__(self, graph: Graph, node_id: str, new_name: str, parent: QUndoCommand | None = None) -> None:
        old = graph.node(node_id).name
        super().__init__(f"Rename {old} to {new_name}", parent)
        self.graph = graph
        self.node_id = node_id
        self.old, self.new = old, new_name

    def redo(self) -> None:
        self.graph.rename(self.node_id, self.new)

    def undo(self) -> None:
        self.graph.rename(self.node_id, self.old)


class PasteCommand(QUndoCommand):
    """Insert a graph fragment (``Graph.to_dict`` form): new ids, new names, positions offset."""

    def __init__(self, graph: Graph, fragment: dict[str, Any], offset: tuple[float, float],
                 text: str = "Paste", parent: QUndoCommand | None = None) -> None:
        super().__init__(text, parent)
        self.graph = graph
        self.fragment = copy.deepcopy(fragment)
        self.offset = offset
        self.node_ids: list[str] = []
        self._plan: list[dict[str, Any]] | None = None
        self._edges: list[Edge] = []

    def _prepare(self) -> None:
        ids = {nd["id"]: uuid.uuid4().hex for nd in self.fragment.get("nodes", [])}
        used = {n.name for n in self.graph}
        plan = []
        for nd in self.fragment.get("nodes", []):
            name = nd.get("name")
            if not name or name in used:
                name = None  # the graph picks the next free name of the layer's kind
            x, y = nd.get("pos", (0.0, 0.0))
            plan.append({"type": nd["type"], "name": name, "id": ids[nd["id"]], "params": nd.get("params", {}),
                         "pos": (x + self.offset[0], y + self.offset[1])})
            if name:
                used.add(name)
        self._plan = plan
        self._edges = [Edge(ids[e["src"]], e.get("src_port", "out"), ids[e["dst"]], e["dst_port"])
                       for e in self.fragment.get("edges", []) if e["src"] in ids and e["dst"] in ids]

    def redo(self) -> None:
        if self._plan is None:
            self._prepare()
        self.node_ids = []
        for p in self._plan:
            node = self.graph.add_node(p["type"], p["name"], pos=p["pos"], node_id=p["id"], params=p["params"])
            p["name"] = node.name  # the same names on every redo
            self.node_ids.append(node.id)
        for e in self._edges:
            self.graph.connect(e.src, e.dst, e.src_port, e.dst_port)

    def undo(self) -> None:
        for nid in reversed(self.node_ids):
            self.graph.remove_node(nid)


def fragment_of(graph: Graph, node_ids: list[str]) -> dict[str, Any]:
    """The selected nodes and the wires among them, in the file format's graph form."""
    chosen = set(node_ids)
    data = graph.to_dict()
    return {
        "nodes": [nd for nd in data["nodes"] if nd["id"] in chosen],
        "edges": [ed for ed in data["edges"] if ed["src"] in chosen and ed["dst"] in chosen],
    }
