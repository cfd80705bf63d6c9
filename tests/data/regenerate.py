"""Rebuild the golden network files of the current format version: ``python tests/data/regenerate.py``.

Run it only on purpose, when the file format changes, and then:

1. bump ``VERSION`` in engine/file_versions.py and add a migration ``MIGRATIONS[old] = _v<old>_to_v<new>``;
2. keep the old folder (``tests/data/v<old>/``) as it is: its files become the migration tests'
   inputs (an older-version file must keep loading);
3. update ``VERSION_DIR`` here (it follows VERSION) and the pinned values in
   ``tests/engine/test_fileformat_golden.py`` to the new files.

Rebuilding without a format change must reproduce the files byte for byte (ids are derived from
node names, all seeds are fixed). Only the trained file depends on floating-point results; if it
differs on another machine, its checksums in the golden test change with it.
The version-0 files in ``v0/`` are hand-written drafts and are never rebuilt.
"""
from __future__ import annotations

import sys
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

import numpy as np  # noqa: E402

import engine  # noqa: E402
from engine.document import Document  # noqa: E402
from engine.fileformat import VERSION, load, save  # noqa: E402
from engine.session import open_session, store  # noqa: E402

VERSION_DIR = HERE / f"v{VERSION}"
NAMESPACE = uuid.UUID("2d0a8c51-6a3f-4e0e-9f4b-7c1e5a9d3b20")
ALL_FEATURES = ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"]


def node_id(name: str) -> str:
    return uuid.uuid5(NAMESPACE, name).hex


def build(layers: list[tuple[str, str, dict[str, Any], tuple[float, float]]],
          wires: list[tuple[str, str] | tuple[str, str, str]]) -> engine.Graph:
    """Nodes (type, name, params, pos) with ids derived from their names, then wires by name."""
    g = engine.Graph()
    for type_name, name, params, pos in layers:
        g.add_node(type_name, name, pos=pos, node_id=node_id(name), params=params)
    for src, dst, *port in wires:
        g.connect(src, dst, dst_port=port[0] if port else None)
    return g


def playground() -> Document:
    """An untrained Playground network: spiral, all seven features, 4-2 tanh, sigmoid output."""
    init = {"initializer": "uniform", "init_low": -0.5, "init_high": 0.5, "bias_init": 0.1}
    g = build([("Input", "input_1", {"shape": [7]}, (0.0, 0.0)),
               ("Dense", "dense_1", {"units": 4, "activation": "tanh", **init}, (200.0, 0.0)),
               ("Dense", "dense_2", {"units": 2, "activation": "tanh", **init}, (400.0, 0.0)),
               ("Dense", "dense_3", {"units": 1, "activation": "sigmoid", **init}, (600.0, 0.0)),
               ("Loss", "loss_1", {"function": "bce"}, (800.0, 0.0))],
              [("input_1", "dense_1"), ("dense_1", "dense_2"), ("dense_2", "dense_3"), ("dense_3", "loss_1")])
    doc = Document(graph=g)
    doc.training = engine.TrainConfig(epochs=500, batch_size=10, optimizer="sgd", learning_rate=0.03)
    doc.dataset = {"kind": "generator", "name": "spiral", "noise": 0.1, "train_ratio": 0.5, "seed": 0,
                   "features": ALL_FEATURES}
    doc.view = {"zoom": 1.0, "center": [400.0, 0.0]}
    return doc


def trained() -> Document:
    """XOR with a product feature, trained a few epochs: weights, history and preprocessing."""
    g = build([("Input", "x", {"shape": [3]}, (0.0, 0.0)),
               ("Dense", "hidden", {"units": 4, "activation": "tanh"}, (180.0, -20.5)),
               ("Dense", "out", {"units": 1, "activation": "sigmoid"}, (360.0, 0.0)),
               ("Loss", "loss", {"function": "bce"}, (540.0, 0.0))],
              [("x", "hidden"), ("hidden", "out"), ("out", "loss")])
    doc = Document(graph=g)
    doc.training = engine.TrainConfig(
        epochs=12, batch_size=16, optimizer="adam", learning_rate=0.02, optimizer_params={"beta1": 0.85},
        schedule="step", schedule_params={"step_size": 5, "gamma": 0.5}, l2=1e-4, clip_norm=5.0, seed=7)
    doc.dataset = {"kind": "generator", "name": "xor", "n": 200, "noise": 0.1, "train_ratio": 0.6, "seed": 1,
                   "features": ["x1", "x2", "x1*x2"], "standardize": True}
    session = open_session(doc)
    session.trainer.run()
    store(session)
    doc.view = {"zoom": 1.5, "center": [270.0, -10.0], "selected": ["hidden"]}
    return doc


def branching() -> Document:
    """Two branches merged by Add and Concat, BatchNorm and Dropout; float64 weights, untrained
    but initialised, with BatchNorm running statistics that are not the defaults."""
    g = build([("Input", "features", {"shape": [4]}, (-120.5, 37.25)),
               ("Dense", "relu_branch", {"units": 6, "activation": "relu", "initializer": "he_uniform"}, (100.0, -80.0)),
               ("Dense", "tanh_branch", {"units": 6, "activation": "tanh"}, (100.0, 80.0)),
               ("Add", "sum", {}, (300.0, 0.0)),
               ("BatchNorm", "norm", {"momentum": 0.8, "epsilon": 0.001}, (450.0, 0.0)),
               ("Dropout", "drop", {"rate": 0.25}, (600.0, 0.0)),
               ("Concat", "joined", {"inputs": 3}, (750.0, 40.0)),
               ("Dense", "logits", {"units": 3}, (900.0, 40.0)),
               ("Softmax", "probs", {}, (1050.0, 40.0)),
               ("Loss", "loss", {"function": "cross_entropy"}, (1200.0, 40.0))],
              [("features", "relu_branch"), ("features", "tanh_branch"),
               ("relu_branch", "sum", "in1"), ("tanh_branch", "sum", "in2"),
               ("sum", "norm"), ("norm", "drop"),
               ("drop", "joined", "in1"), ("relu_branch", "joined", "in2"), ("features", "joined", "in3"),
               ("joined", "logits"), ("logits", "probs"), ("probs", "loss")])
    doc = Document(graph=g, dtype="float64")
    doc.training = engine.TrainConfig(epochs=50, batch_size=8, optimizer="sgd", learning_rate=0.05,
                                      optimizer_params={"momentum": 0.9}, schedule="cosine",
                                      schedule_params={"total_epochs": 50, "min_lr": 0.001}, seed=5,
                                      validation_split=0.2, early_stopping=10, shuffle=False)
    doc.dataset = {"kind": "generator", "name": "iris", "train_ratio": 0.7, "seed": 0, "stratify": True,
                   "features": None}
    weights = engine.Network(g, seed=5, dtype="float64").get_weights()
    weights["norm/running_mean"] = np.linspace(-0.5, 0.5, 6)
    weights["norm/running_var"] = np.linspace(0.5, 1.5, 6)
    doc.weights = weights
    return doc


def csv() -> Document:
    """A CSV dataset beside the file (points.csv), with the column choices."""
    g = build([("Input", "input_1", {"shape": [2]}, (0.0, 0.0)),
               ("Dense", "dense_1", {"units": 1, "activation": "sigmoid"}, (200.0, 0.0)),
               ("Loss", "loss_1", {"function": "bce"}, (400.0, 0.0))],
              [("input_1", "dense_1"), ("dense_1", "loss_1")])
    doc = Document(graph=g)
    doc.training = engine.TrainConfig(epochs=40, batch_size=4, learning_rate=0.1)
    doc.dataset = {"kind": "csv", "path": "points.csv", "target": "label", "task": "classification",
                   "delimiter": ",", "header": True, "drop_missing": True, "train_ratio": 0.75, "seed": 3,
                   "stratify": True, "features": None, "standardize": True}
    return doc


POINTS_CSV = """x1,x2,label
0.1,0.2,no
0.4,0.1,no
0.2,0.5,no
0.3,0.3,no
1.2,1.1,yes
0.9,1.4,yes
1.5,0.8,yes
1.1,,yes
1.3,1.3,yes
"""

GOLDEN = {"playground": playground, "trained": trained, "branching": branching, "csv": csv}


def main() -> None:
    VERSION_DIR.mkdir(exist_ok=True)
    (VERSION_DIR / "points.csv").write_text(POINTS_CSV, encoding="utf-8")
    for name, make in GOLDEN.items():
        doc = make()
        save(doc, VERSION_DIR / f"{name}.nnd")
        again = load(VERSION_DIR / f"{name}.nnd")
        assert again == doc and not again.problems, again.problems
        print(f"wrote {VERSION_DIR.name}/{name}.nnd")


if __name__ == "__main__":
    main()
