"""The textbook two-weight network, computed by hand with plain floats and compared with the engine.

    x → z1 = w1·x → a1 = σ(z1) → y_pred = w2·a1 → L = (y_pred − y)²   (MSE of one output)

    ∂L/∂y_pred = 2·(y_pred − y)
    ∂L/∂w2     = ∂L/∂y_pred · a1
    ∂L/∂w1     = ∂L/∂y_pred · w2 · σ'(z1) · x,   σ'(z1) = σ(z1)·(1 − σ(z1))
    SGD:         w ← w − η·∂L/∂w
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import engine
from engine import Graph, Network
from engine.gradcheck import check_gradients, failures
from engine.graph import chain

W1, W2, LR = 0.8, -1.5, 0.1


def two_weight_net(dtype: str = "float64") -> Network:
    g = Graph()
    chain(g, [g.add_node("Input", "x", shape=[1]),
              g.add_node("Dense", "hidden", units=1, activation="sigmoid", use_bias=False),
              g.add_node("Dense", "output", units=1, use_bias=False),
              g.add_node("Loss", function="mse")])
    net = Network(g, seed=0, dtype=dtype)
    net.set_weights({"hidden/W": np.array([[W1]]), "output/W": np.array([[W2]])})
    return net


def by_hand(xs: list[float], ys: list[float]) -> dict[str, float]:
    """Forward pass, loss, both gradients (averaged over the samples, as MSE does) with plain floats."""
    n = len(xs)
    loss = dw1 = dw2 = 0.0
    for x, y in zip(xs, ys):
        z1 = W1 * x
        a1 = 1.0 / (1.0 + math.exp(-z1))
        y_pred = W2 * a1
        loss += (y_pred - y) ** 2 / n
        dl_dy = 2.0 * (y_pred - y) / n
        dw2 += dl_dy * a1
        dw1 += dl_dy * W2 * (a1 * (1.0 - a1)) * x
    return {"loss": loss, "dw1": dw1, "dw2": dw2, "a1": a1, "y_pred": y_pred}


def test_one_sample_forward_by_hand() -> None:
    net = two_weight_net()
    hand = by_hand([2.0], [0.5])
    # z1 = 1.6, a1 = 1/(1 + e^−1.6) = 0.83201838..., y_pred = −1.24802757...
    assert hand["a1"] == pytest.approx(0.8320183851339245, rel=1e-15)
    acts = net.forward_all([[2.0]])
    assert acts["hidden"][0, 0] == pytest.approx(hand["a1"], rel=1e-15)
    assert net.predict([[2.0]])[0, 0] == pytest.approx(hand["y_pred"], rel=1e-15)


@pytest.mark.parametrize("xs,ys", [([2.0], [0.5]), ([2.0, -1.0, 0.25], [0.5, -0.3, 1.0])],
                         ids=["one_sample", "batch_of_three"])
def test_gradients_by_hand(xs, ys) -> None:
    net = two_weight_net()
    hand = by_hand(xs, ys)
    X, Y = [[x] for x in xs], [[y] for y in ys]
    loss, grads = net.gradients(X, Y)
    assert loss == pytest.approx(hand["loss"], rel=1e-14)
    assert grads["hidden/W"][0, 0] == pytest.approx(hand["dw1"], rel=1e-14)
    assert grads["output/W"][0, 0] == pytest.approx(hand["dw2"], rel=1e-14)
    assert not failures(check_gradients(net, X, Y))


@pytest.mark.parametrize("dtype,rel", [("float64", 1e-14), ("float32", 1e-6)])
def test_one_sgd_update_by_hand(dtype: str, rel: float) -> None:
    net = two_weight_net(dtype)
    xs, ys = [2.0, -1.0], [0.5, -0.3]
    hand = by_hand(xs, ys)
    opt = engine.make_optimizer("sgd", lr=LR)
    loss = net.train_step(net.prepare_inputs([[x] for x in xs]), net.prepare_targets([[y] for y in ys]), opt)
    assert loss == pytest.approx(hand["loss"], rel=rel)
    w = net.get_weights()
    assert w["hidden/W"].dtype == np.dtype(dtype)
    assert w["hidden/W"][0, 0] == pytest.approx(W1 - LR * hand["dw1"], rel=rel)
    assert w["output/W"][0, 0] == pytest.approx(W2 - LR * hand["dw2"], rel=rel)
