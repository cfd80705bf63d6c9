"""The loss plot's export: the per-epoch table as CSV, the plot as PNG, and the Export menu's file
question."""
from __future__ import annotations

import csv
import math

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QMessageBox

from .plot_widgets import ask_save_path

# Epoch columns as the engine names them -> CSV headers (val_ is the test split), in CSV order.
CSV_COLUMNS = {
    "epoch": "epoch", "loss": "loss", "val_loss": "test_loss",
    "accuracy": "accuracy", "val_accuracy": "test_accuracy",
    "mae": "mae", "val_mae": "test_mae", "r2": "r2", "val_r2": "test_r2",
    "lr": "learning_rate",
}


class LossExport:
    """CSV and PNG export (a part of LossPlot)."""

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
