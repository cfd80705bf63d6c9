"""Class and image views' data: tiles, predictions, confusion counts, filters, feature maps, and how
the worker sends them (throttled, on request)."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np

from engine.data import prepare
from engine.fileformat import load
from engine.session import open_session
from engine.snapshot_classes import (
    MAX_CLASS_SAMPLES,
    ClassViews,
    class_summary,
    confusion_counts,
    conv_filters,
    gallery_images,
    image_shape,
    sample_features,
)
from gui.plots import replay

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def session(name):
    return open_session(load(EXAMPLES / f"{name}.nnd"))


def test_confusion_counts_match_a_naive_count():
    rng = np.random.default_rng(0)
    true, predicted = rng.integers(0, 5, 500), rng.integers(0, 5, 500)
    naive = np.zeros((5, 5), dtype=np.int64)
    for t, p in zip(true, predicted):
        naive[t, p] += 1
    np.testing.assert_array_equal(confusion_counts(true, predicted, 5), naive)
    assert confusion_counts([], [], 3).shape == (3, 3)


def test_class_summary_agrees_with_the_network_and_the_labels():
    s = session("iris")
    summary = class_summary(s.network, s.preprocessor, s.X_test, s.Y_test)
    labels, probs = s.preprocessor.predict(s.network, s.data.test.X)
    names = np.asarray(s.preprocessor.class_names)
    np.testing.assert_array_equal(names[summary["predicted"]], labels)
    np.testing.assert_allclose(summary["confidence"], probs.max(axis=1), rtol=1e-5)
    confusion = summary["confusion"]
    assert confusion.sum() == len(s.X_test)
    np.testing.assert_array_equal(confusion.sum(axis=1), np.bincount(s.Y_test, minlength=3))
    accuracy = np.trace(confusion) / confusion.sum()
    assert np.isclose(accuracy, (summary["predicted"] == s.Y_test).mean())


def test_binary_predictions_threshold_the_sigmoid_at_one_half():
    s = session("xor")
    summary = class_summary(s.network, s.preprocessor, s.X_test, s.Y_test)
    p1 = s.network.predict(s.X_test)[:, 0]
    np.testing.assert_array_equal(summary["predicted"], (p1 > 0.5).astype(int))
    assert summary["confusion"].shape == (2, 2)


def test_image_shapes_of_image_flat_pixel_and_tabular_data():
    images = prepare({"kind": "generator", "name": "digits", "flat": False})
    flat = prepare({"kind": "generator", "name": "digits"})
    assert image_shape(images.preprocessor) == (1, 8, 8)
    assert image_shape(flat.preprocessor) == (1, 8, 8)  # px_<row>_<col> features
    assert image_shape(session("iris").preprocessor) is None
    assert image_shape(session("spiral3").preprocessor) is None


def test_gallery_images_scale_the_range_to_bytes():
    X = np.array([[0.0, 8.0, 16.0, 4.0]])
    tiles = gallery_images(X, (1, 2, 2), 0.0, 16.0)
    assert tiles.dtype == np.uint8 and tiles.shape == (1, 1, 2, 2)
    np.testing.assert_array_equal(tiles.ravel(), [0, 128, 255, 64])


def test_conv_filters_are_the_four_axis_kernels():
    w = np.arange(2 * 3 * 3 * 3, dtype=np.float64).reshape(2, 3, 3, 3)
    dense = SimpleNamespace(params={"W": np.zeros((4, 2)), "b": np.zeros(2)})
    conv = SimpleNamespace(params={"W": w, "b": np.zeros(2)})
    net = SimpleNamespace(iter_layers=lambda: [("dense_1", dense), ("conv_1", conv)])
    filters = conv_filters(net)
    assert list(filters) == ["conv_1"] and filters["conv_1"].dtype == np.float32
    np.testing.assert_array_equal(filters["conv_1"], w)


def test_sample_features_are_each_layers_output_for_one_sample():
    s = session("iris")
    features = sample_features(s.network, s.X_test[3])
    assert list(features) == ["input_1", "dense_1", "dense_2"]
    full = s.network.forward_all(s.X_test[3:4])
    for name, value in features.items():
        np.testing.assert_allclose(value, full[name][0], rtol=1e-6)


# ---- the worker ---------------------------------------------------------------------------------
def test_the_worker_sends_tiles_predictions_and_features_on_request():
    loaded, snapshots = replay.record("digits_mlp.nnd", steps=3, every_step=True, boundary=False)
    assert loaded["image_shape"] == [1, 8, 8]
    assert loaded["test_images"].dtype == np.uint8
    assert loaded["test_images"].shape == (min(loaded["test_size"], MAX_CLASS_SAMPLES), 1, 8, 8)
    first = snapshots[0]["classes"]
    assert first["split"] == "test" and first["total"] == loaded["test_size"]
    y = np.asarray(loaded["test_y"])[: len(first["predicted"])]
    naive = np.zeros((10, 10), dtype=np.int64)
    for t, p in zip(y, first["predicted"]):
        naive[t, p] += 1
    np.testing.assert_array_equal(first["confusion"], naive)
    assert all("classes" in s for s in snapshots)  # forced snapshots (Step) always carry them
    assert snapshots[0]["filters"] == {}  # an MLP: no convolution


def test_features_follow_the_view_request_and_class_split_changes():
    worker, conn = replay._loaded_worker("iris.nnd", None, boundary=False)
    conn.sent.clear()
    worker.handle({"cmd": "view", "features": {"split": "train", "index": 5}})
    snap = [m for m in conn.sent if m["kind"] == "snapshot"][-1]
    assert snap["features"]["index"] == 5 and snap["features"]["split"] == "train"
    assert "classes" not in snap  # the weights did not change: no new evaluation
    np.testing.assert_allclose(snap["features"]["layers"]["dense_2"],
                               worker.session.network.predict(worker.session.X_train[5:6])[0], rtol=1e-5)
    conn.sent.clear()
    worker.handle({"cmd": "view", "classes_split": "train"})
    snap = [m for m in conn.sent if m["kind"] == "snapshot"][-1]
    assert snap["classes"]["split"] == "train" and snap["classes"]["total"] == len(worker.session.X_train)
    conn.sent.clear()
    worker.handle({"cmd": "view", "classes": False, "features": None})
    snap = [m for m in conn.sent if m["kind"] == "snapshot"][-1]
    assert "classes" not in snap and "features" not in snap


def test_class_evaluation_is_throttled_while_training():
    views = ClassViews()
    s = session("iris")
    payloads = []
    for i in range(20):
        s.trainer.step()
        payload = {}
        views.add_to(payload, s, {**ClassViews.DEFAULTS}, force=False, snapshots=i)
        payloads.append(payload)
    with_classes = [p for p in payloads if "classes" in p]
    assert len(with_classes) == 1  # the first, then not again within CLASSES_MIN_INTERVAL
