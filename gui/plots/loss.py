"""The loss plot: train and test loss per epoch, the per-batch loss smoothed, accuracy on a right axis
(classification), a log-scale toggle, values on hover, and CSV/PNG export.

Feeding (engineer D's controller): ``reset(loaded_message)`` when a run is loaded (shows its saved
history), ``add_snapshot(snapshot)`` for each worker snapshot, ``clear()`` when the worker resets the
weights, ``set_history(history)`` to show a saved run's curves.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QHBoxLayout, QMenu, QToolButton, QVBoxLayout, QWidget

import pyqtgraph as pg

from .common import (
    DecadeAxis,
    GrowingArray,
    LivePlot,
    pen,
    readout_label,
    set_curve,
    style_plot_item,
    style_view,
    tool_button,
    visible_points,
    with_alpha,
)
from .loss_export import CSV_COLUMNS, LossExport  # noqa: F401 - re-exported
from .loss_history import EMA_MAX_BETA, LossHistory  # noqa: F401 - re-exported
from .loss_readout import LossReadout
from .loss_series import CLASSIFICATION, SERIES

SYMBOLS_UP_TO = 40          # epochs: below this the per-epoch points are marked


class LossPlot(LossHistory, LossReadout, LossExport, LivePlot):
    """Loss per epoch and per batch (smoothed), with accuracy; objectName ``lossPlot``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lossPlot")
        self.task: str | None = None
        self._columns: dict[str, GrowingArray] = {"epoch": GrowingArray()}
        self._batch_x = GrowingArray()
        self._batch_ema = GrowingArray()
        self._ema = 0.0
        self._ema_count = 0
        self._beta: float | None = None
        self._progress = 0.0
        self._has_test = True
        self._build()
        self._apply_theme()
        self.redraw()

    # ---- construction ----------------------------------------------------------------
    def _build(self) -> None:
        self.readout = readout_label(self, "lossReadout")
        self.readout.setWordWrap(True)
        self.log_button = tool_button(self, "lossLogScale", "Log scale",
                                      "Show the loss on a logarithmic axis", checkable=True)
        self.log_button.toggled.connect(self.set_log_scale)
        self.export_button = tool_button(self, "lossExport", "Export",
                                         "Save the curves as a CSV table or a PNG image")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.export_button)
        self.action_export_csv = menu.addAction("Export CSV…", self._export_csv_clicked)
        self.action_export_csv.setObjectName("actionExportLossCsv")
        self.action_export_png = menu.addAction("Export PNG…", self._export_png_clicked)
        self.action_export_png.setObjectName("actionExportLossPng")
        self.export_button.setMenu(menu)
        # the same on a right click in the plot, with the log toggle and "show all" after a zoom
        self.context_menu = QMenu(self)
        self.action_log = self.context_menu.addAction("Log Scale")
        self.action_log.setObjectName("actionLossLogScale")
        self.action_log.setCheckable(True)
        self.action_log.toggled.connect(self.set_log_scale)
        self.action_show_all = self.context_menu.addAction("Show All", self._show_all)
        self.action_show_all.setObjectName("actionLossShowAll")
        self.context_menu.addSeparator()
        self.context_menu.addActions([self.action_export_csv, self.action_export_png])

        bar = QHBoxLayout()
        bar.setContentsMargins(6, 2, 6, 0)
        bar.setSpacing(2)
        bar.addWidget(self.readout, 1)
        bar.addWidget(self.log_button)
        bar.addWidget(self.export_button)

        self.view = pg.GraphicsLayoutWidget(self)
        self.view.setObjectName("lossPlotView")
        self.view.ci.setContentsMargins(2, 4, 2, 2)
        self.plot: pg.PlotItem = self.view.addPlot(axisItems={"left": DecadeAxis("left")})
        self.plot.setMenuEnabled(False)
        self.plot.setLabel("bottom", "epoch")
        self.plot.setLabel("left", "loss")
        self.plot.getAxis("left").setWidth(54)
        self.plot.getAxis("left").enableAutoSIPrefix(False)

        # accuracy: a second view box on the right axis, x linked to the loss view. A child of the
        # plot item (not a top-level scene item) so that it stacks between the grid (GRID_Z, drawn
        # by the axes) and the loss view: the grid behind every curve, accuracy under the losses.
        self.acc_view = pg.ViewBox(enableMenu=False)
        self.acc_view.setMouseEnabled(False, False)
        self.acc_view.setParentItem(self.plot)
        self.acc_view.setZValue(self.plot.vb.zValue() - 1)
        self.plot.getAxis("right").linkToView(self.acc_view)
        self.acc_view.setXLink(self.plot)
        self.acc_view.enableAutoRange(y=False)
        self.acc_view.setYRange(0, 100, padding=0.02)
        self.plot.setLabel("right", "accuracy %")
        self.plot.getAxis("right").setWidth(44)
        self.plot.getAxis("right").enableAutoSIPrefix(False)
        self.plot.getAxis("right").setTicks([[(v, str(v)) for v in (0, 25, 50, 75, 100)]])
        self.plot.vb.sigResized.connect(self._sync_acc_view)
        self.watch_view(self.plot.vb)

        self.batch_curve: pg.PlotDataItem = self.plot.plot(name="batch")
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.markers: dict[str, pg.PlotDataItem] = {}
        for key, (_, _, on_acc, _, _) in SERIES.items():
            curve, marker = pg.PlotDataItem(), pg.PlotDataItem()
            if on_acc:
                self.acc_view.addItem(curve)
                self.acc_view.addItem(marker)
            else:
                self.plot.addItem(curve)
                self.plot.addItem(marker)
            marker.setZValue(20)
            self.curves[key], self.markers[key] = curve, marker
        self.batch_marker = pg.PlotDataItem()
        self.plot.addItem(self.batch_marker)
        self.crosshair = pg.InfiniteLine(angle=90, movable=False)
        self.crosshair.setZValue(15)
        self.plot.addItem(self.crosshair, ignoreBounds=True)
        self.crosshair.hide()
        self.track_hover(self.view, self.plot.vb)
        self.plot.scene().sigMouseClicked.connect(self._on_clicked)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        self._show_accuracy(False)
        self._unconstrain_layout()

    @Slot()
    def _sync_acc_view(self) -> None:
        self.acc_view.setGeometry(self.plot.vb.geometry())  # both in the plot item's coordinates
        self.acc_view.linkedViewChanged(self.plot.vb, self.acc_view.XAxis)

    def _apply_theme(self) -> None:
        theme = self.theme
        style_view(self.view, theme)
        style_plot_item(self.plot, theme, grid=True)
        for key, (color_name, dashed, on_acc, _, _) in SERIES.items():
            color = theme.series(color_name)
            style = Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine
            line = with_alpha(color, 0.8) if on_acc else color
            self.curves[key].setPen(pen(line, self._width(key), style))
            self.curves[key].setSymbolBrush(color)
            self.curves[key].setSymbolPen(pen(theme.background, 1.0))
            self.markers[key].setPen(None)
            self.markers[key].setSymbol("o")
            self.markers[key].setSymbolSize(8)
            self.markers[key].setSymbolBrush(color)
            self.markers[key].setSymbolPen(pen(theme.background, 1.5))
        batch = with_alpha(theme.series("train"), 0.45)
        self.batch_curve.setPen(pen(batch, 1.2))
        self.batch_marker.setPen(None)
        self.batch_marker.setSymbol("o")
        self.batch_marker.setSymbolSize(6)
        self.batch_marker.setSymbolBrush(batch)
        self.batch_marker.setSymbolPen(None)
        self.crosshair.setPen(pen(theme.crosshair, 1.0, Qt.PenStyle.DotLine))
        self._update_readout()

    @staticmethod
    def _width(key: str) -> float:
        return 1.3 if SERIES[key][2] else 2.0

    # ---- feeding ---------------------------------------------------------------------
    def reset(self, info: dict[str, Any] | None) -> None:
        """A run was loaded (the worker's ``loaded`` message): forget everything, note the task and
        show the run's saved history, if any."""
        info = info or {}
        self.task = info.get("task") or info.get("network_task")
        self._has_test = bool(info.get("test_size", 1))
        self._clear_data()
        history = info.get("history")
        if history and history.get("epoch"):
            self._load_history(history)
        self._progress = float(info.get("epoch") or self._columns["epoch"].last(0.0))
        self._show_accuracy(self.task in CLASSIFICATION)
        self.schedule_redraw()

    def clear(self) -> None:
        """Forget the curves (the weights were reset); the task stays."""
        self._clear_data()
        self.schedule_redraw()

    def set_history(self, history: dict[str, list[float]] | None) -> None:
        """Show a saved run's per-epoch curves (``loaded["history"]`` / ``weights["history"]``)."""
        self._clear_data()
        if history and history.get("epoch"):
            self._load_history(history)
            self._progress = self._columns["epoch"].last(0.0)
        if self.task is None and history and "accuracy" in history:
            self.task = "multiclass"
        self._show_accuracy(self.task in CLASSIFICATION)
        self.schedule_redraw()

    def add_snapshot(self, snapshot: dict[str, Any]) -> None:
        """Take in one worker snapshot: appends to buffers only; drawing waits for the redraw."""
        losses = snapshot.get("batch_losses")
        progress = snapshot.get("progress")
        if losses is not None and len(losses) and progress is not None:
            self._add_batches(np.asarray(losses, dtype=np.float64), float(progress))
        elif progress is not None:
            self._progress = float(progress)
        for row in snapshot.get("epochs") or ():
            self._add_epoch(row)
        self.schedule_redraw()

    @property
    def log_scale(self) -> bool:
        return self.log_button.isChecked()

    # ---- drawing ---------------------------------------------------------------------
    @Slot(bool)
    def set_log_scale(self, on: bool) -> None:
        """Show the loss on a logarithmic axis (the button, the context menu and code agree)."""
        for control in (self.log_button, self.action_log):
            if control.isChecked() != on:
                control.setChecked(on)  # re-enters through toggled
                return
        if self.plot.getAxis("left").logMode == on:
            return
        self.plot.setLogMode(x=False, y=on)
        self.plot.getAxis("right").setLogMode(False)  # accuracy stays linear (0–100 %)
        style_plot_item(self.plot, self.theme, grid=True)
        self.plot.setLabel("left", "loss (log)" if on else "loss", color=self.theme.text.name())
        self.plot.vb.enableAutoRange(y=True)
        self.schedule_redraw()

    def _show_accuracy(self, on: bool) -> None:
        self.plot.showAxis("right", on)
        self.acc_view.setVisible(on)

    def _draw(self) -> None:
        epochs = self._columns["epoch"].data
        few = len(epochs) <= SYMBOLS_UP_TO
        for key, curve in self.curves.items():
            column = self._columns.get(key)
            if column is None or not len(column):
                curve.setData([], [])
                continue
            y = column.data * (100.0 if SERIES[key][2] else 1.0)
            x, y = visible_points(epochs, y, self.plot.vb)
            set_curve(curve, x, y, self._width(key))
            curve.setSymbol("o" if few else None)
            curve.setSymbolSize(5)
        x, y = visible_points(self._batch_x.data, self._batch_ema.data, self.plot.vb)
        set_curve(self.batch_curve, x, y, 1.2)
        if self._hover is not None and self._hover >= len(epochs):
            self._hover = None
        self._update_hover_items()
        self._update_readout()

    @Slot()
    def _show_all(self) -> None:
        self.plot.enableAutoRange()
        self.schedule_redraw()

    @Slot(object)
    def _on_clicked(self, event) -> None:
        if event.button() == Qt.MouseButton.RightButton:
            event.accept()
            self.context_menu.popup(event.screenPos().toPoint())
