"""The loss plot, fed with real snapshots of the training worker (run in-process)."""
from __future__ import annotations

import csv
import math

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage

from gui.plots import LossPlot, replay
from gui.plots.common import MAX_POINTS


@pytest.fixture(scope="module")
def spiral_run():
    """The spiral example trained for 12 epochs: (loaded, snapshots)."""
    return replay.record("spiral.nnd", epochs=12, boundary=False)


@pytest.fixture
def plot(qtbot):
    widget = LossPlot()
    qtbot.addWidget(widget)
    widget.resize(800, 250)
    return widget


def drawn(curve) -> int:
    """How many points a curve draws."""
    x, _ = curve.getData()
    return 0 if x is None else len(x)


def epoch_rows(snapshots):
    return [row for s in snapshots for row in s["epochs"]]


def test_snapshots_become_the_per_epoch_and_per_batch_curves(plot, spiral_run):
    loaded, snapshots = spiral_run
    replay.feed([plot], loaded, snapshots)
    rows = epoch_rows(snapshots)
    assert plot.objectName() == "lossPlot" and len(rows) == 12

    x, y = plot.curves["loss"].getData()
    np.testing.assert_array_equal(x, np.arange(1, 13))
    np.testing.assert_allclose(y, [r["loss"] for r in rows])
    _, y = plot.curves["val_loss"].getData()
    np.testing.assert_allclose(y, [r["val_loss"] for r in rows])
    _, y = plot.curves["accuracy"].getData()  # accuracy is drawn in percent on the right axis
    np.testing.assert_allclose(y, [100 * r["accuracy"] for r in rows])
    assert plot.plot.getAxis("right").isVisible()

    losses = np.concatenate([s["batch_losses"] for s in snapshots])
    bx, by = plot.batch_curve.getData()
    assert len(bx) == len(losses) == 12 * 25
    assert bx[-1] == pytest.approx(12.0) and np.all(np.diff(bx) > 0)
    assert by[0] == pytest.approx(losses[0])  # the debiased average starts at the first loss
    assert np.all(np.isfinite(by)) and by.std() < losses.std()  # smoothed


def test_add_snapshot_only_appends_and_the_redraw_is_coalesced(plot, qtbot, spiral_run):
    loaded, snapshots = spiral_run
    plot.show()
    qtbot.waitExposed(plot)
    plot.reset(loaded)
    qtbot.waitUntil(lambda: not plot.redraw_pending)
    before = plot.redraw_count
    for snapshot in snapshots:
        plot.add_snapshot(snapshot)
    assert plot.redraw_count == before and plot.redraw_pending  # nothing drawn yet
    qtbot.waitUntil(lambda: plot.redraw_count == before + 1, timeout=10000)
    qtbot.wait(80)
    assert plot.redraw_count == before + 1  # one redraw for all of them, none while nothing changes
    assert drawn(plot.curves["loss"]) == 12


def test_a_long_run_draws_a_bounded_number_of_points(plot):
    """10,000 epochs and 250,000 batch losses: every curve keeps at most MAX_POINTS points and the
    envelope (the extremes) of the data."""
    n, per = 10_000, 25
    rng = np.random.default_rng(0)
    loss = np.exp(-np.arange(1, n + 1) / 2000) + 0.01 * rng.random(n)
    plot.reset({"task": "binary", "test_size": 10})
    plot.set_history({"epoch": list(range(1, n + 1)), "loss": list(loss), "val_loss": list(loss * 1.1),
                      "accuracy": list(1 - loss / 2), "val_accuracy": list(1 - loss / 1.9)})
    batches = np.abs(rng.normal(0.5, 0.2, n * per)).astype(np.float32)
    for k in range(0, n * per, 5000):  # snapshots of 5,000 batches
        plot.add_snapshot({"progress": (k + 5000) / per, "batch_losses": batches[k: k + 5000], "epochs": []})
    plot.redraw()
    for curve in (*plot.curves.values(), plot.batch_curve):
        assert 0 < drawn(curve) <= MAX_POINTS
    _, y = plot.curves["loss"].getData()
    assert y.max() == pytest.approx(loss.max()) and y.min() == pytest.approx(loss.min())
    assert len(plot.batch_series()[0]) == n * per  # nothing is thrown away, only drawn sparser


def test_log_scale_toggle(plot, qtbot, spiral_run):
    replay.feed([plot], *spiral_run)
    linear = plot.curves["loss"].getData()[1]
    qtbot.mouseClick(plot.log_button, Qt.MouseButton.LeftButton)
    assert plot.log_scale and plot.plot.getAxis("left").logMode
    assert not plot.plot.getAxis("right").logMode  # accuracy stays 0–100 %
    plot.redraw()
    np.testing.assert_allclose(plot.curves["loss"].getData()[1], np.log10(linear))
    qtbot.mouseClick(plot.log_button, Qt.MouseButton.LeftButton)
    assert not plot.log_scale and not plot.plot.getAxis("left").logMode
    plot.action_log.trigger()  # the context menu's toggle is the same switch
    assert plot.log_button.isChecked() and plot.plot.getAxis("left").logMode


def test_right_click_opens_the_plot_menu(plot, qtbot, spiral_run):
    plot.show()
    qtbot.waitExposed(plot)
    replay.feed([plot], *spiral_run)
    centre = plot.view.mapFromScene(plot.plot.vb.sceneBoundingRect().center())
    qtbot.mouseClick(plot.view.viewport(), Qt.MouseButton.RightButton, pos=centre)
    qtbot.waitUntil(plot.context_menu.isVisible, timeout=10000)
    names = [a.objectName() for a in plot.context_menu.actions() if not a.isSeparator()]
    assert names == ["actionLossLogScale", "actionLossShowAll", "actionExportLossCsv", "actionExportLossPng"]
    plot.context_menu.close()


def test_hover_shows_the_epoch_and_its_values(plot, qtbot, spiral_run):
    loaded, snapshots = spiral_run
    plot.show()
    qtbot.waitExposed(plot)
    replay.feed([plot], loaded, snapshots)
    qtbot.wait(50)
    row = epoch_rows(snapshots)[4]  # epoch 5
    scene = plot.plot.vb.mapViewToScene(QPointF(5.1, row["loss"]))
    at = plot.view.mapFromScene(scene)
    qtbot.mouseMove(plot.view.viewport(), at)
    qtbot.waitUntil(lambda: "Epoch 5 " in plot.readout_text() + " ", timeout=10000)
    text = plot.readout_text()
    assert f"train {row['loss']:.4g}" in text and f"test {row['val_loss']:.4g}" in text
    assert f"acc {100 * row['accuracy']:.1f} %" in text
    assert plot.crosshair.isVisible() and plot.crosshair.value() == 5
    assert plot.markers["loss"].getData()[1][0] == pytest.approx(row["loss"])
    plot.set_hover(None)  # leaving: the read-out shows the latest epoch again
    assert plot.readout_text().startswith("Epoch 12") and not plot.crosshair.isVisible()


def test_csv_export(plot, tmp_path, spiral_run):
    loaded, snapshots = spiral_run
    replay.feed([plot], loaded, snapshots)
    path = tmp_path / "loss.csv"
    plot.export_csv(str(path))
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["epoch", "loss", "test_loss", "accuracy", "test_accuracy", "learning_rate"]
    assert len(rows) == 13 and rows[1][0] == "1" and rows[12][0] == "12"
    first = epoch_rows(snapshots)[0]
    assert [float(v) for v in rows[1][1:]] == pytest.approx(
        [first["loss"], first["val_loss"], first["accuracy"], first["val_accuracy"], first["lr"]])


def test_png_export_and_the_export_menu(plot, qtbot, tmp_path, spiral_run, monkeypatch):
    replay.feed([plot], *spiral_run)
    plot.show()
    qtbot.waitExposed(plot)
    path = tmp_path / "loss.png"
    assert plot.export_png(str(path))
    image = QImage(str(path))
    assert not image.isNull() and image.width() >= 700 and image.height() >= 150
    monkeypatch.setattr(plot, "_ask_path", lambda kind: str(tmp_path / f"menu.{kind}"))
    plot.action_export_csv.trigger()
    plot.action_export_png.trigger()
    assert (tmp_path / "menu.csv").read_text().startswith("epoch,loss")
    assert not QImage(str(tmp_path / "menu.png")).isNull()


def test_a_saved_history_is_shown_when_a_trained_file_is_reopened(plot):
    doc = replay.trained("spiral.nnd", epochs=6)
    loaded, snapshots = replay.record(doc, steps=0)  # reopen: load only
    assert loaded["epoch"] == 6
    plot.reset(loaded)
    for snapshot in snapshots:
        plot.add_snapshot(snapshot)
    plot.redraw()
    x, y = plot.curves["loss"].getData()
    np.testing.assert_array_equal(x, doc.history["epoch"])
    np.testing.assert_allclose(y, doc.history["loss"])
    np.testing.assert_allclose(plot.curves["val_accuracy"].getData()[1], 100 * np.asarray(doc.history["val_accuracy"]))
    assert plot.readout_text().startswith("Epoch 6")

    plot.set_history({"epoch": [1, 2], "loss": [0.5, 0.25]})  # set_history replaces the curves
    plot.redraw()
    np.testing.assert_allclose(plot.curves["loss"].getData()[1], [0.5, 0.25])
    assert drawn(plot.curves["val_loss"]) == 0


def test_clear_and_a_restarted_run(plot, spiral_run):
    loaded, snapshots = spiral_run
    replay.feed([plot], loaded, snapshots)
    plot.clear()
    plot.redraw()
    assert drawn(plot.curves["loss"]) == 0 and drawn(plot.batch_curve) == 0
    assert plot.task == "binary"  # the run's set-up stays
    replay.feed([plot], loaded, snapshots[:3])
    # the worker restarted without a clear(): earlier epochs replace the later ones
    plot.add_snapshot({"progress": 0.5, "batch_losses": np.array([0.7, 0.6], np.float32), "epochs": []})
    plot.add_snapshot({"progress": 1.0, "batch_losses": np.array([0.5], np.float32),
                       "epochs": [{"epoch": 1, "loss": 0.4, "accuracy": 0.5}]})
    plot.redraw()
    np.testing.assert_array_equal(plot.epochs(), [1])
    assert plot.batch_series()[0][-1] == pytest.approx(1.0) and np.all(np.diff(plot.batch_series()[0]) > 0)


def test_regression_has_no_accuracy_axis(plot):
    loaded, snapshots = replay.record("plane.nnd", epochs=3, boundary=False)
    replay.feed([plot], loaded, snapshots)
    assert not plot.plot.getAxis("right").isVisible()
    assert "R²" in plot.readout_text() and "acc" not in plot.readout_text()
    assert drawn(plot.curves["accuracy"]) == 0
    header, rows = plot.csv_rows()
    assert header == ["epoch", "loss", "test_loss", "mae", "test_mae", "r2", "test_r2", "learning_rate"]
    assert len(rows) == 3
    assert all(math.isfinite(float(v)) for v in rows[-1])


def test_mouse_outside_the_plot_area_hides_the_crosshair(plot, qtbot, spiral_run):
    plot.show()
    qtbot.waitExposed(plot)
    replay.feed([plot], *spiral_run)
    plot.set_hover(3)
    assert plot.crosshair.isVisible()
    qtbot.mouseMove(plot.view.viewport(), QPoint(2, 2))  # over the axis corner, outside the data area
    qtbot.waitUntil(lambda: not plot.crosshair.isVisible(), timeout=10000)
