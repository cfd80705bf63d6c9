"""Golden files (tests/data/v1/) pin the format; the version-0 file (tests/data/v0/) pins the migration.

Each golden file is loaded and checked value by value, and saving what was loaded must give the
file back byte for byte. A failure here means the format changed: that needs a new version with a
migration (see tests/data/regenerate.py and docs/file-format.md), not new golden files.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

import engine
from engine.data import Preprocessor, prepare
from engine.fileformat import VERSION, dumps, load, loads

DATA = Path(__file__).resolve().parents[1] / "data"
V1 = DATA / "v1"
GOLDEN = ["playground", "trained", "branching", "csv"]


def dense(units: int, activation: str = "linear", initializer: str = "glorot_uniform", bias_init: float = 0.0,
          init_low: float = -0.5, init_high: float = 0.5) -> dict:
    """A Dense node's params as version 1 stores them (every parameter, in the schema's order)."""
    return {"units": units, "activation": activation, "negative_slope": 0.01, "alpha": 1.0, "use_bias": True,
            "initializer": initializer, "init_low": init_low, "init_high": init_high, "bias_init": bias_init}


PLAYGROUND_INIT = {"initializer": "uniform", "bias_init": 0.1}
TRAINING_DEFAULTS = {"epochs": 100, "batch_size": 10, "optimizer": "sgd", "learning_rate": 0.03,
                     "optimizer_params": {}, "schedule": "constant", "schedule_params": {}, "l1": 0.0, "l2": 0.0,
                     "clip_norm": None, "shuffle": True, "seed": 0, "validation_split": 0.0,
                     "early_stopping": None, "restore_best": True, "eval_every": 1}


def nodes_of(doc) -> list[tuple]:
    return [(n.id, n.type, n.name, n.params, n.pos) for n in doc.graph.nodes]


def edges_of(doc) -> list[tuple]:
    name = {n.id: n.name for n in doc.graph.nodes}
    return [(name[e.src], e.src_port, name[e.dst], e.dst_port) for e in doc.graph.edges]


def digest(arr: np.ndarray) -> str:
    return hashlib.sha256(arr.tobytes()).hexdigest()[:16]


@pytest.mark.parametrize("name", GOLDEN)
def test_golden_file_reproduces_byte_for_byte(name):
    text = (V1 / f"{name}.nnd").read_text(encoding="utf-8")
    doc = loads(text)
    assert doc.problems == [] and doc.migrated_from is None
    assert dumps(doc) == text
    assert json.loads(text)["version"] == 1


@pytest.mark.parametrize("name", GOLDEN)
def test_golden_file_opens_a_runnable_network(name):
    doc = load(V1 / f"{name}.nnd")
    analysis = engine.analyze(doc.graph)
    assert analysis.trainable, analysis.issues
    width = doc.graph.nodes[0].params["shape"][0]
    out = doc.network().predict(np.zeros((3, width)))
    assert np.isfinite(out).all()


def test_golden_untrained_playground():
    doc = load(V1 / "playground.nnd")
    assert nodes_of(doc) == [
        ("b360e0201dd65079acb1d6719bad006d", "Input", "input_1", {"shape": [7]}, (0.0, 0.0)),
        ("b4016c562a3a57e0bcd954c0d2085cf6", "Dense", "dense_1", dense(4, "tanh", **PLAYGROUND_INIT), (200.0, 0.0)),
        ("c83bb3a276375277967dfd8fc0f42ff3", "Dense", "dense_2", dense(2, "tanh", **PLAYGROUND_INIT), (400.0, 0.0)),
        ("0abc95cd39bb57018559f80006663ae7", "Dense", "dense_3", dense(1, "sigmoid", **PLAYGROUND_INIT),
         (600.0, 0.0)),
        ("e19b2df666f35c3d8ce2c239d396962c", "Loss", "loss_1", {"function": "bce", "delta": 1.0}, (800.0, 0.0)),
    ]
    assert edges_of(doc) == [("input_1", "out", "dense_1", "in"), ("dense_1", "out", "dense_2", "in"),
                             ("dense_2", "out", "dense_3", "in"), ("dense_3", "out", "loss_1", "in")]
    assert doc.training.to_dict() == {**TRAINING_DEFAULTS, "epochs": 500}
    assert doc.dataset == {"kind": "generator", "name": "spiral", "noise": 0.1, "train_ratio": 0.5, "seed": 0,
                           "features": ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"]}
    assert doc.view == {"center": [400.0, 0.0], "zoom": 1.0}
    assert doc.dtype == "float32"
    assert doc.weights is None and doc.history is None and doc.preprocessing is None and not doc.trained


def test_golden_trained_network():
    doc = load(V1 / "trained.nnd")
    assert nodes_of(doc) == [
        ("eaada81e9ebc5221b2212d143ddf3887", "Input", "x", {"shape": [3]}, (0.0, 0.0)),
        ("2ca791f5a8925b4ca6736eac57971140", "Dense", "hidden", dense(4, "tanh"), (180.0, -20.5)),
        ("c9ce5417c22d5eea91dbb710780bdc58", "Dense", "out", dense(1, "sigmoid"), (360.0, 0.0)),
        ("acc0dce45e0153d4867127963369ad49", "Loss", "loss", {"function": "bce", "delta": 1.0}, (540.0, 0.0)),
    ]
    assert edges_of(doc) == [("x", "out", "hidden", "in"), ("hidden", "out", "out", "in"), ("out", "out", "loss", "in")]
    assert doc.training.to_dict() == {
        **TRAINING_DEFAULTS, "epochs": 12, "batch_size": 16, "optimizer": "adam", "learning_rate": 0.02,
        "optimizer_params": {"beta1": 0.85}, "schedule": "step", "schedule_params": {"gamma": 0.5, "step_size": 5},
        "l2": 0.0001, "clip_norm": 5.0, "seed": 7}
    assert doc.dataset == {"kind": "generator", "name": "xor", "n": 200, "noise": 0.1, "train_ratio": 0.6, "seed": 1,
                           "features": ["x1", "x2", "x1*x2"], "standardize": True}
    assert doc.view == {"center": [270.0, -10.0], "selected": ["hidden"], "zoom": 1.5}
    # The weights, bit for bit.
    assert {k: (str(v.dtype), v.shape, digest(v)) for k, v in doc.weights.items()} == {
        "hidden/W": ("float32", (3, 4), "435f5f46a05161a2"),
        "hidden/b": ("float32", (4,), "de03886f81a041eb"),
        "out/W": ("float32", (4, 1), "4b1f4527e842ccd9"),
        "out/b": ("float32", (1,), "3ac7fec4e88331cc"),
    }
    assert doc.weights["out/b"].tolist() == [0.02744290605187416]
    # The history: 12 epochs of training and validation metrics.
    assert sorted(doc.history) == ["accuracy", "epoch", "loss", "lr", "val_accuracy", "val_loss"]
    assert doc.history["epoch"] == list(range(1, 13))
    assert doc.history["lr"] == [0.02] * 5 + [0.01] * 5 + [0.005] * 2
    assert doc.history["loss"][0] == 0.604513943195343 and doc.history["loss"][-1] == 0.1375221312046051
    assert doc.history["val_accuracy"][-1] == 1.0
    # The preprocessing travels with the weights.
    pre = Preprocessor.from_dict(doc.preprocessing)
    assert pre.task == "binary" and pre.class_names == ["0", "1"] and pre.features == ["x1", "x2", "x1*x2"]
    assert pre.standardize and pre.mean.tolist() == [-0.20886686856514408, -0.018658204466991422,
                                                     0.11943177619274538]
    labels, probs = pre.predict(doc.network(), np.array([[2.0, 2.0], [-2.0, 2.0]]))
    assert labels.tolist() == ["1", "0"]


def test_golden_trained_network_reproduces_its_last_metrics():
    """Reopened exactly: the saved weights give the accuracy the history ends with."""
    from engine.session import open_session

    doc = load(V1 / "trained.nnd")
    session = open_session(doc)
    metrics = session.network.evaluate(session.X_test, session.Y_test)
    assert metrics["accuracy"] == doc.history["val_accuracy"][-1]
    assert metrics["loss"] == pytest.approx(doc.history["val_loss"][-1], rel=1e-6)


def test_golden_branching_graph():
    doc = load(V1 / "branching.nnd")
    assert [(t, n, p, pos) for _, t, n, p, pos in nodes_of(doc)] == [
        ("Input", "features", {"shape": [4]}, (-120.5, 37.25)),
        ("Dense", "relu_branch", dense(6, "relu", initializer="he_uniform"), (100.0, -80.0)),
        ("Dense", "tanh_branch", dense(6, "tanh"), (100.0, 80.0)),
        ("Add", "sum", {"inputs": 2}, (300.0, 0.0)),
        ("BatchNorm", "norm", {"momentum": 0.8, "epsilon": 0.001}, (450.0, 0.0)),
        ("Dropout", "drop", {"rate": 0.25}, (600.0, 0.0)),
        ("Concat", "joined", {"inputs": 3}, (750.0, 40.0)),
        ("Dense", "logits", dense(3), (900.0, 40.0)),
        ("Softmax", "probs", {}, (1050.0, 40.0)),
        ("Loss", "loss", {"function": "cross_entropy", "delta": 1.0}, (1200.0, 40.0)),
    ]
    assert doc.graph.nodes[0].id == "ab811465a4cc530387c46d5aa976e62d"
    assert edges_of(doc) == [
        ("features", "out", "relu_branch", "in"), ("features", "out", "tanh_branch", "in"),
        ("relu_branch", "out", "sum", "in1"), ("tanh_branch", "out", "sum", "in2"), ("sum", "out", "norm", "in"),
        ("norm", "out", "drop", "in"), ("drop", "out", "joined", "in1"), ("relu_branch", "out", "joined", "in2"),
        ("features", "out", "joined", "in3"), ("joined", "out", "logits", "in"), ("logits", "out", "probs", "in"),
        ("probs", "out", "loss", "in")]
    assert doc.training.to_dict() == {
        **TRAINING_DEFAULTS, "epochs": 50, "batch_size": 8, "learning_rate": 0.05,
        "optimizer_params": {"momentum": 0.9}, "schedule": "cosine",
        "schedule_params": {"min_lr": 0.001, "total_epochs": 50}, "shuffle": False, "seed": 5,
        "validation_split": 0.2, "early_stopping": 10}
    assert doc.dataset == {"kind": "generator", "name": "iris", "train_ratio": 0.7, "seed": 0, "stratify": True,
                           "features": None}
    assert doc.dtype == "float64" and doc.history is None and doc.view == {}
    assert {k: (str(v.dtype), v.shape, digest(v)) for k, v in doc.weights.items()} == {
        "logits/W": ("float64", (16, 3), "3375b347d93554c6"),
        "logits/b": ("float64", (3,), "9d908ecfb6b256de"),
        "norm/beta": ("float64", (6,), "17b0761f87b081d5"),
        "norm/gamma": ("float64", (6,), "961e76f1c44f5ce8"),
        "norm/running_mean": ("float64", (6,), "c2fda60f18f87501"),
        "norm/running_var": ("float64", (6,), "37e9670b4e6bf152"),
        "relu_branch/W": ("float64", (4, 6), "f1803b4eb060d495"),
        "relu_branch/b": ("float64", (6,), "17b0761f87b081d5"),
        "tanh_branch/W": ("float64", (4, 6), "410b06fc86b86f3e"),
        "tanh_branch/b": ("float64", (6,), "17b0761f87b081d5"),
    }
    assert doc.weights["norm/running_mean"].tolist() == np.linspace(-0.5, 0.5, 6).tolist()
    assert doc.weights["norm/gamma"].tolist() == [1.0] * 6
    net = doc.network()
    assert net.get_weights()["norm/running_var"].tolist() == np.linspace(0.5, 1.5, 6).tolist()


def test_golden_csv_dataset():
    doc = load(V1 / "csv.nnd")
    assert nodes_of(doc) == [
        ("b360e0201dd65079acb1d6719bad006d", "Input", "input_1", {"shape": [2]}, (0.0, 0.0)),
        ("b4016c562a3a57e0bcd954c0d2085cf6", "Dense", "dense_1", dense(1, "sigmoid"), (200.0, 0.0)),
        ("e19b2df666f35c3d8ce2c239d396962c", "Loss", "loss_1", {"function": "bce", "delta": 1.0}, (400.0, 0.0)),
    ]
    assert edges_of(doc) == [("input_1", "out", "dense_1", "in"), ("dense_1", "out", "loss_1", "in")]
    assert doc.training.to_dict() == {**TRAINING_DEFAULTS, "epochs": 40, "batch_size": 4, "learning_rate": 0.1}
    assert doc.dataset == {"kind": "csv", "path": "points.csv", "target": "label", "task": "classification",
                           "delimiter": ",", "header": True, "drop_missing": True, "train_ratio": 0.75, "seed": 3,
                           "stratify": True, "features": None, "standardize": True}
    # The path is relative to the network file.
    prepared = prepare(doc.dataset, base_dir=Path(doc.path).parent)
    assert prepared.train.n_samples + prepared.test.n_samples == 8  # one row has a missing value
    assert prepared.train.class_names == ["no", "yes"] and prepared.preprocessor.standardize


# ---- migration from version 0 --------------------------------------------------------------
def test_version_0_file_is_migrated():
    doc = load(DATA / "v0" / "draft.nnd")
    assert VERSION == 1 and doc.migrated_from == 0 and doc.problems == []
    assert [(n.type, n.name, n.params, n.pos) for n in doc.graph.nodes] == [
        ("Input", "x", {"shape": [2]}, (0.0, 0.0)),
        ("Dense", "hidden", dense(3, "relu"), (150.0, 10.5)),
        ("Dense", "out", dense(1, "sigmoid"), (300.0, 0.0)),
        ("Loss", "loss", {"function": "bce", "delta": 1.0}, (450.0, 0.0)),
    ]
    assert edges_of(doc) == [("x", "out", "hidden", "in"), ("hidden", "out", "out", "in"), ("out", "out", "loss", "in")]
    assert doc.training.to_dict() == {**TRAINING_DEFAULTS, "epochs": 30, "batch_size": 5, "learning_rate": 0.1}
    assert doc.dataset == {"kind": "generator", "name": "xor", "noise": 0.05, "train_ratio": 0.5, "seed": 2,
                           "features": ["x1", "x2"]}
    assert doc.view == {"zoom": 0.8}
    assert doc.weights is None and doc.history is None
    # Ids are derived from the layers, so every migration of the file gives the same ones.
    assert [n.id for n in load(DATA / "v0" / "draft.nnd").graph.nodes] == [n.id for n in doc.graph.nodes]
    assert all(len(n.id) == 32 for n in doc.graph.nodes)


def test_migrated_file_saves_as_the_current_version(tmp_path):
    doc = load(DATA / "v0" / "draft.nnd")
    text = dumps(doc)
    assert json.loads(text)["version"] == VERSION
    again = loads(text)
    assert again == doc and again.problems == [] and again.migrated_from is None


def test_version_0_problems_name_the_old_paths():
    data = json.loads((DATA / "v0" / "draft.nnd").read_text(encoding="utf-8"))
    data["layers"].append("not a layer")
    data["layers"][1]["units"] = "three"
    data["links"].append({"from": "x", "to": "nowhere"})
    data["links"].append(["x", "out"])
    data["settings"]["batch"] = 0
    doc = loads(json.dumps(data))
    assert [p.path for p in doc.problems] == ["layers[4]", "links[3]", "links[4]", "graph.nodes[1].params.units",
                                              "training.batch_size"]
    assert doc.graph.node("hidden").params["units"] == 8 and len(doc.graph.edges) == 3


@pytest.mark.parametrize("layers,links,settings", [("x", "y", "z"), (None, None, None), ([], [], [])])
def test_version_0_with_wrong_types_still_opens(layers, links, settings):
    text = json.dumps({"format": "neurocanvas.network", "version": 0, "layers": layers, "links": links,
                       "settings": settings})
    doc = loads(text)
    assert len(doc.graph) == 0 and doc.migrated_from == 0
    assert all(p.path in ("layers", "links", "settings") for p in doc.problems)


def test_every_older_version_has_a_migration_step():
    from engine.fileformat import MIGRATIONS

    assert sorted(MIGRATIONS) == list(range(VERSION))


def test_every_version_folder_loads_without_problems():
    """Older versions' golden files stay, as migration tests, when the format moves on."""
    folders = sorted(p for p in DATA.iterdir() if p.is_dir() and p.name.startswith("v"))
    assert [f.name for f in folders] == [f"v{v}" for v in range(VERSION + 1)]
    for folder in folders:
        for f in sorted(folder.glob("*.nnd")):
            doc = load(f)
            assert doc.problems == [], (f, doc.problems)
            assert len(doc.graph) > 0
