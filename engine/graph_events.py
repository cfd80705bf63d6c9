"""The graph model's values: nodes, wires, the events a ``Graph`` emits, and what a removal took.

``engine.graph`` re-exports every name here; import them from either module.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Callable, Union

from . import registry


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


@dataclass
class RemovedNode:
    """What ``remove_node`` took away, enough for ``restore_node`` to put it back exactly.

    ``positions`` are the wires' places in ``Graph.edges`` before the removal (ascending).
    """

    node: Node
    index: int
    edges: list[Edge] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)
