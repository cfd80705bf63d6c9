"""The step unit: forward values, zero derivative, the perceptron learning rule, and the refusal to
backpropagate through a hidden step."""
from __future__ import annotations

import numpy as np
import pytest

import engine
from engine import Graph, Network, TrainingError
from engine.gradcheck import check_gradients, make_layer
from engine.graph import chain
from engine.layers.activation_functions import make_activation

AND_X = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
AND_Y = [0.0, 0.0, 0.0, 1.0]


def perceptron(split: bool = False, loss: str = "mse", dtype: str = "float64") -> Network:
    """Input(2) → Dense(1, step) → Loss, or Input(2) → Dense(1) → Activation(step) → Loss."""
    g = Graph()
    if split:
        body = [g.add_node("Dense", "p", units=1), g.add_node("Activation", "step", function="step")]
    else:
        body = [g.add_node("Dense", "p", units=1, activation="step")]
    chain(g, [g.add_node("Input", shape=[2]), *body, g.add_node("Loss", function=loss)])
    return Network(g, seed=0, dtype=dtype)


def test_step_forward_values() -> None:
    f = make_activation("step")
    z = np.array([-1e9, -2.0, -1e-12, 0.0, 1e-12, 3.0, 1e9])
    np.testing.assert_array_equal(f.forward(z), [0, 0, 0, 1, 1, 1, 1])
    assert f.forward(z.astype(np.float32)).dtype == np.float32
    assert not f.trainable


def test_step_derivative_is_zero() -> None:
    f = make_activation("step")
    z = np.array([-2.0, 0.5, 3.0])
    np.testing.assert_array_equal(f.backward(z, f.forward(z), np.ones(3)), 0)
    layer = make_layer("Activation", [(3,)], function="step")
    layer.forward(z[None], True)
    np.testing.assert_array_equal(layer.backward(np.ones((1, 3))), 0)


@pytest.mark.parametrize("split", [False, True], ids=["dense_step", "step_node"])
def test_one_sgd_step_is_the_perceptron_rule(split: bool) -> None:
    net = perceptron(split)
    net.set_weights({"p/W": np.array([[0.5], [-0.4]]), "p/b": np.array([0.1])})
    X = [[1.0, 2.0], [2.0, 0.5], [-1.0, 1.0]]
    Y = [1.0, 0.0, 1.0]
    # by hand: z = 0.5·x1 − 0.4·x2 + 0.1
    w1, w2, b, lr = 0.5, -0.4, 0.1, 0.25
    a = [1.0 if w1 * x1 + w2 * x2 + b >= 0 else 0.0 for x1, x2 in X]
    assert a == [0.0, 1.0, 0.0]  # z = −0.2, 0.9, −0.8: every sample but none right
    n = len(X)
    new_w1 = w1 + lr * sum((y - ai) * x[0] for x, y, ai in zip(X, Y, a)) / n
    new_w2 = w2 + lr * sum((y - ai) * x[1] for x, y, ai in zip(X, Y, a)) / n
    new_b = b + lr * sum(y - ai for y, ai in zip(Y, a)) / n
    opt = engine.make_optimizer("sgd", lr=lr)
    loss = net.train_step(net.prepare_inputs(X), net.prepare_targets(Y), opt)
    assert loss == pytest.approx(sum((y - ai) ** 2 for y, ai in zip(Y, a)) / n)
    w = net.get_weights()
    np.testing.assert_allclose(w["p/W"].ravel(), [new_w1, new_w2], rtol=1e-14)
    np.testing.assert_allclose(w["p/b"], [new_b], rtol=1e-14)


@pytest.mark.parametrize("split", [False, True], ids=["dense_step", "step_node"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_perceptron_learns_and(split: bool, dtype: str) -> None:
    net = perceptron(split, dtype=dtype)
    X, Y = net.prepare_inputs(AND_X), net.prepare_targets(AND_Y)
    opt = engine.make_optimizer("sgd", lr=0.5)
    for _ in range(100):  # linearly separable: the perceptron rule converges
        net.train_step(X, Y, opt)
        if net.evaluate(X, Y)["accuracy"] == 1.0:
            break
    assert net.evaluate(X, Y) == {"loss": 0.0, "accuracy": 1.0}
    np.testing.assert_array_equal(net.predict(X).ravel(), AND_Y)
    assert net.predict(X).dtype == np.dtype(dtype)


def test_perceptron_with_bce_loss_also_learns_and() -> None:
    net = perceptron(loss="bce")
    X, Y = net.prepare_inputs(AND_X), net.prepare_targets(AND_Y)
    opt = engine.make_optimizer("sgd", lr=0.5)
    for _ in range(100):
        net.train_step(X, Y, opt)
    assert net.evaluate(X, Y)["accuracy"] == 1.0


def hidden_step(step_first: bool) -> Graph:
    g = Graph()
    acts = ("step", "sigmoid") if step_first else ("tanh", "step")
    chain(g, [g.add_node("Input", shape=[2]), g.add_node("Dense", units=3, activation=acts[0]),
              g.add_node("Dense", units=1, activation=acts[1]), g.add_node("Loss", function="bce")])
    return g


def test_training_through_a_hidden_step_is_refused_with_the_reason() -> None:
    net = Network(hidden_step(step_first=True), seed=0)
    assert net.predict(AND_X).shape == (4, 1)  # forward works
    with pytest.raises(TrainingError, match="step has zero derivative") as info:
        net.gradients(AND_X, AND_Y)
    assert "backpropagation cannot pass through dense_1" in str(info.value)
    with pytest.raises(TrainingError):
        net.train_step(net.prepare_inputs(AND_X), net.prepare_targets(AND_Y), engine.make_optimizer("sgd"))


def test_a_step_output_on_a_multi_layer_network_is_refused() -> None:
    net = Network(hidden_step(step_first=False), seed=0)
    with pytest.raises(TrainingError, match="perceptron rule trains a single layer only; dense_1"):
        net.gradients(AND_X, AND_Y)


def test_gradient_check_refuses_a_perceptron() -> None:
    with pytest.raises(TrainingError, match="perceptron rule"):
        check_gradients(perceptron(), AND_X, AND_Y)
