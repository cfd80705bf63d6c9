"""The graph model (engine.graph), nodes: ids and names, lookup, add_node and positions."""
from __future__ import annotations

import math
import uuid

import pytest

from engine.errors import (
    DuplicateNameError,
    GraphError,
    InvalidNameError,
    NodeNotFoundError,
    ParamError,
    UnknownLayerError,
)
from engine.graph import Graph, Node, NodeAdded, NodeRenamed

from tests.engine.graph_helpers import Recorder, assert_consistent, mlp


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
