"""Image-folder and IDX datasets in the network file: saved, reopened, rebased on Save As, trained headless."""
from __future__ import annotations

import gzip
import struct

import numpy as np
from PIL import Image

from engine.document import Document
from engine.fileformat import load, loads, save
from engine.graph import Graph
from engine.session import open_session, store


def image_folder(root):
    rng = np.random.default_rng(0)
    for k, name in enumerate(["dark", "light"]):
        (root / name).mkdir(parents=True)
        for i in range(10):
            Image.fromarray((rng.random((4, 4)) * 100 + 150 * k).astype(np.uint8), "L").save(root / name / f"{i}.png")
    return root


def idx_files(folder):
    rng = np.random.default_rng(1)
    y = np.repeat([0, 1], 10).astype(np.uint8)
    X = (rng.random((20, 4, 4)) * 100 + 150 * y[:, None, None]).astype(np.uint8)
    (folder / "imgs.idx.gz").write_bytes(gzip.compress(struct.pack(">BBBBIII", 0, 0, 8, 3, 20, 4, 4) + X.tobytes()))
    (folder / "labels.idx").write_bytes(struct.pack(">BBBBI", 0, 0, 8, 1, 20) + y.tobytes())


def small_network() -> Graph:
    g = Graph()
    x = g.add_node("Input", shape=[1, 4, 4])
    f = g.add_node("Flatten")
    d = g.add_node("Dense", units=2)
    loss = g.add_node("Loss", function="cross_entropy")
    s = g.add_node("Softmax")
    g.connect(x, f)
    g.connect(f, d)
    g.connect(d, s)
    g.connect(s, loss)
    return g


def test_an_image_folder_spec_round_trips_and_rebases(tmp_path):
    data = image_folder(tmp_path / "data" / "shades")
    (tmp_path / "nets" / "deep").mkdir(parents=True)
    doc = Document()
    doc.dataset = {"kind": "images", "path": str(data), "color": "grey", "size": [4, 4], "train_ratio": 0.8,
                   "seed": 2, "standardize": True}
    save(doc, tmp_path / "data" / "net.nnd")
    again = load(tmp_path / "data" / "net.nnd")
    assert again.problems == [] and again.dataset == {**doc.dataset, "path": "shades"}
    save(again, tmp_path / "nets" / "deep" / "net.nnd")
    moved = load(tmp_path / "nets" / "deep" / "net.nnd")
    assert moved.dataset["path"] == "../../data/shades"


def test_idx_paths_rebase_both_files(tmp_path):
    idx_files(tmp_path)
    (tmp_path / "sub").mkdir()
    doc = Document()
    doc.dataset = {"kind": "idx", "images": "imgs.idx.gz", "labels": "labels.idx", "limit": 20, "train_ratio": 0.5}
    doc.path = str(tmp_path / "a.nnd")
    save(doc, tmp_path / "sub" / "b.nnd")
    reopened = load(tmp_path / "sub" / "b.nnd")
    assert reopened.dataset == {"kind": "idx", "images": "../imgs.idx.gz", "labels": "../labels.idx", "limit": 20,
                                "train_ratio": 0.5}


def test_bad_image_settings_are_reported_and_left_out():
    text = ('{"format": "neurocanvas.network", "version": 1, "graph": {"nodes": [], "edges": []}, '
            '"dataset": {"kind": "images", "path": "p", "color": "sepia", "size": [0, 3], "limit": 1}}')
    doc = loads(text)
    assert doc.dataset == {"kind": "images", "path": "p"}
    assert any(p.startswith("dataset.color: expected \"grey\", \"rgb\" or null") for p in doc.problems)
    assert any(p.startswith("dataset.size: expected [height, width]") for p in doc.problems)
    assert any(p.startswith("dataset.limit: expected a number of samples ≥ 2") for p in doc.problems)


def test_a_network_trains_on_images_and_keeps_its_preprocessing(tmp_path):
    image_folder(tmp_path / "shades")
    doc = Document()
    doc.graph = small_network()
    doc.dataset = {"kind": "images", "path": "shades", "train_ratio": 0.5, "seed": 0}
    doc.training.epochs = 30
    doc.training.learning_rate = 0.1
    doc.path = str(tmp_path / "net.nnd")
    session = open_session(doc)
    result = session.trainer.run(epochs=30)
    assert result.status == "completed"
    store(session)
    save(doc, tmp_path / "net.nnd")
    reopened = load(tmp_path / "net.nnd")
    pre = reopened.preprocessing
    assert pre["input_shape"] == [1, 4, 4] and pre["class_names"] == ["dark", "light"]
    assert pre["standardize"] is True and len(pre["mean"]) == 1 and len(pre["std"]) == 1
    assert open_session(reopened).test_metrics()["accuracy"] == 1.0


def test_idx_trains_too(tmp_path):
    idx_files(tmp_path)
    doc = Document()
    doc.graph = small_network()
    doc.dataset = {"kind": "idx", "images": "imgs.idx.gz", "labels": "labels.idx", "train_ratio": 0.5}
    doc.path = str(tmp_path / "n.nnd")
    session = open_session(doc)
    assert session.X_train.shape == (10, 1, 4, 4) and session.trainer.run(epochs=5).status == "completed"
