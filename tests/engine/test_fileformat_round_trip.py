"""The network file: save → load round trips keep every part, bit for bit, in a canonical text.

Golden files and migrations: test_fileformat_golden.py; fuzzing: test_fileformat_fuzz.py.
"""
from __future__ import annotations

import copy
import json
import math

import numpy as np
import pytest

import engine
from engine.data import Preprocessor
from engine.document import DEFAULT_DATASET, Document
from engine.fileformat import dumps, load, loads, save, to_dict

from tests.engine.fileformat_helpers import rich_document, reload


# ---- round trip ----------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_round_trip_keeps_every_part(dtype):
    doc = rich_document(dtype)
    again = reload(doc)
    assert again == doc
    assert again.graph.to_dict() == doc.graph.to_dict()  # ids, names, params, positions, edge order
    assert [e.dst_port for e in again.graph.edges] == [e.dst_port for e in doc.graph.edges]
    assert again.training == doc.training
    assert again.dataset == doc.dataset
    assert again.preprocessing == doc.preprocessing
    assert Preprocessor.from_dict(again.preprocessing) == Preprocessor.from_dict(doc.preprocessing)
    assert again.view == doc.view
    assert again.dtype == dtype
    assert again.migrated_from is None


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_weights_are_bit_exact(dtype):
    doc = rich_document(dtype)
    again = reload(doc)
    assert set(again.weights) == set(doc.weights)
    for key, value in doc.weights.items():
        got = again.weights[key]
        assert got.dtype == np.dtype(dtype) and got.shape == value.shape, key
        assert got.tobytes() == value.tobytes(), key
    assert np.signbit(again.weights["left/W"][0, 0])


def test_history_keeps_nan_and_whole_numbers():
    doc = rich_document()
    text = dumps(doc)
    assert '"loss": [1.1, null, 0.5]' in text
    again = loads(text)
    assert again.history["epoch"] == [3, 6, 9]
    assert math.isnan(again.history["loss"][1]) and again.history["loss"][2] == 0.5
    assert math.isnan(again.history["accuracy"][2])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_reopened_trained_network_predicts_exactly_the_same(dtype, tmp_path):
    doc = rich_document(dtype)
    X = np.random.default_rng(0).normal(size=(32, 4))
    before = doc.network().predict(X)
    save(doc, tmp_path / "net.nnd")
    again = load(tmp_path / "net.nnd")
    after = again.network().predict(X)
    assert after.dtype == before.dtype and np.array_equal(after, before)


def test_really_trained_network_reopens_exactly(tmp_path):
    from engine.session import open_session, store

    g = engine.Graph()
    engine.graph.chain(g, [g.add_node("Input", shape=[2]), g.add_node("Dense", units=6, activation="tanh"),
                           g.add_node("Dense", units=1, activation="sigmoid"), g.add_node("Loss", function="bce")])
    doc = Document(graph=g)
    doc.training = engine.TrainConfig(epochs=3, batch_size=10, optimizer="adam", learning_rate=0.05, seed=4)
    doc.dataset = {"kind": "generator", "name": "circle", "n": 100, "noise": 0.1, "train_ratio": 0.5, "seed": 1,
                   "features": ["x1", "x2"]}
    session = open_session(doc)
    session.trainer.run()
    store(session)
    save(doc, tmp_path / "trained.nnd")
    again = load(tmp_path / "trained.nnd")
    assert again == doc and again.trained
    assert np.array_equal(again.network().predict(session.X_test), session.network.predict(session.X_test))
    labels, _ = engine.session.predict(again, session.data.test.X)
    assert np.array_equal(labels, engine.session.predict(doc, session.data.test.X)[0])


def test_csv_dataset_spec_round_trip():
    doc = Document()
    doc.dataset = {"kind": "csv", "path": "data/points.csv", "target": 2, "task": "multiclass", "delimiter": ";",
                   "header": False, "drop_missing": True, "train_ratio": 0.8, "seed": 5, "stratify": True,
                   "standardize": None, "standardize_targets": False, "features": None}
    assert reload(doc).dataset == doc.dataset
    doc.dataset = {"kind": "csv", "path": "ünï/dáta.csv", "target": "label"}
    assert reload(doc).dataset == doc.dataset


def test_generator_dataset_spec_round_trip():
    doc = Document()
    doc.dataset = {"kind": "generator", "name": "digits", "flat": False, "train_ratio": 0.8, "seed": 0,
                   "features": None}
    assert reload(doc).dataset == doc.dataset
    doc.dataset = {"kind": "generator", "name": "spiral", "n": 300, "noise": 0.35, "train_ratio": 0.3, "seed": 12,
                   "features": ["x1", "x2", "sin(x1)"], "standardize": False}
    assert reload(doc).dataset == doc.dataset


def test_empty_document_round_trip():
    doc = Document()
    text = dumps(doc)
    again = loads(text)
    assert again == doc and again.problems == [] and not again.trained
    assert again.dataset == DEFAULT_DATASET and again.history is None and again.weights is None
    data = json.loads(text)
    assert list(data) == ["format", "version", "dtype", "graph", "training", "dataset", "view"]


def test_output_is_canonical_and_deterministic():
    doc = rich_document()
    shuffled = copy.copy(doc)
    shuffled.dataset = dict(reversed(list(doc.dataset.items())))
    shuffled.view = dict(reversed(list(doc.view.items())))
    shuffled.weights = dict(reversed(list(doc.weights.items())))
    shuffled.history = dict(reversed(list(doc.history.items())))
    shuffled.training = copy.deepcopy(doc.training)
    shuffled.training.optimizer_params = dict(reversed(list(doc.training.optimizer_params.items())))
    assert dumps(shuffled) == dumps(doc)
    assert dumps(loads(dumps(doc))) == dumps(doc)
    text = dumps(doc)
    assert text.endswith("}\n") and "\t" not in text and "NaN" not in text
    assert to_dict(doc) == json.loads(text) and to_dict(doc)["history"]["loss"] == [1.1, None, 0.5]


def test_writer_accepts_numpy_scalars_and_writes_non_finite_as_null():
    doc = Document()
    doc.view = {"zoom": np.float32(1.5), "count": np.int64(3), "on": np.bool_(True), "bad": float("inf"),
                "pair": (1, 2), "array": np.arange(3)}
    text = dumps(doc)
    again = loads(text)
    assert again.view == {"zoom": 1.5, "count": 3, "on": True, "bad": None, "pair": [1, 2], "array": [0, 1, 2]}


def test_writer_names_what_it_cannot_write():
    doc = Document()
    doc.view = {"thing": object()}
    with pytest.raises(TypeError, match=r"view\.thing: a object cannot be written"):
        dumps(doc)
    doc.view = {1: "x"}
    with pytest.raises(TypeError, match="not text"):
        dumps(doc)


def test_document_equality_compares_content_only():
    a = rich_document()
    b = reload(a)
    assert a == b
    b.path, b.problems = "/elsewhere.nnd", ["x: y"]
    assert a == b
    b.view = {}
    assert a != b
    c = reload(a)
    c.weights["out/b"] = c.weights["out/b"] + 1e-7
    assert a != c
    d = reload(a)
    d.history["loss"][1] = 0.0
    assert a != d
    assert a != "not a document"


def test_document_seed_is_the_training_seed():
    doc = rich_document()
    assert doc.seed == 42
    doc.seed = 3
    assert doc.training.seed == 3
    doc.weights = None
    first = doc.network().get_weights()
    assert all(np.array_equal(first[k], engine.Network(doc.graph, seed=3).get_weights()[k]) for k in first)
