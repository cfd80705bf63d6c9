"""The gradient view, fed with real snapshots of the training worker (run in-process)."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QImage

from gui.plots import GradientPlot, replay


@pytest.fixture
def plot(qtbot):
    widget = GradientPlot()
    qtbot.addWidget(widget)
    widget.resize(800, 250)
    return widget


@pytest.fixture(scope="module")
def spiral_steps():
    """40 single steps of the spiral example, a snapshot after each, with dense_1's histograms."""
    return replay.record("spiral.nnd", steps=40, every_step=True, histogram="dense_1", boundary=False)


def test_one_norm_curve_per_layer_over_the_steps(plot, spiral_steps):
    loaded, snapshots = spiral_steps
    replay.feed([plot], loaded, snapshots)
    assert plot.objectName() == "gradientPlot" and plot.layers == ["dense_1", "dense_2", "dense_3"]
    trained = [s for s in snapshots if s["steps"] > 0]  # the snapshot on load has no gradients yet
    for layer in plot.layers:
        x, y = plot._curves[layer].getData()
        np.testing.assert_array_equal(x, [s["steps"] for s in trained])
        # the axis is logarithmic: the curve holds log10 of the norms
        np.testing.assert_allclose(y, np.log10([s["gradient_norms"][layer] for s in trained]))
    assert plot.norm_plot.getAxis("left").logMode
    colors = {plot.layer_color(layer).name() for layer in plot.layers}
    assert len(colors) == 3
    assert plot._curves["dense_2"].opts["pen"].color() == plot.layer_color("dense_2")
    text = plot.readout_text()
    assert text.startswith("Step 40") and all(layer in text for layer in plot.layers)


def test_the_histogram_layer_chooser_and_the_placeholder(plot, qtbot, spiral_steps):
    loaded, snapshots = spiral_steps
    plot.reset(loaded)
    assert plot.hist_stack.currentWidget() is plot.hist_placeholder
    with qtbot.waitSignal(plot.histogramLayerChanged) as first:
        plot.add_snapshot({k: v for k, v in snapshots[1].items() if k != "histogram"})
    assert first.args == ["dense_1"]  # the layers appeared: the first is chosen, the owner is told
    combo = plot.findChild(type(plot.layer_combo), "histogramLayer")
    assert [combo.itemText(i) for i in range(combo.count())] == ["dense_1", "dense_2", "dense_3"]
    plot.redraw()
    assert plot.hist_stack.currentWidget() is plot.hist_placeholder  # no histogram yet
    assert "dense_1" in plot.hist_placeholder.text()

    plot.add_snapshot(snapshots[2])
    plot.redraw()
    assert plot.hist_stack.currentWidget() is plot.hist_view
    histogram = snapshots[2]["histogram"]
    for kind in ("gradients", "weights"):
        x, y = plot.hist_items[kind].getData()
        np.testing.assert_allclose(x, histogram[kind]["edges"])
        np.testing.assert_allclose(y, histogram[kind]["counts"])

    with qtbot.waitSignal(plot.histogramLayerChanged) as chosen:
        combo.setCurrentIndex(1)
    assert chosen.args == ["dense_2"] and plot.histogram_layer == "dense_2"
    plot.redraw()
    assert plot.hist_stack.currentWidget() is plot.hist_placeholder  # dense_1's are not shown as dense_2's
    plot.add_snapshot({**snapshots[3], "histogram": {**histogram, "layer": "dense_2"}})
    plot.redraw()
    assert plot.hist_stack.currentWidget() is plot.hist_view


def test_clear_keeps_the_layers_and_a_restart_replaces_steps(plot, spiral_steps):
    loaded, snapshots = spiral_steps
    replay.feed([plot], loaded, snapshots)
    plot.clear()
    plot.redraw()
    assert plot.layers == ["dense_1", "dense_2", "dense_3"] and len(plot.steps()) == 0
    assert plot.hist_stack.currentWidget() is plot.hist_placeholder
    for snapshot in snapshots[:11]:
        plot.add_snapshot(snapshot)
    plot.add_snapshot(snapshots[10])  # the same step again (a snapshot on pause): no new point
    plot.add_snapshot({**snapshots[5], "steps": 3})  # a restarted run without clear()
    np.testing.assert_array_equal(plot.steps(), [1, 2, 3])


def test_reset_for_another_network_starts_over(plot, qtbot, spiral_steps):
    replay.feed([plot], *spiral_steps)
    loaded, snapshots = replay.record("iris.nnd", steps=3, every_step=True, boundary=False)
    with qtbot.waitSignal(plot.histogramLayerChanged) as chosen:
        replay.feed([plot], loaded, snapshots)
    assert plot.layers == ["dense_1", "dense_2"] and chosen.args == ["dense_1"]
    np.testing.assert_array_equal(plot.steps(), [1, 2, 3])
    assert len(plot._curves) == 2 and plot.layer_combo.count() == 2


@pytest.fixture(scope="module")
def deep_runs():
    """A 6-layer sigmoid and a 6-layer ReLU network, 300 SGD steps each on the same data."""
    return {activation: replay.record(replay.deep_document(activation), steps=300, every_step=True, boundary=False)
            for activation in ("sigmoid", "relu")}


def test_vanishing_gradients_of_a_deep_sigmoid_network_are_plain_to_see(qtbot, deep_runs, tmp_path):
    ratios = {}
    for activation, (loaded, snapshots) in deep_runs.items():
        plot = GradientPlot()
        qtbot.addWidget(plot)
        plot.resize(800, 250)
        replay.feed([plot], loaded, snapshots)
        assert len(plot.layers) == 6 and len(plot.steps()) == 300
        first, last = plot.layers[0], plot.layers[-1]
        # what the curves show: log10 of the norms, first layer against last
        gap = np.nanmedian(plot._curves[first].getData()[1]) - np.nanmedian(plot._curves[last].getData()[1])
        ratios[activation] = 10 ** gap
        plot.show()
        qtbot.waitExposed(plot)
        image = plot.grab().toImage()
        assert image.save(str(tmp_path / f"{activation}.png")) and not QImage(str(tmp_path / f"{activation}.png")).isNull()
    assert ratios["sigmoid"] < 1e-2        # the first layer learns hundreds of times slower
    assert ratios["relu"] > 0.1            # while a ReLU network's layers get comparable gradients
    assert ratios["relu"] / ratios["sigmoid"] > 100
