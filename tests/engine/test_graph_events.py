"""The graph model (engine.graph), events: order, (un)subscribing, failing listeners, the revision."""
from __future__ import annotations

import pytest

from engine.graph import (
    EdgeAdded,
    EdgeRemoved,
    Graph,
    NodeAdded,
    NodeMoved,
    NodeRemoved,
    NodeRenamed,
    ParamsChanged,
    RemovedNode,
)

from tests.engine.graph_helpers import Recorder, assert_consistent, diamond


# ---- events ----------------------------------------------------------------------------------
def test_every_event_type_in_order_and_unsubscribe() -> None:
    g = Graph()
    rec = Recorder(g)
    x = g.add_node("Input")
    d = g.add_node("Dense")
    e = g.connect(x, d)
    g.rename(d, "hidden")
    old = g.set_params(d, units=3)
    g.set_pos(d, 1, 1)
    g.disconnect(e)
    g.remove_node(d)
    assert rec.events == [
        NodeAdded(x, 0), NodeAdded(d, 1), EdgeAdded(e), NodeRenamed(d, "dense_1", "hidden"),
        ParamsChanged(d, old, dict(d.params)), NodeMoved(d, (0.0, 0.0), (1.0, 1.0)), EdgeRemoved(e),
        NodeRemoved(d, 1),
    ]
    g.unsubscribe(rec)
    g.unsubscribe(rec)  # twice is harmless
    g.add_node("Dense")
    assert len(rec.events) == 8


def test_subscribe_returns_an_unsubscriber_and_is_idempotent() -> None:
    g = Graph()
    seen: list = []
    stop = g.subscribe(seen.append)
    g.subscribe(seen.append)
    g.add_node("Dense")
    assert len(seen) == 1
    stop()
    g.add_node("Dense")
    assert len(seen) == 1


def test_listeners_may_unsubscribe_while_an_event_is_delivered() -> None:
    g = Graph()
    calls: list[str] = []

    def once(event) -> None:
        calls.append("once")
        g.unsubscribe(once)

    g.subscribe(once)
    g.subscribe(lambda e: calls.append("other"))
    g.add_node("Dense")
    g.add_node("Dense")
    assert calls == ["once", "other", "other"]


def test_a_failing_listener_neither_starves_others_nor_breaks_the_edit() -> None:
    g, n = diamond()
    before = g.to_dict()
    seen: list = []

    def broken(event) -> None:
        raise RuntimeError("view bug")

    g.subscribe(broken)
    g.subscribe(seen.append)
    with pytest.raises(RuntimeError, match="view bug"):
        removed = g.remove_node(n["a"])
    # The whole edit happened: every wire and the node are gone, every event was delivered.
    assert n["a"] not in g and len(seen) == 4 and isinstance(seen[-1], NodeRemoved)
    assert_consistent(g)
    g.unsubscribe(broken)
    removed = RemovedNode(n["a"], seen[-1].index, [e.edge for e in seen[:-1]])
    g.restore_node(removed)
    assert {tuple(sorted(e.items())) for e in g.to_dict()["edges"]} == \
        {tuple(sorted(e.items())) for e in before["edges"]}
    g.add_node("Dense")  # no stale error is raised later


def test_revision_counts_changes() -> None:
    g = Graph()
    r0 = g.revision
    d = g.add_node("Dense")
    g.set_pos(d, 0, 0)  # no change
    assert g.revision == r0 + 1
    g.rename(d, "x")
    assert g.revision == r0 + 2


def test_events_carry_what_a_view_needs() -> None:
    g = Graph()
    rec = Recorder(g)
    x, add = g.add_node("Input", pos=(3, 4)), g.add_node("Add")
    e = g.connect(x, add, dst_port="in2")
    added = rec.events[1]
    assert added.node.pos == (0.0, 0.0) and added.node.input_ports == ["in1", "in2"] and added.index == 1
    assert rec.events[2].edge == e and (e.src, e.src_port, e.dst, e.dst_port) == (x.id, "out", add.id, "in2")
    assert g.edges_of(add) == [e] and g.edges_of(x) == [e]
