"""Long runs: every curve of the loss and gradient plots is drawn along its whole length.

Past DENSE_POINTS a curve is drawn 1 px wide. The plots' grid lines are opaque and were painted by
the axes, which pyqtgraph stacks above the view box: a 1-px curve running along a grid line (a
flat accuracy, a loss settled near a round value, a gradient norm on a decade) vanished there. These
tests put curves exactly on grid lines and look at the rendered pixels in slices across the x range.
"""
from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

import pyqtgraph as pg
from gui.plots import GradientPlot
from gui.plots.common import DENSE_POINTS
from gui.plots.loss_series import SERIES

SLICES = 10


def rendered(view: pg.GraphicsView) -> QImage:
    QApplication.processEvents()
    return view.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def pixel_row(view: pg.GraphicsView, vb: pg.ViewBox, x: float, y: float) -> tuple[int, int]:
    """(column, row) in ``view.grab()`` of the point (x, y) of view box ``vb``."""
    p = view.mapFromScene(vb.mapViewToScene(QPointF(x, y))) + view.viewport().pos()
    return p.x(), p.y()


def blended(color: QColor, over: QColor) -> QColor:
    a = color.alphaF()
    return QColor(*(round(a * c + (1 - a) * b) for c, b in
                    zip(color.getRgb()[:3], over.getRgb()[:3])))


def slices_missing(image: QImage, view, vb, xs: np.ndarray, y: float, color: QColor, tol: int = 40) -> list:
    """The x slices (of SLICES across ``xs``) in which no pixel near the curve's row at height ``y``
    has the curve's colour."""
    target = np.array(color.getRgb()[:3])
    w, h = image.width(), image.height()
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(h, image.bytesPerLine() // 4, 4)[:, :w, 2::-1]
    missing = []
    edges = np.linspace(xs[0], xs[-1], SLICES + 1)
    for a, b in zip(edges[:-1], edges[1:]):
        c0, r = pixel_row(view, vb, a, y)
        c1, _ = pixel_row(view, vb, b, y)
        band = pixels[max(0, r - 2): r + 3, max(0, c0 + 1): min(w, c1)].astype(int)
        if not (np.abs(band - target).max(axis=-1) <= tol).any():
            missing.append((round(a), round(b)))
    return missing


def test_every_loss_curve_is_drawn_across_two_thousand_epochs(loss_plot):
    n = 2000
    epochs = np.arange(1, n + 1)
    loss_plot.reset({"task": "binary", "test_size": 100})
    # the loss axis 0..1 spans exactly what the accuracy axis 0..100 % does: the flat curves all lie
    # on grid lines (0.2 is a major tick; 80 % and 60 % sit on the 0.8 and 0.6 lines)
    values = {
        "loss": np.full(n, 0.2),
        "val_loss": 0.3 + 0.4 * epochs / n,   # rises slowly across the 0.4, 0.5, 0.6 lines
        "accuracy": np.full(n, 0.8),
        "val_accuracy": np.full(n, 0.6),
    }
    for start in range(0, n, 50):  # as a run's snapshots come in
        rows = [{"epoch": int(e), **{k: float(v[e - 1]) for k, v in values.items()}}
                for e in epochs[start:start + 50]]
        loss_plot.add_snapshot({"epochs": rows, "progress": rows[-1]["epoch"]})
    loss_plot.plot.setYRange(0, 1, padding=0.02)  # as acc_view's 0..100 %
    loss_plot.redraw()
    assert len(loss_plot.curves["loss"].getData()[0]) > DENSE_POINTS  # drawn 1 px wide
    assert loss_plot.curves["loss"].opts["pen"].widthF() == 1.0

    image = rendered(loss_plot.view)
    for key, (_, _, on_acc, _, _) in SERIES.items():
        vb = loss_plot.acc_view if on_acc else loss_plot.plot.vb
        scale = 100.0 if on_acc else 1.0
        color = blended(loss_plot.curves[key].opts["pen"].color(), loss_plot.theme.background)
        if key == "val_loss":  # rising: look for it at its height in each slice
            for e in np.linspace(60, n - 60, SLICES):
                around = np.array([e - 40, e + 40])
                assert slices_missing(image, loss_plot.view, vb, around, values[key][int(e) - 1], color) == [], (key, e)
        else:
            assert slices_missing(image, loss_plot.view, vb, epochs, values[key][0] * scale, color) == [], key


def test_every_gradient_norm_is_drawn_across_three_thousand_steps(qtbot):
    plot = GradientPlot()
    qtbot.addWidget(plot)
    plot.resize(900, 260)
    plot.show()
    qtbot.waitExposed(plot)
    n = 3000
    norms = {"dense_1": 1e-2, "dense_2": 1e-1}  # each on a decade's grid line of the log axis
    for step in range(1, n + 1):
        plot.add_snapshot({"gradient_norms": norms, "steps": step})
    plot.redraw()
    assert plot._curves["dense_1"].opts["pen"].widthF() == 1.0

    image = rendered(plot.norm_view)
    steps = np.arange(1, n + 1)
    for name, value in norms.items():
        missing = slices_missing(image, plot.norm_view, plot.norm_plot.vb, steps, math.log10(value),
                                 plot.layer_color(name))
        assert missing == [], name
