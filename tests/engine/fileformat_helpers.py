"""Shared by the test_fileformat_*.py tests: documents to save, and a valid file as a dict to spoil."""
from __future__ import annotations

import json

import numpy as np

import engine
from engine.data import Preprocessor, make_dataset
from engine.document import Document
from engine.file_sections import Problem
from engine.fileformat import dumps, loads


# ---- documents to save ---------------------------------------------------------------------
def branching_graph() -> engine.Graph:
    """Every layer type, edges drawn in an order that differs from the node order."""
    g = engine.Graph()
    inp = g.add_node("Input", "inp", shape=[4], pos=(-12.5, 3.25))
    left = g.add_node("Dense", "left", units=5, activation="leaky_relu", negative_slope=0.2,
                      initializer="he_uniform", pos=(100, -50))
    right = g.add_node("Dense", "right", units=5, activation="elu", alpha=0.7, use_bias=False, pos=(100, 50))
    add = g.add_node("Add", "add", inputs=2, pos=(200, 0))
    bn = g.add_node("BatchNorm", "bn", momentum=0.75, epsilon=1e-3, pos=(300, 0))
    act = g.add_node("Activation", "act", function="gelu", pos=(400, 0))
    drop = g.add_node("Dropout", "drop", rate=0.3, pos=(500, 0))
    cat = g.add_node("Concat", "cat", inputs=3, pos=(600, 0))
    out = g.add_node("Dense", "out", units=3, pos=(700, 0))
    soft = g.add_node("Softmax", "soft", pos=(800, 0))
    loss = g.add_node("Loss", "loss", function="cross_entropy", pos=(900, 0))
    g.connect(soft, loss)
    g.connect(out, soft)
    g.connect(cat, out)
    g.connect(inp, cat, dst_port="in3")
    g.connect(right, add, dst_port="in2")
    g.connect(left, add, dst_port="in1")
    g.connect(inp, right)
    g.connect(inp, left)
    g.connect(add, bn)
    g.connect(bn, act)
    g.connect(act, drop)
    g.connect(drop, cat, dst_port="in1")
    g.connect(left, cat, dst_port="in2")
    return g


def rich_document(dtype: str = "float32") -> Document:
    g = branching_graph()
    doc = Document(graph=g, dtype=dtype)
    doc.training = engine.TrainConfig(
        epochs=77, batch_size=13, optimizer="adam", learning_rate=0.0123,
        optimizer_params={"beta1": 0.8, "beta2": 0.95, "eps": 1e-6}, schedule="cosine",
        schedule_params={"total_epochs": 60, "min_lr": 1e-4}, l1=1e-5, l2=3e-4, clip_norm=2.5, shuffle=False,
        seed=42, validation_split=0.25, early_stopping=7, restore_best=False, eval_every=3)
    doc.dataset = {"kind": "generator", "name": "iris", "train_ratio": 0.7, "seed": 9, "stratify": True,
                   "features": None, "standardize": True}
    iris = make_dataset("iris")
    doc.preprocessing = Preprocessor.fit(iris, standardize=True).to_dict()
    net = engine.Network(g, seed=3, dtype=dtype)
    weights = net.get_weights()
    weights["bn/running_mean"] = np.linspace(-1, 1, 5).astype(dtype)
    weights["bn/running_var"] = np.linspace(0.5, 2, 5).astype(dtype)
    weights["left/W"][0, 0] = -0.0  # the sign of zero survives too
    weights["left/W"][1, 1] = np.finfo(dtype).tiny / 4  # and a subnormal
    doc.weights = weights
    doc.history = {"epoch": [3, 6, 9], "lr": [0.0123, 0.01, 0.005], "loss": [1.1, float("nan"), 0.5],
                   "accuracy": [0.3, 0.6, float("nan")]}
    doc.view = {"zoom": 1.75, "center": [10.5, -3.0], "panels": {"issues": True, "plots": ["loss", "boundary"]},
                "note": "unicode ünïcødé ✓"}
    return doc


def reload(doc: Document) -> Document:
    again = loads(dumps(doc))
    assert again.problems == []
    return again


# ---- non-fatal problems: the file opens, and every problem is listed with its path ----------
def base() -> dict:
    """A valid file as a dict: Input -> Dense -> Loss, trained (weights and history)."""
    g = engine.Graph()
    engine.graph.chain(g, [g.add_node("Input", "inp", shape=[2], node_id="a" * 32),
                           g.add_node("Dense", "dense", units=2, activation="tanh", node_id="b" * 32),
                           g.add_node("Dense", "out", units=1, activation="sigmoid", node_id="c" * 32),
                           g.add_node("Loss", "loss", function="bce", node_id="d" * 32)])
    doc = Document(graph=g)
    doc.weights = engine.Network(g, seed=0).get_weights()
    doc.history = {"loss": [0.7, 0.6], "accuracy": [0.5, 0.75]}
    return json.loads(dumps(doc))


def open_dict(data: dict) -> Document:
    return loads(json.dumps(data, allow_nan=True))


def problems_of(data: dict) -> list[str]:
    return open_dict(data).problems


def only(problems: list[str], path: str) -> str:
    """The one problem at ``path`` (and it must be the only problem)."""
    assert len(problems) == 1, problems
    assert isinstance(problems[0], Problem) and problems[0].path == path, problems
    return problems[0].message
