"""The graph model: layer nodes, named ports and wires. Qt-free; views subscribe to its events.

The model is the single source of truth: the canvas mirrors it, undo commands call its methods,
and ``Network`` compiles it. Every mutation emits one event per elementary change, so a view that
applies the events in order stays in sync (removing a node emits its wires' removal first).
Listeners must not edit the graph from inside an event (and model events never push undo commands).

Adjacency maps (wires in and out of every node, the wire into every input port, nodes by name) are
kept in sync by the mutators, so queries and traversals cost O(degree) and O(V + E), not O(E) per
step: ``analyze`` runs after every edit in the editor.

The value types and events live in engine/graph_events.py and the read-only queries in
engine/graph_queries.py; this module re-exports the former, so ``from engine.graph import Node``
keeps working.
"""
from __future__ import annotations

import copy
import functools
import math
import re
import uuid
from typing import Any, Callable, Iterable, TypeVar

from . import registry
from .errors import DuplicateNameError, GraphError, InvalidNameError, ParamError, PortError
from .graph_events import (
    Edge,
    EdgeAdded,
    EdgeRemoved,
    GraphEvent,
    Listener,
    Node,
    NodeAdded,
    NodeMoved,
    NodeRef,
    NodeRemoved,
    NodeRenamed,
    ParamsChanged,
    RemovedNode,
)
from .graph_queries import GraphQueries

NAME_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")
_NUMBERED = re.compile(r"^(.*)_([0-9]+)$")
MAX_ID_LENGTH = 64


F = TypeVar("F", bound=Callable[..., Any])


def _mutation(method: F) -> F:
    """Run a mutator to completion even if a listener raises; then re-raise the listener's error.

    A view with a bug must not leave the model half-changed (e.g. a node without its wires).
    """

    @functools.wraps(method)
    def wrapper(self: "Graph", *args: Any, **kwargs: Any) -> Any:
        self._depth += 1
        failure = None
        try:
            result = method(self, *args, **kwargs)
        finally:
            self._depth -= 1
            if self._depth == 0:
                failure, self._failure = self._failure, None
        if failure is not None:
            raise failure
        return result

    return wrapper  # type: ignore[return-value]


class Graph(GraphQueries):
    """A directed acyclic graph of layer nodes.

    Nodes are addressed by their uuid ``id`` or their unique ``name``; methods accept either, or the
    ``Node`` object itself.
    """

    def __init__(self) -> None:
        self._nodes: dict[str, Node] = {}
        self._by_name: dict[str, Node] = {}
        self._edges: dict[Edge, None] = {}  # an ordered set: the order of to_dict()
        self._inbound: dict[tuple[str, str], Edge] = {}
        self._in: dict[str, list[Edge]] = {}
        self._out: dict[str, list[Edge]] = {}
        self._listeners: list[Listener] = []
        self._name_floor: dict[str, int] = {}  # per prefix: every prefix_k with k below it is taken
        self._depth = 0  # nesting of mutators (see _mutation)
        self._failure: Exception | None = None  # the first listener error, raised when the edit is done
        self.revision = 0  # grows with every change: cache analyses by (graph, revision)

    # ---- observation -------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(event)`` after every change; returns a function that unsubscribes."""
        if listener not in self._listeners:
            self._listeners.append(listener)
        return lambda: self.unsubscribe(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _emit(self, event: GraphEvent) -> None:
        """Deliver to every listener; one that raises starves neither the others nor the edit."""
        self.revision += 1
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception as exc:  # noqa: BLE001 - re-raised by _mutation when the edit is done
                if self._failure is None:
                    self._failure = exc

    # ---- names -------------------------------------------------------------------------
    def unique_name(self, prefix: str) -> str:
        """``prefix_k`` with the smallest k ≥ 1 not yet used."""
        k = self._name_floor.get(prefix, 1)
        while f"{prefix}_{k}" in self._by_name:
            k += 1
        self._name_floor[prefix] = k
        return f"{prefix}_{k}"

    def _release_name(self, name: str) -> None:
        """``name`` is free again: let unique_name find its number (keeps adding n nodes O(n))."""
        del self._by_name[name]
        m = _NUMBERED.match(name)
        if m is not None:
            prefix, k = m.group(1), int(m.group(2))
            if 1 <= k < self._name_floor.get(prefix, 1):
                self._name_floor[prefix] = k

    def _check_name(self, name: Any, ignore: str | None = None) -> None:
        if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
            raise InvalidNameError(
                f"Invalid node name {name!r}: use letters, digits, '_', '-' or '.', "
                "start with a letter or '_', at most 64 characters"
            )
        other = self._by_name.get(name)
        if other is not None and other.id != ignore:
            raise DuplicateNameError(f"The name {name!r} is already used by another node ({other.type})")

    # ---- mutations ---------------------------------------------------------------------
    @_mutation
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
        """Add a layer node; parameters come as keyword arguments (or a ``params`` dict).

        ``name`` defaults to ``<prefix>_<k>`` with the smallest free k (dense_1, dense_2, …);
        ``index`` places the node in ``nodes`` (default: last).
        """
        spec = registry.get(type)
        values = spec.make_params({**(params or {}), **kwargs})
        if name is None:
            name = self.unique_name(spec.name_prefix)
        self._check_name(name)
        if node_id is None:
            node_id = uuid.uuid4().hex
        elif not isinstance(node_id, str) or not 0 < len(node_id) <= MAX_ID_LENGTH:
            raise GraphError(f"A node id must be text of 1 to {MAX_ID_LENGTH} characters, received {node_id!r}")
        elif node_id in self._nodes:
            raise GraphError(f"A node with id {node_id!r} already exists ({self._nodes[node_id].name})")
        node = Node(node_id, spec.type, name, values, _point(pos))
        self._insert(node, index)
        return node

    def _insert(self, node: Node, index: int | None) -> None:
        count = len(self._nodes)
        index = count if index is None else min(max(0, int(index)), count)
        if index == count:
            self._nodes[node.id] = node
        else:
            items = list(self._nodes.items())
            items.insert(index, (node.id, node))
            self._nodes = dict(items)
        self._by_name[node.name] = node
        self._in[node.id] = []
        self._out[node.id] = []
        self._emit(NodeAdded(node, index))

    @_mutation
    def remove_node(self, ref: NodeRef) -> RemovedNode:
        """Remove a node and its wires: one EdgeRemoved per wire, then NodeRemoved."""
        node = self.node(ref)
        index = self.index_of(node)
        touching = [(i, e) for i, e in enumerate(self._edges) if e.src == node.id or e.dst == node.id]
        for _, e in touching:
            self._remove_edge(e)
        del self._nodes[node.id]
        self._release_name(node.name)
        del self._in[node.id], self._out[node.id]
        self._emit(NodeRemoved(node, index))
        return RemovedNode(node, index, [e for _, e in touching], [i for i, _ in touching])

    @_mutation
    def restore_node(self, removed: RemovedNode) -> Node:
        """Undo of ``remove_node``: the same node at the same index with its wires in their places.

        Events come in the opposite order of the removal: NodeAdded, then EdgeAdded for the wires
        last-removed first. Nothing changes if the node cannot be put back (GraphError).
        """
        node = removed.node
        if node.id in self._nodes:
            raise GraphError(f"A node with id {node.id!r} already exists ({self._nodes[node.id].name})")
        self._check_name(node.name)
        self._check_restorable(node, removed.edges)
        self._insert(node, removed.index)
        positions = removed.positions if len(removed.positions) == len(removed.edges) else []
        ranked = sorted(zip(positions, removed.edges), key=lambda pe: pe[0]) if positions else []
        if ranked:
            # Re-insert last-removed first; the k-th wire (ascending) goes to position p_k − k.
            for k in range(len(ranked) - 1, -1, -1):
                p, e = ranked[k]
                self._add_edge(e, p - k)
        else:
            for e in reversed(removed.edges):
                self._add_edge(e)
        return node

    @_mutation
    def connect(
        self,
        src: NodeRef,
        dst: NodeRef,
        src_port: str = "out",
        dst_port: str | None = None,
    ) -> Edge:
        """Wire ``src``'s output port to ``dst``'s input port (the first free one by default)."""
        s, d = self.node(src), self.node(dst)
        problem = self.connection_problem(s, d, src_port, dst_port)
        if problem is not None:
            raise problem
        if dst_port is None:
            dst_port = self.free_input_ports(d)[0]
        return self._add_edge(Edge(s.id, src_port, d.id, dst_port))

    @_mutation
    def disconnect(self, edge_or_dst: Edge | NodeRef, dst_port: str | None = None) -> Edge:
        """Remove a wire, given the Edge, or the destination node and its input port.

        A node with a single input port needs no port name.
        """
        if isinstance(edge_or_dst, Edge):
            edge = edge_or_dst
            if edge not in self._edges:
                raise GraphError(f"That wire ({edge.src_port} → {edge.dst_port}) is not in this graph")
        else:
            d = self.node(edge_or_dst)
            ports = d.input_ports
            if dst_port is None:
                if len(ports) != 1:
                    raise PortError(f"Say which input of {d.name} to disconnect: {', '.join(ports) or 'it has none'}")
                dst_port = ports[0]
            found = self._inbound.get((d.id, dst_port))
            if found is None:
                if dst_port not in ports:
                    raise PortError(f"{d.name} has no input port {dst_port!r}; its inputs: {', '.join(ports)}")
                raise PortError(f"Input {dst_port!r} of {d.name} is not connected")
            edge = found
        self._remove_edge(edge)
        return edge

    def _add_edge(self, edge: Edge, position: int | None = None) -> Edge:
        if position is None or position >= len(self._edges):
            self._edges[edge] = None
            self._in[edge.dst].append(edge)
            self._out[edge.src].append(edge)
        else:
            items = list(self._edges)
            items.insert(max(0, position), edge)
            self._edges = dict.fromkeys(items)
            # Keep each node's wire lists in the global order.
            self._in[edge.dst] = [e for e in items if e.dst == edge.dst]
            self._out[edge.src] = [e for e in items if e.src == edge.src]
        self._inbound[(edge.dst, edge.dst_port)] = edge
        self._emit(EdgeAdded(edge))
        return edge

    def _remove_edge(self, edge: Edge) -> None:
        del self._edges[edge]
        self._inbound.pop((edge.dst, edge.dst_port), None)
        self._in[edge.dst].remove(edge)
        self._out[edge.src].remove(edge)
        self._emit(EdgeRemoved(edge))

    @_mutation
    def rename(self, ref: NodeRef, new_name: str) -> str:
        """Rename a node; returns the old name. Renaming to the same name changes nothing."""
        node = self.node(ref)
        if new_name == node.name:
            return node.name
        self._check_name(new_name, ignore=node.id)
        old = node.name
        self._release_name(old)
        node.name = new_name
        self._by_name[new_name] = node
        self._emit(NodeRenamed(node, old, new_name))
        return old

    @_mutation
    def set_params(self, ref: NodeRef, **changes: Any) -> dict[str, Any]:
        """Change parameters (all validated before any is applied); returns the old parameter dict.

        No event when nothing changes. Reducing a merge node's ``inputs`` while a port that would
        disappear is wired raises ParamError.
        """
        node = self.node(ref)
        old = copy.deepcopy(node.params)
        new = node.spec.make_params(changes, current=node.params, owner=node.name)
        ports = set(node.spec.input_ports(new))
        dropped = [e for e in self._in[node.id] if e.dst_port not in ports]
        if dropped:
            wires = ", ".join(f"{e.dst_port} (from {self._nodes[e.src].name})" for e in dropped)
            param = node.spec.variadic or next(iter(changes), None)
            raise ParamError(
                f"{node.name}: cannot remove input ports that are still wired: {wires}; "
                "disconnect them first", param=param, owner=node.name)
        if new == old:
            return old
        node.params = new
        self._emit(ParamsChanged(node, old, copy.deepcopy(new)))
        return old

    @_mutation
    def set_pos(self, ref: NodeRef, x: float, y: float) -> tuple[float, float]:
        """Move a node; returns the old position. No event when it does not move."""
        node = self.node(ref)
        old = node.pos
        new = _point((x, y))
        if new != old:
            node.pos = new
            self._emit(NodeMoved(node, old, new))
        return old

    @_mutation
    def clear(self) -> None:
        """Remove every node (last first), with the events of each removal."""
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
        try:
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
        except (KeyError, TypeError, AttributeError, IndexError) as exc:
            raise GraphError(f"Malformed graph data: {type(exc).__name__}: {exc}") from exc
        return g

    def copy(self) -> "Graph":
        """An independent copy (same ids, names, params, positions and wires; no listeners)."""
        return Graph.from_dict(self.to_dict())


def _point(pos: Any) -> tuple[float, float]:
    try:
        x, y = float(pos[0]), float(pos[1])
    except (TypeError, ValueError, IndexError):
        raise GraphError(f"A position is two numbers (x, y), received {pos!r}") from None
    if not (math.isfinite(x) and math.isfinite(y)):
        raise GraphError(f"A position must be finite, received ({x}, {y})")
    return (x, y)


def chain(graph: Graph, nodes: Iterable[NodeRef]) -> None:
    """Connect nodes one after the other through their default ports."""
    items = list(nodes)
    for a, b in zip(items, items[1:]):
        graph.connect(a, b)
