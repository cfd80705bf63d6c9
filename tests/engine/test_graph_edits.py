"""The graph model (engine.graph), edits and their undo: remove/restore nodes, clear, set_params, set_pos."""
from __future__ import annotations

import pytest

from engine.errors import (
    CycleError,
    DuplicateNameError,
    GraphError,
    NodeNotFoundError,
    ParamError,
    PortInUseError,
)
from engine.graph import (
    Edge,
    EdgeAdded,
    EdgeRemoved,
    Graph,
    NodeAdded,
    NodeMoved,
    NodeRemoved,
    ParamsChanged,
    RemovedNode,
    chain,
)

from tests.engine.graph_helpers import Recorder, assert_consistent, mlp, diamond


# ---- remove and restore (undo) ---------------------------------------------------------------
def test_remove_node_emits_wire_removals_first() -> None:
    g, n = diamond()
    rec = Recorder(g)
    a = n["a"]
    wires = [e for e in g.edges if a.id in (e.src, e.dst)]
    removed = g.remove_node(a)
    assert rec.events == [EdgeRemoved(e) for e in wires] + [NodeRemoved(a, 1)]
    assert removed.node is a and removed.index == 1 and removed.edges == wires
    assert a not in g and all(a.id not in (e.src, e.dst) for e in g.edges)
    assert_consistent(g)


@pytest.mark.parametrize("key", ["x", "a", "b", "add", "out", "loss", "side"])
def test_restore_node_undoes_remove_node_exactly(key: str) -> None:
    g, n = diamond()
    before = g.to_dict()
    rec = Recorder(g)
    removed = g.remove_node(n[key])
    removal = list(rec.events)
    rec.clear()
    assert g.restore_node(removed) is n[key]
    assert g.to_dict() == before  # same index, same wires in the same places
    assert g.node(n[key].id) is n[key]
    # The opposite order: NodeAdded first, then the wires last-removed first.
    undo = {NodeRemoved: NodeAdded, EdgeRemoved: EdgeAdded}
    assert [type(e) for e in rec.events] == [undo[type(e)] for e in reversed(removal)]
    assert rec.events[0] == NodeAdded(n[key], removed.index)
    assert [e.edge for e in rec.events[1:]] == [e.edge for e in reversed(removal[:-1])]
    assert_consistent(g)


def test_undo_redo_of_many_removals_in_a_stack() -> None:
    g, n = diamond()
    before = g.to_dict()
    stack = [g.remove_node(n[k]) for k in ("add", "a", "x", "loss")]
    assert len(g) == 3
    while stack:
        g.restore_node(stack.pop())
        assert_consistent(g)
    assert g.to_dict() == before


def test_restore_node_without_positions_appends_the_wires() -> None:
    g, (x, h, o, loss) = mlp()
    removed = g.remove_node(h)
    g.restore_node(RemovedNode(removed.node, removed.index, removed.edges))
    assert {e for e in g.edges} == {Edge(x.id, "out", h.id, "in"), Edge(h.id, "out", o.id, "in"),
                                    Edge(o.id, "out", loss.id, "in")}
    assert_consistent(g)


def test_restore_node_refuses_cleanly_when_the_world_changed() -> None:
    g, (x, h, o, loss) = mlp()
    removed = g.remove_node(h)
    g.add_node("Dropout", "dense_1")
    before = g.to_dict()
    with pytest.raises(DuplicateNameError):
        g.restore_node(removed)
    g.remove_node("dense_1")
    g.connect(x, o)  # o's input is taken by someone else now
    before = g.to_dict()
    rec = Recorder(g)
    with pytest.raises(PortInUseError, match="Cannot restore dense_1: input 'in' of dense_2"):
        g.restore_node(removed)
    assert g.to_dict() == before and rec.events == []
    g.disconnect(o)
    removed_x = g.remove_node(x)
    with pytest.raises(NodeNotFoundError, match="Cannot restore dense_1: its neighbour"):
        g.restore_node(removed)
    g.restore_node(removed_x)
    g.restore_node(removed)
    with pytest.raises(GraphError, match="already exists"):
        g.restore_node(removed)
    assert_consistent(g)


def test_restore_node_refuses_wires_that_would_now_close_a_cycle() -> None:
    g = Graph()
    a, b, c = (g.add_node("Dense") for _ in range(3))
    add = g.add_node("Add")
    chain(g, [a, b, c])
    removed = g.remove_node(b)  # a -> b -> c
    g.connect(c, add)
    g.connect(add, a)  # now c reaches a: putting b back would close c -> add -> a -> b -> c
    with pytest.raises(CycleError, match="Cannot restore dense_2"):
        g.restore_node(removed)
    assert b not in g
    assert_consistent(g)


def test_clear_removes_everything_with_events() -> None:
    g, n = diamond()
    rec = Recorder(g)
    g.clear()
    assert len(g) == 0 and g.edges == []
    assert rec.kinds().count("NodeRemoved") == 7 and rec.kinds().count("EdgeRemoved") == 7


# ---- set_params / set_pos ------------------------------------------------------------------------
def test_set_params_emits_old_and_new() -> None:
    g = Graph()
    d = g.add_node("Dense")
    rec = Recorder(g)
    old = g.set_params(d, units=4, activation="relu")
    assert old["units"] == 8 and old["activation"] == "linear"
    assert d.params["units"] == 4 and d.params["activation"] == "relu"
    (event,) = rec.events
    assert isinstance(event, ParamsChanged) and event.node is d
    assert event.old == old and event.new == d.params and event.changed == ["units", "activation"]
    assert not event.ports_changed
    d2 = g.add_node("Input", shape=[2])
    g.set_params(d2, shape=[3, 4])
    event = rec.events[-1]
    assert event.old["shape"] == [2] and event.new["shape"] == [3, 4]
    g.set_params(d2, shape=[5])
    assert event.new["shape"] == [3, 4]  # the event holds copies


def test_set_params_without_a_change_emits_nothing() -> None:
    g = Graph()
    d = g.add_node("Dense", units=4)
    rec = Recorder(g)
    assert g.set_params(d, units=4, activation="linear")["units"] == 4
    assert g.set_params(d, units=4.0) == d.params  # 4.0 is coerced to 4: no change
    g.set_params(d)
    assert rec.events == []


def test_set_params_validates_all_changes_before_applying_any() -> None:
    g = Graph()
    d = g.add_node("Dense")
    rec = Recorder(g)
    with pytest.raises(ParamError) as info:
        g.set_params(d, units=4, activation="foo")
    assert str(info.value).startswith("dense_1.activation: expected one of")  # names the node
    assert info.value.owner == "dense_1" and info.value.param == "activation"
    with pytest.raises(ParamError, match="init_low ≤ init_high"):
        g.set_params(d, initializer="uniform", init_low=1.0, init_high=0.0)
    assert d.params["units"] == 8 and d.params["initializer"] == "glorot_uniform" and rec.events == []


def test_undo_of_set_params_restores_everything() -> None:
    g = Graph()
    d = g.add_node("Dense")
    old = g.set_params(d, units=3, activation="elu", alpha=0.5)
    g.set_params(d, **old)
    assert d.params == old


def test_set_pos_emits_old_and_new_and_nothing_when_unmoved() -> None:
    g = Graph()
    d = g.add_node("Dense", pos=(1, 2))
    rec = Recorder(g)
    assert g.set_pos(d, 1.0, 2) == (1.0, 2.0)
    assert rec.events == []
    assert g.set_pos(d, 5, 6.5) == (1.0, 2.0)
    assert d.pos == (5.0, 6.5) and rec.events == [NodeMoved(d, (1.0, 2.0), (5.0, 6.5))]
