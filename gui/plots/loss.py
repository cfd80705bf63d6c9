"""The loss plot: train and test loss per epoch, the per-batch loss smoothed, accuracy on a right axis
(classification), a log-scale toggle, values on hover, and CSV/PNG export.

Feeding (engineer D's controller): ``reset(loaded_message)`` when a run is loaded (shows its saved
history), ``add_snapshot(snapshot)`` for each worker snapshot, ``clear()`` when the worker resets the
weights, ``set_history(history)`` to show a saved run's curves.
"""
from __future__ import annotations

import csv
import math
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import QHBoxLayout, QMenu, QMessageBox, QToolButton, QVBoxLayout, QWidget

import pyqtgraph as pg

from .common import (
    DecadeAxis,
    GrowingArray,
    LivePlot,
    ask_save_path,
    format_value,
    legend_html,
    pen,
    readout_label,
    set_curve,
    style_plot_item,
    style_view,
    tool_button,
    visible_points,
    with_alpha,
)

# Epoch columns as the engine names them -> CSV headers (val_ is the test split), in CSV order.
CSV_COLUMNS = {
    "epoch": "epoch", "loss": "loss", "val_loss": "test_loss",
    "accuracy": "accuracy", "val_accuracy": "test_accuracy",
    "mae": "mae", "val_mae": "test_mae", "r2": "r2", "val_r2": "test_r2",
    "lr": "learning_rate",
}
SYMBOLS_UP_TO = 40          # epochs: below this the per-epoch points are marked
EMA_MAX_BETA = 0.99
CLASSIFICATION = ("binary", "multiclass")

# Series drawn: key -> (colour name, dashed, on the accuracy axis, legend glyph, legend label)
_SERIES = {
    "loss": ("train", False, False, "━", "train"),
    "val_loss": ("test", False, False, "━", "test"),
    "accuracy": ("train", True, True, "╍", "acc"),
    "val_accuracy": ("test", True, True, "╍", "test acc"),
}


class LossPlot(LivePlot):
    """Loss per epoch and per batch (smoothed), with accuracy; objectName ``lossPlot``."""

    def __init__(self, parent: QWidget | None = None):
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

        # accuracy: a second view box on the right axis, x linked to the loss view
        self.acc_view = pg.ViewBox(enableMenu=False)
        self.acc_view.setMouseEnabled(False, False)
        self.plot.scene().addItem(self.acc_view)
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
        for key, (_, _, on_acc, _, _) in _SERIES.items():
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
        self.acc_view.setGeometry(self.plot.vb.sceneBoundingRect())
        self.acc_view.linkedViewChanged(self.plot.vb, self.acc_view.XAxis)

    def _apply_theme(self) -> None:
        theme = self.theme
        style_view(self.view, theme)
        style_plot_item(self.plot, theme, grid=True)
        for key, (color_name, dashed, on_acc, _, _) in _SERIES.items():
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
        return 1.3 if _SERIES[key][2] else 2.0

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

    def _clear_data(self) -> None:
        self._columns = {"epoch": GrowingArray()}
        self._batch_x.clear()
        self._batch_ema.clear()
        self._ema, self._ema_count, self._beta = 0.0, 0, None
        self._progress = 0.0
        self._hover = None

    def _load_history(self, history: dict[str, list[float]]) -> None:
        epochs = np.asarray(history["epoch"], dtype=np.float64)
        n = len(epochs)
        self._columns["epoch"].extend(epochs)
        for key, values in history.items():
            if key == "epoch":
                continue
            column = np.full(n, np.nan)
            values = np.asarray(values, dtype=np.float64)[:n]
            column[: len(values)] = values
            self._columns[key] = GrowingArray()
            self._columns[key].extend(column)

    def _column(self, key: str) -> GrowingArray:
        column = self._columns.get(key)
        if column is None:
            column = self._columns[key] = GrowingArray()
            column.extend(np.full(len(self._columns["epoch"]), np.nan))
        return column

    def _add_epoch(self, row: dict[str, float]) -> None:
        epoch = float(row.get("epoch", self._columns["epoch"].last(0.0) + 1))
        epochs = self._columns["epoch"]
        if len(epochs) and epoch <= epochs.last():  # a restarted run: drop what it replaces
            keep = int(np.searchsorted(epochs.data, epoch))
            for column in self._columns.values():
                column.truncate(keep)
        for key in row:
            if key != "epoch":
                self._column(key)  # a new metric: NaN for the epochs before
        epochs.append(epoch)
        for key, column in self._columns.items():
            if key != "epoch":
                value = row.get(key)
                column.append(math.nan if value is None else float(value))

    def _add_batches(self, losses: np.ndarray, progress: float) -> None:
        start = self._progress
        if progress < start or (len(self._batch_x) and progress < self._batch_x.last()):
            keep = int(np.searchsorted(self._batch_x.data, progress - 1e-12))
            self._batch_x.truncate(keep)
            self._batch_ema.truncate(keep)
            start = self._batch_x.last(0.0)
            self._ema, self._ema_count = 0.0, 0  # the new run is smoothed on its own
        n = len(losses)
        if self._beta is None:  # smooth over about two epochs' batches (10 to 200 of them)
            per_epoch = (n / (progress - start)) if progress > start else 10.0
            span = float(np.clip(2.0 * per_epoch, 10.0, 200.0))
            self._beta = min(1.0 - 2.0 / (span + 1.0), EMA_MAX_BETA)
        self._batch_x.extend(start + (progress - start) * np.arange(1, n + 1) / n)
        self._batch_ema.extend(self._smooth(losses))
        self._progress = progress

    def _smooth(self, losses: np.ndarray) -> np.ndarray:
        """Debiased exponential moving average (as TensorBoard's smoothing), continued from the
        previous snapshot's state; non-finite losses are skipped."""
        beta, ema, count = self._beta, self._ema, self._ema_count
        out = np.empty(len(losses))
        for i, value in enumerate(losses.tolist()):
            if math.isfinite(value):
                ema = beta * ema + (1.0 - beta) * value
                count += 1
            out[i] = ema / (1.0 - beta ** count) if count else math.nan
        self._ema, self._ema_count = ema, count
        return out

    # ---- queries (tests, export) -----------------------------------------------------
    def epochs(self) -> np.ndarray:
        return self._columns["epoch"].data

    def column(self, key: str) -> np.ndarray | None:
        column = self._columns.get(key)
        return None if column is None else column.data

    def batch_series(self) -> tuple[np.ndarray, np.ndarray]:
        """(fractional epoch, smoothed loss) of every batch so far."""
        return self._batch_x.data, self._batch_ema.data

    @property
    def log_scale(self) -> bool:
        return self.log_button.isChecked()

    def readout_text(self) -> str:
        """The read-out line as plain text (the hovered epoch's values, else the latest)."""
        return QTextDocumentFragment.fromHtml(self.readout.text()).toPlainText().replace("\xa0", " ")

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
            y = column.data * (100.0 if _SERIES[key][2] else 1.0)
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

    # ---- hover -----------------------------------------------------------------------
    def hover_positions(self) -> np.ndarray:
        return self._columns["epoch"].data

    def _hover_changed(self) -> None:
        self._update_hover_items()
        self._update_readout()

    def _update_hover_items(self) -> None:
        i = self._hover
        epochs = self._columns["epoch"].data
        if i is None or i >= len(epochs):
            self.crosshair.hide()
            for marker in (*self.markers.values(), self.batch_marker):
                marker.setData([], [])
            return
        x = epochs[i]
        self.crosshair.setPos(x)
        self.crosshair.show()
        for key, marker in self.markers.items():
            value = self._value(key, i)
            scale = 100.0 if _SERIES[key][2] else 1.0
            marker.setData([x], [value * scale]) if math.isfinite(value) else marker.setData([], [])
        bx, by = self._batch_x.data, self._batch_ema.data
        j = int(np.searchsorted(bx, x - 1e-9))
        if j < len(bx) and math.isfinite(by[j]):
            self.batch_marker.setData([bx[j]], [by[j]])
        else:
            self.batch_marker.setData([], [])

    def _value(self, key: str, i: int) -> float:
        column = self._columns.get(key)
        return float(column.data[i]) if column is not None and i < len(column) else math.nan

    def _batch_value_at(self, x: float | None) -> float:
        bx, by = self._batch_x.data, self._batch_ema.data
        if not len(bx):
            return math.nan
        if x is None:
            return float(by[-1])
        j = int(np.searchsorted(bx, x - 1e-9))
        return float(by[j]) if j < len(bx) else math.nan

    def _update_readout(self) -> None:
        theme = self.theme
        epochs = self._columns["epoch"].data
        i = self._hover if self._hover is not None else (len(epochs) - 1 if len(epochs) else None)
        if i is None and not len(self._batch_x):
            self.readout.setText(legend_html(self._legend_entries(None), theme))
            return
        if i is None:
            lead = f"Epoch {self._progress:.2f}"
        else:
            lead = f"Epoch {epochs[i]:,.0f}"
        self.readout.setText(legend_html(self._legend_entries(i), theme, lead))

    def _legend_entries(self, i: int | None) -> list:
        """(colour, glyph, label, value) of each series; values of epoch row ``i`` (None: names only)."""
        theme = self.theme

        def shown(key: str) -> bool:  # a test split's series only when there is a test split
            return not key.startswith("val_") or key in self._columns or (i is None and self._has_test)

        def entry(key: str, percent: bool = False):
            color, _, _, glyph, label = _SERIES[key]
            value = format_value(self._value(key, i), percent) if i is not None else ""
            return theme.series(color), glyph, label, value

        entries = [entry(k) for k in ("loss", "val_loss") if shown(k)]
        hovered = self._columns["epoch"].data[i] if (i is not None and self._hover is not None) else None
        batch = self._batch_value_at(hovered)
        entries.append((with_alpha(theme.series("train"), 0.6), "━", "batch (smoothed)",
                        format_value(batch) if math.isfinite(batch) else ""))
        if self.task in CLASSIFICATION:
            entries += [entry(k, percent=True) for k in ("accuracy", "val_accuracy") if shown(k)]
        elif i is not None and "r2" in self._columns:
            r2 = format_value(self._value("r2", i))
            if "val_r2" in self._columns:
                r2 += " / " + format_value(self._value("val_r2", i))
            entries.append((theme.muted, "", "R²", r2))
        return entries

    # ---- export ----------------------------------------------------------------------
    def csv_rows(self) -> tuple[list[str], list[list[str]]]:
        """Header and rows of the per-epoch table (``val_`` columns are called ``test_``)."""
        keys = [k for k in CSV_COLUMNS if k in self._columns]
        keys += sorted(k for k in self._columns if k not in CSV_COLUMNS)
        header = [CSV_COLUMNS.get(k, k.replace("val_", "test_")) for k in keys]
        data = [self._columns[k].data for k in keys]
        rows = []
        for i in range(len(self._columns["epoch"])):
            row = []
            for k, column in zip(keys, data):
                value = float(column[i])
                row.append("" if not math.isfinite(value) else
                           (str(int(value)) if k == "epoch" and value.is_integer() else repr(value)))
            rows.append(row)
        return header, rows

    def export_csv(self, path: str) -> None:
        """Write the per-epoch table (epoch, loss, test_loss, accuracy, test_accuracy, …) as CSV."""
        header, rows = self.csv_rows()
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(header)
            writer.writerows(rows)

    def export_png(self, path: str) -> bool:
        """Save the plot (without the toolbar) as a PNG at the screen's pixel ratio."""
        if self.redraw_pending:
            self.redraw()
        return self.view.grab().save(path, "PNG")

    def _ask_path(self, kind: str) -> str:
        suffix = {"csv": "CSV table (*.csv)", "png": "PNG image (*.png)"}[kind]
        return ask_save_path(self, f"Export the loss curves as {kind.upper()}", f"loss.{kind}", suffix)

    @Slot()
    def _export_csv_clicked(self) -> None:
        self._export("csv", self.export_csv)

    @Slot()
    def _export_png_clicked(self) -> None:
        self._export("png", self.export_png)

    def _export(self, kind: str, write) -> None:
        path = self._ask_path(kind)
        if not path:
            return
        try:
            ok = write(path)
        except OSError as exc:
            ok, reason = False, exc.strerror or str(exc)
        else:
            ok, reason = ok is not False, "the image could not be written"
        if not ok:
            QMessageBox.warning(self, "Export failed", f"Could not write {path}: {reason}")
