"""What bench/engine.py races: the cases (network, batch, optimizer, target), the process settings,
and the contestants that train them (our engine in its modes, the NumPy yardstick, PyTorch)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Case:
    key: str
    network: str
    sizes: tuple[int, ...]
    hidden: str           # hidden activation
    output: str           # "sigmoid" (with BCE) or "softmax" (with cross-entropy)
    batch: int
    samples: int
    optimizer: str
    lr: float
    target: float | None  # minimum ratio ours (Trainer) / PyTorch
    settings: tuple[str, ...] = ("default",)


_ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1"}
_KEEP_MEMORY = {"MALLOC_TRIM_THRESHOLD_": str(256 << 20), "MALLOC_MMAP_THRESHOLD_": str(32 << 20)}
SETTINGS = {  # name -> environment of the worker processes
    "default": {},
    "BLAS 1 thread": _ONE_THREAD,
    "malloc keeps memory": _KEEP_MEMORY,
    "BLAS 1 thread + malloc": {**_ONE_THREAD, **_KEEP_MEMORY},
}


CASES = (
    Case("small-sgd", "2-8-8-1 tanh, sigmoid+BCE", (2, 8, 8, 1), "tanh", "sigmoid", 10, 250, "sgd", 0.03, 2.5),
    Case("small-adam", "2-8-8-1 tanh, sigmoid+BCE", (2, 8, 8, 1), "tanh", "sigmoid", 10, 250, "adam", 0.01, None),
    Case("digits-32", "64-128-10 ReLU, softmax+CE", (64, 128, 10), "relu", "softmax", 32, 1797, "sgd", 0.01, 2.0),
    Case("digits-full", "64-128-10 ReLU, softmax+CE", (64, 128, 10), "relu", "softmax", 1797, 1797, "sgd", 0.01,
         0.8, settings=tuple(SETTINGS)),
)


# ============================================================================ worker processes
def _data(case: Case):
    """Playground-size 2-D points with XOR labels, or digits-shaped 8×8 images with 10 classes."""
    rng = np.random.default_rng(0)
    if case.sizes[0] == 2:
        X = rng.uniform(-6, 6, (case.samples, 2))
        return X.astype(np.float32), (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    X = rng.integers(0, 17, (case.samples, case.sizes[0])) / 16.0
    return X.astype(np.float32), rng.integers(0, case.sizes[-1], case.samples)


def _batches(X, Y, batch):
    return [(X[i : i + batch], Y[i : i + batch]) for i in range(0, len(X), batch)]


def _ours(case: Case, mode: str):
    """A function ``steps(n)`` that trains n batches with our engine (or the NumPy yardstick)."""
    import engine
    from engine.graph import chain
    from engine.optim import make_optimizer
    from engine.trainer import TrainConfig, Trainer

    X, y = _data(case)
    if mode == "numpy":
        from numpy_mlp import NumpyMLP

        mlp = NumpyMLP(case.sizes, case.hidden, case.output, case.optimizer, case.lr)
        Y = np.eye(case.sizes[-1], dtype=np.float32)[y] if case.output == "softmax" else y[:, None].astype(np.float32)
        batches = _batches(X, Y, case.batch)
        return lambda n: [mlp.step(*batches[i % len(batches)]) for i in range(n)]

    g = engine.Graph()
    nodes = [g.add_node("Input", shape=[case.sizes[0]])]
    nodes += [g.add_node("Dense", units=u, activation=case.hidden) for u in case.sizes[1:-1]]
    nodes.append(g.add_node("Dense", units=case.sizes[-1], activation=case.output))
    nodes.append(g.add_node("Loss", function="bce" if case.output == "sigmoid" else "cross_entropy"))
    chain(g, nodes)
    net = engine.Network(g, seed=0, dtype="float32")
    if mode in ("trainer", "lean"):
        # "lean": per-epoch metrics off (eval_every beyond reach), i.e. the same work as PyTorch's loop.
        config = TrainConfig(epochs=10**9, batch_size=case.batch, optimizer=case.optimizer, learning_rate=case.lr,
                             eval_every=1 if mode == "trainer" else 10**9)
        step = Trainer(net, X, y, config).step
        return lambda n: [step() for _ in range(n)]

    opt = make_optimizer(case.optimizer, lr=case.lr)
    batches = _batches(net.prepare_inputs(X), net.prepare_targets(y, len(X)), case.batch)
    train_step = net.train_step
    return lambda n: [train_step(*batches[i % len(batches)], opt) for i in range(n)]


def _torch(case: Case, metrics: bool = False):
    """PyTorch's loop; with ``metrics``, also what our Trainer does after each epoch: an inference
    pass over all training data computing the loss and the accuracy."""
    import torch

    layers: list = []
    for a, b in zip(case.sizes, case.sizes[1:]):
        layers += [torch.nn.Linear(a, b), torch.nn.Tanh() if case.hidden == "tanh" else torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])  # the last activation is fused into the loss
    X, y = _data(case)
    X = torch.from_numpy(X)
    if case.output == "sigmoid":
        loss_fn, Y = torch.nn.BCEWithLogitsLoss(), torch.from_numpy(y.astype("float32")).reshape(-1, 1)
    else:
        loss_fn, Y = torch.nn.CrossEntropyLoss(), torch.from_numpy(y)
    opt_cls = torch.optim.SGD if case.optimizer == "sgd" else torch.optim.Adam
    opt = opt_cls(model.parameters(), lr=case.lr)
    batches = _batches(X, Y, case.batch)

    def step(xb, yb):
        opt.zero_grad()
        loss_fn(model(xb), yb).backward()
        opt.step()

    def evaluate():
        with torch.no_grad():
            out = model(X)
            loss = float(loss_fn(out, Y))
            hits = (out > 0) == (Y > 0.5) if case.output == "sigmoid" else out.argmax(dim=1) == Y
            return loss, float(hits.float().mean())

    def steps(n):
        for i in range(n):
            step(*batches[i % len(batches)])
            if metrics and (i + 1) % len(batches) == 0:
                evaluate()

    return steps


# Our contestants, as (mode, column title); PyTorch's mode is "torch".
MODES = (
    ("trainer", "ours: Trainer.step()"),
    ("lean", "ours: Trainer.step(), per-epoch metrics off"),
    ("raw", "ours: Network.train_step()"),
    ("numpy", "hand-written NumPy MLP"),
)


def contestants(case: Case, torch_ok: bool) -> list[tuple[str, str]]:
    """(setting, mode) pairs that race on ``case``."""
    modes = [m for m, _ in MODES] + (["torch", "torch-metrics"] if torch_ok else [])
    return [(setting, mode) for setting in case.settings for mode in modes]
