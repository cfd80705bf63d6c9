"""Gradient checks of composed graphs (branches merged by Add and Concat, residual blocks, a node with
two consumers, BatchNorm, Dropout with a fixed mask) and of random valid graphs (hypothesis), float64.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import Graph, Network
from engine.gradcheck import check_gradients, failures, numeric_gradients


def assert_gradients_ok(net: Network, X, Y) -> None:
    rows = check_gradients(net, X, Y)
    assert {r.key for r in rows} == set(net.param_keys)
    assert not failures(rows), "\n".join(failures(rows))


def data(n: int = 5, d_in: int = 3, d_out: int = 2, seed: int = 0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d_in)), rng.normal(size=(n, d_out))


class Builder:
    """Terse graph building: ``b("Dense", src, units=3)`` adds a node fed by ``src`` (or several)."""

    def __init__(self, d_in: int | list[int] = 3):
        self.g = Graph()
        self.x = self.g.add_node("Input", "x", shape=d_in if isinstance(d_in, list) else [d_in])

    def __call__(self, type_name: str, *srcs, name: str | None = None, **params):
        node = self.g.add_node(type_name, name, **params)
        for i, src in enumerate(srcs, 1):
            self.g.connect(src, node, dst_port=f"in{i}" if len(srcs) > 1 else None)
        return node

    def net(self, out, loss: str = "mse", dtype: str = "float64", seed: int = 0) -> Network:
        self("Loss", out, function=loss)
        return Network(self.g, seed=seed, dtype=dtype)


# ---- fixed compositions ----------------------------------------------------------------------------

@pytest.mark.parametrize("merge,widths,acts", [("Add", (4, 4), ("tanh", "sigmoid")),
                                              ("Concat", (5, 1), ("gelu", "silu"))])
def test_two_branches_merged(merge: str, widths, acts) -> None:
    b = Builder()
    left, right = (b("Dense", b.x, units=w, activation=a) for w, a in zip(widths, acts))
    net = b.net(b("Dense", b(merge, left, right), units=2))
    assert_gradients_ok(net, *data())


def test_three_way_add_and_concat() -> None:
    b = Builder()
    branches = [b("Dense", b.x, units=3, activation=a) for a in ("tanh", "elu", "softplus")]
    added = b("Add", *branches, inputs=3)
    joined = b("Concat", added, branches[0], b("Dense", b.x, units=2), inputs=3)
    net = b.net(b("Dense", joined, units=2))
    assert net.output_shapes[joined.name] == (8,)
    assert_gradients_ok(net, *data())


def test_concat_with_the_input_itself() -> None:
    b = Builder()
    net = b.net(b("Dense", b("Concat", b.x, b("Dense", b.x, units=2, activation="tanh")), units=2))
    assert_gradients_ok(net, *data())


def test_residual_block() -> None:
    b = Builder()
    h = b("Dense", b.x, units=4, activation="tanh")
    r = b("Dense", b("Dense", h, units=4, activation="relu"), units=4)
    out = b("Activation", b("Add", h, r), function="tanh")
    net = b.net(b("Dense", out, units=2))
    assert_gradients_ok(net, *data())


def test_node_with_two_consumers_gets_the_sum_of_their_gradients() -> None:
    b = Builder()
    h = b("Dense", b.x, name="h", units=3, activation="tanh")
    a = b("Dense", h, name="a", units=2)
    c = b("Dense", h, name="c", units=2, activation="sigmoid")
    net = b.net(b("Add", a, c))
    X, Y = data()
    assert_gradients_ok(net, X, Y)
    # ∂L/∂h is the sum of what flows back through a and through c: check it through h's weights
    _, grads = net.gradients(X, Y)
    acts = net.forward_all(X, training=True)
    d_out = 2 * (acts[net.output_name] - Y) / Y.size
    sc = acts["c"] * (1 - acts["c"])
    dh = d_out @ net.get_weights()["a/W"].T + (d_out * sc) @ net.get_weights()["c/W"].T
    dz = dh * (1 - acts["h"] ** 2)
    np.testing.assert_allclose(grads["h/W"], X.T @ dz, rtol=1e-12)


def test_same_node_on_both_ports_of_add() -> None:
    b = Builder()
    h = b("Dense", b.x, units=2, activation="tanh")
    net = b.net(b("Add", h, h))
    X, Y = data()
    np.testing.assert_allclose(net.predict(X), 2 * np.tanh(X @ net.get_weights()["dense_1/W"]))
    assert_gradients_ok(net, X, Y)


def test_fused_sigmoid_bce_after_a_merge() -> None:
    b = Builder()
    merged = b("Add", b("Dense", b.x, units=1), b("Dense", b("Dense", b.x, units=3, activation="tanh"), units=1))
    net = b.net(b("Activation", merged, function="sigmoid"), loss="bce")
    assert net.fusion == "sigmoid_bce"
    X, _ = data()
    assert_gradients_ok(net, X, (X[:, :1] > 0).astype(float))


def test_fused_softmax_ce_after_concat() -> None:
    b = Builder()
    joined = b("Concat", b("Dense", b.x, units=2), b("Dense", b.x, units=1, activation="tanh"))
    net = b.net(b("Softmax", joined), loss="cross_entropy")
    X, _ = data(n=6)
    assert_gradients_ok(net, X, [0, 1, 2, 2, 1, 0])


# ---- BatchNorm --------------------------------------------------------------------------------

def batchnorm_net(momentum: float = 0.9):
    b = Builder()
    h = b("Dense", b.x, name="h", units=4)
    bn = b("BatchNorm", h, name="bn", momentum=momentum)
    net = b.net(b("Dense", b("Activation", bn, function="tanh"), name="out", units=2))
    w = net.get_weights()
    rng = np.random.default_rng(9)
    w["bn/gamma"], w["bn/beta"] = rng.uniform(0.5, 2, 4), rng.normal(size=4)
    net.set_weights(w)
    return net


def test_batchnorm_training_gradients() -> None:
    assert_gradients_ok(batchnorm_net(), *data(n=6))


def training_pass(net, X, Y) -> None:
    """A training-mode forward and backward, as a training step does (it updates running statistics)."""
    net.loss_and_backward(net.prepare_inputs(X), net.prepare_targets(Y))


def test_gradients_leave_running_statistics_and_dropout_stream_alone() -> None:
    net = batchnorm_net(momentum=0.8)
    X, Y = data(n=6)
    before = net.get_weights()
    net.gradients(X, Y)
    after = net.get_weights()
    for key in ("bn/running_mean", "bn/running_var"):
        np.testing.assert_array_equal(before[key], after[key])


def test_batchnorm_running_statistics_update_with_momentum() -> None:
    net = batchnorm_net(momentum=0.8)
    X, Y = data(n=6)
    h = net.forward_all(X)["h"]  # the BatchNorm's input
    mean, var = h.mean(axis=0), h.var(axis=0)
    training_pass(net, X, Y)
    w = net.get_weights()
    np.testing.assert_allclose(w["bn/running_mean"], 0.2 * mean, rtol=1e-12)
    np.testing.assert_allclose(w["bn/running_var"], 0.8 * 1.0 + 0.2 * var, rtol=1e-12)
    training_pass(net, X, Y)
    w = net.get_weights()
    np.testing.assert_allclose(w["bn/running_mean"], 0.8 * 0.2 * mean + 0.2 * mean, rtol=1e-12)


def test_batchnorm_inference_uses_running_statistics() -> None:
    net = batchnorm_net()
    X, Y = data(n=6)
    for _ in range(3):
        training_pass(net, X, Y)
    w = net.get_weights()
    h = net.forward_all(X)["h"]
    expected = (h - w["bn/running_mean"]) / np.sqrt(w["bn/running_var"] + 1e-5) * w["bn/gamma"] + w["bn/beta"]
    np.testing.assert_allclose(net.forward_all(X)["bn"], expected, rtol=1e-12)
    # training mode normalizes with the batch's own statistics instead
    batch = (h - h.mean(axis=0)) / np.sqrt(h.var(axis=0) + 1e-5) * w["bn/gamma"] + w["bn/beta"]
    np.testing.assert_allclose(net.forward_all(X, training=True)["bn"], batch, rtol=1e-12)
    # a single sample predicts the same as inside a batch (no batch statistics at inference)
    np.testing.assert_allclose(net.predict(X[:1]), net.predict(X)[:1], rtol=1e-12)


def test_batchnorm_with_a_batch_of_one() -> None:
    net = batchnorm_net()
    X, Y = data(n=1)
    loss, grads = net.gradients(X, Y)
    assert np.isfinite(loss) and all(np.all(np.isfinite(g)) for g in grads.values())
    # one sample is its own mean: the normalized value is 0, the output β, nothing above it learns
    np.testing.assert_allclose(net.forward_all(X, training=True)["bn"], net.get_weights()["bn/beta"][None])
    np.testing.assert_array_equal(grads["h/W"], 0)
    np.testing.assert_array_equal(grads["bn/gamma"], 0)
    assert_gradients_ok(net, X, Y)


def test_gradient_check_leaves_running_statistics_and_dropout_streams_alone() -> None:
    b = Builder()
    bn = b("BatchNorm", b("Dense", b.x, units=3), name="bn")
    net = b.net(b("Dense", b("Dropout", bn, name="drop", rate=0.5), units=2))
    X, Y = data()
    net.gradients(X, Y)  # running statistics away from their initial values, the stream moved on
    before = net.get_weights()
    stream = net.layers["drop"].get_noise().bit_generator.state
    assert_gradients_ok(net, X, Y)
    numeric_gradients(net, X, Y)
    after = net.get_weights()
    for key in before:
        np.testing.assert_array_equal(after[key], before[key], err_msg=key)
    assert net.layers["drop"].get_noise().bit_generator.state == stream


def test_batchnorm_over_channels_then_flatten() -> None:
    b = Builder([2, 3, 2])
    bn = b("BatchNorm", b.x, name="bn")
    concat = b("Concat", b("Flatten", bn), b("Flatten", b.x))  # the image itself too: bn gets a gradient
    net = b.net(b("Dense", b("Dense", concat, units=3, activation="tanh"), units=2))
    rng = np.random.default_rng(0)
    X = rng.normal(size=(4, 2, 3, 2)) * [[[1.0]], [[3.0]]] + [[[0.0]], [[2.0]]]
    Y = rng.normal(size=(4, 2))
    assert_gradients_ok(net, X, Y)
    training_pass(net, X, Y)
    w = net.get_weights()  # one statistic per channel, over the batch and both spatial axes
    np.testing.assert_allclose(w["bn/running_mean"], 0.1 * X.mean(axis=(0, 2, 3)), rtol=1e-12)
    np.testing.assert_allclose(w["bn/running_var"], 0.9 + 0.1 * X.var(axis=(0, 2, 3)), rtol=1e-12)


def test_bias_before_batchnorm_has_zero_gradient_and_passes_the_check() -> None:
    # BatchNorm subtracts the batch mean, so the bias before it cannot change the loss: its exact
    # gradient is 0 and the finite difference is rounding noise (~1e-11), which must not fail the check
    b = Builder(1)
    net = b.net(b("Dense", b("BatchNorm", b("Dense", b.x, name="pre", units=1)), units=1))
    X, _ = data(n=4, d_in=1)
    _, grads = net.gradients(X, X * 0.3)
    assert abs(grads["pre/b"][0]) < 1e-15
    assert_gradients_ok(net, X, X * 0.3)


def test_gradient_check_reports_a_wrong_backward(monkeypatch) -> None:
    from engine.layers.merge import AddLayer

    b = Builder()
    net = b.net(b("Add", b("Dense", b.x, name="left", units=2), b("Dense", b.x, name="right", units=2)))
    monkeypatch.setattr(AddLayer, "backward", lambda self, dy: [dy, 0.5 * dy])
    bad = {r.key for r in check_gradients(net, *data()) if not r.passed}
    assert bad == {"right/W", "right/b"}


# ---- Dropout -----------------------------------------------------------------------------------

def dropout_net(rate: float = 0.5):
    b = Builder()
    drop = b("Dropout", b("Dense", b.x, units=6, activation="tanh"), name="drop", rate=rate)
    return b.net(b("Dense", drop, units=2))


def test_dropout_mask_is_fixed_by_reseed_noise() -> None:
    net = dropout_net()
    X, Y = data()
    net.reseed_noise()
    first = net.gradients(X, Y)
    mask = net.layers["drop"].mask.copy()
    repeat = net.gradients(X, Y)  # gradients() puts the stream back: the same mask again
    np.testing.assert_array_equal(net.layers["drop"].mask, mask)
    assert repeat[0] == first[0]
    training_pass(net, X, Y)  # a training pass moves the stream on
    second = net.gradients(X, Y)
    assert not np.array_equal(net.layers["drop"].mask, mask)
    assert first[0] != second[0]
    net.reseed_noise()
    again = net.gradients(X, Y)
    np.testing.assert_array_equal(net.layers["drop"].mask, mask)
    assert again[0] == first[0]
    assert set(np.unique(mask)) == {0.0, 2.0}


def test_dropout_gradients_with_a_fixed_mask() -> None:
    assert_gradients_ok(dropout_net(0.3), *data())


def test_dropout_is_off_at_inference() -> None:
    net = dropout_net()
    X, _ = data()
    h = net.forward_all(X)
    np.testing.assert_array_equal(h["drop"], h["dense_1"])


# ---- random valid graphs -------------------------------------------------------------------------

SMOOTH = ["linear", "sigmoid", "tanh", "elu", "gelu", "softplus", "silu"]  # no kink a difference could straddle


@st.composite
def recipes(draw):
    """A random DAG as a list of steps over node indices (0 is the Input), then an output head."""
    widths = [draw(st.integers(1, 4))]
    steps = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["Dense", "BatchNorm", "Activation", "Add", "Dropout", "Concat"]))
        src = draw(st.integers(0, len(widths) - 1))
        if kind == "Dense":
            units = draw(st.integers(1, 5))
            steps.append(("Dense", [src], dict(units=units, activation=draw(st.sampled_from(SMOOTH)))))
            widths.append(units)
        elif kind == "Add":
            same = [i for i, w in enumerate(widths) if w == widths[src]]
            others = draw(st.lists(st.sampled_from(same), min_size=1, max_size=2))
            steps.append(("Add", [src, *others], dict(inputs=1 + len(others))))
            widths.append(widths[src])
        elif kind == "Concat":
            others = draw(st.lists(st.integers(0, len(widths) - 1), min_size=1, max_size=2))
            steps.append(("Concat", [src, *others], dict(inputs=1 + len(others))))
            widths.append(sum(widths[i] for i in [src, *others]))
        else:
            params = {"Activation": dict(function=draw(st.sampled_from(SMOOTH))),
                      "BatchNorm": dict(momentum=0.9),
                      "Dropout": dict(rate=draw(st.sampled_from([0.0, 0.25, 0.5])))}[kind]
            steps.append((kind, [src], params))
            widths.append(widths[src])
    loss = draw(st.sampled_from(["mse", "mae", "huber", "bce", "cross_entropy"]))
    units = draw(st.integers(2 if loss == "cross_entropy" else 1, 3))
    split = draw(st.booleans())  # output activation inside the Dense, or as its own node
    batch = draw(st.integers(3, 5))
    return widths[0], steps, loss, units, split, batch, draw(st.integers(0, 2**16))


def build(recipe) -> tuple[Network, np.ndarray, np.ndarray]:
    d_in, steps, loss, units, split, batch, seed = recipe
    b = Builder(d_in)
    nodes = [b.x]
    for kind, srcs, params in steps:
        nodes.append(b(kind, *[nodes[i] for i in srcs], **params))
    used = {i for _, srcs, _ in steps for i in srcs}
    sinks = [n for i, n in enumerate(nodes) if i not in used]
    top = sinks[0] if len(sinks) == 1 else b("Concat", *sinks, inputs=len(sinks))
    act = {"bce": "sigmoid", "cross_entropy": "softmax"}.get(loss, "linear")
    if split and act != "linear":
        head = b("Dense", top, units=units)
        out = b("Softmax", head) if act == "softmax" else b("Activation", head, function=act)
    else:
        out = b("Dense", top, units=units, activation=act)
    net = b.net(out, loss=loss, seed=seed)
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(batch, d_in))
    if loss == "cross_entropy":
        Y = rng.integers(0, units, size=batch)
    elif loss == "bce":
        Y = rng.integers(0, 2, size=(batch, units)).astype(float)
    else:
        Y = rng.normal(scale=1.5, size=(batch, units))
    return net, X, Y


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(recipes())
def test_random_graphs_have_correct_gradients(recipe) -> None:
    net, X, Y = build(recipe)
    assert not net.train_problems
    assert_gradients_ok(net, X, Y)


@pytest.mark.parametrize("seed", range(3))
def test_random_graph_builder_covers_every_merge(seed: int) -> None:
    # guard for the strategy above: the builder accepts multi-input merges of the same node
    recipe = (2, [("Dense", [0], dict(units=2, activation="tanh")), ("Add", [1, 1, 0], dict(inputs=3)),
                  ("Concat", [2, 0, 2], dict(inputs=3)), ("BatchNorm", [3], dict(momentum=0.9)),
                  ("Dropout", [4], dict(rate=0.25))], "huber", 2, False, 4, seed)
    net, X, Y = build(recipe)
    assert_gradients_ok(net, X, Y)
