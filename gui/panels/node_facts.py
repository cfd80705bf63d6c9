"""Per-node figures the editor shows: trainable parameter shapes and counts (no arrays allocated).

Computed from an Analysis's inferred shapes, so a node gets its count even while another part of
the network is broken; a node whose input shapes are unknown has no count (None).
"""
from __future__ import annotations

from math import prod

from engine.graph import Graph
from engine.validation import Analysis

Shape = tuple[int, ...]


def parameter_shapes(graph: Graph, analysis: Analysis, node_id: str) -> dict[str, Shape] | None:
    """``{"W": (2, 8), "b": (8,)}`` for a node with weights, ``{}`` for one without, None when its
    input shapes are not known (unwired input or an upstream problem)."""
    node = graph.node(node_id)
    spec = node.spec
    if not spec.has_weights or spec.factory is None:
        return {}
    out_shape = analysis.shapes.get(node.id)
    sources = graph.sources(node)
    if out_shape is None or None in sources:
        return None
    in_shapes = [analysis.shapes.get(s) for s in sources]  # type: ignore[arg-type]
    if any(s is None for s in in_shapes):
        return None
    try:
        layer = spec.factory(node.name, node.params, in_shapes, out_shape)
        return {k: tuple(v) for k, v in layer.param_shapes().items()}
    except Exception:  # noqa: BLE001 - a layer that cannot be built simply has no count to show
        return None


def parameter_count(graph: Graph, analysis: Analysis, node_id: str) -> int | None:
    shapes = parameter_shapes(graph, analysis, node_id)
    return None if shapes is None else sum(prod(s) for s in shapes.values())


def network_parameter_count(graph: Graph, analysis: Analysis) -> int | None:
    """Trainable parameters of the network in use (the active nodes; every node when nothing is
    active yet); None while the size of some layer with weights is unknown (a shape problem)."""
    ids = analysis.active or frozenset(n.id for n in graph.nodes)
    total = 0
    for nid in ids:
        if nid not in graph:
            continue
        count = parameter_count(graph, analysis, nid)
        if count is None:
            return None
        total += count
    return total


def describe_parameters(shapes: dict[str, Shape]) -> str:
    """"W 2 × 8, b 8" (shapes of the trainable arrays)."""
    return ", ".join(f"{k} {' × '.join(str(d) for d in s)}" for k, s in shapes.items())
