"""Convolutional networks as a whole: finite-difference gradient checks of composed CNN graphs (float64),
validation messages on the canvas, training in float32 and the file round trip of the weights.
"""
from __future__ import annotations

import numpy as np
import pytest

import engine
from engine import Graph, Network
from engine.gradcheck import check_gradients, failures
from engine.optim import make_optimizer
from engine.validation import analyze


def assert_gradients_ok(net: Network, X, Y) -> None:
    rows = check_gradients(net, X, Y)
    assert {r.key for r in rows} == set(net.param_keys)
    assert not failures(rows), "\n".join(failures(rows))


class Builder:
    def __init__(self, shape):
        self.g = Graph()
        self.x = self.g.add_node("Input", "x", shape=list(shape))

    def __call__(self, type_name: str, *srcs, name: str | None = None, **params):
        node = self.g.add_node(type_name, name, **params)
        for i, src in enumerate(srcs, 1):
            self.g.connect(src, node, dst_port=f"in{i}" if len(srcs) > 1 else None)
        return node

    def classifier(self, features, classes: int = 3, dtype: str = "float64") -> Network:
        probs = self("Softmax", self("Dense", features, units=classes))
        self("Loss", probs, function="cross_entropy")
        return Network(self.g, seed=0, dtype=dtype)


def images(n: int, shape, classes: int = 3, seed: int = 0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n,) + tuple(shape)), rng.integers(0, classes, n)


@pytest.mark.parametrize("head", ["GlobalAveragePooling2D", "Flatten"])
def test_conv_pool_conv_head_dense_softmax_ce(head: str) -> None:
    b = Builder((2, 7, 7))
    h = b("Conv2D", b.x, filters=3, padding="same", activation="tanh")
    h = b("MaxPool2D", h)
    h = b("Conv2D", h, filters=4, kernel_size=2, activation="elu")
    net = b.classifier(b(head, h))
    assert net.output_shapes[h.name] == (4, 2, 2)
    assert net.fusion == "softmax_ce"
    assert_gradients_ok(net, *images(4, (2, 7, 7)))


def test_strided_same_conv_and_avgpool() -> None:
    b = Builder((1, 9, 8))
    h = b("Conv2D", b.x, filters=2, stride=2, padding="same", activation="sigmoid", bias_init=0.1)
    h = b("AvgPool2D", h, pool_size=2, stride=1)
    net = b.classifier(b("Flatten", b("Conv2D", h, filters=3, kernel_size=2, stride=2, activation="linear")))
    assert net.output_shapes["conv_1"] == (2, 5, 4)
    assert_gradients_ok(net, *images(3, (1, 9, 8), seed=1))


@pytest.mark.parametrize("merge", ["Add", "Concat"])
def test_two_conv_paths_merged(merge: str) -> None:
    b = Builder((2, 6, 6))
    stem = b("Conv2D", b.x, filters=3, padding="same", activation="tanh")
    left = b("Conv2D", stem, filters=3, padding="same", activation="gelu")
    right = b("Conv2D", stem, filters=3, kernel_size=1, activation="linear")
    joined = b(merge, left, right)
    h = b("MaxPool2D", joined)
    net = b.classifier(b("GlobalAveragePooling2D", h))
    assert net.output_shapes[joined.name] == ((6 if merge == "Concat" else 3), 6, 6)
    assert_gradients_ok(net, *images(3, (2, 6, 6), seed=2))


def test_reshape_from_features_then_conv_with_a_regression_head() -> None:
    b = Builder((16,))
    h = b("Conv2D", b("Reshape", b.x, shape=[1, 4, 4]), filters=2, padding="same", activation="softplus")
    out = b("Dense", b("Flatten", b("BatchNorm", h)), units=2)
    b("Loss", out, function="mse")
    net = Network(b.g, seed=0, dtype="float64")
    rng = np.random.default_rng(3)
    assert_gradients_ok(net, rng.normal(size=(5, 16)), rng.normal(size=(5, 2)))


def test_conv_output_fused_with_sigmoid_bce() -> None:
    b = Builder((1, 5, 5))
    out = b("Conv2D", b("Conv2D", b.x, filters=2, padding="same", activation="tanh"),
            filters=1, padding="same", activation="sigmoid")
    b("Loss", out, function="bce")
    net = Network(b.g, seed=0, dtype="float64")
    assert net.fusion == "sigmoid_bce"
    rng = np.random.default_rng(4)
    assert_gradients_ok(net, rng.normal(size=(3, 1, 5, 5)), (rng.random((3, 1, 5, 5)) > 0.5).astype(float))


def test_messages_on_the_canvas() -> None:
    g = Graph()
    x = g.add_node("Input", shape=[64])
    conv = g.add_node("Conv2D")
    g.connect(x, conv)
    a = analyze(g)
    assert a.shapes[conv.id] is None
    assert ("Conv2D expects an image (channels, height, width) but receives (64,): add Reshape with shape "
            "[1, 8, 8], or load the dataset as images") in a.messages("error") + a.messages("warning")


def test_float32_training_lowers_the_loss_and_predict_matches() -> None:
    b = Builder((1, 8, 8))
    h = b("MaxPool2D", b("Conv2D", b.x, filters=4, padding="same"))
    net = b.classifier(b("Flatten", b("Conv2D", h, filters=4)), classes=2, dtype="float32")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 1, 8, 8)).astype(np.float32)
    Y = net.prepare_targets((X[:, 0, :4].sum(axis=(1, 2)) > 0).astype(int))
    opt = make_optimizer("adam", lr=0.01)
    first = net.train_step(X, Y, opt)
    for _ in range(40):
        last = net.train_step(X, Y, opt)
    assert last < 0.5 * first
    p = net.predict(X)
    assert p.dtype == np.float32 and p.shape == (64, 2)
    np.testing.assert_allclose(p, net.forward_all(X)[net.output_name], rtol=1e-6)


def test_file_round_trip_keeps_conv_weights(tmp_path) -> None:
    b = Builder((1, 6, 6))
    h = b("GlobalAveragePooling2D", b("Conv2D", b("AvgPool2D", b("Conv2D", b.x, filters=3)), filters=5, padding="same"))
    b("Loss", b("Softmax", b("Dense", h, units=2)), function="cross_entropy")
    net = Network(b.g, seed=1)
    assert net.get_weights()["conv_1/W"].shape == (3, 1, 3, 3)
    doc = engine.Document(graph=b.g)
    doc.weights = net.get_weights()
    engine.save(doc, tmp_path / "cnn.nnd")
    back = engine.load(tmp_path / "cnn.nnd")
    assert [n.type for n in back.graph.nodes] == [n.type for n in b.g.nodes]
    net2 = Network(back.graph, seed=7)
    net2.set_weights(back.weights)
    X = np.random.default_rng(0).normal(size=(4, 1, 6, 6))
    np.testing.assert_allclose(net2.predict(X), net.predict(X), rtol=1e-6)


def test_step_inspector_explains_a_cnn() -> None:
    from engine.explain import check_step, to_markdown, trace_step

    b = Builder((1, 6, 6))
    h = b("MaxPool2D", b("Conv2D", b.x, filters=2, padding="same"))
    net = b.classifier(b("Flatten", b("Reshape", b("Conv2D", h, filters=2), shape=[2, 1, 1])))
    X, y = images(3, (1, 6, 6))
    text = to_markdown(trace_step(net, X[0], int(y[0]), optimizer="adam"))
    assert "z[f,y,x] = Σ_c Σ_i Σ_j W[f,c,i,j]·x[c, y·s+i, x·s+j] + b[f]" in text
    assert "largest value of x[c] in the 2×2 window" in text
    assert check_step(net, X, y, [0]).rows
