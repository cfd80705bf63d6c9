"""The decision-boundary plot, fed with real snapshots of the training worker (run in-process)."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QPalette

from gui.plots import BoundaryPlot, replay
from gui.plots import colormaps as cm


@pytest.fixture(scope="module")
def spiral_run():
    return replay.record("spiral.nnd", epochs=40)


@pytest.fixture(scope="module")
def spiral3_run():
    return replay.record("spiral3.nnd", epochs=60)


@pytest.fixture
def plot(qtbot):
    widget = BoundaryPlot()
    qtbot.addWidget(widget)
    widget.resize(420, 420)
    return widget


def rgb_at(rgba: np.ndarray, row: int, col: int) -> tuple[int, int, int]:
    return tuple(int(v) for v in rgba[row, col, :3])


def color_tuple(color: QColor) -> tuple[int, int, int]:
    return color.red(), color.green(), color.blue()


def test_the_boundary_image_changes_as_the_network_learns(plot, spiral_run):
    loaded, snapshots = spiral_run
    plot.reset(loaded)
    plot.add_snapshot(snapshots[0])  # sent on load: the untrained network
    plot.redraw()
    before = plot.image.image.copy()
    for snapshot in snapshots[1:]:
        plot.add_snapshot(snapshot)
    plot.redraw()
    after = plot.image.image
    assert before.shape == after.shape == (100, 100, 4)  # ImageItem takes (x1, x2, RGBA)
    assert np.abs(after.astype(int) - before.astype(int)).mean() > 10
    rect = plot.image.mapRectToParent(plot.image.boundingRect())  # the image covers the extent
    x0, x1, y0, y1 = loaded["extent"]
    assert rect.left() < x0 < rect.left() + 0.2 and rect.right() - 0.2 < x1 < rect.right()
    assert rect.top() < y0 < rect.top() + 0.2 and rect.bottom() - 0.2 < y1 < rect.bottom()


def test_binary_colours_are_playground_orange_and_blue_with_a_neutral_middle(plot, spiral_run):
    loaded, _ = spiral_run
    plot.reset(loaded)
    heat = cm.HeatStyle.for_theme(plot.theme.dark)
    grid = np.full((100, 100), 0.5, dtype=np.float32)
    grid[0, 0], grid[99, 99] = 0.0, 1.0  # row = x2 (0: lowest), col = x1
    rgba = plot.image_rgba(grid)
    assert rgb_at(rgba, 0, 0) == color_tuple(heat.heat_color(cm.ORANGE))
    assert rgb_at(rgba, 99, 99) == color_tuple(heat.heat_color(cm.BLUE))
    assert rgb_at(rgba, 50, 50) == color_tuple(cm.qcolor(heat.tint(heat.neutral)))
    plot.add_snapshot({"boundary": grid})
    plot.redraw()
    assert rgb_at(plot.image.image, 0, 0) == color_tuple(heat.heat_color(cm.ORANGE))  # (x1, x2) order
    assert rgb_at(plot.image.image, 99, 99) == color_tuple(heat.heat_color(cm.BLUE))


def test_the_points_are_drawn_in_their_class_colours(plot, spiral_run):
    loaded, _ = spiral_run
    plot.reset(loaded)
    for split in ("train", "test"):
        spots = plot.scatters[split].points()
        assert len(spots) == len(loaded[f"{split}_y"])
        for spot, label in list(zip(spots, loaded[f"{split}_y"]))[:20]:
            assert spot.brush().color() == cm.class_color(int(label))
    train_pen = plot.scatters["train"].points()[0].pen().color()
    test_pen = plot.scatters["test"].points()[0].pen().color()
    assert train_pen != test_pen  # the test points have another outline


def test_multiclass_each_pixel_takes_the_colour_of_its_most_probable_class(plot, spiral3_run):
    loaded, snapshots = spiral3_run
    replay.feed([plot], loaded, snapshots)
    probs = snapshots[-1]["boundary"]
    assert probs.shape == (3, 100, 100)
    rgba = plot.image_rgba()
    heat = cm.HeatStyle.for_theme(plot.theme.dark)
    winner = probs.argmax(axis=0)
    full = [np.array(color_tuple(heat.heat_color(cm.class_color(k)))) for k in range(3)]
    neutral = heat.tint(heat.neutral)
    sure = probs.max(axis=0) > 0.999
    assert sure.sum() > 1000 and all((winner[sure] == k).any() for k in range(3))
    for k in range(3):  # confident pixels are their class's colour
        assert np.abs(rgba[sure & (winner == k)][:, :3].astype(int) - full[k]).max() <= 1
    # every pixel lies between the neutral colour and its winner's colour: the nearest class colour
    # (by direction from neutral) is the winner's
    directions = np.stack([f - neutral for f in full])
    offset = rgba[..., :3].astype(float) - neutral
    unsure = probs.max(axis=0) > 0.5
    cos = (offset @ directions.T) / (np.linalg.norm(offset, axis=-1, keepdims=True) * np.linalg.norm(directions, axis=1) + 1e-9)
    assert (cos.argmax(axis=-1)[unsure] == winner[unsure]).mean() > 0.99
    assert "class 0" in plot.legend.text() and "class 2" in plot.legend.text()


def test_discretize_shows_flat_class_colours(plot, qtbot, spiral_run, spiral3_run):
    loaded, snapshots = spiral_run
    replay.feed([plot], loaded, snapshots)
    assert len(np.unique(plot.image.image.reshape(-1, 4), axis=0)) > 10
    qtbot.mouseClick(plot.discretize_box, Qt.MouseButton.LeftButton)
    assert plot.discretize
    colours = np.unique(plot.image.image.reshape(-1, 4)[:, :3], axis=0)
    heat = cm.HeatStyle.for_theme(plot.theme.dark)
    assert {tuple(c) for c in colours} == {color_tuple(heat.heat_color(cm.ORANGE)), color_tuple(heat.heat_color(cm.BLUE))}
    expected = np.where(snapshots[-1]["boundary"] >= 0.5, 1, 0)
    blue = np.all(plot.image_rgba()[..., :3] == color_tuple(heat.heat_color(cm.BLUE)), axis=-1)
    assert (blue == expected.astype(bool)).mean() > 0.999

    replay.feed([plot], *spiral3_run)  # multi-class: the winner's flat colour, three colours in all
    assert len(np.unique(plot.image_rgba().reshape(-1, 4), axis=0)) == 3


def test_regression_is_a_continuous_map_with_a_colour_bar(plot):
    loaded, snapshots = replay.record("plane.nnd", epochs=3)
    replay.feed([plot], loaded, snapshots)
    assert plot.task == "regression" and plot.grid.shape == (100, 100)
    rgba = plot.image_rgba()
    assert len(np.unique(rgba.reshape(-1, 4), axis=0)) > 100
    low, high = np.unravel_index(plot.grid.argmin(), plot.grid.shape), np.unravel_index(plot.grid.argmax(), plot.grid.shape)
    assert rgba[low][0] > rgba[low][2] and rgba[high][2] > rgba[high][0]  # low: orange, high: blue
    plot.set_discretize(True)
    assert len(np.unique(plot.image_rgba().reshape(-1, 4), axis=0)) <= 8
    assert "train" in plot.legend.text() and any(c.isdigit() for c in plot.legend.text())
    assert plot.plot.getAxis("bottom").labelText == "x₁" and plot.plot.getAxis("left").labelText == "x₂"


def test_show_test_data_toggle_hides_the_test_points(plot, qtbot, spiral_run):
    plot.reset(spiral_run[0])
    assert plot.scatters["test"].isVisible() and plot.show_test
    qtbot.mouseClick(plot.show_test_box, Qt.MouseButton.LeftButton)
    assert not plot.show_test and not plot.scatters["test"].isVisible()
    assert plot.scatters["train"].isVisible()
    plot.set_show_test(True)
    assert plot.scatters["test"].isVisible()


def test_one_input_regression_shows_the_data_and_the_prediction_curve(plot):
    loaded, snapshots = replay.record(replay.sine_document(), epochs=5)
    replay.feed([plot], loaded, snapshots)
    assert plot.mode == "line" and plot.stack.currentWidget() is plot.view
    x, y = plot.curve.getData()
    assert len(x) == 200 and x[0] == pytest.approx(loaded["extent"][0]) and x[-1] == pytest.approx(loaded["extent"][1])
    np.testing.assert_allclose(y, snapshots[-1]["boundary"])
    sx, sy = plot.scatters["train"].getData()
    np.testing.assert_allclose(sx, loaded["train_X"][:, 0])
    np.testing.assert_allclose(sy, loaded["train_y"])
    assert not plot.image.isVisible() and not plot.discretize_box.isEnabled()
    assert "prediction" in plot.legend.text()


@pytest.mark.parametrize(("info", "expected"), [
    ({"task": "multiclass", "input_shape": [4], "class_names": ["a", "b", "c"]},
     "The decision boundary needs 2 input features; this dataset has 4."),
    ({"task": "multiclass", "input_shape": [64]}, "The decision boundary needs 2 input features; this dataset has 64."),
    ({"task": "multiclass", "input_shape": [1, 8, 8]}, "this dataset's samples are 1 × 8 × 8 arrays (64 values)"),
])
def test_other_data_get_a_clear_placeholder(plot, info, expected):
    plot.reset(info)
    plot.add_snapshot({"epoch": 1})
    plot.redraw()
    assert plot.mode == "placeholder" and plot.stack.currentWidget() is plot.placeholder
    assert expected in plot.message
    assert plot.placeholder.objectName() == "boundaryPlaceholder" and "2 input features" in plot.placeholder.text()
    assert not plot.options.isVisibleTo(plot)


@pytest.mark.parametrize("example", ["perceptron.nnd", "textbook.nnd", "xor.nnd"])
def test_data_without_a_test_split_and_csv_data(plot, example):
    """perceptron/textbook: CSV data, everything in the training split (an empty test split)."""
    loaded, snapshots = replay.record(example, steps=2, every_step=True)
    replay.feed([plot], loaded, snapshots)
    assert plot.mode == {1: "line", 2: "plane"}[loaded["input_shape"][0]]
    assert len(plot._points["train"]) == loaded["train_size"] and len(plot._points["test"]) == loaded["test_size"]
    plot.show()
    assert plot.grab().width() > 0


def test_iris_and_digits_from_the_worker_get_the_placeholder(plot):
    loaded, snapshots = replay.record("iris.nnd", steps=0)
    replay.feed([plot], loaded, snapshots)
    assert plot.message == "The decision boundary needs 2 input features; this dataset has 4."
    assert plot.grid is None


def test_clicking_a_point_emits_sample_clicked(plot, qtbot, spiral_run):
    loaded, _ = spiral_run
    plot.show()
    qtbot.waitExposed(plot)
    plot.reset(loaded)
    qtbot.wait(20)
    points = {"train": loaded["train_X"], "test": loaded["test_X"]}
    everything = np.concatenate(list(points.values()))

    def loneliest(split):  # the point farthest from any other: a click on it is unambiguous
        X = points[split]
        d = np.linalg.norm(X[:, None, :] - everything[None, :, :], axis=-1)
        d[d == 0] = np.inf
        return int(d.min(axis=1).argmax())

    for split in ("train", "test"):
        index = loneliest(split)
        at = plot.view.mapFromScene(plot.point_scene_pos(split, index))
        qtbot.mouseMove(plot.view.viewport(), at + QPoint(1, 1))  # pointing at it: a hand and a tooltip
        qtbot.waitUntil(lambda: plot.view.toolTip().startswith(f"{split.capitalize()} sample {index}:"), timeout=10000)
        assert plot.view.cursor().shape() == Qt.CursorShape.PointingHandCursor
        assert f"class {loaded[split + '_y'][index]}" in plot.view.toolTip()
        with qtbot.waitSignal(plot.sampleClicked, timeout=10000) as blocker:
            qtbot.mouseClick(plot.view.viewport(), Qt.MouseButton.LeftButton, pos=at + QPoint(1, 1))
        assert blocker.args == [index, split]
        qtbot.wait(40)  # pyqtgraph drops mouse moves that follow each other within ~17 ms

    # with the test points hidden, a click on one (far from any train point) finds nothing
    plot.set_show_test(False)
    d = np.linalg.norm(points["test"][:, None, :] - points["train"][None, :, :], axis=-1)
    index = int(d.min(axis=1).argmax())
    assert plot.sample_at(plot.point_scene_pos("test", index)) is None
    with qtbot.assertNotEmitted(plot.sampleClicked, wait=50):
        qtbot.mouseClick(plot.view.viewport(), Qt.MouseButton.LeftButton,
                         pos=plot.view.mapFromScene(plot.point_scene_pos("test", index)))


def test_the_plot_follows_a_dark_palette(plot, spiral_run):
    replay.feed([plot], *spiral_run)
    light = plot.image.image.copy()
    palette = QPalette(plot.palette())
    for role, color in ((QPalette.ColorRole.Window, "#2b2d31"), (QPalette.ColorRole.Base, "#1e1f22"),
                        (QPalette.ColorRole.Text, "#e6e6e6"), (QPalette.ColorRole.WindowText, "#e6e6e6")):
        palette.setColor(role, QColor(color))
    plot.setPalette(palette)
    assert plot.theme.dark and plot.theme.background.lightness() < 80
    assert plot.view.backgroundBrush().color().lightness() < 80
    plot.redraw()
    assert plot.image.image.mean() < light.mean()  # a darker map on a dark theme
