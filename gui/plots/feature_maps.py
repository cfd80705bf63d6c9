"""One sample's way through the network: for every layer with (C, H, W) outputs its C channel maps as
tiles, for a layer with a vector output a strip of cells — each layer on its own diverging scale
centred at 0 (orange < 0 < blue). The sample is chosen with the "featureSample" spin box or by a
click in the samples grid (``set_sample``).

Feeding: ``reset(loaded)``, ``set_split(split)``, ``add_snapshot(snapshot)`` keeps the newest
``features`` field of the chosen sample (and the ``classes`` field, for its predicted class).
``sampleRequested(split, index)`` asks the owner to have the worker send that sample's maps.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QFontMetrics, QPainter, QPaintEvent, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSpinBox,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from . import colormaps as cm
from .common import LivePlot, small_font
from .plot_widgets import placeholder_stack, scrolled, stacked_column
from .samples_grid import split_box
from .tiles import TileGrid, diverging_tiles, picture_rgba, to_qimage

TILE_TARGET = 48
STRIP_HEIGHT = 18
NO_RUN = "Press Play to train.\n\nThe chosen sample's feature maps at every layer appear here."


def map_tile(height: int, width: int) -> int:
    side = max(height, width, 1)
    return side * max(1, round(TILE_TARGET / side)) if side < TILE_TARGET else side


class Strip(QWidget):
    """A vector as a row of coloured cells (wrapping when there are many)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.values = np.zeros(0)
        self.rgba = np.zeros((0, 4), dtype=np.uint8)
        self.names: list[str] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_values(self, values: np.ndarray, dark: bool, names: list[str] | None = None) -> None:
        self.values = np.asarray(values, dtype=np.float64).ravel()
        self.rgba = diverging_tiles(self.values, dark) if self.values.size else np.zeros((0, 4), dtype=np.uint8)
        self.names = list(names or [])
        self.setFixedHeight(self._height())
        self.update()

    @property
    def labelled(self) -> bool:
        """Few named units (the class probabilities): their names go under the cells."""
        return bool(self.names) and len(self.values) <= 24 and self._rows() == 1

    def _height(self) -> int:
        extra = QFontMetrics(self.font()).height() if self.labelled else 0
        return self._rows() * STRIP_HEIGHT + 2 + extra

    def _layout(self, width: int | None = None) -> tuple[int, float]:
        width = (width or self.width()) - 2
        n = max(1, len(self.values))
        per_row = max(1, min(n, int(width // 4)))
        return per_row, width / per_row

    def _rows(self) -> int:
        per_row, _ = self._layout(max(self.width(), 200))
        return max(1, math.ceil(len(self.values) / per_row))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.setFixedHeight(self._height())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(200, STRIP_HEIGHT + 2)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        if not len(self.values):
            return
        p = QPainter(self)
        per_row, cell = self._layout()
        for i in range(len(self.values)):
            r, c = divmod(i, per_row)
            color = self.rgba[i]
            p.fillRect(QRectF(1 + c * cell, 1 + r * STRIP_HEIGHT, max(1.0, cell - (1 if cell > 5 else 0)),
                              STRIP_HEIGHT - 2), cm.qcolor(color[:3].astype(np.float64)))
        if self.labelled:
            fm = QFontMetrics(self.font())
            p.setPen(self.palette().color(self.foregroundRole()))
            for i, name in enumerate(self.names[: len(self.values)]):
                text = fm.elidedText(name, Qt.TextElideMode.ElideRight, int(cell))
                p.drawText(QRectF(1 + i * cell, STRIP_HEIGHT, cell, fm.height()), Qt.AlignmentFlag.AlignCenter, text)
        p.end()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and len(self.values):
            per_row, cell = self._layout()
            c, r = int((event.pos().x() - 1) // cell), int((event.pos().y() - 1) // STRIP_HEIGHT)
            i = r * per_row + c
            if 0 <= c < per_row and 0 <= i < len(self.values):
                name = self.names[i] if i < len(self.names) else f"unit {i}"
                QToolTip.showText(event.globalPos(), f"{name}: {self.values[i]:.4g}", self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)


class LayerSection(QWidget):
    """A layer's title and its maps (a tile grid) or vector (a strip)."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.title = QLabel(self)
        self.title.setFont(small_font(self))
        self.grid = TileGrid(self, caption_lines=0, spacing=3)
        self.grid.setObjectName(f"featureGrid_{name}")
        self.strip = Strip(self)
        self.strip.setFont(small_font(self))
        self.values: np.ndarray | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.grid)
        layout.addWidget(self.strip)
        self.grid.tooltip = self._tooltip

    def show_values(self, values: np.ndarray, dark: bool, picture: tuple[int, int, int] | None,
                    names: list[str] | None) -> None:
        """``picture``: the values are the input image of that shape (drawn in grey, not on the
        diverging scale)."""
        self.values = v = np.asarray(values)
        if v.ndim == 1 and picture is not None and v.size == math.prod(picture):
            v = v.reshape(picture)  # flat pixels shown as the picture they are
        if v.ndim == 3:
            c, h, w = v.shape
            if picture is not None:
                lo, hi = float(v.min()), float(v.max())
                grey = np.clip((v - lo) * (255.0 / ((hi - lo) or 1.0)), 0, 255).astype(np.uint8)
                rgba = np.stack([picture_rgba(grey[i : i + 1]) for i in range(c)])
            else:
                rgba = diverging_tiles(v, dark)
            self.grid.set_images([to_qimage(rgba[i]) for i in range(c)], map_tile(h, w))
            self.grid.show()
            self.strip.hide()
            self.title.setText(f"<b>{self.name}</b> — {c} map{'s' if c > 1 else ''} of {h}×{w}")
        else:
            self.strip.set_values(v, dark, names)
            self.strip.show()
            self.grid.hide()
            self.title.setText(f"<b>{self.name}</b> — {v.size} value{'s' if v.size != 1 else ''}, "
                               f"{float(v.min()):.3g} … {float(v.max()):.3g}" if v.size else f"<b>{self.name}</b>")

    def _tooltip(self, i: int) -> str:
        v = self.values
        if v is None or v.ndim != 3 or i >= len(v):
            return ""
        return f"{self.name}, channel {i}: {float(v[i].min()):.3g} … {float(v[i].max()):.3g}"


class FeatureMapsView(LivePlot):
    """One sample's outputs at every layer; objectName ``featureMapsView``."""

    sampleRequested = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("featureMapsView")
        self.info: dict[str, Any] = {}
        self.split = "test"
        self.index = 0
        self.features: dict[str, Any] | None = None
        self.predicted: np.ndarray | None = None
        self.sections: dict[str, LayerSection] = {}
        self._build()
        self._apply_theme()
        self.reset(None)

    def _build(self) -> None:
        self.spin = QSpinBox(self)
        self.spin.setObjectName("featureSample")
        self.spin.setToolTip("The sample whose feature maps are shown (or click one in Samples)")
        self.spin.setKeyboardTracking(False)
        self.spin.valueChanged.connect(self._spin_changed)
        self.picture = QLabel(self)
        self.picture.setObjectName("featurePicture")
        self.caption = QLabel(self)
        self.caption.setObjectName("featureCaption")
        self.caption.setFont(small_font(self))
        self.caption.setWordWrap(True)
        self.split_box = split_box(self, "featureSplit")
        bar = QHBoxLayout()
        bar.setContentsMargins(8, 4, 8, 2)
        label = QLabel("Sample", self)
        label.setFont(small_font(self))
        of = QLabel("of the", self)
        of.setFont(small_font(self))
        bar.addWidget(label)
        bar.addWidget(self.spin)
        bar.addWidget(of)
        bar.addWidget(self.split_box)
        bar.addSpacing(6)
        bar.addWidget(self.picture)
        bar.addWidget(self.caption, 1)
        self.body = QWidget(self)
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(0, 0, 0, 0)
        self.body_layout.setSpacing(0)
        self.body_layout.addStretch(1)
        self.scroll = scrolled(self, self.body)
        self.placeholder, self.stack = placeholder_stack(self, "featurePlaceholder", self.scroll)
        stacked_column(self, bar, self.stack)
        self._unconstrain_layout()

    # ---- feeding -----------------------------------------------------------------------------
    def reset(self, info: dict[str, Any] | None) -> None:
        self.info = info or {}
        self.features, self.predicted = None, None
        self._rebuild([])
        self._update_range()
        self.spin.setEnabled(bool(info))
        self.split_box.setEnabled(bool(info))
        self.placeholder.setText(NO_RUN if not info else "The feature maps come with the next snapshot.")
        self.stack.setCurrentWidget(self.placeholder)
        self.schedule_redraw()

    def clear(self) -> None:
        self.predicted = None
        self.schedule_redraw()

    def _split_size(self) -> int:
        return int(self.info.get(f"{self.split}_size") or 0)

    def _update_range(self) -> None:
        self.spin.blockSignals(True)
        self.spin.setRange(0, max(0, self._split_size() - 1))
        self.index = min(self.index, self.spin.maximum())
        self.spin.setValue(self.index)
        self.spin.blockSignals(False)

    def set_split(self, split: str) -> None:
        if split != self.split:
            self.split = split
            self.predicted = None
            self._update_range()

    def set_sample(self, split: str, index: int) -> None:
        """Show sample ``index`` of ``split`` (asks for its maps with ``sampleRequested``)."""
        self.set_split(split)
        self.index = int(index)
        self.spin.blockSignals(True)
        self.spin.setValue(self.index)
        self.spin.blockSignals(False)
        self.schedule_redraw()
        self.sampleRequested.emit(self.split, self.index)

    @Slot(int)
    def _spin_changed(self, value: int) -> None:
        self.set_sample(self.split, value)

    def add_snapshot(self, snapshot: dict[str, Any]) -> None:
        classes = snapshot.get("classes")
        if classes is not None and classes.get("split") == self.split:
            self.predicted = np.asarray(classes["predicted"])
            self.schedule_redraw()
        features = snapshot.get("features")
        if features is not None:
            self.features = features
            self.schedule_redraw()

    @property
    def shown_sample(self) -> tuple[str, int] | None:
        f = self.features
        return (f["split"], int(f["index"])) if f else None

    def reveal_layer(self, name: str) -> None:
        """Scroll ``name``'s maps into view (a node selected on the canvas)."""
        section = self.sections.get(name)
        if section is not None:
            self.scroll.ensureWidgetVisible(section, 0, 0)

    # ---- drawing -----------------------------------------------------------------------------
    def _draw(self) -> None:
        self._update_caption()
        f = self.features
        if not f or not self.info:
            return
        order = [n for n in f.get("order") or f["layers"] if n in f["layers"]]
        layers = {name: f["layers"][name] for name in order}
        if order != list(self.sections):
            self._rebuild(order)
        picture = self.info.get("image_shape")
        picture = tuple(int(s) for s in picture) if picture else None
        names = [str(c) for c in self.info.get("class_names") or ()]
        last = list(layers)[-1] if layers else None
        input_names = [str(n) for n in self.info.get("input_names") or ()]
        for i, (name, values) in enumerate(layers.items()):
            unit_names = names if name == last and np.size(values) == len(names) else (
                input_names if i == 0 else None)
            self.sections[name].show_values(values, self.theme.dark, picture if i == 0 else None, unit_names)
        self.stack.setCurrentWidget(self.scroll)

    def _rebuild(self, names: list[str]) -> None:
        for section in self.sections.values():
            self.body_layout.removeWidget(section)
            section.deleteLater()
        self.sections = {}
        for i, name in enumerate(names):
            section = LayerSection(name, self.body)
            self.body_layout.insertWidget(i, section)
            self.sections[name] = section

    def _update_caption(self) -> None:
        if not self.info:
            self.caption.setText("")
            self.picture.clear()
            return
        i, split = self.index, self.split
        y = np.asarray(self.info.get(f"{split}_y", ())).ravel()
        names = [str(c) for c in self.info.get("class_names") or ()]
        text = ""
        if i < len(y) and names:
            text = f"true {names[int(y[i])]}"
            if self.predicted is not None and i < len(self.predicted):
                p = int(self.predicted[i])
                mark = "" if p == int(y[i]) else " ✗"
                text += f", predicted {names[p]}{mark}"
        shown = self.shown_sample
        if shown is not None and shown != (split, i):
            text += " (loading…)" if text else "loading…"
        self.caption.setText(text)
        tiles = self.info.get(f"{split}_images")
        if tiles is not None and i < len(tiles):
            image = to_qimage(picture_rgba(tiles[i]))
            h = QFontMetrics(self.font()).height() * 2
            self.picture.setPixmap(QPixmap.fromImage(image).scaled(h, h))
        else:
            self.picture.clear()

    def _apply_theme(self) -> None:
        self.placeholder.setStyleSheet(f"color: {self.theme.muted.name()};")
        self.caption.setStyleSheet(f"color: {self.theme.text.name()};")
        self.schedule_redraw()
