"""The graph model (engine.graph): serialisation and copies, topological order and traversal."""
from __future__ import annotations

import json

import pytest

from engine.errors import CycleError, GraphError
from engine.graph import Graph, chain

from tests.engine.graph_helpers import assert_consistent, diamond


# ---- serialisation and copies -------------------------------------------------------------------
def test_to_dict_from_dict_round_trip() -> None:
    g, n = diamond()
    g.rename(n["a"], "left")
    g.set_pos(n["b"], 12.5, -3)
    g.set_params(n["x"], shape=[1, 2, 2])
    data = g.to_dict()
    assert json.loads(json.dumps(data)) == data
    back = Graph.from_dict(data)
    assert back.to_dict() == data
    assert [(m.id, m.name, m.type, m.params, m.pos) for m in back.nodes] == \
        [(m.id, m.name, m.type, m.params, m.pos) for m in g.nodes]
    assert back.edges == g.edges
    assert data["nodes"][1] == {"id": n["a"].id, "type": "Dense", "name": "left",
                                "params": dict(n["a"].params), "pos": [0.0, 0.0]}
    assert data["edges"][2] == {"src": n["a"].id, "src_port": "out", "dst": n["add"].id, "dst_port": "in1"}
    assert_consistent(back)


@pytest.mark.parametrize("data", [
    {"nodes": [{"name": "x"}]},
    {"nodes": [{"type": "Dense", "id": "a"}], "edges": [{"src": "a"}]},
    {"nodes": "junk"},
    {"nodes": [{"type": "Dense", "params": {"units": 0}}]},
    {"nodes": [{"type": "Dense", "id": "a"}, {"type": "Dense", "id": "b"}],
     "edges": [{"src": "a", "dst": "b", "dst_port": "in"}, {"src": "b", "dst": "a", "dst_port": "in"}]},
])
def test_from_dict_raises_graph_errors(data) -> None:
    with pytest.raises(GraphError):
        Graph.from_dict(data)


def test_copy_is_independent() -> None:
    g, n = diamond()
    seen: list = []
    g.subscribe(seen.append)
    c = g.copy()
    assert c.to_dict() == g.to_dict() and seen == []
    c.set_params(n["x"].id, shape=[7])
    c.rename(n["a"].id, "renamed")
    c.remove_node(n["side"].id)
    c.set_pos(n["b"].id, 9, 9)
    assert n["x"].params["shape"] == [4] and n["a"].name == "dense_1" and n["side"] in g
    assert n["b"].pos == (0.0, 0.0) and seen == []
    c.node(n["x"].id).params["shape"].append(1)  # even behind the model's back
    assert n["x"].params["shape"] == [4]
    g.remove_node(n["out"])
    assert n["out"].id in c
    assert_consistent(c)


# ---- traversal --------------------------------------------------------------------------------
def test_topological_order_is_deterministic_with_branches() -> None:
    g, n = diamond()
    names = [m.name for m in g.topological_order()]
    assert names == ["input_1", "dense_1", "dense_2", "add_1", "dense_3", "loss_1", "dense_4"]
    # Wiring the same graph in another order gives the same order (node order breaks ties).
    h = Graph()
    for m in g.nodes:
        h.add_node(m.type, m.name, node_id=m.id, params=m.params)
    for e in reversed(g.edges):
        h.connect(e.src, e.dst, e.src_port, e.dst_port)
    assert [m.name for m in h.topological_order()] == names


def test_topological_order_puts_inputs_first_even_when_added_last() -> None:
    g = Graph()
    loss, d2, d1, x = g.add_node("Loss"), g.add_node("Dense"), g.add_node("Dense"), g.add_node("Input")
    chain(g, [x, d1, d2, loss])
    assert g.topological_order() == [x, d1, d2, loss]


def test_ancestors_and_descendants() -> None:
    g, n = diamond()
    ids = {k: v.id for k, v in n.items()}
    assert g.ancestors(n["out"]) == {ids["x"], ids["a"], ids["b"], ids["add"]}
    assert g.descendants(n["a"]) == {ids["add"], ids["out"], ids["loss"], ids["side"]}
    assert g.ancestors(n["x"]) == set() and g.descendants(n["loss"]) == set()


def test_deep_graphs_need_no_recursion() -> None:
    g = Graph()
    nodes = [g.add_node("Input")] + [g.add_node("Dropout") for _ in range(3000)]
    chain(g, nodes)
    assert len(g.ancestors(nodes[-1])) == 3000
    assert g.topological_order()[-1] is nodes[-1]
    with pytest.raises(CycleError):
        g.connect(nodes[-1], nodes[1], dst_port=None)
