"""Gradients made visible: each layer's gradient norm over the training steps on a log axis (one
colour per layer, input side cool, output side warm), and live histograms of one layer's gradients
and weights.

Feeding: ``reset(loaded)``, ``add_snapshot(snapshot)`` (``gradient_norms``, ``steps`` and, when
the worker was asked with ``view(histogram=layer)``, ``histogram``), ``clear()``. The layer chooser
("histogramLayer") emits ``histogramLayerChanged(name)`` whenever the chosen layer changes —
including the first layer being chosen when a run's layers first appear — so the owner can ask the
worker for that layer's histograms.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QColor, QTextDocumentFragment
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy, QStackedWidget, QVBoxLayout, QWidget

import pyqtgraph as pg

from . import colormaps as cm
from .common import (
    DecadeAxis,
    GrowingArray,
    LivePlot,
    legend_html,
    pen,
    placeholder_label,
    readout_label,
    set_curve,
    small_font,
    style_plot_item,
    style_view,
    visible_points,
    with_alpha,
)

MAX_LISTED = 12      # layers named in the legend column
NORM_FLOOR = 1e-30   # norms at or below are not drawn on the log axis (a dead layer shows a gap)


class GradientPlot(LivePlot):
    """Per-layer gradient norms and the chosen layer's histograms; objectName ``gradientPlot``."""

    histogramLayerChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gradientPlot")
        self.layers: list[str] = []
        self._steps = GrowingArray()
        self._norms: dict[str, GrowingArray] = {}
        self._colors: dict[str, QColor] = {}
        self._curves: dict[str, pg.PlotDataItem] = {}
        self.histogram: dict[str, Any] | None = None
        self._build()
        self._apply_theme()
        self.redraw()

    # ---- construction ----------------------------------------------------------------
    def _build(self) -> None:
        self.readout = readout_label(self, "gradientReadout")
        self.norm_view = pg.GraphicsLayoutWidget(self)
        self.norm_view.setObjectName("gradientNormView")
        self.norm_view.ci.setContentsMargins(2, 4, 8, 2)
        self.norm_plot: pg.PlotItem = self.norm_view.addPlot(axisItems={"left": DecadeAxis("left")})
        self.norm_plot.setMenuEnabled(False)
        self.norm_plot.setLogMode(x=False, y=True)
        self.norm_plot.setLabel("bottom", "step")
        self.norm_plot.setLabel("left", "gradient norm")
        self.norm_plot.getAxis("left").setWidth(56)
        self.norm_plot.getAxis("bottom").enableAutoSIPrefix(False)
        self.watch_view(self.norm_plot.vb)
        self.crosshair = pg.InfiniteLine(angle=90, movable=False)
        self.crosshair.hide()
        self.norm_plot.addItem(self.crosshair, ignoreBounds=True)
        self.track_hover(self.norm_view, self.norm_plot.vb)

        self.layer_combo = QComboBox(self)
        self.layer_combo.setObjectName("histogramLayer")
        self.layer_combo.setToolTip("The layer whose gradients and weights the histograms show")
        self.layer_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.layer_combo.currentTextChanged.connect(self._layer_chosen)
        self.combo_label = QLabel("Histograms of", self)
        self.combo_label.setFont(small_font(self))
        self.hist_view = pg.GraphicsLayoutWidget(self)
        self.hist_view.setObjectName("histogramView")
        self.hist_view.ci.setContentsMargins(2, 2, 8, 2)
        self.hist_view.ci.setSpacing(10)
        self.hist_plots: dict[str, pg.PlotItem] = {}
        self.hist_items: dict[str, pg.PlotDataItem] = {}
        for kind, label in (("gradients", "gradient"), ("weights", "weight")):
            plot = self.hist_view.addPlot()
            plot.setMenuEnabled(False)
            plot.setMouseEnabled(False, False)
            plot.hideButtons()
            plot.hideAxis("left")
            plot.setLabel("bottom", label)
            plot.getAxis("bottom").setStyle(maxTickLevel=1)
            item = pg.PlotDataItem(stepMode="center", fillLevel=0)
            plot.addItem(item)
            self.hist_plots[kind], self.hist_items[kind] = plot, item
        self.hist_placeholder = placeholder_label(self, "histogramPlaceholder")
        self.hist_placeholder.setFont(small_font(self))
        self.hist_stack = QStackedWidget(self)
        self.hist_stack.addWidget(self.hist_placeholder)
        self.hist_stack.addWidget(self.hist_view)

        self.readout.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.readout.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.readout.setContentsMargins(4, 4, 8, 4)
        left = QHBoxLayout()
        left.setSpacing(0)
        left.addWidget(self.norm_view, 1)
        left.addWidget(self.readout)
        right = QVBoxLayout()
        right.setSpacing(0)
        chooser = QHBoxLayout()
        chooser.setContentsMargins(6, 2, 6, 0)
        chooser.setSpacing(6)
        chooser.addWidget(self.combo_label)
        chooser.addWidget(self.layer_combo)
        chooser.addStretch(1)
        right.addLayout(chooser)
        right.addWidget(self.hist_stack, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(left, 3)
        layout.addLayout(right, 2)
        self._unconstrain_layout()

    def _apply_theme(self) -> None:
        theme = self.theme
        for view in (self.norm_view, self.hist_view):
            style_view(view, theme)
        style_plot_item(self.norm_plot, theme, grid=True)
        for plot in self.hist_plots.values():
            style_plot_item(plot, theme)
        for kind, item in self.hist_items.items():
            color = theme.series(kind)
            item.setPen(pen(color, 1.2))
            item.setBrush(pg.mkBrush(with_alpha(color, 0.45)))
        self.crosshair.setPen(pen(theme.crosshair, 1.0, Qt.PenStyle.DotLine))
        self.hist_placeholder.setStyleSheet(f"color: {theme.muted.name()};")
        self.readout.setStyleSheet(f"background: {theme.background.name()};")
        self._update_placeholder()
        self._update_readout()

    # ---- feeding ---------------------------------------------------------------------
    def reset(self, info: dict[str, Any] | None = None) -> None:
        """A run was loaded: forget the layers and curves (the layers come with the snapshots)."""
        self._clear_data()
        for curve in self._curves.values():
            self.norm_plot.removeItem(curve)
        self._curves.clear()
        self._norms = {}
        self.layers = []
        self._colors = {}
        self.readout.setMinimumWidth(0)
        self.layer_combo.blockSignals(True)
        self.layer_combo.clear()
        self.layer_combo.blockSignals(False)
        self._update_placeholder()
        self.schedule_redraw()

    def clear(self) -> None:
        """Forget the curves and histograms (the weights were reset); the layers stay."""
        self._clear_data()
        self._update_placeholder()
        self.schedule_redraw()

    def _clear_data(self) -> None:
        self._steps.clear()
        for norms in self._norms.values():
            norms.clear()
        self.histogram = None
        self._hover = None

    def add_snapshot(self, snapshot: dict[str, Any]) -> None:
        """Append the snapshot's gradient norms (at its step count) and keep its histograms."""
        norms = snapshot.get("gradient_norms") or {}
        new = [name for name in norms if name not in self._norms]
        if new:
            self._add_layers(new)
        steps = snapshot.get("steps")
        if steps is not None and steps > 0 and norms:
            self._add_norms(int(steps), norms)
        histogram = snapshot.get("histogram")
        if histogram:
            self.histogram = histogram
        self.schedule_redraw()

    def _add_layers(self, names: list[str]) -> None:
        n = len(self._steps)
        for name in names:
            self._norms[name] = GrowingArray()
            self._norms[name].extend(np.full(n, np.nan))
            self.layers.append(name)
            curve = pg.PlotDataItem(name=name)
            self.norm_plot.addItem(curve)
            self._curves[name] = curve
        self._colors = dict(zip(self.layers, cm.layer_colors(len(self.layers))))
        for name, curve in self._curves.items():
            curve.setPen(pen(self._colors[name], 2.0))
        chosen = self.layer_combo.currentText()
        self.layer_combo.blockSignals(True)
        self.layer_combo.clear()
        self.layer_combo.addItems(self.layers)
        self.layer_combo.setCurrentIndex(max(0, self.layer_combo.findText(chosen)))
        self.layer_combo.blockSignals(False)
        if self.layer_combo.currentText() != chosen:
            self._layer_chosen(self.layer_combo.currentText())

    def _add_norms(self, steps: int, norms: dict[str, float]) -> None:
        last = self._steps.last(-1)
        if steps == last:
            return  # the same step again (a snapshot on pause)
        if steps < last:  # a restarted run: drop what it replaces
            keep = int(np.searchsorted(self._steps.data, steps))
            self._steps.truncate(keep)
            for values in self._norms.values():
                values.truncate(keep)
        self._steps.append(steps)
        for name, values in self._norms.items():
            value = norms.get(name)
            values.append(math.nan if value is None else float(value))

    # ---- queries ---------------------------------------------------------------------
    def steps(self) -> np.ndarray:
        return self._steps.data

    def norms(self, layer: str) -> np.ndarray:
        return self._norms[layer].data

    def layer_color(self, layer: str) -> QColor:
        return QColor(self._colors[layer])

    @property
    def histogram_layer(self) -> str:
        return self.layer_combo.currentText()

    def set_histogram_layer(self, layer: str) -> None:
        index = self.layer_combo.findText(layer)
        if index >= 0:
            self.layer_combo.setCurrentIndex(index)

    def readout_text(self) -> str:
        return QTextDocumentFragment.fromHtml(self.readout.text()).toPlainText().replace("\xa0", " ")

    @Slot(str)
    def _layer_chosen(self, name: str) -> None:
        self._update_placeholder()
        self.schedule_redraw()
        if name:
            self.histogramLayerChanged.emit(name)

    def _histogram_shown(self) -> bool:
        h = self.histogram
        return bool(h) and h.get("layer") == self.histogram_layer and ("weights" in h or "gradients" in h)

    def _update_placeholder(self) -> None:
        if self._histogram_shown():
            self.hist_stack.setCurrentWidget(self.hist_view)
            return
        layer = self.histogram_layer
        self.hist_placeholder.setText(
            f"The histograms of {layer}'s gradients and weights\ncome with the next snapshot." if layer
            else "Histograms of a layer's gradients and weights\nappear once a network is loaded.")
        self.hist_stack.setCurrentWidget(self.hist_placeholder)

    # ---- drawing ---------------------------------------------------------------------
    def _draw(self) -> None:
        steps = self._steps.data.astype(np.float64)
        for name, curve in self._curves.items():
            values = self._norms[name].data
            shown = np.where(values > NORM_FLOOR, values, np.nan)
            x, y = visible_points(steps, shown, self.norm_plot.vb)
            set_curve(curve, x, y, 2.0)
        self._update_placeholder()
        if self._histogram_shown():
            for kind, item in self.hist_items.items():
                data = self.histogram.get(kind)
                if data is None:
                    item.setData([], [])
                    continue
                edges = np.asarray(data["edges"], dtype=np.float64)
                counts = np.asarray(data["counts"], dtype=np.float64)
                item.setData(edges, counts)
                self.hist_plots[kind].setXRange(edges[0], edges[-1], padding=0.02)
        if self._hover is not None and self._hover >= len(steps):
            self.set_hover(None)
        self._update_readout()

    # ---- hover -----------------------------------------------------------------------
    def hover_positions(self) -> np.ndarray:
        return self._steps.data

    def _hover_changed(self) -> None:
        if self._hover is None:
            self.crosshair.hide()
        else:
            self.crosshair.setPos(float(self._steps.data[self._hover]))
            self.crosshair.show()
        self._update_readout()

    def _update_readout(self) -> None:
        steps = self._steps.data
        i = self._hover if self._hover is not None else (len(steps) - 1 if len(steps) else None)
        entries = [(self._colors[name], "━", name,
                    _norm_text(float(self._norms[name].data[i])) if i is not None else "")
                   for name in self.layers[:MAX_LISTED]]
        if len(self.layers) > MAX_LISTED:
            entries.append((self.theme.muted, "", f"+{len(self.layers) - MAX_LISTED} more", ""))
        lead = f"Step {int(steps[i]):,}" if i is not None else ("Layers" if self.layers else "")
        self.readout.setText(legend_html(entries, self.theme, lead, vertical=True))
        # grow only: a legend that changed width with every value would shake the plot
        self.readout.setMinimumWidth(max(self.readout.minimumWidth(), self.readout.sizeHint().width()))


def _norm_text(value: float) -> str:
    return f"{value:.2e}" if math.isfinite(value) else "–"
