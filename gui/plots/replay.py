"""Real training data for the plots without a worker process: runs ``engine.worker.TrainingWorker``
in-process on a recording connection and collects its ``loaded`` message and snapshots, which can
then be fed to the plots (tests, screenshots, benchmarks).

    loaded, snapshots = record(engine.load("resources/examples/spiral.nnd"), epochs=200)
    feed([loss_plot, boundary_plot], loaded, snapshots)

Qt-free; the plots only need the messages.
"""
from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any, Iterable

import engine
from engine.document import Document
from engine.fileformat import to_dict
from engine.worker import TrainingWorker

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


class RecordingConnection:
    """The worker's end of a pipe that keeps what it is sent and has no commands waiting."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def send(self, message: dict[str, Any]) -> None:
        self.sent.append(pickle.loads(pickle.dumps(message)))  # a copy, as a real pipe makes

    def poll(self, timeout: float | None = 0) -> bool:
        return False

    def recv(self) -> dict[str, Any]:  # pragma: no cover - poll() never says there is one
        raise EOFError


def record(doc: Document | str | Path, epochs: int | None = None, steps: int | None = None,
           histogram: str | None = None, base_dir: str | Path | None = None,
           boundary: bool = True, neuron_maps: bool = False,
           every_step: bool = False) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Train ``doc`` (a Document or an example's file name) as the live worker does — snapshots about
    30 times a second, acknowledged at once — for ``epochs`` epochs (default: the document's) or
    ``steps`` steps; returns the ``loaded`` message and every snapshot (the first is the one sent on
    load). ``histogram`` names the layer whose histograms the snapshots carry. ``every_step``: step
    by step (the Step button) with ``steps``, a snapshot after each — a fine-grained record of a
    short run, independent of the machine's speed. ``steps=0``: load only."""
    worker, conn = _loaded_worker(doc, base_dir, histogram=histogram, boundary=boundary, neuron_maps=neuron_maps)
    if every_step or steps == 0:
        for _ in range(steps or 0):
            worker.handle({"cmd": "step"})
            worker.in_flight = 0
    else:
        _play(worker, epochs, steps)
    loaded = next(m for m in conn.sent if m["kind"] == "loaded")
    return loaded, [m for m in conn.sent if m["kind"] == "snapshot"]


def trained(doc: Document | str | Path, epochs: int, base_dir: str | Path | None = None) -> Document:
    """``doc`` trained for ``epochs`` epochs with its weights, history and preprocessing stored in it
    (what Save writes after a run): reopening it resumes the run."""
    worker, conn = _loaded_worker(doc, base_dir, boundary=False)
    _play(worker, epochs, None)
    worker.handle({"cmd": "weights"})
    reply = conn.sent[-1]
    out = worker.session.doc
    out.weights, out.history, out.preprocessing = reply["weights"], reply["history"], reply["preprocessing"]
    return out


def _loaded_worker(doc: Document | str | Path, base_dir: str | Path | None, **view: Any):
    if not isinstance(doc, Document):
        path = Path(doc)
        path = path if path.exists() else EXAMPLES / path
        base_dir = base_dir or path.parent
        doc = engine.load(path)
    conn = RecordingConnection()
    worker = TrainingWorker(conn)
    worker.handle({"cmd": "view", **view})
    worker.handle({"cmd": "load", "doc": to_dict(doc), "base_dir": str(base_dir) if base_dir else None})
    errors = [m for m in conn.sent if m["kind"] == "error"]
    if errors:
        raise ValueError(errors[0]["message"])
    return worker, conn


def _play(worker: TrainingWorker, epochs: int | None, steps: int | None) -> None:
    if epochs is not None:
        worker.handle({"cmd": "set", "epochs": epochs})
    if steps is not None:
        worker.handle({"cmd": "set", "epochs": None})
    trainer = worker.session.trainer
    worker.handle({"cmd": "play"})
    while worker.playing and (steps is None or trainer.steps < steps):
        worker.train_slice()
        worker.in_flight = 0  # the GUI would acknowledge each snapshot
    if worker.playing:
        worker.handle({"cmd": "pause"})  # a last snapshot with the pending losses


def feed(plots: Iterable[Any], loaded: dict[str, Any], snapshots: Iterable[dict[str, Any]]) -> None:
    """``reset`` each plot with ``loaded``, give it every snapshot, then draw it once."""
    plots = list(plots)
    for plot in plots:
        plot.reset(loaded)
    for snapshot in snapshots:
        for plot in plots:
            plot.add_snapshot(snapshot)
    for plot in plots:
        plot.redraw()


def chain_document(layers: list[tuple[str, dict[str, Any]]], dataset: dict[str, Any],
                   **training: Any) -> Document:
    """A left-to-right chain of layers with a dataset and training settings."""
    g = engine.Graph()
    nodes = [g.add_node(kind, pos=(i * 200.0, 0.0), **params) for i, (kind, params) in enumerate(layers)]
    engine.graph.chain(g, nodes)
    doc = Document(graph=g)
    doc.dataset = {"kind": "generator", "train_ratio": 0.5, "seed": 0, "noise": 0.0, **dataset}
    doc.training = engine.TrainConfig(**{"batch_size": 10, **training})
    return doc


def sine_document(epochs: int = 300) -> Document:
    """1-D regression: a small tanh network fits sin(x) on [−6, 6]."""
    return chain_document(
        [("Input", {"shape": [1]}), ("Dense", {"units": 16, "activation": "tanh"}),
         ("Dense", {"units": 16, "activation": "tanh"}), ("Dense", {"units": 1}), ("Loss", {"function": "mse"})],
        {"name": "sine", "noise": 0.1}, epochs=epochs, optimizer="adam", learning_rate=0.01)


def deep_document(activation: str, depth: int = 6, units: int = 8, dataset: str = "circle",
                  epochs: int = 40) -> Document:
    """``depth`` Dense layers (``depth - 1`` hidden of ``activation``, then a sigmoid output) on a
    Playground set, trained with plain SGD: the classic demonstration of vanishing gradients."""
    hidden = [("Dense", {"units": units, "activation": activation}) for _ in range(depth - 1)]
    return chain_document(
        [("Input", {"shape": [2]}), *hidden, ("Dense", {"units": 1, "activation": "sigmoid"}),
         ("Loss", {"function": "bce"})],
        {"name": dataset, "features": ["x1", "x2"]}, epochs=epochs, optimizer="sgd", learning_rate=0.1)
