"""Auto-layout: columns follow the data flow, branches stack, nothing overlaps, the graph is untouched."""
from __future__ import annotations

import engine
from engine.layout import COLUMN_GAP, ROW_GAP, auto_layout


def branching() -> engine.Graph:
    g = engine.Graph()
    i = g.add_node("Input", "in")
    a = g.add_node("Dense", "a")
    b = g.add_node("Dense", "b")
    c = g.add_node("Concat", "cat")
    o = g.add_node("Dense", "out", units=1)
    loss = g.add_node("Loss", "loss")
    g.connect(i, a)
    g.connect(i, b)
    g.connect(a, c, dst_port="in1")
    g.connect(b, c, dst_port="in2")
    g.connect(c, o)
    g.connect(o, loss)
    return g


def test_columns_follow_the_longest_path_and_branches_stack():
    g = branching()
    pos = {g.node(k).name: v for k, v in auto_layout(g).items()}
    assert [pos[n][0] for n in ("in", "a", "cat", "out", "loss")] == [0, COLUMN_GAP, 2 * COLUMN_GAP,
                                                                      3 * COLUMN_GAP, 4 * COLUMN_GAP]
    assert pos["a"][0] == pos["b"][0] and abs(pos["a"][1] - pos["b"][1]) == ROW_GAP
    assert pos["in"][1] == pos["cat"][1] == 0.0


def test_no_two_nodes_share_a_place_and_graph_is_unchanged():
    g = branching()
    before = g.to_dict()
    pos = auto_layout(g)
    assert len(set(pos.values())) == len(g)
    assert g.to_dict() == before


def test_loss_sits_right_after_its_input_even_on_a_short_branch():
    g = engine.Graph()
    i = g.add_node("Input")
    d = [g.add_node("Dense") for _ in range(4)]
    engine.graph.chain(g, [i, *d])
    loss = g.add_node("Loss")
    g.connect(d[0], loss)  # the loss hangs off the first layer; the long chain is a dead branch
    pos = auto_layout(g)
    assert pos[loss.id][0] == 2 * COLUMN_GAP


def test_empty_graph():
    assert auto_layout(engine.Graph()) == {}
