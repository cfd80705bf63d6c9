"""Networks for the export tests, built once per session: every layer type and activation, and the
three preprocessing situations (Playground binary, iris with string classes, scaled regression)."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest

import engine
from engine.data import Preprocessor, make_dataset, split
from engine.layers.activation_functions import ACTIVATIONS, OUTPUT_ACTIVATIONS


@dataclass
class Case:
    net: Any
    pre: Any  # Preprocessor or None
    X: np.ndarray  # raw features, float32-representable (so ONNX's float32 input loses nothing)
    graph: Any = None  # what net was compiled from

    def expected(self) -> tuple[np.ndarray, Any, Any]:
        """The engine's network output, and the decoded (labels or values, probabilities)."""
        if self.pre is None:
            out = self.net.predict(self.X)
            return out, out, None
        out = self.net.predict(self.pre.transform(self.X))
        return (out, *self.pre.decode(out))


def graph(nodes: list[tuple[str, str, tuple[str, ...], dict]]) -> engine.Graph:
    """Build a graph from (name, type, sources, params) rows; multi-input nodes use in1 … inN."""
    g = engine.Graph()
    made: dict[str, Any] = {}
    for name, kind, srcs, params in nodes:
        if kind in ("Add", "Concat"):
            params = {"inputs": len(srcs), **params}
        made[name] = g.add_node(kind, name, **params)
        for i, src in enumerate(srcs, 1):
            g.connect(made[src], made[name], dst_port=f"in{i}" if len(srcs) > 1 else None)
    return g


def randomize(net: Any, seed: int = 0) -> Any:
    """Random weights, and non-trivial BatchNorm statistics (running_var > 0)."""
    rng = np.random.default_rng(seed)
    weights = {}
    for key, value in net.get_weights().items():
        if key.endswith("running_var"):
            weights[key] = rng.uniform(0.3, 2.0, value.shape)
        elif key.endswith(("gamma", "running_mean")):
            weights[key] = rng.uniform(0.5, 1.5, value.shape) * rng.choice([-1, 1], value.shape)
        else:
            weights[key] = rng.normal(0.0, 0.6, value.shape)
    net.set_weights(weights)
    return net


def raw(shape: tuple[int, ...], seed: int = 1, scale: float = 2.0) -> np.ndarray:
    return (np.random.default_rng(seed).normal(size=shape) * scale).astype(np.float32).astype(np.float64)


def away_from_zero(X: np.ndarray, net: Any, node: str, margin: float = 1e-3) -> np.ndarray:
    """The rows of X whose pre-activation z = X·W + b of Dense ``node`` (fed by the Input) is at least
    ``margin`` from 0 everywhere, so a threshold (step) decides the same in every runtime."""
    w = net.get_weights()
    z = X.astype(np.float64) @ w[f"{node}/W"].astype(np.float64) + w[f"{node}/b"]
    return X[np.abs(z).min(axis=1) > margin]


def zoo_graph() -> engine.Graph:
    """Every layer type and every activation in one graph (no Loss: prediction only)."""
    rows: list[tuple[str, str, tuple[str, ...], dict]] = [("inp", "Input", (), {"shape": [5]})]
    branches = []
    for fn in OUTPUT_ACTIVATIONS:  # Dense with each activation, softmax and step included
        rows.append((f"dense_{fn}", "Dense", ("inp",), {"units": 3, "activation": fn,
                                                         "negative_slope": 0.2, "alpha": 0.7}))
        branches.append(f"dense_{fn}")
    rows.append(("lin", "Dense", ("inp",), {"units": 3, "use_bias": False}))
    for fn in ACTIVATIONS:  # the Activation node with each function
        rows.append((f"act_{fn}", "Activation", ("lin",), {"function": fn, "negative_slope": 0.1, "alpha": 1.3}))
        branches.append(f"act_{fn}")
    rows.append(("soft", "Softmax", ("lin",), {}))
    branches.append("soft")
    groups = [branches[i : i + 8] for i in range(0, len(branches), 8)]
    for k, group in enumerate(groups):
        rows.append((f"cat_{k}", "Concat", tuple(group), {}))
    rows += [
        ("cat", "Concat", tuple(f"cat_{k}" for k in range(len(groups))), {}),
        ("bn", "BatchNorm", ("cat",), {"epsilon": 1e-3}),
        ("drop", "Dropout", ("bn",), {"rate": 0.4}),
        ("flat", "Flatten", ("drop",), {}),
        ("a", "Dense", ("flat",), {"units": 4, "activation": "tanh"}),
        ("b", "Dense", ("flat",), {"units": 4, "activation": "relu"}),
        ("c", "Dense", ("inp",), {"units": 4}),
        ("sum", "Add", ("a", "b", "c"), {}),
        ("out", "Dense", ("sum",), {"units": 2}),
    ]
    return graph(rows)


def image_graph() -> engine.Graph:
    """Images (N, 2, 3, 3): BatchNorm over channels, an activation, Concat on channels, Flatten."""
    return graph([
        ("img", "Input", (), {"shape": [2, 3, 3]}),
        ("bn", "BatchNorm", ("img",), {}),
        ("act", "Activation", ("bn",), {"function": "elu"}),
        ("cat", "Concat", ("act", "img"), {}),
        ("flat", "Flatten", ("cat",), {}),
        ("out", "Dense", ("flat",), {"units": 3, "activation": "softmax"}),
    ])


def _train(net: Any, X: np.ndarray, y: np.ndarray, epochs: int) -> Any:
    config = engine.TrainConfig(epochs=epochs, batch_size=32, optimizer="adam", learning_rate=0.02, seed=0)
    result = engine.Trainer(net, X, y, config).run()
    assert result.status == "completed"
    return net


def mlp(n_in: int, hidden: str, n_out: int, out_act: str, loss: str) -> engine.Graph:
    return graph([
        ("x", "Input", (), {"shape": [n_in]}),
        ("hidden", "Dense", ("x",), {"units": 8, "activation": hidden}),
        ("norm", "BatchNorm", ("hidden",), {}),
        ("drop", "Dropout", ("norm",), {"rate": 0.2}),
        ("output", "Dense", ("drop",), {"units": n_out, "activation": out_act}),  # "output" is an ONNX name too
        ("loss", "Loss", ("output",), {"function": loss}),
    ])


def _binary() -> Case:
    train, test = split(make_dataset("xor", n=300, noise=0.1, seed=4), 0.5, seed=4)
    pre = Preprocessor.fit(train, features=["x1", "x2", "x1*x2", "sin(x1)", "x1^2"], standardize=True)
    g = mlp(5, "tanh", 1, "sigmoid", "bce")
    net = _train(engine.Network(g, seed=1), pre.transform(train.X), train.y, 15)
    return Case(net, pre, test.X.astype(np.float32).astype(np.float64), g)


def _iris() -> Case:
    train, test = split(make_dataset("iris"), 0.6, seed=2, stratify=True)
    pre = Preprocessor.fit(train)
    g = mlp(4, "gelu", 3, "softmax", "cross_entropy")
    net = _train(engine.Network(g, seed=2), pre.transform(train.X), train.y, 30)
    return Case(net, pre, test.X.astype(np.float32).astype(np.float64), g)


def _regression() -> Case:
    data = make_dataset("sine", noise=0.05, seed=5)
    data.y = data.y * 40.0 + 100.0  # targets far from N(0, 1), so the scaling matters
    train, test = split(data, 0.5, seed=5)
    pre = Preprocessor.fit(train, standardize=True, standardize_targets=True)
    g = mlp(1, "silu", 1, "linear", "mse")
    net = _train(engine.Network(g, seed=3), pre.transform(train.X), pre.encode_targets(train.y), 20)
    return Case(net, pre, test.X.astype(np.float32).astype(np.float64), g)


def _images() -> Case:
    X = raw((40, 2, 3, 3), seed=6)
    y = np.arange(40) % 3
    from engine.data import Dataset

    data = Dataset("blocks", X, y, "multiclass", [f"px{i}" for i in range(18)], ["left", "middle", "right"])
    pre = Preprocessor.fit(data)
    g = image_graph()
    net = randomize(engine.Network(g, seed=4), seed=4)
    return Case(net, pre, X, g)


def _digits() -> Case:
    """Ten classes: the softmax's row sums are where a different NumPy reduction would round differently."""
    train, test = split(make_dataset("digits"), 0.5, seed=3)
    pre = Preprocessor.fit(train)
    g = mlp(64, "relu", 10, "softmax", "cross_entropy")
    net = randomize(engine.Network(g, seed=6), seed=6)
    return Case(net, pre, test.X[:900], g)


def _zoo() -> Case:
    g = zoo_graph()
    net = randomize(engine.Network(g, seed=5), seed=5)
    return Case(net, None, away_from_zero(raw((400, 5), seed=7), net, "dense_step"), g)


def _zoo64() -> Case:
    g = zoo_graph()
    net = randomize(engine.Network(g, seed=5, dtype="float64"), seed=6)
    return Case(net, None, away_from_zero(raw((200, 5), seed=8), net, "dense_step"), g)


BUILDERS: dict[str, Callable[[], Case]] = {
    "binary": _binary, "iris": _iris, "regression": _regression, "images": _images, "digits": _digits, "zoo": _zoo,
    "zoo64": _zoo64,
}


@pytest.fixture(scope="session")
def cases() -> dict[str, Case]:
    return {name: build() for name, build in BUILDERS.items()}


def load_module(path: Path) -> Any:
    """Import a generated script as a module (in this process)."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def run_python(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``sys.executable`` on a script or ``-c`` code; fails the test with its stderr otherwise."""
    result = subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stderr
    return result


def assert_same_labels(got: np.ndarray, want: np.ndarray, probs: np.ndarray, margin: float = 1e-5) -> None:
    """Labels must agree wherever the decision is not a near-tie (float32 rounding may split those)."""
    top2 = np.sort(probs, axis=1)[:, -2:]
    clear = top2[:, 1] - top2[:, 0] > margin
    assert clear.mean() > 0.9
    np.testing.assert_array_equal(np.asarray(got, dtype=str)[clear], np.asarray(want, dtype=str)[clear])


@pytest.fixture(scope="session")
def kit() -> Any:
    """The helpers above, for the test modules (conftest is not importable under importlib mode)."""
    from types import SimpleNamespace

    return SimpleNamespace(Case=Case, graph=graph, randomize=randomize, raw=raw, away_from_zero=away_from_zero,
                           zoo_graph=zoo_graph, load_module=load_module, run_python=run_python,
                           assert_same_labels=assert_same_labels)
