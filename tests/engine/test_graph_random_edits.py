"""The graph model (engine.graph) under random edit sequences (hypothesis): consistency, undo, auto names."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.graph import EdgeAdded, EdgeRemoved, Graph, NodeAdded, NodeRemoved

from tests.engine.graph_helpers import Recorder, assert_consistent


# ---- random edit sequences -------------------------------------------------------------------------
TYPES = ["Dense", "Dropout", "Add", "Concat", "Activation", "Input", "Loss"]


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_random_edits_keep_the_model_consistent_and_undo_restores_it(data) -> None:
    g = Graph()
    for t in data.draw(st.lists(st.sampled_from(TYPES), min_size=2, max_size=9), label="types"):
        g.add_node(t)
    for _ in range(data.draw(st.integers(0, 20), label="wires")):
        nodes = g.nodes
        s = data.draw(st.sampled_from(nodes))
        d = data.draw(st.sampled_from(nodes))
        problem = g.connection_problem(s, d)
        if problem is None:
            g.connect(s, d)
        else:
            with pytest.raises(type(problem)):
                g.connect(s, d)
    assert_consistent(g)
    before = g.to_dict()
    rec = Recorder(g)
    undo = []
    for _ in range(data.draw(st.integers(1, len(g)), label="removals")):
        undo.append(g.remove_node(data.draw(st.sampled_from(g.nodes))))
        assert_consistent(g)
    removal_events = list(rec.events)
    rec.clear()
    while undo:
        g.restore_node(undo.pop())
    assert g.to_dict() == before
    assert_consistent(g)
    undo_kind = {NodeRemoved: NodeAdded, EdgeRemoved: EdgeAdded}
    assert [type(e) for e in rec.events] == [undo_kind[type(e)] for e in reversed(removal_events)]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["add", "remove", "rename", "rename_numbered"]), st.integers(0, 30)),
                max_size=40))
def test_auto_names_always_take_the_smallest_free_number(ops) -> None:
    g = Graph()
    for op, k in ops:
        nodes = g.nodes
        if op == "add":
            used = {n.name for n in nodes}
            expected = next(f"dense_{i}" for i in range(1, 100) if f"dense_{i}" not in used)
            assert g.add_node("Dense").name == expected
        elif nodes and op == "remove":
            g.remove_node(nodes[k % len(nodes)])
        elif nodes and op.startswith("rename"):
            new = f"dense_{k}" if op == "rename_numbered" else f"n{k}"
            if g.find(new) is None:
                g.rename(nodes[k % len(nodes)], new)
