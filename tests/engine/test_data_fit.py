"""Does the data fit the network — checked from a graph's analysis (no session, no Network), in the
words training refuses with (engine.session.check_fit)."""
from __future__ import annotations

from pathlib import Path

import pytest

import engine
from engine.data import prepare
from engine.data_fit import DATA_SCOPE, DataFacts, NetworkEnds, data_fit_issue, data_fit_problem, fit_problem, \
    with_data_fit
from engine.errors import TrainingError
from engine.fileformat import load
from engine.session import open_session
from engine.validation import analyze

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def mlp(inputs, units, activation="linear", loss="mse", softmax=False) -> engine.Graph:
    g = engine.Graph()
    x = g.add_node("Input", shape=list(inputs))
    h = g.add_node("Dense", units=4, activation="tanh")
    o = g.add_node("Dense", units=units, activation=activation)
    g.connect(x, h)
    g.connect(h, o)
    if softmax:
        s = g.add_node("Softmax")
        g.connect(o, s)
        o = s
    g.connect(o, g.add_node("Loss", function=loss))
    return g


def facts(shape=(2,), classes=0, width=1) -> DataFacts:
    return DataFacts(tuple(shape), tuple(f"x{i + 1}" for i in range(shape[0])), classes > 0, classes, width)


def issue(g: engine.Graph, data: DataFacts):
    return data_fit_issue(g, analyze(g), data)


def test_fitting_networks_have_no_issue():
    assert issue(mlp([2], 1, "sigmoid", "bce"), facts(classes=2)) is None  # binary: 1 sigmoid unit + bce
    assert issue(mlp([2], 2, softmax=True, loss="cross_entropy"), facts(classes=2)) is None
    assert issue(mlp([5], 3, softmax=True, loss="cross_entropy"), facts((5,), classes=3)) is None  # features
    assert issue(mlp([3], 2), facts((3,), width=2)) is None  # regression with 2 targets
    assert issue(mlp([2], 1, loss="huber"), facts()) is None


@pytest.mark.parametrize("graph, data, node, message", [
    (mlp([2], 10, softmax=True, loss="cross_entropy"), facts(classes=3), "dense_2",
     "The data has 3 classes but softmax_1 outputs (10,): set dense_2's units to 3"),
    (mlp([2], 3, "softmax", "cross_entropy"), facts(classes=2), "dense_2",
     "The data has 2 classes but dense_2 outputs (3,): set its units to 2"),
    (mlp([64], 10, "softmax", "cross_entropy"), facts((3,), classes=10), "input_1",
     "The data gives samples of shape (3,) (x1, x2, x3) but input_1 expects (64,): set input_1's shape to [3]"),
    (mlp([2], 1, "sigmoid", "bce"), facts(), "loss_1",
     "The data is a regression (numeric targets) but the Loss is a classification loss: use mse, mae or huber"),
    (mlp([2], 1), facts(classes=2), "loss_1",
     "The data is a classification (2 classes) but the Loss is mse: use bce with 1 sigmoid output for 2 classes, "
     "cross_entropy with a Softmax for more"),
    (mlp([2], 1, "sigmoid", "bce"), facts(classes=3), "loss_1",
     "The data has 3 classes; bce handles two. Use 3 units, a Softmax and cross_entropy"),
    (mlp([2], 1), facts(width=3), "dense_2", "The data has 3 target value(s) per sample but dense_2 outputs (1,)"),
])
def test_a_misfit_is_an_error_on_the_node_to_change(graph, data, node, message):
    found = issue(graph, data)
    assert found is not None and found.is_error and found.scope == DATA_SCOPE
    assert found.message == message and graph.node(found.node).name == node
    a = with_data_fit(graph, analyze(graph), data)
    assert not a.trainable and a.runnable  # it can still predict
    assert data_fit_problem(a) == found
    assert found.message.startswith(found.problem)


def test_no_issue_without_data_or_before_the_graphs_own_errors():
    g = mlp([2], 10, softmax=True, loss="cross_entropy")
    assert issue(g, None) is None
    g.remove_node(g.find("loss_1"))
    assert issue(g, facts(classes=3)) is None  # no Loss: the graph's own warning comes first


def test_images_fit_a_cnn_and_the_examples_all_fit_their_data():
    for path in sorted(EXAMPLES.glob("*.nnd")):
        doc = load(path)
        data = DataFacts.of_prepared(prepare(doc.dataset, EXAMPLES))
        assert issue(doc.graph, data) is None, path.name
    cnn = load(EXAMPLES / "digits_cnn.nnd")
    assert DataFacts.of_prepared(prepare(cnn.dataset, EXAMPLES)).input_shape == (1, 8, 8)


@pytest.mark.parametrize("change", [
    lambda g: g.set_params(g.find("input_1"), shape=[5]),
    lambda g: g.set_params(g.find("dense_2"), units=4),
    lambda g: [g.set_params(g.find("loss_1"), function="mse"), g.set_params(g.find("dense_2"), activation="linear")],
])
def test_the_session_refuses_with_the_same_message(change):
    doc = load(EXAMPLES / "iris.nnd")
    change(doc.graph)
    data = DataFacts.of_prepared(prepare(doc.dataset, EXAMPLES))
    expected = issue(doc.graph, data)
    assert expected is not None
    with pytest.raises(TrainingError) as info:
        open_session(doc, base_dir=EXAMPLES)
    assert str(info.value) == expected.message
    net = engine.Network(doc.graph)
    assert fit_problem(NetworkEnds.of_network(net), data).message == expected.message
