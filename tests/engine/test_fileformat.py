"""The network file: save → load round trips, atomic saving, and the problems a tolerant load lists.

Golden files and migrations: test_fileformat_golden.py; fuzzing: test_fileformat_fuzz.py.
"""
from __future__ import annotations

import base64
import copy
import json
import math
import os
import stat
import tracemalloc

import numpy as np
import pytest

import engine
from engine import fileformat
from engine.data import Preprocessor, make_dataset
from engine.document import DEFAULT_DATASET, Document
from engine.file_sections import MAX_PROBLEMS, Problem
from engine.fileformat import FileFormatError, dumps, load, loads, save, to_dict


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


# ---- atomic saving -------------------------------------------------------------------------
def _leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_save_writes_the_file_and_sets_the_path(tmp_path):
    doc = rich_document()
    target = tmp_path / "net.nnd"
    save(doc, target)
    assert doc.path == str(target)
    assert target.read_text(encoding="utf-8") == dumps(doc)
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("failing", ["replace", "write", "fsync"])
def test_failed_save_leaves_the_old_file_and_no_temp_file(tmp_path, monkeypatch, failing):
    target = tmp_path / "net.nnd"
    target.write_text("the old file", encoding="utf-8")

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    if failing == "replace":
        monkeypatch.setattr(os, "replace", boom)
    elif failing == "fsync":
        monkeypatch.setattr(os, "fsync", boom)
    else:
        real_fdopen = os.fdopen

        class Broken:
            def __init__(self, f):
                self.f = f

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.f.close()

            def write(self, data):
                self.f.write(data[: len(data) // 2])  # half written, then the disk is full
                boom()

        monkeypatch.setattr(os, "fdopen", lambda fd, mode: Broken(real_fdopen(fd, mode)))
    doc = rich_document()
    with pytest.raises(OSError, match="No space"):
        save(doc, target)
    assert target.read_text(encoding="utf-8") == "the old file"
    assert _leftovers(tmp_path) == []
    assert doc.path is None


def test_interrupted_save_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "net.nnd"
    save(Document(), target)
    old = target.read_bytes()

    def interrupt(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        save(rich_document(), target)
    assert target.read_bytes() == old and _leftovers(tmp_path) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_save_keeps_the_file_mode(tmp_path):
    target = tmp_path / "net.nnd"
    save(Document(), target)
    os.chmod(target, 0o640)
    save(rich_document(), target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    os.chmod(target, 0o604)
    save(Document(), target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o604


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_new_file_gets_the_usual_mode(tmp_path):
    umask = os.umask(0o022)
    try:
        save(Document(), tmp_path / "new.nnd")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.nnd").stat().st_mode) == 0o644


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_save_through_a_symlink_replaces_its_target(tmp_path):
    real = tmp_path / "real.nnd"
    save(Document(), real)
    link = tmp_path / "link.nnd"
    link.symlink_to(real)
    doc = rich_document()
    save(doc, link)
    assert link.is_symlink()
    assert load(real) == doc


def test_save_into_a_missing_folder_raises_oserror(tmp_path):
    with pytest.raises(OSError):
        save(Document(), tmp_path / "missing" / "net.nnd")


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


def test_base_file_opens_cleanly():
    doc = open_dict(base())
    assert doc.problems == [] and doc.trained


def test_bad_param_value_uses_the_default():
    data = base()
    data["graph"]["nodes"][1]["params"]["units"] = "many"
    doc = open_dict(data)
    assert "expected an integer" in only(doc.problems[:1], "graph.nodes[1].params.units")
    assert "the default 8 is used" in doc.problems[0]
    assert doc.graph.node("dense").params["units"] == 8
    assert doc.problems[1].startswith("weights: do not fit the network")  # dense/W is (2, 2), not (2, 8)


def test_param_out_of_range_and_wrong_choice():
    data = base()
    data["weights"] = None
    data["graph"]["nodes"][1]["params"]["units"] = 0
    data["graph"]["nodes"][2]["params"]["activation"] = "sigmod"
    doc = open_dict(data)
    assert [p.path for p in doc.problems] == ["graph.nodes[1].params.units", "graph.nodes[2].params.activation"]
    assert "did you mean sigmoid" in doc.problems[1]
    assert doc.graph.node("out").params["activation"] == "linear"


def test_unknown_param_is_ignored():
    data = base()
    data["graph"]["nodes"][1]["params"]["colour"] = "red"
    doc = open_dict(data)
    assert only(doc.problems, "graph.nodes[1].params.colour") == "Dense has no such parameter (ignored)"
    assert doc.trained


def test_params_not_an_object():
    data = base()
    data["weights"] = None
    data["graph"]["nodes"][1]["params"] = [1, 2]
    assert "expected an object, received [1, 2] (defaults used)" in only(problems_of(data), "graph.nodes[1].params")


def test_unknown_layer_type_skips_the_node_and_its_wires():
    data = base()
    data["graph"]["nodes"][2]["type"] = "Densse"
    doc = open_dict(data)
    paths = [p.path for p in doc.problems]
    assert paths == ["graph.nodes[2].type", "graph.edges[1].dst", "graph.edges[2].src", "weights"]
    data["graph"]["nodes"][0]["params"]["shape"] = "wide"  # node 0's problem comes first
    assert open_dict(data).problems[0].path == "graph.nodes[0].params.shape"
    assert "Did you mean Dense?" in doc.problems[0] and "(node skipped)" in doc.problems[0]
    assert "was skipped at graph.nodes[2] (wire skipped)" in doc.problems[1]
    assert [n.name for n in doc.graph.nodes] == ["inp", "dense", "loss"]
    assert len(doc.graph.edges) == 1 and not doc.trained


def test_node_that_is_not_an_object_is_skipped():
    data = base()
    data["weights"] = None
    data["graph"]["nodes"].append(42)
    assert only(problems_of(data), "graph.nodes[4]") == "expected a node object, received 42 (node skipped)"


def test_dangling_edge_is_skipped():
    data = base()
    data["graph"]["edges"].append({"src": "f" * 32, "src_port": "out", "dst": "d" * 32, "dst_port": "in"})
    doc = open_dict(data)
    message = only(doc.problems, "graph.edges[3].src")
    assert message == f'node "{"f" * 32}" is not in the file (wire skipped)'
    assert len(doc.graph.edges) == 3 and doc.trained


def test_edge_into_a_busy_port_or_closing_a_cycle_is_skipped():
    data = base()
    data["graph"]["edges"] += [{"src": "a" * 32, "src_port": "out", "dst": "c" * 32, "dst_port": "in"},
                               {"src": "c" * 32, "src_port": "out", "dst": "b" * 32, "dst_port": "in"},
                               {"src": "c" * 32, "src_port": "nope", "dst": "d" * 32, "dst_port": "in"},
                               {"src": "a" * 32, "dst": "b" * 32, "dst_port": 3}, "wire"]
    doc = open_dict(data)
    assert [p.path for p in doc.problems] == ["graph.edges[3]", "graph.edges[4]", "graph.edges[5]",
                                              "graph.edges[6].dst_port", "graph.edges[7]"]
    assert "already connected" in doc.problems[0] and "cycle" in doc.problems[1]
    assert "no output port 'nope'" in doc.problems[2]
    assert "expected text, received 3" in doc.problems[3]
    assert len(doc.graph.edges) == 3 and doc.trained


def test_optional_ports_default():
    data = base()
    for e in data["graph"]["edges"]:
        del e["src_port"], e["dst_port"]
    doc = open_dict(data)
    assert doc.problems == [] and [e.dst_port for e in doc.graph.edges] == ["in", "in", "in"]


def test_duplicate_ids_get_new_ids():
    data = base()
    data["graph"]["nodes"][2]["id"] = "b" * 32
    doc = open_dict(data)
    assert doc.problems[0].path == "graph.nodes[2].id"
    assert "repeats the id of another node" in doc.problems[0]
    ids = [n.id for n in doc.graph.nodes]
    assert len(set(ids)) == 4 and ids[2] != "b" * 32
    assert open_dict(data).graph.nodes[2].id == ids[2]  # the new id is the same on every load


def test_missing_id_gets_a_new_id():
    data = base()
    data["weights"] = None
    del data["graph"]["nodes"][3]["id"]
    assert "is missing or not an id" in problems_of(data)[0]


def test_duplicate_and_invalid_names_are_renamed_without_stealing_later_names():
    data = base()
    data["weights"] = None
    nodes = data["graph"]["nodes"]
    nodes[1]["name"] = "bad name!"      # invalid: renamed, but not to dense_1, which a later node has
    nodes[2]["name"] = "dense_1"
    nodes[3]["name"] = "dense_1"        # repeated: renamed
    doc = open_dict(data)
    assert [p.path for p in doc.problems] == ["graph.nodes[1].name", "graph.nodes[3].name"]
    assert "renamed to dense_2" in doc.problems[0] and "is used by another node" in doc.problems[1]
    assert [n.name for n in doc.graph.nodes] == ["inp", "dense_2", "dense_1", "loss_1"]


def test_name_with_a_trailing_newline_is_invalid():
    data = base()
    data["weights"] = None
    data["graph"]["nodes"][0]["name"] = "inp\n"
    assert "not a valid name" in only(problems_of(data), "graph.nodes[0].name")


@pytest.mark.parametrize("pos", [[1], [1, 2, 3], ["a", 0], [float("nan"), 0], [1e300, 0], "here", None,
                                 [10**400, 0], [True, 0]])
def test_bad_position_places_the_node_at_the_origin(pos):
    data = base()
    data["graph"]["nodes"][1]["pos"] = pos
    doc = open_dict(data)
    assert "(placed at 0, 0)" in only(doc.problems, "graph.nodes[1].pos")
    assert doc.graph.node("dense").pos == (0.0, 0.0)


def test_unknown_keys_are_listed():
    data = base()
    data["comment"] = "hi"
    data["graph"]["nodes"][0]["colour"] = "red"
    data["graph"]["edges"][0]["weight"] = 1
    data["graph"]["layout"] = "grid"
    paths = [p.path for p in problems_of(data)]
    assert paths == ["comment", "graph.layout", "graph.nodes[0].colour", "graph.edges[0].weight"]


@pytest.mark.parametrize("key,value,expected", [
    ("epochs", -1, "expected a whole number ≥ 0"),
    ("epochs", 2.5, "expected a whole number"),
    ("batch_size", 0, "batch_size ≥ 1"),
    ("learning_rate", "fast", "expected a finite number"),
    ("learning_rate", -0.1, "learning_rate > 0"),
    ("learning_rate", float("nan"), "expected a finite number, received NaN"),
    ("optimizer", "adamm", "Unknown optimizer 'adamm'"),
    ("optimizer_params", {"beta1": 2.0}, "beta1"),
    ("optimizer_params", {"momentum": 0.9, "nope": 1}, "nope"),
    ("optimizer_params", [0.9], "expected an object of numbers"),
    ("optimizer_params", {"momentum": "high"}, "expected an object of numbers and true/false values"),
    ("optimizer_params", {"nesterov": 1.5}, "nesterov"),
    ("schedule", "weekly", "Unknown schedule"),
    ("schedule_params", {"step_size": 0}, "step_size"),
    ("shuffle", "yes", "expected true or false"),
    ("seed", -3, "expected a whole number ≥ 0"),
    ("seed", 10**100, "expected a whole number ≥ 0, received a 101-digit number"),
    ("clip_norm", 0, "clip_norm > 0"),
    ("validation_split", 1.0, "validation_split in [0, 1)"),
    ("early_stopping", 0, "patience ≥ 1"),
    ("eval_every", None, "expected a whole number"),
])
def test_bad_training_setting_uses_the_default(key, value, expected):
    data = base()
    data["training"][key] = value
    doc = open_dict(data)
    message = only(doc.problems, f"training.{key}")
    assert expected in message and "(the default" in message
    assert getattr(doc.training, key) == getattr(engine.TrainConfig(), key)


def test_optimizer_params_keep_their_types():
    data = base()
    data["training"].update(optimizer="sgd", optimizer_params={"momentum": 0.9, "nesterov": True})
    doc = open_dict(data)
    assert doc.problems == [] and doc.training.optimizer_params == {"momentum": 0.9, "nesterov": True}
    data["training"].update(schedule="step", schedule_params={"step_size": 3, "gamma": 1})
    doc = open_dict(data)
    assert doc.problems == [] and doc.training.schedule_params == {"step_size": 3, "gamma": 1.0}
    assert reload(doc) == doc


def test_training_settings_are_read_in_field_order():
    """optimizer_params written before optimizer must be checked against that optimizer."""
    data = base()
    data["training"] = {"optimizer_params": {"beta1": 0.7}, "optimizer": "adam", "learning_rate": 0.01}
    doc = open_dict(data)
    assert doc.problems == []
    assert doc.training.optimizer == "adam" and doc.training.optimizer_params == {"beta1": 0.7}


def test_training_unknown_setting_and_wrong_type():
    data = base()
    data["training"]["momentum"] = 0.9
    assert only(problems_of(data), "training.momentum") == "unknown setting (ignored)"
    data = base()
    data["training"] = "fast"
    assert "default settings used" in only(problems_of(data), "training")


def test_missing_sections_use_defaults():
    data = base()
    for key in ("training", "dataset", "view", "history", "weights", "dtype"):
        data.pop(key, None)
    doc = open_dict(data)
    assert doc.problems == [] and doc.dataset == DEFAULT_DATASET and doc.view == {}
    assert doc.training == engine.TrainConfig() and doc.dtype == "float32"


@pytest.mark.parametrize("key,value,expected", [
    ("kind", "sql", "expected one of generator, csv"),
    ("name", "spirall", "Did you mean 'spiral'"),
    ("n", 0, "a number of samples"),
    ("noise", 0.9, "a fraction from 0 to 0.5"),
    ("train_ratio", 0, "train_ratio must lie above 0"),
    ("seed", "x", "a whole number ≥ 0"),
    ("features", ["x1", "x3"], "Unknown feature 'x3'"),
    ("features", "x1", "a list of feature names"),
    ("standardize", "yes", "true or false or null"),
    ("path", 7, "expected text"),
    ("header", 1, "true or false or null"),
    ("delimiter", ",,,,,", "a delimiter"),
    ("target", [1], "a column name"),
])
def test_bad_dataset_setting_is_left_out(key, value, expected):
    data = base()
    data["dataset"][key] = value
    doc = open_dict(data)
    message = only(doc.problems, f"dataset.{key}")
    assert expected in message and "left out" in message
    assert key not in doc.dataset


def test_dataset_unknown_key_and_wrong_type():
    data = base()
    data["dataset"]["colour"] = "red"
    assert only(problems_of(data), "dataset.colour") == "unknown dataset setting (ignored)"
    data["dataset"] = ["circle"]
    doc = open_dict(data)
    assert "the default dataset is used" in only(doc.problems, "dataset")
    assert doc.dataset == DEFAULT_DATASET


def test_dtype_problem():
    data = base()
    data["dtype"] = "float16"
    assert "float32 used" in only(problems_of(data), "dtype")


def test_weights_that_do_not_fit_the_graph_are_dropped():
    data = base()
    data["graph"]["nodes"][1]["params"]["units"] = 3  # a valid edit: dense/W is now (2, 3)
    doc = open_dict(data)
    message = only(doc.problems, "weights")
    assert "dense/W has shape [2, 2] but the network needs [2, 3]" in message
    assert message.endswith("(the network opens untrained)")
    assert doc.weights is None and not doc.trained
    doc.network()  # opens, untrained


def test_missing_and_extra_weights_are_named():
    data = base()
    data["weights"]["ghost/W"] = data["weights"].pop("out/W")
    message = only(problems_of(data), "weights")
    assert "missing out/W" in message and "not in the network ghost/W" in message


def test_nan_weights_are_dropped():
    data = base()
    w = np.array([[np.nan, 1.0], [2.0, 3.0]], dtype="<f4")
    data["weights"]["dense/W"]["data"] = base64.b64encode(w.tobytes()).decode()
    message = only(problems_of(data), 'weights["dense/W"]')
    assert message == "contains NaN or Inf (all weights dropped: the network opens untrained)"


def test_wrong_base64_is_reported():
    data = base()
    entry = data["weights"]["dense/b"]
    entry["data"] = "!!" + entry["data"][2:]
    assert "not valid base64" in only(problems_of(data), 'weights["dense/b"].data')


def test_wrong_byte_count_is_reported():
    data = base()
    data["weights"]["dense/b"]["data"] = base64.b64encode(b"\0" * 12).decode()
    message = only(problems_of(data), 'weights["dense/b"].data')
    assert "16 characters of base64, but shape [2] of float32 needs 8 bytes" in message


@pytest.mark.parametrize("entry,path,expected", [
    ({"dtype": "int8", "shape": [2], "data": ""}, ".dtype", "expected float32 or float64"),
    ({"dtype": "float32", "shape": "2", "data": ""}, ".shape", "expected a list of sizes"),
    ({"dtype": "float32", "shape": [-1], "data": ""}, ".shape", "expected a list of sizes"),
    ({"dtype": "float32", "shape": [10**6, 10**6], "data": ""}, ".shape", "more than the"),
    ({"dtype": "float32", "shape": [2], "data": 5}, ".data", "expected base64 text"),
    ("AAAA", "", "expected an object with dtype, shape and data"),
])
def test_malformed_weight_entries(entry, path, expected):
    data = base()
    data["weights"]["dense/b"] = entry
    assert expected in only(problems_of(data), f'weights["dense/b"]{path}')


def test_weights_not_an_object():
    data = base()
    data["weights"] = [1]
    assert "the network opens untrained" in only(problems_of(data), "weights")


def test_weights_of_a_graph_that_cannot_run_are_kept():
    data = base()
    del data["graph"]["edges"][0]  # Input no longer feeds the network: it cannot run
    doc = open_dict(data)
    assert doc.problems == [] and doc.trained  # kept, to be checked once the wire is back
    assert reload(doc) == doc


def test_bad_history_entries_are_dropped():
    data = base()
    data["history"]["loss"] = [0.5, "high"]
    data["history"]["accuracy"] = 0.5
    data["history"]["val_loss"] = [0.4, None, float("inf")]
    doc = open_dict(data)
    assert [p.path for p in doc.problems] == ["history.accuracy", "history.loss"]  # in the file's order
    assert 'holding "high"' in doc.problems[1]
    assert set(doc.history) == {"val_loss"} and doc.history["val_loss"][0] == 0.4
    assert all(math.isnan(v) for v in doc.history["val_loss"][1:])
    data["history"] = "long"
    assert "history dropped" in only(problems_of(data), "history")


def test_bad_preprocessing_is_dropped():
    data = base()
    data["preprocessing"] = {"task": "binary", "class_names": ["a", "b"], "input_names": ["x1", "x2"],
                             "input_shape": [2], "standardize": True, "mean": [0.0, 0.0], "std": [1.0, -1.0]}
    message = only(problems_of(data), "preprocessing.std")
    assert "greater than 0" in message and "dropped" in message
    data["preprocessing"] = "scaled"
    assert "expected an object" in only(problems_of(data), "preprocessing")


def test_view_keeps_free_form_content_but_not_non_finite_numbers():
    data = base()
    data["view"] = {"zoom": float("nan"), "panels": [{"open": True}], "x": 1}
    doc = open_dict(data)
    assert "null used" in only(doc.problems, "view.zoom")
    assert doc.view == {"zoom": None, "panels": [{"open": True}], "x": 1}
    data["view"] = [1]
    assert "expected an object" in only(problems_of(data), "view")


def test_nan_and_infinity_literals_are_tolerated():
    text = dumps(open_dict(base())).replace('"l1": 0.0', '"l1": NaN').replace('"zoom"', '"zoom"')
    text = text.replace('"view": {}', '"view": {"zoom": Infinity}')
    doc = loads(text)
    assert [p.path for p in doc.problems] == ["training.l1", "view.zoom"]


def test_huge_numbers_do_not_crash():
    data = base()
    data["weights"] = None
    data["graph"]["nodes"][0]["params"]["shape"] = [10**100]
    data["graph"]["nodes"][1]["params"]["units"] = -10**100
    data["training"]["learning_rate"] = 1e308
    data["history"]["loss"] = [10**100, 1e308]
    text = json.dumps(data).replace('"epochs": 100', '"epochs": ' + "9" * 5000)
    doc = loads(text)
    paths = [p.path for p in doc.problems]
    assert paths == ["graph.nodes[0].params.shape", "graph.nodes[1].params.units", "training.epochs"]
    assert "more than the 10,000,000 NeuroCanvas handles" in doc.problems[0]
    assert doc.training.learning_rate == 1e308 and doc.history["loss"] == [1e100, 1e308]
    engine.analyze(doc.graph)


def test_huge_weight_shapes_do_not_allocate():
    """Input [9,000,000] → Concat (18 million values) → BatchNorm → Dense, with weights."""
    data = base()
    data["graph"]["nodes"][0]["params"]["shape"] = [9_000_000]
    data["graph"]["nodes"][1:1] = [{"id": "e" * 32, "type": "Concat", "name": "cat", "params": {}, "pos": [0, 0]},
                                   {"id": "f" * 32, "type": "BatchNorm", "name": "bn", "params": {}, "pos": [0, 0]}]
    data["graph"]["edges"][0] = {"src": "a" * 32, "dst": "e" * 32, "dst_port": "in1"}
    data["graph"]["edges"] += [{"src": "a" * 32, "dst": "e" * 32, "dst_port": "in2"},
                               {"src": "e" * 32, "dst": "f" * 32}, {"src": "f" * 32, "dst": "b" * 32}]

    def peak_while_loading(text):
        tracemalloc.start()
        try:
            doc = loads(text)
            return doc, tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    data["weights"]["dense/W"] = {"dtype": "float64", "shape": [50_000_000, 1], "data": "AAAA"}
    doc, peak = peak_while_loading(json.dumps(data))
    assert peak < 50 * 2**20, peak
    assert "characters of base64" in only(doc.problems, 'weights["dense/W"].data')
    data["weights"]["dense/W"] = base()["weights"]["dense/W"]
    doc, peak = peak_while_loading(json.dumps(data))
    assert peak < 50 * 2**20, peak
    assert "too large to check the weights" in only(doc.problems, "weights")
    assert engine.analyze(doc.graph).shapes["f" * 32] == (18_000_000,)


def test_deep_nesting_inside_a_section_is_cut():
    data = base()
    deep: list = []
    for _ in range(200):
        deep = [deep]
    data["view"] = {"deep": deep}
    data["graph"]["nodes"][1]["params"]["units"] = deep
    doc = open_dict(data)
    assert doc.problems[0].startswith("view.deep[0][0]") and "nested more than 64 levels" in doc.problems[0]
    assert doc.problems[1].startswith("graph.nodes[1].params.units")
    assert reload(doc) == doc


def test_very_long_strings_give_short_messages():
    data = base()
    data["weights"] = None
    data["graph"]["nodes"][1]["params"]["activation"] = "x" * 1_000_000
    data["graph"]["nodes"][2]["name"] = "y" * 1_000_000
    data["graph"]["nodes"][3]["type"] = "z" * 1_000_000
    data["dataset"]["w" * 1000] = 1
    doc = open_dict(data)
    assert [p.path for p in doc.problems] == ["graph.nodes[1].params.activation", "graph.nodes[2].name",
                                              "graph.nodes[3].type", "graph.edges[2].dst",
                                              'dataset["' + "w" * 39 + '…"]']
    assert all(len(p) < 600 for p in doc.problems)


def test_too_many_problems_are_counted_not_listed():
    data = base()
    data["weights"] = None
    data["graph"]["nodes"][1]["params"] = {f"p{i}": i for i in range(MAX_PROBLEMS + 50)}
    doc = open_dict(data)
    assert len(doc.problems) == MAX_PROBLEMS + 1 and doc.problems[-1] == "… and 50 more problems"


def test_every_problem_is_listed_in_file_order():
    data = base()
    data["graph"]["nodes"][1]["params"]["units"] = "many"
    data["graph"]["nodes"][2]["pos"] = "here"
    data["graph"]["edges"].append({"src": "nobody", "dst": "d" * 32})
    data["training"]["epochs"] = -5
    data["dataset"]["noise"] = 3
    data["history"]["loss"] = "x"
    data["view"] = 5
    paths = [p.path for p in problems_of(data)]
    assert paths == ["graph.nodes[1].params.units", "graph.nodes[2].pos", "graph.edges[3].src",
                     "training.epochs", "dataset.noise", "weights", "history.loss", "view"]


# ---- fatal problems: one FileFormatError listing every one ---------------------------------
def fatal(text) -> list[str]:
    with pytest.raises(FileFormatError) as info:
        loads(text)
    assert str(info.value)
    return info.value.problems


@pytest.mark.parametrize("text,expected", [
    ("", "the file is empty"),
    (b"  \n\t ", "the file is empty"),
    ("{\"format\": ", "not a NeuroCanvas network file: invalid JSON at line 1, column 12"),
    ("hello", "invalid JSON at line 1, column 1: Expecting value"),
    ("[1, 2]", "the top level is [1, 2], not an object"),
    ("42", "the top level is 42, not an object"),
    (b"\xff\xfe{}", "not UTF-8 text (byte 0 is 0xff)"),
    (b"PK\x03\x04\x14\x00", "invalid JSON"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
])
def test_unreadable_text(text, expected):
    problems = fatal(text)
    assert len(problems) == 1 and expected in problems[0]


def test_wrong_format_tag_and_version_are_listed_together():
    problems = fatal('{"format": "other.tool", "version": "one", "graph": {}}')
    assert problems == ["format: not a NeuroCanvas network file (its format is \"other.tool\", not "
                        "'neurocanvas.network')", 'version: expected a whole number ≥ 0, received "one"']
    problems = fatal("{}")
    assert [p.path for p in problems] == ["format", "version"] and "there is no format tag" in problems[0]


def test_newer_version_asks_to_update():
    data = base()
    data["version"] = fileformat.VERSION + 1
    (problem,) = fatal(json.dumps(data))
    assert problem.path == "version" and "newer NeuroCanvas" in problem and "please update" in problem


@pytest.mark.parametrize("graph", [None, [], "nodes", 3])
def test_missing_graph(graph):
    data = base()
    if graph is None:
        del data["graph"]
    else:
        data["graph"] = graph
    data["view"] = [1]  # a non-fatal problem is listed too
    problems = fatal(json.dumps(data))
    assert [p.path for p in problems] == ["graph"]
    assert "there is no network to open" in problems[0]


def test_fatal_error_lists_collected_problems_too():
    data = base()
    del data["graph"]
    deep: list = []
    for _ in range(100):
        deep = [deep]
    data["view"] = deep
    problems = fatal(json.dumps(data))
    assert [p.path for p in problems][-1] == "graph" and "nested more than 64" in problems[0]


def test_error_message_names_the_file(tmp_path):
    target = tmp_path / "bad.nnd"
    target.write_bytes(b"\x00\x01")
    with pytest.raises(FileFormatError) as info:
        load(target)
    assert info.value.path == str(target) and str(info.value).startswith(str(target))
    err = FileFormatError(["a: b", "c: d"], "x.nnd")
    assert str(err) == "x.nnd: 2 problems: a: b; c: d"


def test_load_errors_are_file_format_errors(tmp_path):
    with pytest.raises(FileFormatError, match="no such file"):
        load(tmp_path / "missing.nnd")
    with pytest.raises(FileFormatError, match="is a folder"):
        load(tmp_path)
    with pytest.raises(FileFormatError, match="cannot be read"):
        load(str(tmp_path / "nul\0byte.nnd"))


def test_load_refuses_huge_files(tmp_path, monkeypatch):
    target = tmp_path / "big.nnd"
    target.write_text("{}")
    monkeypatch.setattr(fileformat, "MAX_FILE_BYTES", 1)
    with pytest.raises(FileFormatError, match="larger than"):
        load(target)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads everything")
def test_unreadable_file(tmp_path):
    target = tmp_path / "secret.nnd"
    save(Document(), target)
    os.chmod(target, 0)
    with pytest.raises(FileFormatError, match="permission"):
        load(target)


def test_byte_order_mark_is_accepted():
    text = dumps(Document())
    assert loads(b"\xef\xbb\xbf" + text.encode()).problems == []
    assert loads("\ufeff" + text).problems == []


def test_loads_accepts_text_and_bytes_only():
    with pytest.raises(FileFormatError, match="expected text"):
        loads(12)  # type: ignore[arg-type]


def test_from_dict_does_not_modify_its_input():
    data = base()
    deep: list = []
    for _ in range(100):
        deep = [deep]
    data["view"] = {"deep": deep}
    data["graph"]["nodes"][1]["params"]["units"] = "x"
    before = json.dumps(data)
    fileformat.from_dict(data)
    assert json.dumps(data) == before
