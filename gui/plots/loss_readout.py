"""The loss plot's read-out line and hover: the values of the hovered (else the latest) epoch, a
crosshair and a marker on each curve there."""
from __future__ import annotations

import math

import numpy as np
from PySide6.QtGui import QTextDocumentFragment

from .loss_series import CLASSIFICATION, SERIES
from .plot_theme import with_alpha
from .plot_widgets import format_value, legend_html


class LossReadout:
    """Hover and read-out (a part of LossPlot)."""

    def readout_text(self) -> str:
        """The read-out line as plain text (the hovered epoch's values, else the latest)."""
        return QTextDocumentFragment.fromHtml(self.readout.text()).toPlainText().replace("\xa0", " ")

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
            scale = 100.0 if SERIES[key][2] else 1.0
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
            color, _, _, glyph, label = SERIES[key]
            value = format_value(self._value(key, i), percent) if i is not None else ""
            return theme.series(color), glyph, label, value

        entries = [entry(k) for k in ("loss", "val_loss") if shown(k)]
        hovered = self._columns["epoch"].data[i] if (i is not None and self._hover is not None) else None
        if len(self._batch_x):  # a reopened run has per-epoch history only: no batch curve to name
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
