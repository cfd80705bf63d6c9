"""Shared by the test_graph_*.py tests: an event recorder, a full consistency check, small graphs."""
from __future__ import annotations

from engine.graph import Edge, Graph, Node, chain


# ---- helpers ---------------------------------------------------------------------------------
class Recorder:
    def __init__(self, graph: Graph):
        self.events: list = []
        graph.subscribe(self)

    def __call__(self, event) -> None:
        self.events.append(event)

    def kinds(self) -> list[str]:
        return [type(e).__name__ for e in self.events]

    def clear(self) -> None:
        self.events.clear()


def assert_consistent(g: Graph) -> None:
    """Every query agrees with a brute-force reading of ``nodes`` and ``edges``."""
    nodes, edges = g.nodes, g.edges
    ids = [n.id for n in nodes]
    assert len(set(ids)) == len(ids) and len({n.name for n in nodes}) == len(nodes)
    assert len(set(edges)) == len(edges)
    for n in nodes:
        assert g.node(n.id) is n and g.node(n.name) is n and g.find(n.name) is n and n in g
        ins = [e for e in edges if e.dst == n.id]
        assert sorted(g.in_edges(n), key=lambda e: n.input_ports.index(e.dst_port)) == g.in_edges(n)
        assert set(g.in_edges(n)) == set(ins)
        assert g.out_edges(n) == [e for e in edges if e.src == n.id]
        for p in n.input_ports:
            wired = [e for e in ins if e.dst_port == p]
            assert len(wired) <= 1 and g.inbound(n, p) == (wired[0] if wired else None)
        assert {e.dst_port for e in ins} <= set(n.input_ports)
        assert g.ancestors(n) == brute_closure(edges, n.id, "dst", "src")
        assert g.descendants(n) == brute_closure(edges, n.id, "src", "dst")
    for e in edges:
        assert e.src in ids and e.dst in ids
    order = [n.id for n in g.topological_order()]
    assert sorted(order) == sorted(ids)
    for e in edges:
        assert order.index(e.src) < order.index(e.dst)


def brute_closure(edges: list[Edge], start: str, key: str, other: str) -> set[str]:
    seen: set[str] = set()
    frontier = {start}
    while frontier:
        nxt = {getattr(e, other) for e in edges if getattr(e, key) in frontier} - seen
        seen |= nxt
        frontier = nxt
    return seen


def mlp() -> tuple[Graph, list[Node]]:
    g = Graph()
    nodes = [g.add_node("Input", shape=[2]), g.add_node("Dense", units=8, activation="tanh"),
             g.add_node("Dense", units=1, activation="sigmoid"), g.add_node("Loss", function="bce")]
    chain(g, nodes)
    return g, nodes


def diamond() -> tuple[Graph, dict[str, Node]]:
    """input -> a, input -> b, a + b -> add -> out -> loss, plus a side branch off a."""
    g = Graph()
    n = {"x": g.add_node("Input", shape=[4])}
    n["a"] = g.add_node("Dense", units=4, activation="relu")
    n["b"] = g.add_node("Dense", units=4, activation="tanh")
    n["add"] = g.add_node("Add")
    n["out"] = g.add_node("Dense", units=1)
    n["loss"] = g.add_node("Loss")
    n["side"] = g.add_node("Dense", units=2)
    g.connect(n["x"], n["a"])
    g.connect(n["x"], n["b"])
    g.connect(n["a"], n["add"], dst_port="in1")
    g.connect(n["b"], n["add"], dst_port="in2")
    g.connect(n["add"], n["out"])
    g.connect(n["out"], n["loss"])
    g.connect(n["a"], n["side"])
    return g, n
