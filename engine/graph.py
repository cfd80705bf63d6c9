"""The graph model: layer nodes, named ports and wires. Qt-free; views subscribe to its events.

The model is the single source of truth: the canvas mirrors it, undo commands call its methods,
and ``Network`` compiles it. Every mutation emits one event per elementary change, so a view that
applies the events in order stays in sync (removing a node emits its wires' removal first).
"""
from __future__ import annotations

import copy
import re
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Union

from . import registry
from .errors import (
    CycleError,
    DuplicateNameError,
    GraphError,
    NodeNotFoundError,
    ParamError,
    PortError,
    PortInUseError,
)

NAME_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")


@dataclass
class Node:
    """One layer on the canvas. ``params`` holds validated values for every parameter."""

    id: str
    type: str
    name: str
    params: dict[str, Any]
    pos: tuple[float, float] = (0.0, 0.0)

    @property
    def spec(self) -> "registry.LayerSpec":
        return registry.get(self.type)

    @property
    def input_ports(self) -> list[str]:
        return self.spec.input_ports(self.params)

    @property
    def output_ports(self) -> list[str]:
        return list(self.spec.outputs)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "name": self.name,
            "params": copy.deepcopy(self.params),
            "pos": [float(self.pos[0]), float(self.pos[1])],
        }


@dataclass(frozen=True)
class Edge:
    """A wire from an output port to an input port. Each input port takes at most one wire."""

    src: str
    src_port: str
    dst: str
    dst_port: str

    def to_dict(self) -> dict[str, str]:
        return {"src": self.src, "src_port": self.src_port, "dst": self.dst, "dst_port": self.dst_port}


# ---- events -------------------------------------------------------------------------------
@dataclass(frozen=True)
class NodeAdded:
    node: Node
    index: int


@dataclass(frozen=True)
class NodeRemoved:
    node: Node
    index: int


@dataclass(frozen=True)
class EdgeAdded:
    edge: Edge


@dataclass(frozen=True)
class EdgeRemoved:
    edge: Edge


@dataclass(frozen=True)
class NodeRenamed:
    node: Node
    old: str
    new: str


@dataclass(frozen=True)
class ParamsChanged:
    node: Node
    old: dict[str, Any]
    new: dict[str, Any]


@dataclass(frozen=True)
class NodeMoved:
    node: Node
    old: tuple[float, float]
    new: tuple[float, float]


GraphEvent = Union[NodeAdded, NodeRemoved, EdgeAdded, EdgeRemoved, NodeRenamed, ParamsChanged, NodeMoved]
NodeRef = Union[Node, str]


@dataclass
class RemovedNode:
    """What ``remove_node`` took away, enough for ``restore_node`` to put it back exactly."""

    node: Node
    index: int
    edges: list[Edge] = field(default_factory=list)


class Graph:
    """A directed acyclic graph of layer nodes.

    Nodes are addressed by their uuid ``id`` or their unique ``name``; methods accept either, or the
    ``Node`` object itself.
    """

    def __init__(self) -> None:
        self._nodes: dict[str, Node] = {}
        self._edges: list[Edge] = []
        self._inbound: dict[tuple[str, str], Edge] = {}
        self._listeners: list[Callable[[GraphEvent], None]] = []

    # ---- observation -------------------------------------------------------------------
    def subscribe(self, listener: Callable[[GraphEvent], None]) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[GraphEvent], None]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _emit(self, event: GraphEvent) -> None:
        for listener in list(self._listeners):
            listener(event)

    # ---- queries -----------------------------------------------------------------------
    @property
    def nodes(self) -> list[Node]:
        return list(self._nodes.values())

    @property
    def edges(self) -> list[Edge]:
        return list(self._edges)

    def __len__(self) -> int:
        return len(self._nodes)

    def __iter__(self) -> Iterator[Node]:
        return iter(list(self._nodes.values()))

    def __contains__(self, ref: object) -> bool:
        try:
            self.node(ref)  # type: ignore[arg-type]
        except NodeNotFoundError:
            return False
        return True

    def node(self, ref: NodeRef) -> Node:
        """The node with this id or name (or the node itself, checked to belong here)."""
        if isinstance(ref, Node):
            if self._nodes.get(ref.id) is ref:
                return ref
            ref = ref.id
        if isinstance(ref, str):
            found = self._nodes.get(ref)
            if found is not None:
                return found
            for n in self._nodes.values():
                if n.name == ref:
                    return n
        raise NodeNotFoundError(f"No node named or with id {ref!r} in this graph")

    def find(self, name: str) -> Node | None:
        for n in self._nodes.values():
            if n.name == name:
                return n
        return None

    def index_of(self, ref: NodeRef) -> int:
        return list(self._nodes).index(self.node(ref).id)

    def inbound(self, ref: NodeRef, port: str | None = None) -> list[Edge] | Edge | None:
        """With ``port``: the wire into that port or None. Without: wires in, in port order."""
        node = self.node(ref)
        if port is not None:
            return self._inbound.get((node.id, port))
        return [self._inbound[(node.id, p)] for p in node.input_ports if (node.id, p) in self._inbound]

    def in_edges(self, ref: NodeRef) -> list[Edge]:
        node = self.node(ref)
        return [self._inbound[(node.id, p)] for p in node.input_ports if (node.id, p) in self._inbound]

    def out_edges(self, ref: NodeRef) -> list[Edge]:
        node_id = self.node(ref).id
        return [e for e in self._edges if e.src == node_id]

    def predecessors(self, ref: NodeRef) -> list[Node]:
        return [self._nodes[e.src] for e in self.in_edges(ref)]

    def successors(self, ref: NodeRef) -> list[Node]:
        seen: dict[str, Node] = {}
        for e in self.out_edges(ref):
            seen.setdefault(e.dst, self._nodes[e.dst])
        return list(seen.values())

    def free_input_ports(self, ref: NodeRef) -> list[str]:
        node = self.node(ref)
        return [p for p in node.input_ports if (node.id, p) not in self._inbound]

    # ---- names -------------------------------------------------------------------------
    def unique_name(self, prefix: str) -> str:
        """``prefix_k`` with the smallest k ≥ 1 not yet used."""
        used = {n.name for n in self._nodes.values()}
        k = 1
        while f"{prefix}_{k}" in used:
            k += 1
        return f"{prefix}_{k}"

    def _check_name(self, name: str, ignore: str | None = None) -> None:
        if not isinstance(name, str) or not NAME_PATTERN.match(name):
            raise GraphError(
                f"Invalid node name {name!r}: use letters, digits, '_', '-' or '.', "
                "start with a letter or '_', at most 64 characters"
            )
        for n in self._nodes.values():
            if n.name == name and n.id != ignore:
                raise DuplicateNameError(f"The name {name!r} is already used by another node")

    # ---- mutations ---------------------------------------------------------------------
    def add_node(
        self,
        type: str,
        name: str | None = None,
        *,
        pos: tuple[float, float] = (0.0, 0.0),
        node_id: str | None = None,
        index: int | None = None,
        params: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Node:
        """Add a layer node; parameters come as keyword arguments (or a ``params`` dict)."""
        spec = registry.get(type)
        values = spec.make_params({**(params or {}), **kwargs})
        if name is None:
            name = self.unique_name(spec.name_prefix)
        self._check_name(name)
        if node_id is None:
            node_id = uuid.uuid4().hex
        elif node_id in self._nodes:
            raise GraphError(f"A node with id {node_id!r} already exists")
        node = Node(node_id, spec.type, name, values, (float(pos[0]), float(pos[1])))
        self._insert(node, index)
        return node

    def _insert(self, node: Node, index: int | None) -> None:
        items = list(self._nodes.items())
        if index is None or index >= len(items):
            index = len(items)
            self._nodes[node.id] = node
        else:
            items.insert(max(0, index), (node.id, node))
            self._nodes = dict(items)
        self._emit(NodeAdded(node, index))

    def remove_node(self, ref: NodeRef) -> RemovedNode:
        """Remove a node and its wires (the wires' events come first)."""
        node = self.node(ref)
        index = self.index_of(node)
        removed = [e for e in self._edges if e.src == node.id or e.dst == node.id]
        for e in removed:
            self._remove_edge(e)
        del self._nodes[node.id]
        self._emit(NodeRemoved(node, index))
        return RemovedNode(node, index, removed)

    def restore_node(self, removed: RemovedNode) -> Node:
        """Undo of ``remove_node``: the same node at the same index, with its wires."""
        node = removed.node
        if node.id in self._nodes:
            raise GraphError(f"A node with id {node.id!r} already exists")
        self._check_name(node.name)
        self._insert(node, removed.index)
        for e in removed.edges:
            self.connect(e.src, e.dst, e.src_port, e.dst_port)
        return node

    def connect(
        self,
        src: NodeRef,
        dst: NodeRef,
        src_port: str = "out",
        dst_port: str | None = None,
    ) -> Edge:
        """Wire ``src``'s output port to ``dst``'s input port (the first free one by default)."""
        s, d = self.node(src), self.node(dst)
        if dst_port is None:
            free = self.free_input_ports(d)
            if not free:
                ports = d.input_ports
                if not ports:
                    raise PortError(f"{d.name} ({d.type}) has no input ports")
                raise PortInUseError(f"Every input of {d.name} is already connected; disconnect one first")
            dst_port = free[0]
        reason = self.connection_problem(s, src_port, d, dst_port)
        if reason is not None:
            raise reason
        edge = Edge(s.id, src_port, d.id, dst_port)
        self._edges.append(edge)
        self._inbound[(d.id, dst_port)] = edge
        self._emit(EdgeAdded(edge))
        return edge

    def connection_problem(
        self, src: NodeRef, src_port: str, dst: NodeRef, dst_port: str
    ) -> GraphError | None:
        """Why this wire cannot be drawn (an error to raise or show), or None if it can."""
        s, d = self.node(src), self.node(dst)
        if src_port not in s.output_ports:
            if not s.output_ports:
                return PortError(f"{s.name} ({s.type}) has no output port")
            return PortError(f"{s.name} has no output port {src_port!r}; its outputs: {', '.join(s.output_ports)}")
        if dst_port not in d.input_ports:
            if not d.input_ports:
                return PortError(f"{d.name} ({d.type}) has no input port")
            return PortError(f"{d.name} has no input port {dst_port!r}; its inputs: {', '.join(d.input_ports)}")
        existing = self._inbound.get((d.id, dst_port))
        if existing is not None:
            other = self._nodes[existing.src].name
            return PortInUseError(f"Input {dst_port!r} of {d.name} is already connected to {other}")
        if s.id == d.id or self._reaches(d.id, s.id):
            return CycleError(f"Connecting {s.name} to {d.name} would create a cycle; networks must be acyclic")
        return None

    def _reaches(self, start: str, target: str) -> bool:
        stack, seen = [start], set()
        while stack:
            cur = stack.pop()
            if cur == target:
                return True
            if cur in seen:
                continue
            seen.add(cur)
            stack.extend(e.dst for e in self._edges if e.src == cur)
        return False

    def disconnect(self, edge_or_dst: Edge | NodeRef, dst_port: str | None = None) -> Edge:
        """Remove a wire, given the Edge or the destination node and port."""
        if isinstance(edge_or_dst, Edge):
            edge = edge_or_dst
            if edge not in self._edges:
                raise GraphError("That wire is not in this graph")
        else:
            d = self.node(edge_or_dst)
            if dst_port is None:
                raise PortError("disconnect needs the input port name")
            found = self._inbound.get((d.id, dst_port))
            if found is None:
                raise PortError(f"Input {dst_port!r} of {d.name} is not connected")
            edge = found
        self._remove_edge(edge)
        return edge

    def _remove_edge(self, edge: Edge) -> None:
        self._edges.remove(edge)
        self._inbound.pop((edge.dst, edge.dst_port), None)
        self._emit(EdgeRemoved(edge))

    def rename(self, ref: NodeRef, new_name: str) -> str:
        """Rename a node; returns the old name."""
        node = self.node(ref)
        if new_name == node.name:
            return node.name
        self._check_name(new_name, ignore=node.id)
        old = node.name
        node.name = new_name
        self._emit(NodeRenamed(node, old, new_name))
        return old

    def set_params(self, ref: NodeRef, **changes: Any) -> dict[str, Any]:
        """Change parameters (validated); returns the old parameter dict."""
        node = self.node(ref)
        old = copy.deepcopy(node.params)
        new = node.spec.make_params(changes, current=node.params)
        ports = node.spec.input_ports(new)
        dropped = [e.dst_port for e in self.in_edges(node) if e.dst_port not in ports]
        if dropped:
            raise ParamError(
                f"{node.name}: disconnect input {', '.join(dropped)} before removing that port"
            )
        if new == old:
            return old
        node.params = new
        self._emit(ParamsChanged(node, old, copy.deepcopy(new)))
        return old

    def set_pos(self, ref: NodeRef, x: float, y: float) -> tuple[float, float]:
        """Move a node; returns the old position."""
        node = self.node(ref)
        old = node.pos
        new = (float(x), float(y))
        if new != old:
            node.pos = new
            self._emit(NodeMoved(node, old, new))
        return old

    def clear(self) -> None:
        for node in reversed(self.nodes):
            self.remove_node(node)

    # ---- (de)serialisation -------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "nodes": [n.to_dict() for n in self._nodes.values()],
            "edges": [e.to_dict() for e in self._edges],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Graph":
        """Build a graph from ``to_dict`` output; raises GraphError on the first problem.

        The file loader (``engine.fileformat``) does the tolerant, error-collecting version.
        """
        g = cls()
        for nd in data.get("nodes", []):
            g.add_node(
                nd["type"],
                nd.get("name"),
                pos=tuple(nd.get("pos", (0.0, 0.0))),  # type: ignore[arg-type]
                node_id=nd.get("id"),
                params=nd.get("params", {}),
            )
        for ed in data.get("edges", []):
            g.connect(ed["src"], ed["dst"], ed.get("src_port", "out"), ed["dst_port"])
        return g

    def copy(self) -> "Graph":
        return Graph.from_dict(self.to_dict())

    def topological_order(self) -> list[Node]:
        """Nodes in an order where every node comes after its inputs (insertion order breaks ties)."""
        indegree = {nid: 0 for nid in self._nodes}
        for e in self._edges:
            indegree[e.dst] += 1
        ready = [nid for nid in self._nodes if indegree[nid] == 0]
        order: list[Node] = []
        position = {nid: i for i, nid in enumerate(self._nodes)}
        while ready:
            ready.sort(key=position.__getitem__)
            nid = ready.pop(0)
            order.append(self._nodes[nid])
            for e in self._edges:
                if e.src == nid:
                    indegree[e.dst] -= 1
                    if indegree[e.dst] == 0:
                        ready.append(e.dst)
        if len(order) != len(self._nodes):  # pragma: no cover - connect() refuses cycles
            raise CycleError("The graph contains a cycle")
        return order

    def ancestors(self, ref: NodeRef) -> set[str]:
        start = self.node(ref).id
        seen: set[str] = set()
        stack = [start]
        while stack:
            cur = stack.pop()
            for e in self._edges:
                if e.dst == cur and e.src not in seen:
                    seen.add(e.src)
                    stack.append(e.src)
        return seen

    def descendants(self, ref: NodeRef) -> set[str]:
        start = self.node(ref).id
        seen: set[str] = set()
        stack = [start]
        while stack:
            cur = stack.pop()
            for e in self._edges:
                if e.src == cur and e.dst not in seen:
                    seen.add(e.dst)
                    stack.append(e.dst)
        return seen


def chain(graph: Graph, nodes: Iterable[NodeRef]) -> None:
    """Connect nodes one after the other through their default ports."""
    items = list(nodes)
    for a, b in zip(items, items[1:]):
        graph.connect(a, b)
