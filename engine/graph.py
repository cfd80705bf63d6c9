"""The graph model: layer nodes, named ports and wires. Qt-free; views subscribe to its events.

The model is the single source of truth: the canvas mirrors it, undo commands call its methods,
and ``Network`` compiles it. Every mutation emits one event per elementary change, so a view that
applies the events in order stays in sync (removing a node emits its wires' removal first).
Listeners must not edit the graph from inside an event (and model events never push undo commands).

Adjacency maps (wires in and out of every node, the wire into every input port, nodes by name) are
kept in sync by the mutators, so queries and traversals cost O(degree) and O(V + E), not O(E) per
step: ``analyze`` runs after every edit in the editor.
"""
from __future__ import annotations

import copy
import functools
import heapq
import math
import re
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, TypeVar, Union

from . import registry
from .errors import (
    CycleError,
    DuplicateNameError,
    GraphError,
    InvalidNameError,
    NodeNotFoundError,
    ParamError,
    PortError,
    PortInUseError,
)

NAME_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")
_NUMBERED = re.compile(r"^(.*)_([0-9]+)$")
MAX_ID_LENGTH = 64


@dataclass(eq=False)
class Node:
    """One layer on the canvas. ``params`` holds validated values for every parameter.

    Nodes compare by identity: two nodes with equal fields are still two nodes.
    Change a node only through its graph (``rename``, ``set_params``, ``set_pos``) so events fire.
    """

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

    @property
    def changed(self) -> list[str]:
        """The names of the parameters whose value changed."""
        return [k for k in self.new if self.old.get(k) != self.new[k]]

    @property
    def ports_changed(self) -> bool:
        """True when the node's input ports differ (a view must redraw its port dots)."""
        spec = self.node.spec
        return spec.input_ports(self.old) != spec.input_ports(self.new)


@dataclass(frozen=True)
class NodeMoved:
    node: Node
    old: tuple[float, float]
    new: tuple[float, float]


GraphEvent = Union[NodeAdded, NodeRemoved, EdgeAdded, EdgeRemoved, NodeRenamed, ParamsChanged, NodeMoved]
NodeRef = Union[Node, str]
Listener = Callable[[GraphEvent], None]
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


@dataclass
class RemovedNode:
    """What ``remove_node`` took away, enough for ``restore_node`` to put it back exactly.

    ``positions`` are the wires' places in ``Graph.edges`` before the removal (ascending).
    """

    node: Node
    index: int
    edges: list[Edge] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)


class Graph:
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
        if isinstance(ref, Node):
            return ref.id in self._nodes
        if isinstance(ref, Edge):
            return ref in self._edges
        return isinstance(ref, str) and (ref in self._nodes or ref in self._by_name)

    def node(self, ref: NodeRef) -> Node:
        """The node with this id or name; a Node object stands for its id (so a node of a copy
        finds its original)."""
        if isinstance(ref, Node):
            found = self._nodes.get(ref.id)
            if found is not None:
                return found
            raise NodeNotFoundError(f"{ref.name} ({ref.type}) is not in this graph")
        if isinstance(ref, str):
            found = self._nodes.get(ref) or self._by_name.get(ref)
            if found is not None:
                return found
        raise NodeNotFoundError(f"No node named or with id {ref!r} in this graph")

    def find(self, name: str) -> Node | None:
        return self._by_name.get(name)

    def index_of(self, ref: NodeRef) -> int:
        node_id = self.node(ref).id
        for i, nid in enumerate(self._nodes):
            if nid == node_id:
                return i
        raise AssertionError("unreachable")  # pragma: no cover

    def inbound(self, ref: NodeRef, port: str | None = None) -> list[Edge] | Edge | None:
        """With ``port``: the wire into that port or None. Without: wires in, in port order."""
        node = self.node(ref)
        if port is not None:
            return self._inbound.get((node.id, port))
        return self.in_edges(node)

    def in_edges(self, ref: NodeRef) -> list[Edge]:
        """Wires into the node, in the order of its input ports."""
        node = self.node(ref)
        edges = self._in[node.id]
        if len(edges) < 2:
            return list(edges)
        rank = {p: i for i, p in enumerate(node.input_ports)}
        return sorted(edges, key=lambda e: rank.get(e.dst_port, len(rank)))

    def out_edges(self, ref: NodeRef) -> list[Edge]:
        """Wires out of the node, in the order of ``edges``."""
        return list(self._out[self.node(ref).id])

    def edges_of(self, ref: NodeRef) -> list[Edge]:
        """Every wire touching the node (in, then out): what a view redraws when it moves."""
        node = self.node(ref)
        return self.in_edges(node) + list(self._out[node.id])

    def sources(self, ref: NodeRef) -> list[str | None]:
        """For each input port in order, the id of the node wired into it (None if free)."""
        node = self.node(ref)
        get = self._inbound.get
        out: list[str | None] = []
        for p in node.input_ports:
            e = get((node.id, p))
            out.append(e.src if e is not None else None)
        return out

    def predecessors(self, ref: NodeRef) -> list[Node]:
        return [self._nodes[e.src] for e in self.in_edges(ref)]

    def successors(self, ref: NodeRef) -> list[Node]:
        seen: dict[str, Node] = {}
        for e in self._out[self.node(ref).id]:
            seen.setdefault(e.dst, self._nodes[e.dst])
        return list(seen.values())

    def free_input_ports(self, ref: NodeRef) -> list[str]:
        node = self.node(ref)
        return [p for p in node.input_ports if (node.id, p) not in self._inbound]

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

    def _check_restorable(self, node: Node, edges: list[Edge]) -> None:
        """Raise GraphError if ``edges`` cannot all be drawn again once ``node`` is back."""
        spec = registry.get(node.type)
        preds, succs = set(), set()
        for e in edges:
            if node.id not in (e.src, e.dst):
                raise GraphError(f"The wire {e.src}→{e.dst} does not touch {node.name}")
            for end in (e.src, e.dst):
                if end != node.id and end not in self._nodes:
                    raise NodeNotFoundError(f"Cannot restore {node.name}: its neighbour {end!r} is gone")
            src_ports = spec.outputs if e.src == node.id else self._nodes[e.src].output_ports
            dst_ports = spec.input_ports(node.params) if e.dst == node.id else self._nodes[e.dst].input_ports
            if e.src_port not in src_ports or e.dst_port not in dst_ports:
                raise PortError(f"Cannot restore {node.name}: the port of wire {e.src_port}→{e.dst_port} is gone")
            if e.dst != node.id and (e.dst, e.dst_port) in self._inbound:
                other = self._nodes[e.dst]
                raise PortInUseError(f"Cannot restore {node.name}: input {e.dst_port!r} of {other.name} is "
                                     "connected to something else now")
            if e.dst == node.id and e.src != node.id:
                preds.add(e.src)
            elif e.src == node.id and e.dst != node.id:
                succs.add(e.dst)
        for s in succs:
            for p in preds:
                if self._path(s, p) is not None:
                    raise CycleError(f"Cannot restore {node.name}: its wires would now close a cycle")

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

    def connection_problem(
        self, src: NodeRef, dst: NodeRef, src_port: str = "out", dst_port: str | None = None
    ) -> GraphError | None:
        """Why ``connect(src, dst, src_port, dst_port)`` would fail (an error to raise or a reason
        to show on a refused drop target), or None if the wire can be drawn.

        With ``dst_port=None`` the first free input port is meant. Checks nothing it changes.
        """
        s, d = self.node(src), self.node(dst)
        outs = s.output_ports
        if src_port not in outs:
            if not outs:
                return PortError(f"{s.name} ({s.type}) has no output port: nothing can be wired from it")
            return PortError(f"{s.name} has no output port {src_port!r}; its outputs: {', '.join(outs)}")
        ins = d.input_ports
        if not ins:
            return PortError(f"{d.name} ({d.type}) has no input port: nothing can be wired into it")
        if dst_port is not None and dst_port not in ins:
            return PortError(f"{d.name} has no input port {dst_port!r}; its inputs: {', '.join(ins)}")
        # A cycle is reported before a busy port: freeing the port would not make that wire valid.
        if s.id == d.id:
            return CycleError(f"Connecting {s.name} to itself would create a cycle; networks must be acyclic",
                              (s.id, s.id))
        path = self._path(d.id, s.id)
        if path is not None:
            names = " → ".join(self._nodes[n].name for n in path + [d.id])
            return CycleError(
                f"Connecting {s.name} to {d.name} would create a cycle ({names}); networks must be acyclic",
                tuple(path + [d.id]))
        if dst_port is None:
            free = [p for p in ins if (d.id, p) not in self._inbound]
            if not free:
                taken = ", ".join(f"{p} ← {self._nodes[self._inbound[(d.id, p)].src].name}" for p in ins)
                return PortInUseError(f"Every input of {d.name} is already connected ({taken}); "
                                      "disconnect one first", existing=self._inbound[(d.id, ins[0])])
            return None
        existing = self._inbound.get((d.id, dst_port))
        if existing is not None:
            other = self._nodes[existing.src].name
            return PortInUseError(
                f"Input {dst_port!r} of {d.name} is already connected to {other}; "
                "an input takes one wire, so disconnect it first", existing=existing)
        return None

    def can_connect(self, src: NodeRef, dst: NodeRef, src_port: str = "out", dst_port: str | None = None) -> bool:
        return self.connection_problem(src, dst, src_port, dst_port) is None

    def _path(self, start: str, target: str) -> list[str] | None:
        """A list of node ids from ``start`` to ``target`` along wires, or None."""
        parent: dict[str, str | None] = {start: None}
        stack = [start]
        out = self._out
        while stack:
            cur = stack.pop()
            if cur == target:
                path = [cur]
                while parent[path[-1]] is not None:
                    path.append(parent[path[-1]])  # type: ignore[arg-type]
                return path[::-1]
            for e in out[cur]:
                if e.dst not in parent:
                    parent[e.dst] = cur
                    stack.append(e.dst)
        return None

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

    # ---- traversal ---------------------------------------------------------------------
    def topological_order(self) -> list[Node]:
        """Nodes in an order where every node comes after its inputs (insertion order breaks ties)."""
        position = {nid: i for i, nid in enumerate(self._nodes)}
        indegree = {nid: len(edges) for nid, edges in self._in.items()}
        ready = [position[nid] for nid, k in indegree.items() if k == 0]
        heapq.heapify(ready)
        ids = list(self._nodes)
        order: list[Node] = []
        while ready:
            nid = ids[heapq.heappop(ready)]
            order.append(self._nodes[nid])
            for e in self._out[nid]:
                indegree[e.dst] -= 1
                if indegree[e.dst] == 0:
                    heapq.heappush(ready, position[e.dst])
        if len(order) != len(self._nodes):  # pragma: no cover - connect() refuses cycles
            raise CycleError("The graph contains a cycle")
        return order

    def ancestors(self, ref: NodeRef) -> set[str]:
        """Ids of every node with a path to this one (not including it)."""
        return self._walk(self.node(ref).id, self._in, "src")

    def descendants(self, ref: NodeRef) -> set[str]:
        """Ids of every node this one has a path to (not including it)."""
        return self._walk(self.node(ref).id, self._out, "dst")

    @staticmethod
    def _walk(start: str, adjacency: dict[str, list[Edge]], end: str) -> set[str]:
        seen: set[str] = set()
        stack = [start]
        while stack:
            for e in adjacency[stack.pop()]:
                nxt = getattr(e, end)
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return seen


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
