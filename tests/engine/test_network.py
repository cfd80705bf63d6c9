"""Network-level numbers: float32 is the default and is kept end to end, gradients do not depend on
earlier calls, train_step is gradients + the optimizer, and chunked prediction equals one pass."""
from __future__ import annotations

import numpy as np
import pytest

import engine
from engine import Graph, Network
from engine.network import PREDICT_CHUNK


def every_layer_graph() -> Graph:
    """Input → Dense → BatchNorm → Dropout → Activation, merged by Add and Concat, → Softmax → CE."""
    g = Graph()
    x = g.add_node("Input", "x", shape=[3])
    nodes = {"x": x}

    def add(name, type_name, *srcs, **params):
        node = g.add_node(type_name, name, **params)
        for i, src in enumerate(srcs, 1):
            g.connect(nodes[src], node, dst_port=f"in{i}" if len(srcs) > 1 else None)
        nodes[name] = node

    add("d1", "Dense", "x", units=4, activation="tanh")
    add("bn", "BatchNorm", "d1")
    add("drop", "Dropout", "bn", rate=0.25)
    add("act", "Activation", "drop", function="gelu")
    add("d2", "Dense", "x", units=4, activation="elu")
    add("sum", "Add", "act", "d2")
    add("cat", "Concat", "sum", "x")
    add("logits", "Dense", "cat", units=3)
    add("probs", "Softmax", "logits")
    add("loss", "Loss", "probs", function="cross_entropy")
    return g


X = np.random.default_rng(0).normal(size=(7, 3))  # float64 data
LABELS = np.array([0, 1, 2, 1, 0, 2, 2])


def test_float32_is_the_default() -> None:
    net = Network(every_layer_graph())
    assert net.dtype == np.float32
    assert all(w.dtype == np.float32 for w in net.get_weights().values())


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dtype_is_kept_through_every_layer(dtype: str) -> None:
    net = Network(every_layer_graph(), seed=0, dtype=dtype)
    want = np.dtype(dtype)
    assert net.prepare_inputs(X).dtype == want
    assert net.prepare_inputs(X.tolist()).dtype == want
    assert net.predict(X).dtype == want
    assert net.predict(X.astype(int)).dtype == want
    for training in (False, True):
        for name, out in net.forward_all(X, training=training).items():
            assert out.dtype == want, (name, training)
    loss, grads = net.gradients(X, LABELS)
    assert isinstance(loss, float)
    for key, g in grads.items():
        assert g.dtype == want, key
    assert all(w.dtype == want for w in net.get_weights().values())  # running statistics too
    assert net.per_sample_loss(X, LABELS).dtype == want
    assert all(isinstance(v, float) for v in net.evaluate(X, LABELS).values())


def test_float32_and_float64_networks_agree() -> None:
    n32, n64 = Network(every_layer_graph(), seed=1), Network(every_layer_graph(), seed=1, dtype="float64")
    n64.set_weights(n32.get_weights())
    np.testing.assert_allclose(n32.predict(X), n64.predict(X), rtol=1e-5, atol=1e-6)
    (l32, g32), (l64, g64) = n32.gradients(X, LABELS), n64.gradients(X, LABELS)
    assert l32 == pytest.approx(l64, rel=1e-5)
    for key in g64:
        np.testing.assert_allclose(g32[key], g64[key], rtol=1e-3, atol=1e-5, err_msg=key)


def test_gradients_do_not_depend_on_earlier_calls() -> None:
    net = Network(every_layer_graph(), seed=2, dtype="float64")
    net.reseed_noise()
    _, first = net.gradients(X, LABELS)
    net.gradients(X[:3] * 10, LABELS[:3])
    net.reseed_noise()
    _, again = net.gradients(X, LABELS)
    for key in first:
        np.testing.assert_array_equal(again[key], first[key], err_msg=key)


def test_gradients_returns_copies() -> None:
    net = Network(every_layer_graph(), seed=2, dtype="float64")
    _, grads = net.gradients(X, LABELS)
    kept = {k: g.copy() for k, g in grads.items()}
    net.gradients(X[:2], LABELS[:2])
    for key in grads:
        np.testing.assert_array_equal(grads[key], kept[key])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_train_step_is_gradients_then_sgd(dtype: str) -> None:
    net = Network(every_layer_graph(), seed=3, dtype=dtype)
    before = net.get_weights()
    net.reseed_noise()
    loss, grads = net.gradients(X, LABELS)
    net.set_weights(before)  # undo the running-statistics update of that pass
    net.reseed_noise()
    opt = engine.make_optimizer("sgd", lr=0.05)
    assert net.train_step(net.prepare_inputs(X), net.prepare_targets(LABELS, len(X)), opt) == pytest.approx(loss)
    after = net.get_weights()
    for key in net.param_keys:
        np.testing.assert_allclose(after[key], before[key] - 0.05 * grads[key], rtol=1e-6, atol=1e-7)
        assert after[key].dtype == np.dtype(dtype)


def test_chunked_prediction_equals_one_pass() -> None:
    net = Network(every_layer_graph(), seed=4, dtype="float64")
    big = np.random.default_rng(1).normal(size=(PREDICT_CHUNK + 5, 3))
    np.testing.assert_allclose(net.predict(big), net.predict(big, batch_size=len(big)), rtol=1e-14)
    np.testing.assert_allclose(net.predict(big[-5:]), net.predict(big)[-5:], rtol=1e-14)


def test_loss_is_the_inference_mode_loss() -> None:
    net = Network(every_layer_graph(), seed=5, dtype="float64")
    p = net.predict(X)
    y = np.eye(3)[LABELS]
    assert net.loss(X, LABELS) == pytest.approx(-np.mean(np.sum(y * np.log(p), axis=1)), rel=1e-12)
    np.testing.assert_allclose(net.per_sample_loss(X, LABELS), -np.log(p[np.arange(7), LABELS]), rtol=1e-12)


@pytest.mark.parametrize("separate", [True, False])
def test_evaluate_beyond_one_prediction_chunk_matches_chunked_losses(separate) -> None:
    import engine

    g = engine.Graph()
    nodes = [g.add_node("Input", shape=[2]), g.add_node("Dense", units=4, activation="tanh")]
    if separate:
        nodes += [g.add_node("Dense", units=3), g.add_node("Softmax")]
    else:
        nodes += [g.add_node("Dense", units=3, activation="softmax")]
    nodes.append(g.add_node("Loss", function="cross_entropy"))
    engine.graph.chain(g, nodes)
    net = engine.Network(g, seed=1)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20_000, 2))
    y = rng.integers(0, 3, 20_000)
    whole = net.evaluate(X, y)["loss"]
    parts = [net.evaluate(X[i : i + 4000], y[i : i + 4000])["loss"] for i in range(0, 20_000, 4000)]
    assert whole == pytest.approx(np.mean(parts), rel=1e-5)
    per_sample = net.per_sample_loss(X, y)
    assert per_sample.shape == (20_000,) and per_sample.mean() == pytest.approx(whole, rel=1e-5)
