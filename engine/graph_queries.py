"""The read-only side of the graph model: lookups, adjacency, traversal, and the checks that say
whether an edit would succeed. ``Graph`` (engine/graph.py) inherits it and keeps the maps it reads
in sync.
"""
from __future__ import annotations

import heapq
from typing import Iterator

from . import registry
from .errors import CycleError, GraphError, NodeNotFoundError, PortError, PortInUseError
from .graph_events import Edge, Node, NodeRef


class GraphQueries:
    """Queries over the adjacency maps that ``Graph``'s mutators maintain."""

    _nodes: dict[str, Node]
    _by_name: dict[str, Node]
    _edges: dict[Edge, None]  # an ordered set: the order of to_dict()
    _inbound: dict[tuple[str, str], Edge]
    _in: dict[str, list[Edge]]
    _out: dict[str, list[Edge]]

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

    # ---- would an edit succeed? --------------------------------------------------------
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
