"""Each convolution's filters as pictures: one row per filter, one tile per input channel (a single
input channel: the filters wrap in rows), on a diverging scale centred at 0 shared by the whole
layer — orange weights are negative, blue positive.

Feeding: ``reset(loaded)``, ``add_snapshot(snapshot)`` keeps the newest ``filters`` field
({layer: (filters, in_channels, k, k)}); the layer is chosen in the "filtersLayer" combo box (or by
``set_layer``, which the window calls when a Conv2D node is selected on the canvas).
"""
from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from .common import LivePlot, small_font
from .plot_widgets import placeholder_stack, scrolled, stacked_column
from .tiles import TileGrid, diverging_tiles, to_qimage

MAX_CHANNELS = 16   # input channels drawn per filter
TILE_TARGET = 36

NO_RUN = "Press Play to train.\n\nEach Conv2D layer's filters appear here as small pictures."
NO_CONV = "No Conv2D layer in this network.\n\nAdd a Conv2D layer to see what its filters learn."


class FiltersView(LivePlot):
    """Convolution filters; objectName ``filtersView``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filtersView")
        self.filters: dict[str, np.ndarray] = {}
        self.loaded = False
        self._seen = False   # a snapshot with filters arrived: an empty set means no convolution
        self._wanted: str | None = None   # a layer chosen before its filters arrived
        self.layer_combo = QComboBox(self)
        self.layer_combo.setObjectName("filtersLayer")
        self.layer_combo.setToolTip("The convolution whose filters are shown")
        self.layer_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.layer_combo.currentTextChanged.connect(self._layer_chosen)
        self.caption = QLabel(self)
        self.caption.setObjectName("filtersCaption")
        self.caption.setFont(small_font(self))
        bar = QHBoxLayout()
        bar.setContentsMargins(8, 4, 8, 2)
        label = QLabel("Filters of", self)
        label.setFont(small_font(self))
        bar.addWidget(label)
        bar.addWidget(self.layer_combo)
        bar.addStretch(1)
        self.caption.setWordWrap(True)
        self.caption.setContentsMargins(8, 0, 8, 2)
        self.grid = TileGrid(self, tile=TILE_TARGET, spacing=4, caption_lines=0)
        self.grid.setObjectName("filtersGrid")
        self.grid.tooltip = self._tooltip
        self.scroll = scrolled(self, self.grid)
        self.placeholder, self.stack = placeholder_stack(self, "filtersPlaceholder", self.scroll)
        stacked_column(self, bar, self.caption, self.stack)
        self._unconstrain_layout()
        self._apply_theme()
        self.reset(None)

    # ---- feeding -----------------------------------------------------------------------------
    def reset(self, info: dict[str, Any] | None) -> None:
        self.loaded = bool(info)
        self._seen = False
        self.filters = {}
        self._set_layers([])
        self.schedule_redraw()

    def clear(self) -> None:
        self.schedule_redraw()

    def add_snapshot(self, snapshot: dict[str, Any]) -> None:
        filters = snapshot.get("filters")
        if filters is None:
            return
        self.filters = dict(filters)
        self._seen = True
        if list(self.filters) != self.layers:
            self._set_layers(list(self.filters))
        self.schedule_redraw()

    @property
    def layers(self) -> list[str]:
        return [self.layer_combo.itemText(i) for i in range(self.layer_combo.count())]

    @property
    def layer(self) -> str:
        return self.layer_combo.currentText()

    def set_layer(self, name: str) -> bool:
        """Show ``name``'s filters (True when it is a convolution of this network)."""
        index = self.layer_combo.findText(name)
        if index < 0:
            return False
        self.layer_combo.setCurrentIndex(index)
        self._wanted = name
        return True

    def _set_layers(self, names: list[str]) -> None:
        chosen = self._wanted or self.layer_combo.currentText()
        self.layer_combo.blockSignals(True)
        self.layer_combo.clear()
        self.layer_combo.addItems(names)
        self.layer_combo.setCurrentIndex(max(0, self.layer_combo.findText(chosen)))
        self.layer_combo.blockSignals(False)
        self.layer_combo.setEnabled(bool(names))

    @Slot(str)
    def _layer_chosen(self, name: str) -> None:
        self._wanted = name or self._wanted
        self.redraw()

    # ---- drawing -----------------------------------------------------------------------------
    def _draw(self) -> None:
        w = self.filters.get(self.layer)
        if w is None:
            if not self.loaded:
                text = NO_RUN
            elif self._seen and not self.filters:
                text = NO_CONV
            else:
                text = "The filters come with the next snapshot."
            self.placeholder.setText(text)
            self.stack.setCurrentWidget(self.placeholder)
            self.caption.setText("")
            return
        self.stack.setCurrentWidget(self.scroll)
        w = np.asarray(w, dtype=np.float64)
        n, c, kh, kw = w.shape
        shown_c = min(c, MAX_CHANNELS)
        scale = float(np.abs(w).max()) or 1.0
        rgba = diverging_tiles(w[:, :shown_c], self.theme.dark, scale)
        images = [to_qimage(rgba[f, ch]) for f in range(n) for ch in range(shown_c)]
        side = max(kh, kw)
        self.grid.fixed_columns = shown_c if shown_c > 1 else None
        self.grid.set_images(images, side * max(2, round(TILE_TARGET / side)))
        more = f", the first {shown_c} of {c} input channels" if shown_c < c else ""
        rows = f"one row per filter, one tile per input channel{more}; " if shown_c > 1 else ""
        self.caption.setText(f"{n} filters of {kh}×{kw} × {c} channel{'s' if c > 1 else ''} — {rows}"
                             f"orange < 0 < blue, ±{scale:.3g}")

    def _tooltip(self, tile: int) -> str:
        w = self.filters.get(self.layer)
        if w is None:
            return ""
        c = min(np.shape(w)[1], MAX_CHANNELS)
        f, ch = divmod(tile, c)
        k = np.asarray(w[f, ch])
        return f"{self.layer}: filter {f}, input channel {ch}\nweights {k.min():.3g} … {k.max():.3g}"

    def _apply_theme(self) -> None:
        self.placeholder.setStyleSheet(f"color: {self.theme.muted.name()};")
        self.caption.setStyleSheet(f"color: {self.theme.muted.name()};")
        self.schedule_redraw()
