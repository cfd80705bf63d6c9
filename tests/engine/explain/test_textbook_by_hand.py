"""The textbook two-weight network: every number of the explained step equals a hand calculation.

    z1 = w1·x,  a1 = σ(z1) = 1/(1 + e^(−z1)),  ŷ = w2·a1,  L = (ŷ − y)²   (MSE of one output: n = 1)
    ∂L/∂ŷ = 2·(ŷ − y),  ∂L/∂w2 = ∂L/∂ŷ · a1,  ∂L/∂w1 = ∂L/∂ŷ · w2 · σ'(z1) · x,  σ'(z1) = a1·(1 − a1)
    SGD: w ← w − η·∂L/∂w
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import engine
from engine import Graph, Network
from engine.explain import trace_step
from engine.graph import chain


def by_hand(w1: float, w2: float, x: float, y: float, lr: float) -> dict[str, float]:
    z1 = w1 * x
    a1 = 1.0 / (1.0 + math.exp(-z1))
    y_pred = w2 * a1
    loss = (y_pred - y) ** 2
    dl_dy = 2.0 * (y_pred - y)
    dw2 = dl_dy * a1
    sig_prime = a1 * (1.0 - a1)
    dw1 = dl_dy * w2 * sig_prime * x
    new_w1, new_w2 = w1 - lr * dw1, w2 - lr * dw2
    a1_after = 1.0 / (1.0 + math.exp(-new_w1 * x))
    loss_after = (new_w2 * a1_after - y) ** 2
    return dict(z1=z1, a1=a1, y_pred=y_pred, loss=loss, dl_dy=dl_dy, sig_prime=sig_prime, dw1=dw1, dw2=dw2,
                new_w1=new_w1, new_w2=new_w2, loss_after=loss_after)


def textbook_net(w1: float, w2: float, dtype: str = "float64") -> Network:
    g = Graph()
    chain(g, [g.add_node("Input", "x", shape=[1]),
              g.add_node("Dense", "w1", units=1, use_bias=False),
              g.add_node("Activation", "sigmoid", function="sigmoid"),
              g.add_node("Dense", "w2", units=1, use_bias=False),
              g.add_node("Loss", "loss", function="mse")])
    net = Network(g, seed=0, dtype=dtype)
    net.set_weights({"w1/W": np.array([[w1]]), "w2/W": np.array([[w2]])})
    return net


def check_against_hand(trace, hand: dict[str, float], x: float, w1: float, w2: float, rel: float) -> None:
    approx = lambda v: pytest.approx(v, rel=rel, abs=rel * 1e-3)  # noqa: E731
    # forward
    assert trace.node("w1").a[0] == approx(hand["z1"])
    assert trace.node("sigmoid").z[0] == approx(hand["z1"])
    assert trace.node("sigmoid").a[0] == approx(hand["a1"])
    assert trace.node("w2").a[0] == approx(hand["y_pred"])
    assert trace.loss.value == approx(hand["loss"])
    assert trace.loss.seed[0] == approx(hand["dl_dy"])
    # backward
    assert trace.backward_of("sigmoid").local_derivative[0] == approx(hand["sig_prime"])
    assert trace.gradients["w1/W"][0, 0] == approx(hand["dw1"])
    assert trace.gradients["w2/W"][0, 0] == approx(hand["dw2"])
    # the chain rule, symbol by symbol and factor by factor
    r1, r2 = trace.chain.rule("w1/W"), trace.chain.rule("w2/W")
    assert r1.product.symbols() == "∂L/∂ŷ · w2 · σ'(z1) · x"
    assert r2.product.symbols() == "∂L/∂ŷ · a1"
    assert [f.value for f in r1.product.factors] == [approx(hand["dl_dy"]), approx(w2), approx(hand["sig_prime"]),
                                                     approx(x)]
    assert [f.value for f in r2.product.factors] == [approx(hand["dl_dy"]), approx(hand["a1"])]
    assert r1.value == approx(hand["dw1"]) and r2.value == approx(hand["dw2"])
    assert not trace.chain.quantities  # a pure chain: every gradient is one product
    # the update and the loss after it
    up = trace.update
    assert up.param("w1/W").after[0, 0] == approx(hand["new_w1"])
    assert up.param("w2/W").after[0, 0] == approx(hand["new_w2"])
    assert up.param("w1/W").expected[0, 0] == approx(hand["new_w1"])
    assert up.loss_before == approx(hand["loss"])
    assert up.loss_after == approx(hand["loss_after"])


@pytest.mark.parametrize("x,y", [(2.0, 0.5), (-1.0, -0.3), (0.25, 1.0)])
def test_float64_textbook_equals_hand_calculation(x: float, y: float) -> None:
    w1, w2, lr = 0.8, -1.5, 0.1
    net = textbook_net(w1, w2)
    trace = trace_step(net, [x], y, optimizer="sgd", lr=lr)
    check_against_hand(trace, by_hand(w1, w2, x, y, lr), x, w1, w2, rel=1e-13)


def test_example_file_equals_hand_calculation_for_every_sample(nets) -> None:
    session = nets.example("textbook")
    lr = session.doc.training.learning_rate
    (w1,), (w2,) = session.network.get_weights()["w1/W"][0], session.network.get_weights()["w2/W"][0]
    for i in range(len(session.X_train)):
        x, y = float(session.X_train[i, 0]), float(session.Y_train[i])
        trace = trace_step(session.network, session.X_train[i], session.Y_train[i], optimizer=session.trainer.optimizer)
        check_against_hand(trace, by_hand(float(w1), float(w2), x, y, lr), x, float(w1), float(w2), rel=1e-6)


def test_chain_rule_text_reads_like_the_textbook() -> None:
    trace = trace_step(textbook_net(0.8, -1.5), [2.0], 0.5, optimizer="sgd", lr=0.1)
    hand = by_hand(0.8, -1.5, 2.0, 0.5, 0.1)
    text = trace.chain.rule("w1/W").text()
    assert text.startswith("∂L/∂w1 = ∂L/∂ŷ · w2 · σ'(z1) · x = (")
    assert text.endswith(f"= {hand['dw1']:.4g}")
    assert trace.chain.rule("w2/W").text() == (f"∂L/∂w2 = ∂L/∂ŷ · a1 = ({hand['dl_dy']:.4g})({hand['a1']:.4g}) = "
                                               f"{hand['dw2']:.4g}")
    line = trace.update.param("w1/W").lines()[-1]
    g = f"{hand['dw1']:.4g}" if hand["dw1"] > 0 else f"({hand['dw1']:.4g})"  # negatives in parentheses
    assert line == f"w ← w − η·g = 0.8 − 0.1·{g} = {hand['new_w1']:.4g}"


def test_momentum_on_the_textbook_by_hand() -> None:
    """Two momentum steps: the second uses the velocity the first left in the optimizer."""
    w1, w2, lr, mu = 0.8, -1.5, 0.1, 0.9
    net = textbook_net(w1, w2)
    opt = engine.make_optimizer("sgd", lr=lr, momentum=mu)
    first = by_hand(w1, w2, 2.0, 0.5, lr)
    net.train_step(net.prepare_inputs([[2.0]]), net.prepare_targets([[0.5]]), opt)  # v = g1
    w1b, w2b = w1 - lr * first["dw1"], w2 - lr * first["dw2"]
    second = by_hand(w1b, w2b, 2.0, 0.5, lr)
    trace = trace_step(net, [2.0], 0.5, optimizer=opt)
    v1 = mu * first["dw1"] + second["dw1"]
    p = trace.update.param("w1/W")
    assert p.quantities[1].symbol == "v" and p.quantities[1].value[0, 0] == pytest.approx(v1, rel=1e-13)
    assert p.after[0, 0] == pytest.approx(w1b - lr * v1, rel=1e-13)
    assert opt.state_dict()["velocity"][0][0, 0] == pytest.approx(first["dw1"], rel=1e-13)  # untouched
