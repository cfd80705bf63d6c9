"""Graph analysis (engine.validation): shapes, the rules and their teaching messages, fusion, steps."""
from __future__ import annotations

import numpy as np
import pytest

from engine import CompileError, Network
from engine.graph import Graph, Node, chain
from engine.validation import Analysis, Issue, analyze, describe_shape, output_activation


# ---- helpers ---------------------------------------------------------------------------------
def build(*layers, shape=(2,)) -> tuple[Graph, list[Node]]:
    """Input(shape) -> layers... (each (type, params)) wired in a chain."""
    g = Graph()
    nodes = [g.add_node("Input", shape=list(shape))]
    for type_name, params in layers:
        nodes.append(g.add_node(type_name, **params))
    chain(g, nodes)
    return g, nodes


def D(units: int = 8, activation: str = "linear", **kw):
    return ("Dense", {"units": units, "activation": activation, **kw})


def L(function: str = "mse"):
    return ("Loss", {"function": function})


def A(function: str):
    return ("Activation", {"function": function})


def errors(a: Analysis, scope: str | None = None) -> list[str]:
    return [i.message for i in a.issues if i.is_error and (scope is None or i.scope == scope)]


def warnings(a: Analysis) -> list[str]:
    return [i.message for i in a.warnings]


def merge(kind: str, left: tuple, right: tuple, shape=(4,)) -> tuple[Graph, dict[str, Node]]:
    """Input -> left branch, Input -> right branch, both into kind (Add/Concat)."""
    g = Graph()
    n = {"x": g.add_node("Input", shape=list(shape)), "l": g.add_node(*left[:1], **left[1]),
         "r": g.add_node(*right[:1], **right[1]), "m": g.add_node(kind)}
    g.connect(n["x"], n["l"])
    g.connect(n["x"], n["r"])
    g.connect(n["l"], n["m"], dst_port="in1")
    g.connect(n["r"], n["m"], dst_port="in2")
    return g, n


# ---- shapes ----------------------------------------------------------------------------------
def test_shapes_along_a_chain() -> None:
    g, (x, h, o, loss) = build(D(8, "tanh"), D(1, "sigmoid"), L("bce"))
    a = analyze(g)
    assert a.shapes == {x.id: (2,), h.id: (8,), o.id: (1,), loss.id: ()}
    assert a.order == [x.id, h.id, o.id, loss.id] == [n.id for n in g.topological_order()]
    assert (a.input_node, a.output_node, a.loss_node) == (x.id, o.id, loss.id)
    assert a.issues == [] and a.runnable and a.trainable
    assert a.active == frozenset(n.id for n in (x, h, o, loss))


@pytest.mark.parametrize(("layer", "in_shape", "out_shape"), [
    (D(8), (2,), (8,)),
    (D(3), (64,), (3,)),
    (A("relu"), (5,), (5,)),
    (A("tanh"), (1, 8, 8), (1, 8, 8)),
    (("Softmax", {}), (10,), (10,)),
    (("Dropout", {"rate": 0.2}), (1, 8, 8), (1, 8, 8)),
    (("BatchNorm", {}), (6,), (6,)),
    (("BatchNorm", {}), (3, 4, 4), (3, 4, 4)),
    (("Flatten", {}), (1, 8, 8), (64,)),
    (("Flatten", {}), (7,), (7,)),
    (("Flatten", {}), (2, 3, 4, 5), (120,)),
])
def test_shape_rule_of_every_single_input_layer(layer, in_shape, out_shape) -> None:
    g, (x, node) = build(layer, shape=in_shape)
    a = analyze(g)
    assert a.shapes[x.id] == in_shape and a.shapes[node.id] == out_shape
    assert errors(a) == []


def test_concat_adds_up_the_feature_axis() -> None:
    g, n = merge("Concat", D(8), D(4))
    a = analyze(g)
    assert a.shapes[n["m"].id] == (12,) and errors(a) == []
    g, n = merge("Concat", ("Dropout", {}), ("Flatten", {}), shape=(3,))
    assert analyze(g).shapes[n["m"].id] == (6,)


def test_concat_of_images_joins_channels_and_three_inputs() -> None:
    g = Graph()
    x = g.add_node("Input", shape=[1, 8, 8])
    c = g.add_node("Concat", inputs=3)
    for _ in range(3):
        g.connect(x, c)
    assert analyze(g).shapes[c.id] == (3, 8, 8)


def test_concat_mismatch_message() -> None:
    g = Graph()
    x, f = g.add_node("Input", shape=[1, 8, 8]), g.add_node("Flatten")
    c = g.add_node("Concat")
    g.connect(x, f)
    g.connect(x, c)
    g.connect(f, c)
    a = analyze(g)
    assert errors(a) == ["Concat joins along the first feature axis, so the other axes must match: "
                         "(1, 8, 8) and (64,)"]
    assert a.for_node(c.id)[0].scope == "graph" and a.shapes[c.id] is None


def test_add_of_equal_shapes() -> None:
    g, n = merge("Add", D(4, "relu"), D(4, "tanh"))
    a = analyze(g)
    assert a.shapes[n["m"].id] == (4,) and errors(a) == []


def test_add_mismatch_message_is_exact() -> None:
    g, n = merge("Add", D(8), D(4))
    a = analyze(g)
    assert errors(a) == ["Add needs inputs of equal shape: (8,) and (4,)"]
    (issue,) = a.errors
    assert issue == Issue(n["m"].id, "error", "Add needs inputs of equal shape: (8,) and (4,)", "graph")
    assert not a.runnable and not a.trainable


def test_dense_on_an_image_says_add_flatten() -> None:
    g, (x, d) = build(D(10), shape=(1, 8, 8))
    a = analyze(g)
    assert errors(a) == ["Dense expects a 1-D feature vector but receives (1, 8, 8): add Flatten"]
    assert a.errors[0].node == d.id and a.shapes[d.id] is None and not a.runnable


def test_softmax_on_an_image_says_add_flatten() -> None:
    g, _ = build(("Softmax", {}), shape=(1, 8, 8))
    assert errors(analyze(g)) == ["Softmax expects a 1-D vector of class scores but receives (1, 8, 8): add Flatten"]


def test_flatten_fixes_the_image_network() -> None:
    g, (x, f, d, s, loss) = build(("Flatten", {}), D(10), ("Softmax", {}), L("cross_entropy"), shape=(1, 8, 8))
    a = analyze(g)
    assert a.shapes[f.id] == (64,) and a.shapes[d.id] == (10,) and a.trainable and a.issues == []


def test_a_shape_error_does_not_cascade_to_descendants() -> None:
    g, (x, bad, d2, d3, loss) = build(D(8), D(4), D(1, "sigmoid"), L("bce"), shape=(1, 8, 8))
    a = analyze(g)
    assert errors(a) == ["Dense expects a 1-D feature vector but receives (1, 8, 8): add Flatten"]
    assert [a.shapes[n.id] for n in (bad, d2, d3, loss)] == [None, None, None, None]
    assert a.for_node(d2.id) == [] and a.for_node(loss.id) == []


def test_a_merge_with_one_broken_branch_reports_only_the_branch() -> None:
    g = Graph()
    x = g.add_node("Input", shape=[1, 4, 4])
    f, bad = g.add_node("Flatten"), g.add_node("Dense")
    c = g.add_node("Concat")
    g.connect(x, f)
    g.connect(x, bad)
    g.connect(f, c)
    g.connect(bad, c)
    a = analyze(g)
    assert [i.node for i in a.errors] == [bad.id] and a.shapes[c.id] is None


# ---- wiring problems -----------------------------------------------------------------------------
def test_unconnected_input_of_the_output_layer() -> None:
    g = Graph()
    x, d, o = g.add_node("Input"), g.add_node("Dense"), g.add_node("Dense")
    g.connect(d, o)
    a = analyze(g)
    assert errors(a) == ["dense_1 has no input: draw a wire into it"]
    assert a.errors[0].node == d.id and a.errors[0].scope == "graph" and not a.runnable


def test_a_merge_with_a_free_port() -> None:
    g, (x, d) = build(D(4))
    add = g.add_node("Add", inputs=3)
    g.connect(d, add, dst_port="in2")
    a = analyze(g)
    assert errors(a) == ["add_1 needs all 3 inputs connected: in1, in3 free"]
    assert a.output_node == add.id and not a.runnable


def test_missing_input() -> None:
    g = Graph()
    d, loss = g.add_node("Dense"), g.add_node("Loss")
    g.connect(d, loss)
    a = analyze(g)
    assert errors(a) == ["The network needs an Input node where the data enters",
                         "dense_1 has no input: draw a wire into it"]
    assert a.issues[0].node is None and a.input_node is None and not a.runnable


def test_two_inputs() -> None:
    g, nodes = build(D(1), L())
    extra = g.add_node("Input")
    a = analyze(g)
    assert errors(a, "graph") == ["Only one Input node is supported: remove input_2 or feed it from input_1"]
    assert a.errors[0].node == extra.id and a.input_node == nodes[0].id and not a.runnable


def test_no_loss_is_a_warning() -> None:
    g, (x, h, o) = build(D(4, "tanh"), D(1))
    a = analyze(g)
    assert errors(a) == []
    assert warnings(a) == ["Add a Loss node after the output layer to train the network"]
    assert a.warnings[0].scope == "train" and a.loss_node is None and a.output_node == o.id
    assert a.runnable and not a.trainable


def test_two_losses() -> None:
    g, (x, h, o, loss) = build(D(4), D(1), L())
    extra = g.add_node("Loss")
    g.connect(h, extra)
    a = analyze(g)
    assert errors(a) == ["Only one Loss node is supported: remove loss_2"]
    assert a.errors[0].scope == "train" and a.errors[0].node == extra.id
    assert a.loss_node == loss.id and a.runnable and not a.trainable


def test_a_wired_loss_wins_over_an_unwired_one() -> None:
    g = Graph()
    spare = g.add_node("Loss")
    x, d, loss = g.add_node("Input"), g.add_node("Dense", units=1), g.add_node("Loss")
    chain(g, [x, d, loss])
    a = analyze(g)
    assert a.loss_node == loss.id and a.output_node == d.id
    assert "Only one Loss node is supported: remove loss_1" in errors(a)
    assert warnings(a) == ["loss_1 has no input: draw a wire into it from the output layer"]


def test_an_unwired_loss_blocks_training_but_not_prediction() -> None:
    g, (x, h, o) = build(D(4), D(1))
    loss = g.add_node("Loss")
    a = analyze(g)
    assert errors(a) == ["loss_1 has no input: draw a wire into it from the output layer"]
    assert a.errors[0].scope == "train" and a.output_node == o.id and a.loss_node == loss.id
    assert a.runnable and not a.trainable


def test_dead_branch_warning() -> None:
    g, (x, h, o, loss) = build(D(4), D(1), L())
    side = g.add_node("Dense", units=2)
    g.connect(h, side)
    a = analyze(g)
    assert errors(a) == []
    assert warnings(a) == ["dense_3 does not lead to the Loss, so it is not trained"]
    assert a.warnings[0].node == side.id and a.trainable and side.id not in a.active


def test_a_stray_node_does_not_stop_a_working_network() -> None:
    """A layer just dropped on the canvas: its problems are warnings until it is wired in."""
    g, (x, h, o, loss) = build(D(4, "tanh"), D(1, "sigmoid"), L("bce"))
    stray = g.add_node("Dense")
    a = analyze(g)
    assert errors(a) == []
    assert warnings(a) == ["dense_3 has no input: draw a wire into it",
                           "dense_3 does not lead to the Loss, so it is not trained"]
    assert a.runnable and a.trainable and a.shapes[stray.id] is None
    X = np.zeros((3, 2))
    assert Network(g, seed=0).predict(X).shape == (3, 1)


def test_a_dead_branch_with_a_shape_error_is_a_warning() -> None:
    g, (x, h, o, loss) = build(D(4), D(1), L(), shape=(1, 2, 2))
    # The main path is broken at h; fix it with Flatten, then hang a broken Dense off the input.
    g.remove_node(h)
    f, h2 = g.add_node("Flatten"), g.add_node("Dense", units=4)
    chain(g, [x, f, h2, o])
    bad = g.add_node("Dense")
    g.connect(x, bad)
    a = analyze(g)
    assert errors(a) == [] and a.trainable
    assert "Dense expects a 1-D feature vector but receives (1, 2, 2): add Flatten" in warnings(a)
    assert [i.node for i in a.warnings] == [bad.id, bad.id]


def test_without_a_loss_the_output_is_the_sink_fed_by_the_input() -> None:
    g, (x, h, o) = build(D(4), D(1))
    stray = g.add_node("Dense")  # added later, but not fed by the Input
    a = analyze(g)
    assert a.output_node == o.id and a.runnable
    assert "dense_3 leads nowhere; the prediction is taken from dense_2" in warnings(a)
    assert "dense_3 has no input: draw a wire into it" in warnings(a)
    assert stray.id not in a.active


def test_empty_graph_and_input_only() -> None:
    a = analyze(Graph())
    assert errors(a) == [] and not a.runnable and not a.trainable
    assert a.messages("warning") == ["The network is empty: add an Input node to start"]
    g = Graph()
    x = g.add_node("Input", shape=[3])
    a = analyze(g)
    assert a.issues == [] and a.output_node == x.id and a.runnable and not a.trainable
    assert a.shapes == {x.id: (3,)}


def test_input_straight_into_the_loss_has_nothing_to_train() -> None:
    g, (x, loss) = build(L())
    a = analyze(g)
    assert warnings(a) == ["Nothing to train yet: add a Dense layer between the Input and the Loss"]
    assert a.output_node == x.id and a.runnable


# ---- loss pairing --------------------------------------------------------------------------------
@pytest.mark.parametrize(("layers", "message"), [
    ([D(3), ("Softmax", {}), L("mse")],
     "Softmax must feed a cross-entropy loss: set loss_1's function to cross_entropy (it is mse)"),
    ([D(3, "softmax"), L("bce")],
     "Softmax must feed a cross-entropy loss: set loss_1's function to cross_entropy (it is bce)"),
    ([D(3), L("cross_entropy")],
     "cross_entropy expects class probabilities: add a Softmax between dense_1 and loss_1"),
    ([D(3, "relu"), L("cross_entropy")],
     "cross_entropy expects class probabilities: add a Softmax between dense_1 and loss_1"),
    ([D(1), L("bce")], "bce expects probabilities in (0, 1): end dense_1 with a sigmoid"),
    ([D(1, "tanh"), L("bce")], "bce expects probabilities in (0, 1): end dense_1 with a sigmoid"),
    ([D(1, "softmax"), L("cross_entropy")],
     "cross_entropy needs at least 2 classes; for two classes you can use 1 sigmoid unit with bce"),
])
def test_loss_pairing_rules(layers, message) -> None:
    g, _ = build(*layers)
    a = analyze(g)
    assert errors(a) == [message]
    assert a.errors[0].scope == "train" and a.errors[0].node == a.loss_node
    assert a.runnable and not a.trainable


@pytest.mark.parametrize(("layers", "fusion"), [
    ([D(1, "sigmoid"), L("bce")], "sigmoid_bce"),
    ([D(1), A("sigmoid"), L("bce")], "sigmoid_bce"),
    ([D(3), ("Softmax", {}), L("cross_entropy")], "softmax_ce"),
    ([D(3, "softmax"), L("cross_entropy")], "softmax_ce"),
    ([D(1, "step"), L("mse")], "step"),
    ([D(1), A("step"), L("bce")], "step"),
    ([D(1, "sigmoid"), L("mse")], None),
    ([D(1), L("mse")], None),
    ([D(1, "tanh"), L("huber")], None),
])
def test_fusion_detection(layers, fusion) -> None:
    g, _ = build(*layers)
    a = analyze(g)
    assert a.fusion == fusion and errors(a) == [] and a.trainable


def test_no_fusion_without_a_wired_loss() -> None:
    g, _ = build(D(1, "sigmoid"))
    g.add_node("Loss", function="bce")
    assert analyze(g).fusion is None


# ---- step --------------------------------------------------------------------------------------
def test_single_layer_perceptron_is_fine() -> None:
    for layers in ([D(1, "step"), L("mse")], [D(1), A("step"), L("mse")], [D(1), ("Dropout", {}), A("step"), L()]):
        g, _ = build(*layers)
        a = analyze(g)
        assert a.issues == [] and a.trainable and a.fusion == "step", layers


def test_a_perceptron_over_merged_linear_layers_is_fine() -> None:
    g, n = merge("Add", D(1), D(1), shape=(2,))
    s, loss = g.add_node("Activation", function="step"), g.add_node("Loss")
    chain(g, [n["m"], s, loss])
    a = analyze(g)
    assert a.issues == [] and a.fusion == "step"


def test_step_on_the_raw_input_before_a_dense_is_fine() -> None:
    g, _ = build(A("step"), D(1, "sigmoid"), L("bce"))
    a = analyze(g)
    assert a.issues == [] and a.trainable and a.fusion == "sigmoid_bce"


def test_hidden_step_after_trainable_layers_is_refused_because_its_derivative_is_zero() -> None:
    g, (x, d1, s, d2, loss) = build(D(4, "tanh"), A("step"), D(1, "sigmoid"), L("bce"))
    a = analyze(g)
    (issue,) = a.errors
    assert issue.node == s.id and issue.scope == "train"
    assert issue.message == (
        "step has zero derivative wherever it is defined, so backpropagation cannot pass through act_1 back to "
        "dense_1. Use sigmoid or tanh here; step only works as the output of a single-layer perceptron, which "
        "is trained with the perceptron rule")
    assert a.runnable and not a.trainable


def test_hidden_dense_step_gets_no_gradient() -> None:
    g, (x, d1, d2, loss) = build(D(3, "step"), D(1, "sigmoid"), L("bce"))
    a = analyze(g)
    assert errors(a, "train") == [
        "step has zero derivative wherever it is defined, so backpropagation cannot pass through dense_1 and "
        "its weights get no gradient. Use sigmoid or tanh here; step only works as the output of a single-layer "
        "perceptron, which is trained with the perceptron rule"]
    assert a.runnable and not a.trainable


@pytest.mark.parametrize("layers", [
    [D(3, "tanh"), D(1, "step"), L()],
    [D(3, "tanh"), D(1), A("step"), L()],
    [D(3), ("BatchNorm", {}), A("step"), L()],
])
def test_multi_layer_network_with_a_step_output_is_refused(layers) -> None:
    g, nodes = build(*layers)
    a = analyze(g)
    (issue,) = a.errors
    assert issue.scope == "train" and issue.node == nodes[-2].id
    assert issue.message.startswith("The perceptron rule trains a single layer only; dense_1 would get no "
                                    "gradient through the step of ")
    assert "step has zero derivative" in issue.message and a.fusion == "step"


def test_a_bent_z_before_the_step_is_refused() -> None:
    g, _ = build(D(1, "sigmoid"), A("step"), L())
    assert errors(analyze(g)) == ["The perceptron thresholds a linear z, but dense_1 applies sigmoid before act_1: "
                                  "set it to linear"]


def test_a_step_in_a_dead_branch_only_warns() -> None:
    g, (x, d, o, loss) = build(D(4, "tanh"), D(1, "sigmoid"), L("bce"))
    s = g.add_node("Activation", function="step")
    g.connect(d, s)
    a = analyze(g)
    assert errors(a) == [] and a.trainable
    issues = a.for_node(s.id)
    assert [i.severity for i in issues] == ["warning", "warning"]
    assert issues[0].message == "act_1 does not lead to the Loss, so it is not trained"
    assert issues[1].message.startswith("step has zero derivative wherever it is defined")


def test_output_activation() -> None:
    g = Graph()
    assert output_activation(g.add_node("Dense", activation="elu")) == "elu"
    assert output_activation(g.add_node("Activation", function="step")) == "step"
    assert output_activation(g.add_node("Softmax")) == "softmax"
    assert output_activation(g.add_node("Dropout")) == "linear"


# ---- the Analysis object -------------------------------------------------------------------------
def test_analysis_helpers() -> None:
    g, (x, h, o, loss) = build(D(4), D(1), L("bce"))
    g.add_node("Dense")
    a = analyze(g)
    assert a.messages() == ["bce expects probabilities in (0, 1): end dense_2 with a sigmoid"]
    assert a.messages("warning") == [i.message for i in a.warnings]
    assert a.for_node(loss.id) == a.errors and a.for_node(x.id) == []
    assert a.errors[0].is_error and not a.warnings[0].is_error
    assert describe_shape((1, 8, 8)) == "(1, 8, 8)" and describe_shape((3,)) == "(3,)" and describe_shape(None) == "?"


def test_analyze_changes_nothing_and_is_deterministic() -> None:
    g, n = merge("Add", D(8), D(4))
    seen: list = []
    g.subscribe(seen.append)
    before, rev = g.to_dict(), g.revision
    assert analyze(g) == analyze(g)
    assert g.to_dict() == before and g.revision == rev and seen == []


def test_network_refuses_what_analysis_calls_not_runnable() -> None:
    g, _ = build(D(10), shape=(1, 8, 8))
    with pytest.raises(CompileError, match="add Flatten"):
        Network(g)


# ---- bigger graphs -----------------------------------------------------------------------------------
def branchy(n_blocks: int) -> tuple[Graph, Node]:
    g = Graph()
    prev = g.add_node("Input", shape=[4])
    for _ in range(n_blocks):
        a, b = g.add_node("Dense", units=8, activation="relu"), g.add_node("Dense", units=8, activation="tanh")
        d, m = g.add_node("Dropout", rate=0.1), g.add_node("Add")
        g.connect(prev, a)
        g.connect(prev, b)
        g.connect(b, d)
        g.connect(a, m, dst_port="in1")
        g.connect(d, m, dst_port="in2")
        prev = m
    out = g.add_node("Dense", units=1, activation="sigmoid")
    g.connect(prev, out)
    g.connect(out, g.add_node("Loss", function="bce"))
    return g, out


def test_a_200_node_residual_graph_is_analysed_correctly() -> None:
    g, out = branchy(49)
    assert len(g) == 199
    a = analyze(g)
    assert a.issues == [] and a.trainable and a.shapes[out.id] == (1,) and a.fusion == "sigmoid_bce"
    assert len(a.active) == 199 and len(a.order) == 199
    position = {nid: i for i, nid in enumerate(a.order)}
    assert all(position[e.src] < position[e.dst] for e in g.edges)
