"""The graph model (engine.graph), wires: connect (ports, busy inputs, cycles) and disconnect."""
from __future__ import annotations

import pytest

from engine.errors import CycleError, GraphError, ParamError, PortError, PortInUseError
from engine.graph import Edge, EdgeRemoved, Graph, ParamsChanged, chain

from tests.engine.graph_helpers import Recorder, assert_consistent, mlp


# ---- connect ----------------------------------------------------------------------------------
def test_connect_default_ports() -> None:
    g, (x, h, o, loss) = mlp()
    assert g.edges == [Edge(x.id, "out", h.id, "in"), Edge(h.id, "out", o.id, "in"),
                       Edge(o.id, "out", loss.id, "in")]
    assert g.inbound(h, "in") == g.edges[0] and g.inbound(h) == [g.edges[0]]
    assert g.predecessors(o) == [h] and g.successors(h) == [o]
    assert g.free_input_ports(h) == []
    assert_consistent(g)


def test_one_output_feeds_many_inputs() -> None:
    g = Graph()
    x = g.add_node("Input")
    ds = [g.add_node("Dense") for _ in range(3)]
    for d in ds:
        g.connect(x, d)
    assert g.successors(x) == ds and len(g.out_edges(x)) == 3


def test_named_ports_on_merge_nodes() -> None:
    g = Graph()
    a, b, c = (g.add_node("Dense") for _ in range(3))
    add = g.add_node("Add")
    assert add.input_ports == ["in1", "in2"] and add.output_ports == ["out"]
    e2 = g.connect(b, add, dst_port="in2")
    e1 = g.connect(a, add)  # the first free port
    assert (e1.dst_port, e2.dst_port) == ("in1", "in2")
    assert g.in_edges(add) == [e1, e2]  # in port order, not wiring order
    assert g.predecessors(add) == [a, b] and g.sources(add) == [a.id, b.id]
    with pytest.raises(PortInUseError, match=r"Every input of add_1 is already connected \(in1 ← dense_1, "
                                             r"in2 ← dense_2\); disconnect one first"):
        g.connect(c, add)
    g.set_params(add, inputs=3)
    assert add.input_ports == ["in1", "in2", "in3"] and g.free_input_ports(add) == ["in3"]
    assert g.sources(add) == [a.id, b.id, None]
    assert g.connect(c, add).dst_port == "in3"
    concat = g.add_node("Concat", inputs=4)
    assert concat.input_ports == ["in1", "in2", "in3", "in4"]
    assert_consistent(g)


def test_the_same_source_may_feed_two_ports_of_one_node() -> None:
    g = Graph()
    a, add = g.add_node("Dense"), g.add_node("Add")
    g.connect(a, add)
    g.connect(a, add)
    assert [e.dst_port for e in g.in_edges(add)] == ["in1", "in2"]
    assert g.successors(a) == [add]
    assert_consistent(g)


def test_reducing_inputs_while_a_removed_port_is_wired_is_refused() -> None:
    g = Graph()
    a, b, c = (g.add_node("Dense") for _ in range(3))
    add = g.add_node("Add", inputs=3)
    g.connect(a, add, dst_port="in1")
    g.connect(c, add, dst_port="in3")
    rec = Recorder(g)
    with pytest.raises(ParamError) as info:
        g.set_params(add, inputs=2)
    assert str(info.value) == ("add_1: cannot remove input ports that are still wired: in3 (from dense_3); "
                               "disconnect them first")
    assert info.value.param == "inputs"
    assert add.params["inputs"] == 3 and rec.events == []
    g.disconnect(add, "in3")
    g.connect(b, add, dst_port="in2")
    rec.clear()
    assert g.set_params(add, inputs=2) == {"inputs": 3}
    assert add.input_ports == ["in1", "in2"]
    (event,) = rec.events
    assert isinstance(event, ParamsChanged) and event.ports_changed and event.changed == ["inputs"]


def test_connecting_to_a_used_input_names_the_other_node() -> None:
    g, (x, h, o, loss) = mlp()
    other = g.add_node("Dense")
    with pytest.raises(PortInUseError) as info:
        g.connect(other, o, dst_port="in")
    assert str(info.value).startswith("Input 'in' of dense_2 is already connected to dense_1")
    assert info.value.existing == g.inbound(o, "in")
    with pytest.raises(PortInUseError, match=r"Every input of dense_2 is already connected \(in ← dense_1\)"):
        g.connect(other, o)


def test_unknown_ports_list_the_valid_ones() -> None:
    g = Graph()
    a, add = g.add_node("Dense"), g.add_node("Add")
    with pytest.raises(PortError, match=r"^add_1 has no input port 'in3'; its inputs: in1, in2$"):
        g.connect(a, add, dst_port="in3")
    with pytest.raises(PortError, match=r"^dense_1 has no output port 'y'; its outputs: out$"):
        g.connect(a, add, src_port="y")
    assert g.edges == []


def test_loss_has_no_output_and_input_has_no_input() -> None:
    g = Graph()
    x, d, loss = g.add_node("Input"), g.add_node("Dense"), g.add_node("Loss")
    assert x.input_ports == [] and loss.output_ports == []
    with pytest.raises(PortError, match=r"loss_1 \(Loss\) has no output port"):
        g.connect(loss, d)
    with pytest.raises(PortError, match=r"input_1 \(Input\) has no input port"):
        g.connect(d, x)
    with pytest.raises(PortError, match=r"input_1 \(Input\) has no input port"):
        g.connect(d, x, dst_port="in")
    assert g.edges == []


def test_cycles_are_refused_with_the_loop_spelled_out() -> None:
    g = Graph()
    a, b, c = (g.add_node("Dense") for _ in range(3))
    chain(g, [a, b, c])
    rec = Recorder(g)
    with pytest.raises(CycleError) as info:
        g.connect(c, a, dst_port=None)
    # The cycle is reported even though a's input is busy: freeing it would not help.
    assert str(info.value) == ("Connecting dense_3 to dense_1 would create a cycle "
                               "(dense_1 → dense_2 → dense_3 → dense_1); networks must be acyclic")
    assert info.value.path == (a.id, b.id, c.id, a.id)
    add = g.add_node("Add")
    g.connect(c, add)
    with pytest.raises(CycleError, match="Connecting add_1 to dense_2 would create a cycle"):
        g.connect(add, b, dst_port="in")
    with pytest.raises(CycleError, match="Connecting add_1 to itself would create a cycle") as info:
        g.connect(add, add)
    assert info.value.path == (add.id, add.id)
    assert [type(e).__name__ for e in rec.events] == ["NodeAdded", "EdgeAdded"]
    assert_consistent(g)


def test_connection_problem_explains_without_changing_anything() -> None:
    g, (x, h, o, loss) = mlp()
    extra = g.add_node("Dense")
    rec = Recorder(g)
    before = g.to_dict()
    assert g.connection_problem(x, extra) is None and g.can_connect(x, extra)
    assert g.connection_problem(x, extra, "out", "in") is None
    problem = g.connection_problem(extra, h)
    assert isinstance(problem, PortInUseError) and "already connected (in ← input_1)" in str(problem)
    assert isinstance(g.connection_problem(o, h), CycleError)
    assert isinstance(g.connection_problem(loss, extra), PortError)
    assert isinstance(g.connection_problem(extra, x), PortError)
    assert isinstance(g.connection_problem(extra, h, "out", "nope"), PortError)
    assert not g.can_connect(h, h)
    assert g.to_dict() == before and rec.events == []


def test_refused_connections_change_nothing() -> None:
    g, (x, h, o, loss) = mlp()
    rec = Recorder(g)
    before = g.to_dict()
    for bad in (lambda: g.connect(o, h), lambda: g.connect(x, o), lambda: g.connect(loss, x),
                lambda: g.connect(x, h, dst_port="in2"), lambda: g.connect("ghost", h)):
        with pytest.raises(GraphError):
            bad()
    assert g.to_dict() == before and rec.events == []


# ---- disconnect ------------------------------------------------------------------------------
def test_disconnect_by_edge_by_port_and_by_single_input_node() -> None:
    g, (x, h, o, loss) = mlp()
    rec = Recorder(g)
    e1, e2, e3 = g.edges
    assert g.disconnect(e2) == e2
    assert g.disconnect(loss) == e3  # one input port: no name needed
    assert g.disconnect(h, "in") == e1
    assert g.edges == [] and rec.events == [EdgeRemoved(e2), EdgeRemoved(e3), EdgeRemoved(e1)]
    assert g.free_input_ports(h) == ["in"]
    g.connect(x, h)  # the port is free again
    assert_consistent(g)


def test_disconnect_errors() -> None:
    g = Graph()
    a, add = g.add_node("Dense"), g.add_node("Add")
    e = g.connect(a, add)
    with pytest.raises(PortError, match="Say which input of add_1 to disconnect: in1, in2"):
        g.disconnect(add)
    with pytest.raises(PortError, match="Input 'in2' of add_1 is not connected"):
        g.disconnect(add, "in2")
    with pytest.raises(PortError, match="add_1 has no input port 'in7'"):
        g.disconnect(add, "in7")
    g.disconnect(e)
    with pytest.raises(GraphError, match="not in this graph"):
        g.disconnect(e)
