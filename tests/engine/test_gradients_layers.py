"""Every layer and activation: values, ∂L/∂input and ∂L/∂params against finite differences (float64),
dtype preservation in float32, and numerical stability at extreme inputs.

Layer objects are checked on their own with L = Σ R ⊙ forward(x) for a fixed random R
(``engine.gradcheck.check_layer``); the activations are also checked inside small networks
(Input → Dense → <activation> → Dense → Loss) so the gradient flowing through them reaches weights.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from engine import Graph, Network
from engine.gradcheck import check_gradients, check_layer, failures, make_layer
from engine.graph import chain
from engine.layers.activation_functions import ACTIVATIONS, make_activation

SMOOTH_OR_KINKED = [a for a in ACTIVATIONS if a != "step"]  # step is covered by test_perceptron.py
# Non-default slopes so a formula that ignores them is caught.
ACT_PARAMS = {"negative_slope": 0.2, "alpha": 0.7}


def assert_ok(rows) -> None:
    assert rows, "nothing was checked"
    assert not failures(rows), "\n".join(failures(rows))


def away_from_zero(shape, seed=0) -> np.ndarray:
    """Random values with |x| ≥ 0.05, so no finite difference straddles a kink at 0."""
    x = np.random.default_rng(seed).normal(size=shape)
    return np.where(x >= 0, x + 0.05, x - 0.05)


# ---- the functions themselves, against plain math ---------------------------------------------

def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


REFERENCE = {
    "linear": lambda z: z,
    "sigmoid": _sigmoid,
    "tanh": math.tanh,
    "relu": lambda z: max(0.0, z),
    "leaky_relu": lambda z: z if z > 0 else 0.2 * z,
    "elu": lambda z: z if z > 0 else 0.7 * (math.exp(z) - 1),
    "gelu": lambda z: 0.5 * z * (1 + math.tanh(math.sqrt(2 / math.pi) * (z + 0.044715 * z**3))),
    "softplus": lambda z: math.log(1 + math.exp(z)),
    "silu": lambda z: z * _sigmoid(z),
    "step": lambda z: 1.0 if z >= 0 else 0.0,
}
POINTS = [-3.0, -1.0, -0.25, 0.0, 0.5, 2.0, 4.0]


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_values_match_the_formula(name: str) -> None:
    f = make_activation(name, **ACT_PARAMS)
    got = f.forward(np.array(POINTS))
    np.testing.assert_allclose(got, [REFERENCE[name](z) for z in POINTS], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", SMOOTH_OR_KINKED)
def test_activation_local_grad_is_the_derivative(name: str) -> None:
    f = make_activation(name, **ACT_PARAMS)
    z = away_from_zero(20)
    h = 1e-6
    numeric = (f.forward(z + h) - f.forward(z - h)) / (2 * h)
    np.testing.assert_allclose(f.local_grad(z, f.forward(z)), numeric, rtol=1e-6, atol=1e-9)


def test_softmax_values_and_rows_sum_to_one() -> None:
    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [1000.0, 0.0, -1000.0]])
    a = make_activation("softmax").forward(z)
    e = [math.exp(v) for v in (1.0, 2.0, 3.0)]
    np.testing.assert_allclose(a[0], [v / sum(e) for v in e], rtol=1e-14)
    np.testing.assert_allclose(a[1], [1 / 3] * 3, rtol=1e-14)
    np.testing.assert_allclose(a[2], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(a.sum(axis=1), 1.0, rtol=1e-14)


def test_leaky_relu_with_zero_slope_is_relu() -> None:
    z = away_from_zero((4, 3))
    f = make_activation("leaky_relu", negative_slope=0.0)
    np.testing.assert_array_equal(f.forward(z), np.maximum(z, 0))
    np.testing.assert_array_equal(f.backward(z, f.forward(z), np.ones_like(z)), (z > 0).astype(float))


# ---- each layer on its own: ∂L/∂x and ∂L/∂params -------------------------------------------------

@pytest.mark.parametrize("name", SMOOTH_OR_KINKED)
def test_activation_node_gradient(name: str) -> None:
    layer = make_layer("Activation", [(4,)], function=name, **ACT_PARAMS)
    assert_ok(check_layer(layer, [away_from_zero((5, 4))]))


def test_softmax_node_gradient() -> None:
    layer = make_layer("Softmax", [(4,)])
    assert_ok(check_layer(layer, [away_from_zero((5, 4)) * 2]))


@pytest.mark.parametrize("name", SMOOTH_OR_KINKED + ["softmax"])
def test_dense_gradient_with_each_activation(name: str) -> None:
    layer = make_layer("Dense", [(3,)], units=4, activation=name, bias_init=0.1, **ACT_PARAMS)
    rows = check_layer(layer, [away_from_zero((5, 3))])
    assert [r.key for r in rows] == ["dx", "W", "b"]
    assert_ok(rows)


def test_dense_without_bias_gradient() -> None:
    layer = make_layer("Dense", [(3,)], units=2, activation="tanh", use_bias=False)
    rows = check_layer(layer, [away_from_zero((4, 3))])
    assert [r.key for r in rows] == ["dx", "W"]
    assert_ok(rows)


def test_dense_computes_x_w_plus_b() -> None:
    layer = make_layer("Dense", [(2,)], units=1, activation="linear")
    layer.params["W"][:] = [[2.0], [-3.0]]
    layer.params["b"][:] = [0.5]
    np.testing.assert_allclose(layer.forward(np.array([[1.0, 1.0], [4.0, 2.0]]), False), [[-0.5], [2.5]])


def _randomize(layer, seed=3) -> None:
    rng = np.random.default_rng(seed)
    for p in layer.params.values():
        p[...] = rng.normal(size=p.shape)


@pytest.mark.parametrize("sample_shape", [(3,), (2, 3, 2)], ids=["features", "channels"])
def test_batchnorm_training_gradient(sample_shape) -> None:
    layer = make_layer("BatchNorm", [sample_shape])
    _randomize(layer)  # γ ≠ 1, β ≠ 0
    rows = check_layer(layer, [np.random.default_rng(1).normal(size=(5,) + sample_shape)])
    assert [r.key for r in rows] == ["dx", "gamma", "beta"]
    assert_ok(rows)


def test_dropout_gradient_with_a_fixed_mask() -> None:
    layer = make_layer("Dropout", [(6,)], rate=0.5)
    x = away_from_zero((8, 6))
    layer.set_noise(np.random.default_rng(0))
    y = layer.forward(x, True)
    assert 0 < np.count_nonzero(y == 0) < y.size
    np.testing.assert_allclose(y[y != 0], 2 * x[y != 0])  # inverted dropout scales kept values by 1/(1 − rate)
    assert_ok(check_layer(layer, [x]))


def test_dropout_is_identity_at_inference() -> None:
    layer = make_layer("Dropout", [(6,)], rate=0.5)
    x = away_from_zero((8, 6))
    np.testing.assert_array_equal(layer.forward(x, False), x)


@pytest.mark.parametrize("arity", [2, 3])
def test_add_gradient(arity: int) -> None:
    layer = make_layer("Add", [(4,)] * arity, inputs=arity)
    xs = [away_from_zero((3, 4), seed=i) for i in range(arity)]
    np.testing.assert_allclose(layer.forward(xs, True), sum(xs))
    rows = check_layer(layer, xs)
    assert [r.key for r in rows] == [f"dx{i}" for i in range(1, arity + 1)]
    assert_ok(rows)


@pytest.mark.parametrize("shapes", [[(2,), (3,)], [(1,), (4,), (2,)], [(2, 3, 2), (1, 3, 2)]],
                         ids=["two", "three", "channels"])
def test_concat_gradient(shapes) -> None:
    layer = make_layer("Concat", shapes, inputs=len(shapes))
    xs = [away_from_zero((3,) + s, seed=i) for i, s in enumerate(shapes)]
    np.testing.assert_array_equal(layer.forward(xs, True), np.concatenate(xs, axis=1))
    assert_ok(check_layer(layer, xs))


def test_flatten_gradient() -> None:
    layer = make_layer("Flatten", [(2, 3, 2)])
    assert layer.forward(np.zeros((4, 2, 3, 2)), False).shape == (4, 12)
    assert_ok(check_layer(layer, [away_from_zero((4, 2, 3, 2))]))


def test_check_layer_on_a_network_layer_that_needs_no_dx() -> None:
    layer = network(("Dense", dict(units=2, activation="tanh"))).layers["dense_1"]
    assert layer.need_dx is False  # nothing upstream to train: the network skips ∂L/∂x
    assert_ok(check_layer(layer, [away_from_zero((4, 3))]))
    assert layer.need_dx is False


# ---- activations inside networks: the gradient through them reaches the weights ----------------

def network(*layers, loss="mse", inputs=3, dtype="float64") -> Network:
    g = Graph()
    nodes = [g.add_node("Input", shape=[inputs]), *(g.add_node(t, **kw) for t, kw in layers)]
    chain(g, nodes + [g.add_node("Loss", function=loss)])
    return Network(g, seed=0, dtype=dtype)


@pytest.mark.parametrize("form", ["dense", "node"])
@pytest.mark.parametrize("name", SMOOTH_OR_KINKED)
def test_activation_in_a_network_gradient(name: str, form: str) -> None:
    if form == "dense":
        middle = [("Dense", dict(units=4, activation=name, **ACT_PARAMS))]
    else:
        middle = [("Dense", dict(units=4)), ("Activation", dict(function=name, **ACT_PARAMS))]
    net = network(*middle, ("Dense", dict(units=2)))
    rng = np.random.default_rng(2)
    assert_ok(check_gradients(net, rng.normal(size=(5, 3)), rng.normal(size=(5, 2))))


# ---- float32 is preserved everywhere -------------------------------------------------------------

LAYER_CASES = [
    *[("Activation", [(4,)], dict(function=a, **ACT_PARAMS)) for a in ACTIVATIONS],
    ("Softmax", [(4,)], {}),
    *[("Dense", [(3,)], dict(units=4, activation=a, **ACT_PARAMS)) for a in ACTIVATIONS + ("softmax",)],
    ("Dense", [(3,)], dict(units=4, use_bias=False)),
    ("BatchNorm", [(4,)], {}),
    ("BatchNorm", [(2, 3, 2)], {}),
    ("Dropout", [(4,)], dict(rate=0.3)),
    ("Add", [(4,), (4,), (4,)], dict(inputs=3)),
    ("Concat", [(2,), (3,)], {}),
    ("Flatten", [(2, 3)], {}),
]


@pytest.mark.parametrize("type_name,in_shapes,params", LAYER_CASES,
                         ids=[f"{t}-{'-'.join(map(str, p.values()))}" for t, _, p in LAYER_CASES])
def test_float32_forward_and_backward_stay_float32(type_name, in_shapes, params) -> None:
    layer = make_layer(type_name, in_shapes, dtype="float32", **params)
    rng = np.random.default_rng(0)
    xs = [rng.normal(size=(5,) + s).astype(np.float32) for s in in_shapes]
    arg = xs if layer.arity > 1 else xs[0]
    assert layer.forward(arg, False).dtype == np.float32
    y = layer.forward(arg, True)
    assert y.dtype == np.float32
    dx = layer.backward(np.ones_like(y))
    for d in dx if layer.arity > 1 else [dx]:
        assert d.dtype == np.float32
    for name, arr in {**layer.params, **layer.grads, **layer.state}.items():
        assert arr.dtype == np.float32, name


# ---- stability at extreme inputs (pytest turns overflow warnings into errors) --------------------

EXTREMES = {  # value at −1000 and at +1000
    "linear": (-1000.0, 1000.0),
    "sigmoid": (0.0, 1.0),
    "tanh": (-1.0, 1.0),
    "relu": (0.0, 1000.0),
    "leaky_relu": (-200.0, 1000.0),
    "elu": (-0.7, 1000.0),
    "gelu": (0.0, 1000.0),
    "softplus": (0.0, 1000.0),
    "silu": (0.0, 1000.0),
    "step": (0.0, 1.0),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_at_plus_minus_1000(name: str, dtype) -> None:
    f = make_activation(name, **ACT_PARAMS)
    z = np.array([-1000.0, -100.0, 100.0, 1000.0], dtype=dtype)
    a = f.forward(z)
    d = f.backward(z, a, np.ones_like(a))
    assert a.dtype == d.dtype == dtype
    assert np.all(np.isfinite(a)) and np.all(np.isfinite(d))
    np.testing.assert_allclose(a[[0, 3]], EXTREMES[name], rtol=1e-6, atol=1e-30)


def test_softmax_at_extreme_logits() -> None:
    for dtype in (np.float32, np.float64):
        z = np.array([[1000.0, -1000.0], [-1000.0, -999.0]], dtype=dtype)
        f = make_activation("softmax")
        a = f.forward(z)
        assert a.dtype == dtype and np.all(np.isfinite(f.backward(z, a, np.ones_like(a))))
        np.testing.assert_allclose(a, [[1.0, 0.0], [1 / (1 + math.e), math.e / (1 + math.e)]], rtol=1e-6)
