"""Shared pieces of the explain tests: example sessions, test graphs, and the engine-equality checks."""
from __future__ import annotations

import functools
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

import engine
from engine import Graph, Network
from engine.session import open_session

EXAMPLES = Path(__file__).resolve().parents[3] / "resources" / "examples"


@functools.lru_cache(maxsize=None)
def _doc(name: str):
    return engine.load(EXAMPLES / f"{name}.nnd")


def example(name: str):
    """A fresh session (network, data, trainer) of an example network."""
    return open_session(_doc(name), base_dir=EXAMPLES)


def build(nodes: list[tuple], loss: str = "mse", dtype: str = "float64", input_shape=(3,)) -> Network:
    """A network from ``(name, type, [source names], params)`` rows; the last row feeds the Loss."""
    g = Graph()
    g.add_node("Input", "x", shape=list(input_shape))
    for name, type_name, sources, params in nodes:
        g.add_node(type_name, name, **params)
        ports = [None] if len(sources) == 1 else [f"in{i}" for i in range(1, len(sources) + 1)]
        for src, port in zip(sources, ports):
            g.connect(src, name, dst_port=port)
    g.add_node("Loss", "loss", function=loss)
    g.connect(nodes[-1][0], "loss")
    return Network(g, seed=0, dtype=dtype)


def branch_net(dtype: str = "float64") -> Network:
    """h feeds three consumers: two Dense branches (merged by Add) and a Concat."""
    return build([
        ("h", "Dense", ["x"], {"units": 3, "activation": "tanh"}),
        ("left", "Dense", ["h"], {"units": 2, "activation": "sigmoid"}),
        ("right", "Dense", ["h"], {"units": 2, "activation": "relu", "bias_init": 0.5}),
        ("add", "Add", ["left", "right"], {}),
        ("concat", "Concat", ["add", "h"], {}),
        ("out", "Dense", ["concat"], {"units": 1}),
    ], dtype=dtype)


def norm_dropout_net(dtype: str = "float64") -> Network:
    """Dense → BatchNorm → Dropout → Dense → Softmax → cross-entropy."""
    return build([
        ("h", "Dense", ["x"], {"units": 4, "activation": "relu", "bias_init": 0.2}),
        ("bn", "BatchNorm", ["h"], {}),
        ("drop", "Dropout", ["bn"], {"rate": 0.5}),
        ("logits", "Dense", ["drop"], {"units": 3}),
        ("probs", "Softmax", ["logits"], {}),
    ], loss="cross_entropy", dtype=dtype)


def odd_net(dtype: str = "float64") -> Network:
    """An image input flattened, a hidden Softmax, a separate sigmoid node fused with bce."""
    return build([
        ("flat", "Flatten", ["x"], {}),
        ("scores", "Dense", ["flat"], {"units": 3}),
        ("soft", "Softmax", ["scores"], {}),
        ("out", "Dense", ["soft"], {"units": 1}),
        ("sig", "Activation", ["out"], {"function": "sigmoid"}),
    ], loss="bce", dtype=dtype, input_shape=(2, 2))


def tol(dtype) -> dict:
    return {"rtol": 1e-12, "atol": 1e-15} if np.dtype(dtype) == np.float64 else {"rtol": 2e-5, "atol": 1e-7}


def snapshot(net: Network, optimizer=None) -> dict:
    """Everything a trace must leave alone."""
    caches = {}
    for name, layer in net.iter_layers():
        for attr in ("x", "z", "a", "mask", "xhat", "inv_std"):
            v = getattr(layer, attr, None)
            if isinstance(v, np.ndarray):
                caches[(name, attr)] = (id(v), v.copy())
    return {
        "weights": net.get_weights(),
        "grads": [g.copy() for g in net.gradient_buffers],
        "noise": {n: l.get_noise().bit_generator.state for n, l in net.iter_layers() if l.get_noise() is not None},
        "caches": caches,
        "optimizer": None if optimizer is None else optimizer.state_dict(),
        "bound": net._bound_optimizer,
    }


def assert_same_snapshot(a: dict, b: dict) -> None:
    assert a["weights"].keys() == b["weights"].keys()
    for k in a["weights"]:
        assert np.array_equal(a["weights"][k], b["weights"][k]), k
    assert all(np.array_equal(x, y) for x, y in zip(a["grads"], b["grads"]))
    assert a["noise"] == b["noise"]
    assert a["caches"].keys() == b["caches"].keys()
    for k, (ident, value) in a["caches"].items():
        assert b["caches"][k][0] == ident and np.array_equal(b["caches"][k][1], value), k
    assert a["bound"] is b["bound"]
    if a["optimizer"] is not None:
        assert a["optimizer"].keys() == b["optimizer"].keys()
        for k, v in a["optimizer"].items():
            if isinstance(v, list):
                assert all(np.array_equal(x, y) for x, y in zip(v, b["optimizer"][k])), k
            else:
                assert v == b["optimizer"][k], k


@pytest.fixture
def nets():
    return SimpleNamespace(example=example, branch=branch_net, norm_dropout=norm_dropout_net, odd=odd_net,
                           build=build, tol=tol, snapshot=snapshot, assert_same=assert_same_snapshot)
