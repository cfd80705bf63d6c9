"""The classification and image views (samples grid, confusion matrix, filters, feature maps), fed
by the real training worker run in-process (gui.plots.replay) and driven through their widgets."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

import engine
from gui.plots import replay
from gui.plots.class_views import ClassViews
from gui.plots.confusion import row_shares
from gui.plots.replay import EXAMPLES, RecordingConnection
from engine.fileformat import to_dict
from engine.worker import TrainingWorker


def untrained(name: str):
    doc = engine.load(EXAMPLES / name)
    doc.weights = doc.history = doc.preprocessing = None
    return doc


class LiveWorker:
    """An in-process worker that the views' option requests reach, as the window's controller does."""

    def __init__(self, doc) -> None:
        self.conn = RecordingConnection()
        self.worker = TrainingWorker(self.conn)
        self.worker.handle({"cmd": "view", "boundary": False, "neuron_maps": False})
        self.worker.handle({"cmd": "load", "doc": to_dict(doc), "base_dir": str(EXAMPLES)})
        self.worker.in_flight = 0

    def take(self, kind: str) -> list[dict]:
        out = [m for m in self.conn.sent if m["kind"] == kind]
        self.conn.sent = [m for m in self.conn.sent if m["kind"] != kind]
        return out

    def command(self, **message) -> None:
        self.worker.handle(message)
        self.worker.in_flight = 0


@pytest.fixture
def views(qtbot):
    widget = ClassViews()
    qtbot.addWidget(widget)
    widget.resize(700, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def cnn(views):
    """The digits CNN, untrained, loaded into the views; the views' requests go to its worker."""
    live = LiveWorker(untrained("digits_cnn.nnd"))
    views.optionsChanged.connect(lambda options: live.command(cmd="view", **options))
    views.reset(live.take("loaded")[0])
    for snapshot in live.take("snapshot"):
        views.add_snapshot(snapshot)
    return live


def feed(views, live) -> None:
    for snapshot in live.take("snapshot"):
        views.add_snapshot(snapshot)
    views.redraw()


def test_tiles_show_true_and_predicted_classes_with_mistakes_framed(views, cnn, qtbot):
    samples = views.samples
    feed(views, cnn)
    loaded_images = cnn.worker.session.data.test.X
    assert samples.stack.currentWidget() is samples.scroll
    assert len(samples.grid.images) == len(loaded_images)
    predicted, y = samples.predicted, samples.y["test"]
    wrong = np.flatnonzero(predicted != y[: len(predicted)])
    assert 0 < len(wrong) < len(predicted)  # an untrained network: mistakes, and some right by chance
    i, j = int(wrong[0]), int(np.flatnonzero(predicted == y[: len(predicted)])[0])
    assert samples.grid.frames[i] == samples.mistake_color() and samples.grid.frames[j] is None
    assert samples.grid.captions[i] == f"{y[i]}→{predicted[i]}" and samples.grid.captions[j] == str(y[j])
    assert "wrong" in samples.summary.text()

    qtbot.mouseClick(samples.mistakes_box, Qt.MouseButton.LeftButton)
    assert samples.mistakes_only
    np.testing.assert_array_equal(samples.grid.order, wrong)
    qtbot.mouseClick(samples.mistakes_box, Qt.MouseButton.LeftButton)
    assert len(samples.grid.order) == len(predicted)


def test_clicking_a_tile_shows_that_samples_feature_maps(views, cnn, qtbot):
    feed(views, cnn)
    views.tabs.setCurrentWidget(views.samples)
    grid = views.samples.grid
    qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=grid.tile_rect(7).center())
    assert grid.selected == 7
    feed(views, cnn)  # the worker answered the request with a snapshot
    features = views.features
    assert features.shown_sample == ("test", 7) and features.spin.value() == 7
    assert list(features.sections) == ["input_1", "conv_1", "maxpool_1", "conv_2", "maxpool_2", "flatten_1",
                                       "dense_1"]
    conv = features.sections["conv_1"]
    assert len(conv.grid.images) == 16 and conv.grid.isVisibleTo(features)
    assert features.sections["dense_1"].strip.isVisibleTo(features)
    expected = cnn.worker.session.network.forward_all(cnn.worker.session.X_test[7:8])["conv_1"][0]
    np.testing.assert_allclose(conv.values, expected, rtol=1e-5)

    qtbot.mouseDClick(grid, Qt.MouseButton.LeftButton, pos=grid.tile_rect(3).center())
    assert views.tabs.currentWidget() is features
    features.spin.setValue(11)  # the spin box asks as well
    feed(views, cnn)
    assert features.shown_sample == ("test", 11)


def test_the_combo_box_chooses_the_convolution_whose_filters_are_drawn(views, cnn, qtbot):
    feed(views, cnn)
    filters = views.filters
    views.tabs.setCurrentWidget(filters)
    filters.redraw()
    assert filters.layers == ["conv_1", "conv_2"] and filters.layer == "conv_1"
    assert len(filters.grid.images) == 16 and "16 filters of 3×3 × 1 channel" in filters.caption.text()
    filters.layer_combo.setCurrentIndex(1)
    assert len(filters.grid.images) == 32 * 16 and filters.grid.columns() == 16
    assert "32 filters of 3×3 × 16 channels" in filters.caption.text()
    w = cnn.worker.session.network.get_weights()["conv_2/W"]
    assert filters.filters["conv_2"].shape == w.shape
    views.select_layer("conv_1", is_conv=True)  # a Conv2D selected on the canvas
    assert filters.layer == "conv_1"


def test_training_changes_what_the_views_show(views, cnn):
    feed(views, cnn)
    before = views.confusion.counts.copy()
    cnn.command(cmd="set", epochs=None)
    cnn.command(cmd="step", epoch=True)
    cnn.command(cmd="step", epoch=True)
    feed(views, cnn)
    after = views.confusion.counts
    assert after.sum() == before.sum() and np.trace(after) > np.trace(before)


def test_confusion_matrix_counts_shares_and_tooltips(views, qtbot):
    loaded, snapshots = replay.record("iris.nnd", steps=2, every_step=True, boundary=False)
    views.tabs.setCurrentWidget(views.confusion)
    replay.feed([views], loaded, snapshots)
    confusion = views.confusion
    assert confusion.matrix.width() > 300
    counts = snapshots[-1]["classes"]["confusion"]
    np.testing.assert_array_equal(confusion.counts, counts)
    np.testing.assert_allclose(row_shares(counts).sum(axis=1), 1.0)
    matrix = confusion.matrix
    assert matrix.class_names == ["setosa", "versicolor", "virginica"]
    rect = matrix.grid_rect()
    size = rect.width() / 3
    assert matrix.cell_at(QPointF(rect.left() + 1.5 * size, rect.top() + 0.5 * size)) == (0, 1)
    text = matrix.tooltip_text(0, 1)
    assert text.startswith(f"true setosa, predicted versicolor: {counts[0, 1]} samples")
    row = matrix.accuracy_row_at(QPointF(rect.right() + 20, rect.top() + 2.5 * size))
    assert row == 2 and matrix.accuracy_tooltip(2).startswith(f"virginica: {counts[2, 2]} of {counts[2].sum()} right")
    assert f"on {counts.sum()} samples" in confusion.summary.text() and "test set" in confusion.summary.toolTip()
    # not images: a table of samples instead of tiles
    samples = views.samples
    assert samples.stack.currentWidget() is samples.table
    model = samples.table_model
    assert model.rowCount() == len(loaded["test_y"]) and model.columns()[:4] == ["#", "true", "predicted", "p"]
    assert views.filters.placeholder.text().startswith("No Conv2D layer in this network")


def test_the_split_chooser_switches_every_view_to_the_training_set(views, cnn):
    feed(views, cnn)
    views.tabs.setCurrentWidget(views.confusion)
    views.confusion.split_box.setCurrentIndex(1)  # the confusion tab's chooser switches every view
    assert [box.currentText() for box in views.split_boxes] == ["Training set"] * 3
    feed(views, cnn)
    size = len(cnn.worker.session.X_train)
    assert views.confusion.counts.sum() == size and views.samples.split == "train"
    assert len(views.samples.grid.images) == size and "Training set" in views.samples.summary.text()
    assert views.features.shown_sample[0] == "train"


def test_empty_states_say_what_is_missing(views):
    views.reset(None)
    for view in (views.samples, views.confusion):
        assert view.stack.currentWidget() is view.placeholder and "Press Play to train" in view.placeholder.text()
    views.filters.redraw()
    assert "Press Play to train" in views.filters.placeholder.text()
    loaded, snapshots = replay.record("plane.nnd", steps=1, every_step=True, boundary=False)
    replay.feed([views], loaded, snapshots)
    assert views.samples.placeholder.text().startswith("Needs a classification dataset")
    assert views.confusion.placeholder.text().startswith("Needs a classification dataset")
    assert "classes" not in snapshots[-1]


def test_every_view_redraws_from_one_snapshot(views, cnn):
    """Taking in a snapshot only stores it; each view then redraws from it (about 1–3 ms a view,
    measured by hand: bench/README.md)."""
    feed(views, cnn)
    for view in views.views:
        views.tabs.setCurrentWidget(view)
        view.redraw()
