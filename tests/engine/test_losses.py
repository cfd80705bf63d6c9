"""Every loss: value against a hand formula, gradient against finite differences (float64), the
fused sigmoid+bce and softmax+cross_entropy paths against the naive formulas, and extreme logits.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from engine import Graph, Network
from engine.gradcheck import central_differences, check_gradients, failures
from engine.graph import chain
from engine.layers.activation_functions import make_activation
from engine.losses import BCE, LOSSES, CrossEntropy, make_loss

RNG = np.random.default_rng(7)
P = RNG.uniform(0.05, 0.95, size=(4, 3))
Y01 = RNG.integers(0, 2, size=(4, 3)).astype(float)
Y_ONEHOT = np.eye(3)[[0, 2, 1, 2]]
P_ROWS = P / P.sum(axis=1, keepdims=True)


def by_hand(name: str, p: np.ndarray, y: np.ndarray, delta: float = 1.0) -> float:
    """The loss written out element by element with plain floats."""
    pairs = list(zip(p.ravel().tolist(), y.ravel().tolist()))
    if name == "mse":
        return sum((a - b) ** 2 for a, b in pairs) / len(pairs)
    if name == "mae":
        return sum(abs(a - b) for a, b in pairs) / len(pairs)
    if name == "huber":
        return sum(0.5 * (a - b) ** 2 if abs(a - b) <= delta else delta * (abs(a - b) - 0.5 * delta)
                   for a, b in pairs) / len(pairs)
    if name == "bce":
        return -sum(b * math.log(a) + (1 - b) * math.log(1 - a) for a, b in pairs) / len(pairs)
    return -sum(b * math.log(a) for a, b in pairs) / len(p)  # cross_entropy: sum over classes, mean over samples


CASES = {  # case -> (loss, prediction, target, delta)
    "mse": ("mse", P * 4 - 2, Y01, 1.0),
    "mae": ("mae", P * 4 - 2, Y01, 1.0),
    "huber": ("huber", P * 4 - 2, Y01, 1.0),  # residuals in [−3, 2]: both regions
    "huber_small_delta": ("huber", P * 4 - 2, Y01, 0.3),
    "bce": ("bce", P, Y01, 1.0),
    "bce_soft_targets": ("bce", P, RNG.uniform(size=P.shape), 1.0),
    "cross_entropy": ("cross_entropy", P_ROWS, Y_ONEHOT, 1.0),
    "cross_entropy_soft_targets": ("cross_entropy", P_ROWS, RNG.dirichlet(np.ones(3), size=4), 1.0),
}


def _loss_of(case: str):
    name, p, y, delta = CASES[case]
    return name, make_loss(name, delta), p.copy(), y, delta


def test_every_loss_is_covered() -> None:
    assert {name for name, *_ in CASES.values()} == set(LOSSES)


@pytest.mark.parametrize("case", CASES)
def test_loss_value_matches_hand_formula(case: str) -> None:
    name, fn, p, y, delta = _loss_of(case)
    loss, _ = fn.value_and_grad(p, y)
    assert isinstance(loss, float)
    assert loss == pytest.approx(by_hand(name, p, y, delta), rel=1e-12)
    assert fn.value(p, y) == loss


@pytest.mark.parametrize("case", CASES)
def test_loss_gradient_matches_finite_differences(case: str) -> None:
    _, fn, p, y, _ = _loss_of(case)
    _, grad = fn.value_and_grad(p, y)
    (numeric,) = central_differences(lambda: fn.value(p, y), [p], 1e-6)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-10)


@pytest.mark.parametrize("case", CASES)
def test_per_sample_loss_averages_to_the_loss(case: str) -> None:
    _, fn, p, y, _ = _loss_of(case)
    per = fn.per_sample(p, y)
    assert per.shape == (len(p),)
    assert per.mean() == pytest.approx(fn.value(p, y), rel=1e-12)
    for i in range(len(p)):
        assert per[i] == pytest.approx(fn.value(p[i : i + 1], y[i : i + 1]), rel=1e-12)


@pytest.mark.parametrize("case", CASES)
def test_float32_loss_gradient_stays_float32(case: str) -> None:
    _, fn, p, y, _ = _loss_of(case)
    loss, grad = fn.value_and_grad(p.astype(np.float32), y.astype(np.float32))
    assert isinstance(loss, float) and grad.dtype == np.float32
    assert fn.per_sample(p.astype(np.float32), y.astype(np.float32)).dtype == np.float32


def test_huber_regions() -> None:
    fn = make_loss("huber", 2.0)
    # |r| = 1 ≤ δ: ½·1² = 0.5, slope r = 1;  |r| = 5 > δ: 2·(5 − 1) = 8, slope δ·sign(r) = −2
    loss, grad = fn.value_and_grad(np.array([[1.0, -5.0]]), np.zeros((1, 2)))
    assert loss == pytest.approx((0.5 + 8.0) / 2)
    np.testing.assert_allclose(grad, [[1.0 / 2, -2.0 / 2]])


def test_unknown_loss_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown loss 'hinge'"):
        make_loss("hinge")


# ---- fused pairs versus the naive formulas ------------------------------------------------------

def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def naive_bce(z, y):
    a = sigmoid(z)
    return float(-(y * np.log(a) + (1 - y) * np.log(1 - a)).mean())


def naive_ce(z, y):
    e = np.exp(z)
    return float(-(y * np.log(e / e.sum(axis=1, keepdims=True))).sum(axis=1).mean())


Z_MODERATE = RNG.normal(scale=3, size=(4, 3))


def test_fused_sigmoid_bce_equals_the_naive_formula() -> None:
    z, y = Z_MODERATE, Y01
    a = make_activation("sigmoid").forward(z)
    loss, dz = BCE.fused(z, a, y)
    assert loss == pytest.approx(naive_bce(z, y), rel=1e-12)
    assert loss == pytest.approx(make_loss("bce").value(a, y), rel=1e-10)
    np.testing.assert_allclose(dz, (sigmoid(z) - y) / z.size, rtol=1e-12)
    # the chain rule through the unfused pair gives the same ∂L/∂z
    _, da = make_loss("bce").value_and_grad(a, y)
    np.testing.assert_allclose(dz, make_activation("sigmoid").backward(z, a, da), rtol=1e-9)
    np.testing.assert_allclose(BCE.fused_per_sample(z, y), make_loss("bce").per_sample(a, y), rtol=1e-10)


@pytest.mark.parametrize("y", [Y_ONEHOT, CASES["cross_entropy_soft_targets"][2]], ids=["onehot", "soft"])
def test_fused_softmax_ce_equals_the_naive_formula(y) -> None:
    z = Z_MODERATE
    a = make_activation("softmax").forward(z)
    loss, dz = CrossEntropy.fused(z, a, y)
    assert loss == pytest.approx(naive_ce(z, y), rel=1e-12)
    assert loss == pytest.approx(make_loss("cross_entropy").value(a, y), rel=1e-10)
    _, da = make_loss("cross_entropy").value_and_grad(a, y)
    np.testing.assert_allclose(dz, make_activation("softmax").backward(z, a, da), rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(CrossEntropy.fused_per_sample(z, y), make_loss("cross_entropy").per_sample(a, y),
                               rtol=1e-10)


@pytest.mark.parametrize("fused,act", [(BCE.fused, "sigmoid"), (CrossEntropy.fused, "softmax")], ids=["bce", "ce"])
def test_fused_gradient_matches_finite_differences(fused, act) -> None:
    z, y = Z_MODERATE.copy(), (Y01 if act == "sigmoid" else Y_ONEHOT)
    f = make_activation(act)
    _, dz = fused(z, f.forward(z), y)
    (numeric,) = central_differences(lambda: fused(z, f.forward(z), y)[0], [z], 1e-6)
    np.testing.assert_allclose(dz, numeric, rtol=1e-6, atol=1e-10)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("big", [50.0, 500.0])
def test_fused_bce_at_extreme_logits(big: float, dtype) -> None:
    z = np.array([[big], [-big], [big], [-big]], dtype=dtype)
    y = np.array([[1.0], [0.0], [0.0], [1.0]], dtype=dtype)
    loss, dz = BCE.fused(z, make_activation("sigmoid").forward(z), y)
    # right: ~0, ~0, big, big  ->  mean big/2;  ∂L/∂z = (σ(z) − y)/4 = 0, 0, 1/4, −1/4
    assert loss == pytest.approx(big / 2, rel=1e-6)
    assert dz.dtype == dtype
    np.testing.assert_allclose(dz.ravel(), [0, 0, 0.25, -0.25], atol=1e-7)
    np.testing.assert_allclose(BCE.fused_per_sample(z, y), [0, 0, big, big], rtol=1e-6, atol=1e-7)
    if big == 500.0:  # the naive formula overflows (e^500) or takes log(0)
        with np.errstate(all="ignore"):
            assert not np.isfinite(naive_bce(z.astype(np.float64), y))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("big", [50.0, 500.0])
def test_fused_ce_at_extreme_logits(big: float, dtype) -> None:
    z = np.array([[big, -big, 0.0], [-big, big, 0.0]], dtype=dtype)
    y = np.array([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]], dtype=dtype)
    loss, dz = CrossEntropy.fused(z, make_activation("softmax").forward(z), y)
    # row 1: ln(e^big + e^−big + 1) − big ≈ 0; row 2: ≈ big − (−big) = 2·big
    assert loss == pytest.approx(big, rel=1e-6)
    assert dz.dtype == dtype
    np.testing.assert_allclose(dz, [[0, 0, 0], [-0.5, 0.5, 0]], atol=1e-7)
    np.testing.assert_allclose(CrossEntropy.fused_per_sample(z, y), [0, 2 * big], rtol=1e-6, atol=1e-6)
    if big == 500.0:
        with np.errstate(all="ignore"):
            assert not np.isfinite(naive_ce(z.astype(np.float64), y))


# ---- inside networks: one node or two, the same numbers ------------------------------------------

def classifier(split: bool, kind: str, dtype: str = "float64") -> Network:
    """Input(3) → Dense(4, tanh) → output → Loss, with the output activation inside Dense or split off."""
    act, loss, units = ("sigmoid", "bce", 1) if kind == "bce" else ("softmax", "cross_entropy", 3)
    g = Graph()
    nodes = [g.add_node("Input", shape=[3]), g.add_node("Dense", "hidden", units=4, activation="tanh")]
    if split:
        tail = g.add_node("Softmax", "act") if act == "softmax" else g.add_node("Activation", "act", function=act)
        nodes += [g.add_node("Dense", "out", units=units), tail]
    else:
        nodes.append(g.add_node("Dense", "out", units=units, activation=act))
    chain(g, nodes + [g.add_node("Loss", function=loss)])
    return Network(g, seed=3, dtype=dtype)


def targets(kind: str, n: int = 6):
    rng = np.random.default_rng(5)
    return rng.integers(0, 2, size=(n, 1)).astype(float) if kind == "bce" else rng.integers(0, 3, size=n)


@pytest.mark.parametrize("kind", ["bce", "ce"])
def test_one_node_or_two_give_the_same_fused_loss_and_gradients(kind: str) -> None:
    one, two = classifier(False, kind), classifier(True, kind)
    assert one.fusion == two.fusion == ("sigmoid_bce" if kind == "bce" else "softmax_ce")
    two.set_weights(one.get_weights())
    X = np.random.default_rng(4).normal(size=(6, 3))
    Y = targets(kind)
    (l1, g1), (l2, g2) = one.gradients(X, Y), two.gradients(X, Y)
    assert l1 == pytest.approx(l2, rel=1e-14)
    for key in g1:
        np.testing.assert_allclose(g1[key], g2[key], rtol=1e-12, atol=1e-15)
    p = one.predict(X)
    naive = make_loss("bce" if kind == "bce" else "cross_entropy").value(p, one.prepare_targets(Y))
    assert l1 == pytest.approx(naive, rel=1e-10)
    assert one.loss(X, Y) == pytest.approx(naive, rel=1e-10)
    for net in (one, two):
        assert not failures(check_gradients(net, X, Y))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kind", ["bce", "ce"])
@pytest.mark.parametrize("split", [False, True], ids=["one_node", "two_nodes"])
def test_network_with_extreme_logits_stays_finite(kind: str, split: bool, dtype: str) -> None:
    net = classifier(split, kind, dtype)
    w = net.get_weights()
    w["out/W"] = np.full_like(w["out/W"], 0.0)
    w["out/b"] = np.array([500.0]) if kind == "bce" else np.array([500.0, -500.0, 0.0])
    net.set_weights(w)
    X = np.random.default_rng(4).normal(size=(6, 3))
    Y = targets(kind)
    loss, grads = net.gradients(X, Y)
    # every sample gets the same logits; its loss is ln Σ e^z − z_label: bce 0 for label 1 and 500 for
    # label 0; cross_entropy 0, 1000 and 500 for labels 0, 1 and 2
    per_label = [500.0, 0.0] if kind == "bce" else [0.0, 1000.0, 500.0]
    labels = np.asarray(Y).ravel().astype(int)
    assert loss == pytest.approx(np.mean([per_label[k] for k in labels]), rel=1e-6)
    assert all(np.all(np.isfinite(g)) for g in grads.values())
    assert np.all(np.isfinite(net.per_sample_loss(X, Y)))
    assert net.evaluate(X, Y)["loss"] == pytest.approx(loss, rel=1e-6)


@pytest.mark.parametrize("loss", ["mse", "mae", "huber"])
def test_regression_losses_in_a_network_gradient(loss: str) -> None:
    g = Graph()
    chain(g, [g.add_node("Input", shape=[3]), g.add_node("Dense", units=4, activation="tanh"),
              g.add_node("Dense", units=2), g.add_node("Loss", function=loss, delta=0.5)])
    net = Network(g, seed=0, dtype="float64")
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(6, 3)), rng.normal(scale=2, size=(6, 2))  # residuals on both sides of δ
    assert not failures(check_gradients(net, X, Y))


@pytest.mark.parametrize("margin", [10.0, 20.0, 30.0])
def test_fused_ce_keeps_a_confident_float32_loss_accurate(margin: float) -> None:
    # a well-trained classifier: the right class leads by `margin`; the loss per sample is ~e^−margin
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, 256)
    z = rng.normal(scale=2, size=(256, 10))
    z[np.arange(256), labels] += margin
    y = np.eye(10)[labels]
    z32, y32 = z.astype(np.float32), y.astype(np.float32)
    exact = CrossEntropy.fused_per_sample(z32.astype(np.float64), y)  # the same float32 logits, in float64
    per = CrossEntropy.fused_per_sample(z32, y32)
    loss, _ = CrossEntropy.fused(z32, make_activation("softmax").forward(z32), y32)
    assert np.all(per >= 0) and loss >= 0
    np.testing.assert_allclose(per, exact, rtol=1e-3, atol=2e-7)
    assert loss == pytest.approx(exact.mean(), rel=1e-3, abs=3e-8)
