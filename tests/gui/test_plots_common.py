"""What the live plots share: buffers, decimation, the coalesced redraw and the palette."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QColor, QPalette

from gui.plots import BoundaryPlot, GradientPlot, LossPlot, replay
from gui.plots.common import MAX_POINTS, GrowingArray, decimate, format_value


def test_growing_array_appends_and_truncates():
    a = GrowingArray(capacity=2)
    a.append(1.0)
    a.extend([2.0, 3.0, 4.0])
    a.append(5.0)
    np.testing.assert_array_equal(a.data, [1, 2, 3, 4, 5])
    assert len(a) == 5 and a.last() == 5.0
    a.truncate(2)
    np.testing.assert_array_equal(a.data, [1, 2])
    a.clear()
    assert len(a) == 0 and np.isnan(a.last())


def test_decimate_keeps_the_envelope_within_the_point_budget():
    x = np.arange(100_003, dtype=float)
    y = np.sin(x / 500) + (x == 77_777) * 5 - (x == 12_345) * 5  # two spikes
    y[50_000] = np.nan
    dx, dy = decimate(x, y, 1000)
    assert len(dx) <= 1000 + 100 and np.all(np.diff(dx) >= 0)
    assert np.nanmax(dy) == pytest.approx(np.nanmax(y)) and np.nanmin(dy) == pytest.approx(np.nanmin(y))
    same = decimate(x[:10], y[:10], 1000)
    assert same[0] is not None and len(same[0]) == 10


def test_format_value():
    assert format_value(0.012345) == "0.01235"
    assert format_value(1.5e-5) == "1.50e-05"
    assert format_value(0.984, percent=True) == "98.4 %"
    assert format_value(float("nan")) == "–"


def test_a_hidden_plot_does_not_draw_until_it_is_shown(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.resize(900, 300)  # wide enough for the legend on one line: its growth does not resize the plot
    count = plot.redraw_count
    plot.add_snapshot({"progress": 0.5, "batch_losses": np.array([0.7, 0.6], np.float32), "epochs": []})
    qtbot.wait(100)
    assert plot.redraw_count == count and plot.redraw_pending  # hidden (a closed dock): no work
    plot.show()
    qtbot.waitUntil(lambda: plot.redraw_count == count + 1, timeout=10000)
    assert not plot.redraw_pending


def dark_palette(base: QPalette) -> QPalette:
    palette = QPalette(base)
    for role, color in ((QPalette.ColorRole.Window, "#2b2d31"), (QPalette.ColorRole.Base, "#1e1f22"),
                        (QPalette.ColorRole.Text, "#e6e6e6"), (QPalette.ColorRole.WindowText, "#e6e6e6")):
        palette.setColor(role, QColor(color))
    return palette


@pytest.mark.parametrize("cls", [LossPlot, BoundaryPlot, GradientPlot])
def test_every_plot_follows_the_palette(qtbot, cls):
    plot = cls()
    qtbot.addWidget(plot)
    light_background = plot.theme.background
    assert not plot.theme.dark and light_background.lightness() > 200
    plot.setPalette(dark_palette(plot.palette()))  # as on a system switch to a dark theme
    assert plot.theme.dark
    views = [v for v in (getattr(plot, "view", None), getattr(plot, "norm_view", None)) if v is not None]
    for view in views:
        assert view.backgroundBrush().color().lightness() < 80
        for item in view.ci.items:
            if hasattr(item, "getAxis"):
                assert item.getAxis("bottom").textPen().color().lightness() > 180  # light tick labels


def test_the_plots_render_at_dock_sizes_without_warnings(qtbot):
    """All three fed from one real run and painted: nothing raises or warns (warnings are errors)."""
    loaded, snapshots = replay.record("spiral3.nnd", epochs=4, histogram="dense_1")
    plots = [LossPlot(), BoundaryPlot(), GradientPlot()]
    for plot, size in zip(plots, [(800, 250), (420, 420), (800, 250)]):
        qtbot.addWidget(plot)
        plot.resize(*size)
        plot.show()
    replay.feed(plots, loaded, snapshots)
    for plot in plots:
        image = plot.grab().toImage()
        assert image.width() >= 400 and len({image.pixel(x, image.height() // 2) for x in range(0, image.width(), 7)}) > 3
    assert len(plots[0].curves["loss"].getData()[0]) == 4 <= MAX_POINTS
