"""The graph model (engine.graph): nodes, names, ports, wires, events, undo support, serialisation."""
from __future__ import annotations

import json
import math
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import (
    CycleError,
    DuplicateNameError,
    GraphError,
    InvalidNameError,
    NodeNotFoundError,
    ParamError,
    PortError,
    PortInUseError,
    UnknownLayerError,
)
from engine.graph import (
    Edge,
    EdgeAdded,
    EdgeRemoved,
    Graph,
    Node,
    NodeAdded,
    NodeMoved,
    NodeRemoved,
    NodeRenamed,
    ParamsChanged,
    RemovedNode,
    chain,
)


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


# ---- ids and names ---------------------------------------------------------------------------
def test_ids_are_unique_uuid_hex() -> None:
    g = Graph()
    nodes = [g.add_node("Dense") for _ in range(200)]
    ids = [n.id for n in nodes]
    assert len(set(ids)) == 200
    for i in ids:
        assert len(i) == 32 and uuid.UUID(hex=i).hex == i


def test_auto_names_count_per_type() -> None:
    g = Graph()
    names = [g.add_node(t).name for t in ("Input", "Dense", "Dense", "Activation", "Softmax", "Dropout",
                                          "BatchNorm", "Add", "Concat", "Flatten", "Loss", "Dense")]
    assert names == ["input_1", "dense_1", "dense_2", "act_1", "softmax_1", "dropout_1", "batchnorm_1",
                     "add_1", "concat_1", "flatten_1", "loss_1", "dense_3"]


def test_auto_names_reuse_the_smallest_free_number() -> None:
    g = Graph()
    d1, d2, d3 = (g.add_node("Dense") for _ in range(3))
    g.remove_node(d2)
    assert g.add_node("Dense").name == "dense_2"
    assert g.add_node("Dense").name == "dense_4"
    g.remove_node(d1)
    g.remove_node(d3)
    assert [g.add_node("Dense").name for _ in range(3)] == ["dense_1", "dense_3", "dense_5"]


def test_a_renamed_node_frees_its_name_and_user_names_are_skipped() -> None:
    g = Graph()
    d = g.add_node("Dense")
    g.rename(d, "hidden")
    assert g.add_node("Dense").name == "dense_1"
    g.add_node("Dense", "dense_2")
    assert g.add_node("Dense").name == "dense_3"
    assert g.unique_name("dense") == "dense_4"


def test_explicit_names_are_checked() -> None:
    g = Graph()
    g.add_node("Dense", "hidden")
    with pytest.raises(DuplicateNameError, match=r"The name 'hidden' is already used by another node \(Dense\)"):
        g.add_node("Dropout", "hidden")
    with pytest.raises(InvalidNameError, match="Invalid node name 'a b'"):
        g.add_node("Dense", "a b")
    assert len(g) == 1


VALID_NAMES = ["a", "_x", "dense_9", "my.layer-2", "A" * 64, "Layer9"]
INVALID_NAMES = ["", "1abc", "a b", "a/b", "-x", ".x", "A" * 65, "dense 1", "ümlaut", None, 3]


@pytest.mark.parametrize("name", VALID_NAMES)
def test_rename_accepts_valid_names(name: str) -> None:
    g = Graph()
    d = g.add_node("Dense")
    rec = Recorder(g)
    assert g.rename(d, name) == "dense_1"
    assert d.name == name and g.node(name) is d and g.find("dense_1") is None
    assert rec.events == [NodeRenamed(d, "dense_1", name)]
    with pytest.raises(NodeNotFoundError):
        g.node("dense_1")


@pytest.mark.parametrize("name", INVALID_NAMES)
def test_rename_refuses_invalid_names(name) -> None:
    g = Graph()
    d = g.add_node("Dense")
    rec = Recorder(g)
    with pytest.raises(InvalidNameError) as info:
        g.rename(d, name)
    assert "letters, digits" in str(info.value) and isinstance(info.value, GraphError)
    assert d.name == "dense_1" and rec.events == []


def test_rename_to_a_used_name_is_refused_and_to_the_same_name_is_a_no_op() -> None:
    g = Graph()
    d1, d2 = g.add_node("Dense"), g.add_node("Dense")
    rec = Recorder(g)
    with pytest.raises(DuplicateNameError, match="'dense_2' is already used"):
        g.rename(d1, "dense_2")
    assert g.rename(d1, "dense_1") == "dense_1"
    assert rec.events == [] and d1.name == "dense_1" and g.node("dense_2") is d2
    g.rename(d1, "tmp")
    g.rename(d2, "dense_1")  # swapping names in two steps works
    g.rename(d1, "dense_2")
    assert (d1.name, d2.name) == ("dense_2", "dense_1")
    assert_consistent(g)


# ---- lookup ---------------------------------------------------------------------------------
def test_nodes_are_found_by_id_name_or_object() -> None:
    g, (x, h, o, loss) = mlp()
    assert g.node(h.id) is h and g.node("dense_1") is h and g.node(h) is h
    assert h.id in g and "dense_1" in g and h in g and "nope" not in g and 3 not in g
    other = g.copy()
    assert other.node(h) is not h and other.node(h).id == h.id  # a node stands for its id
    with pytest.raises(NodeNotFoundError, match="No node named or with id 'nope'"):
        g.node("nope")
    g.remove_node(h)
    with pytest.raises(NodeNotFoundError, match=r"dense_1 \(Dense\) is not in this graph"):
        g.node(h)
    assert h not in g


def test_nodes_compare_by_identity_and_are_hashable() -> None:
    g = Graph()
    a = g.add_node("Dense", node_id="0" * 32)
    twin = Node(a.id, a.type, a.name, dict(a.params), a.pos)
    assert a != twin and a == a
    assert {a: 1}[a] == 1


def test_index_of_and_len_and_iteration() -> None:
    g, nodes = mlp()
    assert len(g) == 4 and list(g) == nodes == g.nodes
    assert [g.index_of(n) for n in nodes] == [0, 1, 2, 3]


# ---- add_node ---------------------------------------------------------------------------------
def test_add_node_fills_defaults_and_merges_params() -> None:
    g = Graph()
    d = g.add_node("Dense", units=3, params={"units": 5, "activation": "relu"})
    assert d.params["units"] == 3 and d.params["activation"] == "relu"  # keywords win
    assert d.params["use_bias"] is True and d.params["initializer"] == "glorot_uniform"
    assert set(d.params) == set(d.spec.params.names())
    assert d.type == "Dense" and d.pos == (0.0, 0.0)
    assert g.add_node("dense").type == "Dense"  # the canonical spelling is stored


def test_add_node_keeps_no_reference_to_the_callers_lists() -> None:
    g = Graph()
    shape = [1, 8, 8]
    x = g.add_node("Input", shape=shape)
    shape.append(3)
    assert x.params["shape"] == [1, 8, 8]


@pytest.mark.parametrize(("type_name", "params", "message"), [
    ("Dense", {"units": 0}, "Dense.units: expected a value ≥ 1, received 0"),
    ("Dense", {"units": 2.5}, "Dense.units: expected an integer, received 2.5"),
    ("Dense", {"activation": "foo"}, "Dense.activation: expected one of linear, sigmoid, tanh, relu"),
    ("Dense", {"use_bias": "yes"}, "Dense.use_bias: expected true or false, received 'yes'"),
    ("Dropout", {"rate": 1.5}, "Dropout.rate: expected a value ≤ 0.95, received 1.5"),
    ("Input", {"shape": [0]}, "Input.shape: expected positive integers, received [0]"),
    ("Loss", {"function": "hinge"}, "Loss.function: expected one of mse, mae, huber, bce, cross_entropy, "
                                    "received 'hinge'"),
    ("Add", {"inputs": 1}, "Add.inputs: expected a value ≥ 2, received 1"),
    ("BatchNorm", {"epsilon": 0.0}, "BatchNorm.epsilon: expected a value > 0, received 0"),
    ("Dense", {"unitz": 3}, "Dense has no parameter 'unitz' (did you mean units?)"),
])
def test_add_node_with_bad_params_raises_a_teaching_param_error(type_name, params, message) -> None:
    g = Graph()
    rec = Recorder(g)
    with pytest.raises(ParamError) as info:
        g.add_node(type_name, **params)
    assert str(info.value).startswith(message)
    assert info.value.param == next(iter(params)) and info.value.owner == type_name
    assert len(g) == 0 and rec.events == []


def test_add_node_with_an_unknown_type_suggests_one() -> None:
    g = Graph()
    with pytest.raises(UnknownLayerError, match=r"Unknown layer type 'Dens'\. Did you mean Dense\?"):
        g.add_node("Dens")
    assert len(g) == 0


def test_add_node_with_given_id_index_and_pos() -> None:
    g = Graph()
    a = g.add_node("Dense", pos=(10, -5.5))
    b = g.add_node("Dense", node_id="abc")
    rec = Recorder(g)
    c = g.add_node("Dense", index=0)
    d = g.add_node("Dense", index=-3)  # clamped to the front
    e = g.add_node("Dense", index=99)  # clamped to the end
    assert a.pos == (10.0, -5.5) and isinstance(a.pos[0], float)
    assert b.id == "abc" and g.node("abc") is b
    assert g.nodes == [d, c, a, b, e]
    assert rec.events == [NodeAdded(c, 0), NodeAdded(d, 0), NodeAdded(e, 4)]


@pytest.mark.parametrize("node_id", ["", 17, "x" * 65])
def test_add_node_refuses_bad_ids(node_id) -> None:
    with pytest.raises(GraphError, match="A node id must be text"):
        Graph().add_node("Dense", node_id=node_id)


def test_add_node_refuses_a_repeated_id() -> None:
    g = Graph()
    g.add_node("Dense", node_id="n1")
    with pytest.raises(GraphError, match=r"A node with id 'n1' already exists \(dense_1\)"):
        g.add_node("Dense", node_id="n1")


@pytest.mark.parametrize("pos", [(math.nan, 0), (0, math.inf), ("a", 1), (1,), None])
def test_positions_must_be_two_finite_numbers(pos) -> None:
    g = Graph()
    with pytest.raises(GraphError, match="position"):
        g.add_node("Dense", pos=pos)
    assert len(g) == 0


@pytest.mark.parametrize("xy", [(math.nan, 0.0), (0.0, -math.inf), ("a", 1.0)])
def test_set_pos_refuses_non_finite_positions(xy) -> None:
    g = Graph()
    d = g.add_node("Dense")
    rec = Recorder(g)
    with pytest.raises(GraphError, match="position"):
        g.set_pos(d, *xy)
    assert d.pos == (0.0, 0.0) and rec.events == []


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
