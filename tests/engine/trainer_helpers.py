"""Shared by the test_trainer_*.py tests: small networks and data, batch recording, weight comparison."""
from __future__ import annotations

import numpy as np

import engine
from engine.graph import chain


def mlp(sizes, act="tanh", out="sigmoid", loss="bce", seed=0, dtype="float64", dropout=0.0) -> engine.Network:
    """Input → Dense(act) … → [Dropout] → Dense(out) → Loss."""
    g = engine.Graph()
    nodes = [g.add_node("Input", shape=[sizes[0]])]
    nodes += [g.add_node("Dense", units=u, activation=act) for u in sizes[1:-1]]
    nodes += [g.add_node("Dropout", rate=dropout)] if dropout else []
    nodes += [g.add_node("Dense", units=sizes[-1], activation=out), g.add_node("Loss", function=loss)]
    chain(g, nodes)
    return engine.Network(g, seed=seed, dtype=dtype)


def blobs(n=23, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    return X, (X[:, 0] * X[:, 1] > 0).astype(float)


def record_batches(net: engine.Network) -> list[np.ndarray]:
    """Spy on the batches the trainer feeds to the network."""
    seen: list[np.ndarray] = []
    real = net.loss_and_backward

    def spy(xb, yb):
        seen.append(xb.copy())
        return real(xb, yb)

    net.loss_and_backward = spy
    return seen


def weights_equal(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)
