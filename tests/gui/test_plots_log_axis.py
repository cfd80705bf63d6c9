"""The loss plot's log axis stays readable: decade labels (1e-3, 0.01, 0.1, 1 …) that never overlap,
unlabelled minor ticks, and plain numbers when the loss spans less than a decade."""
from __future__ import annotations

import re

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter

from gui.plots import LossPlot
from gui.plots.log_axis import DecadeAxis, decade_text, plain_text

READABLE = re.compile(r"^(\d+(\.\d+)?|[1-9]e-?\d+)$")   # 0.02, 1, 100, 1e-4, 2e3
DECADE = re.compile(r"^(0\.0?1|1|10|100|1e-?\d+)$")


@pytest.fixture
def plot(loss_plot):
    return loss_plot


def show_loss(plot: LossPlot, qtbot, low: float, high: float) -> None:
    n = 60
    loss = np.geomspace(high, low, n)
    plot.reset({"task": "regression", "test_size": 0})
    plot.set_history({"epoch": list(range(1, n + 1)), "loss": list(loss)})
    qtbot.mouseClick(plot.log_button, Qt.MouseButton.LeftButton)  # the person's toggle
    assert plot.log_scale
    plot.redraw()
    qtbot.wait(30)


def drawn_labels(axis: DecadeAxis):
    """What the axis paints: (text rects, texts, number of tick lines), via pyqtgraph's own layout."""
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        _, ticks, texts = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [rect for rect, _, _ in texts], [text for _, _, text in texts], len(ticks)


@pytest.mark.parametrize("low, high, decades_only", [
    (1e-9, 5.0, True),      # a loss falling over many decades
    (1e-4, 2.0, True),
    (0.02, 0.7, False),     # under two decades: 1-2-5 marks, never 0.06 0.07 0.08 0.09 0.1 in a pile
    (0.3, 0.9, False),      # within one decade: plain numbers
    (0.6925, 0.6935, False),  # a loss stuck at ln 2
])
def test_log_tick_labels_are_distinct_readable_and_apart(plot, qtbot, low, high, decades_only):
    show_loss(plot, qtbot, low, high)
    axis = plot.plot.getAxis("left")
    assert isinstance(axis, DecadeAxis) and axis.logMode
    rects, texts, tick_count = drawn_labels(axis)
    assert len(texts) >= 2, texts
    assert len(set(texts)) == len(texts), texts                      # distinct
    assert all(READABLE.match(t) or re.match(r"^0\.\d+$", t) for t in texts), texts
    assert all(len(t) <= 6 for t in texts), texts                     # fits the axis
    ordered = sorted(rects, key=lambda r: r.top())
    for a, b in zip(ordered, ordered[1:]):                           # no label overlaps the next
        assert a.bottom() <= b.top(), (texts, a, b)
    if decades_only:
        assert all(DECADE.match(t) for t in texts), texts
        assert tick_count > len(texts)                                 # unlabelled minor ticks between
    values = sorted(float(t) for t in texts)                         # and they are the values there
    assert low * 0.5 <= values[0] and values[-1] <= high * 2


def test_the_axis_reads_the_loss_values_it_labels(plot, qtbot):
    """The label at a tick is the value a curve point at that height has."""
    show_loss(plot, qtbot, 1e-4, 2.0)
    axis = plot.plot.getAxis("left")
    levels = axis.tickValues(*axis.range, axis.height())
    labels = axis.tickStrings(levels[0][1], 1.0, levels[0][0])
    for value, text in zip(levels[0][1], labels):
        assert float(text) == pytest.approx(10 ** value, rel=1e-9)
    assert axis.tickStrings(levels[1][1], 1.0, None) == [""] * len(levels[1][1])  # minor: unlabelled


def test_label_notation():
    assert [decade_text(1, k) for k in (-5, -3, -2, -1, 0, 1, 2, 3)] == \
        ["1e-5", "1e-3", "0.01", "0.1", "1", "10", "100", "1e3"]
    assert decade_text(2, -2) == "0.02" and decade_text(5, -4) == "5e-4"
    assert plain_text(0.6935, 0.0005) == "0.6935" and plain_text(0.7, 0.1) == "0.7"


def test_a_linear_axis_is_unchanged(plot, qtbot):
    show_loss(plot, qtbot, 0.1, 0.9)
    qtbot.mouseClick(plot.log_button, Qt.MouseButton.LeftButton)
    plot.redraw()
    axis = plot.plot.getAxis("left")
    assert not axis.logMode
    qtbot.waitUntil(lambda: axis.range[0] > -0.5)  # the view's auto-range has caught up
    _, texts, _ = drawn_labels(axis)
    assert "0.2" in texts and "0.8" in texts
