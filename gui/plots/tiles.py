"""A grid of small images (samples, filters, feature maps) painted with QPainter: captions under the
tiles, coloured frames, a selected tile, click and hover. Only the tiles in view are painted, so a
grid of thousands of samples costs no more than the screenful shown.

Also the colourings the tiles use: bytes as grey (or RGB) pictures, and values on a diverging scale
centred at 0 (Playground's orange for negative, blue for positive).
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from . import colormaps as cm


# ---- colourings ---------------------------------------------------------------------------------
def picture_rgba(tile: np.ndarray) -> np.ndarray:
    """A (C, H, W) uint8 picture -> (H, W, 4) RGBA: grey for one channel, colour for three, the
    first channel otherwise."""
    tile = np.asarray(tile)
    if tile.ndim == 2:
        tile = tile[None]
    rgb = tile[:3].transpose(1, 2, 0) if tile.shape[0] == 3 else np.repeat(tile[0][..., None], 3, axis=2)
    out = np.empty(rgb.shape[:2] + (4,), dtype=np.uint8)
    out[..., :3] = rgb
    out[..., 3] = 255
    return out


def diverging_tiles(values: np.ndarray, dark: bool, scale: float | None = None) -> np.ndarray:
    """Values (…, H, W) -> RGBA (…, H, W, 4): orange below 0, neutral at 0, blue above, full colour
    at ±``scale`` (default: the largest magnitude)."""
    v = np.nan_to_num(np.asarray(values, dtype=np.float64))
    if scale is None:
        scale = float(np.abs(v).max()) if v.size else 1.0
    style = cm.HeatStyle.for_theme(dark)
    return cm.diverging_rgba(v / (scale or 1.0), style, tint=False)


def to_qimage(rgba: np.ndarray) -> QImage:
    """(H, W, 4) uint8 -> a QImage that owns its pixels."""
    rgba = np.ascontiguousarray(rgba, dtype=np.uint8)
    h, w = rgba.shape[:2]
    return QImage(rgba.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()


# ---- the grid ----------------------------------------------------------------------------------
class TileGrid(QWidget):
    """Tiles in rows that wrap to the widget's width (put it in a QScrollArea that resizes it).

    ``set_images`` sets the pictures (kept until replaced); ``set_marks`` the captions and frame
    colours, which change with every prediction. ``order`` shows a subset of the tiles (e.g. the
    mistakes only), in that order; indices in signals are always tile indices."""

    tileClicked = Signal(int)
    tileActivated = Signal(int)   # double-click

    def __init__(self, parent: QWidget | None = None, tile: int = 40, spacing: int = 6,
                 caption_lines: int = 1) -> None:
        super().__init__(parent)
        self.tile = tile
        self.spacing = spacing
        self.caption_lines = caption_lines
        self.images: list[QImage] = []
        self.captions: list[str] = []
        self.caption_colors: list[QColor | None] = []
        self.frames: list[QColor | None] = []
        self.order: np.ndarray = np.zeros(0, dtype=np.int64)
        self.selected: int | None = None
        self.tooltip: Callable[[int], str] | None = None
        self.text_color = QColor("#202020")
        self.select_color = QColor("#1f6fd1")
        self.smooth = False
        self.fixed_columns: int | None = None  # e.g. one row per filter, a tile per input channel
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        font = QFont(self.font())
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * 0.85)
        self.caption_font = font

    # ---- content ----------------------------------------------------------------------------
    def set_images(self, images: Sequence[QImage], tile: int | None = None) -> None:
        self.images = list(images)
        if tile is not None:
            self.tile = tile
        self.order = np.arange(len(self.images))
        self.captions = [""] * len(self.images)
        self.caption_colors = [None] * len(self.images)
        self.frames = [None] * len(self.images)
        self.selected = None if self.selected is None or self.selected >= len(self.images) else self.selected
        self._relayout()

    def set_marks(self, captions: Sequence[str] | None = None, frames: Sequence[QColor | None] | None = None,
                  caption_colors: Sequence[QColor | None] | None = None) -> None:
        if captions is not None:
            self.captions = list(captions)
        if frames is not None:
            self.frames = list(frames)
        if caption_colors is not None:
            self.caption_colors = list(caption_colors)
        self.update()

    def set_order(self, order: np.ndarray) -> None:
        order = np.asarray(order, dtype=np.int64)
        if len(order) != len(self.order) or not np.array_equal(order, self.order):
            self.order = order
            self._relayout()

    def set_selected(self, index: int | None) -> None:
        if index != self.selected:
            self.selected = index
            self.update()

    # ---- geometry ---------------------------------------------------------------------------
    def _caption_height(self) -> int:
        if not self.caption_lines:
            return 0
        return QFontMetrics(self.caption_font).height() * self.caption_lines + 2

    def cell(self) -> QSize:
        return QSize(self.tile + self.spacing, self.tile + self._caption_height() + self.spacing)

    def columns(self, width: int | None = None) -> int:
        if self.fixed_columns:
            return self.fixed_columns
        width = self.width() if width is None else width
        return max(1, (width - self.spacing) // self.cell().width())

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        rows = -(-len(self.order) // self.columns(width))
        return self.spacing + rows * self.cell().height()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(8 * self.cell().width(), self.heightForWidth(8 * self.cell().width() + self.spacing))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self.cell().width() + self.spacing, 10)

    def _relayout(self) -> None:
        self.setMinimumHeight(self.heightForWidth(max(self.width(), 1)))
        self.updateGeometry()
        self.update()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        height = self.heightForWidth(self.width())
        if height != self.minimumHeight():
            self.setMinimumHeight(height)

    def tile_rect(self, position: int) -> QRect:
        """The picture's rectangle of the ``position``-th tile shown."""
        cols, cell = self.columns(), self.cell()
        row, col = divmod(position, cols)
        return QRect(self.spacing + col * cell.width(), self.spacing + row * cell.height(), self.tile, self.tile)

    def tile_at(self, point: QPoint) -> int | None:
        """The tile index under ``point`` (None between tiles)."""
        cols, cell = self.columns(), self.cell()
        col = (point.x() - self.spacing) // cell.width()
        row = (point.y() - self.spacing) // cell.height()
        if col < 0 or col >= cols or row < 0:
            return None
        position = row * cols + col
        if position >= len(self.order):
            return None
        rect = self.tile_rect(position).adjusted(-2, -2, 2, self._caption_height() + 2)
        return int(self.order[position]) if rect.contains(point) else None

    # ---- painting ---------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        if not len(self.order):
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self.smooth)
        painter.setFont(self.caption_font)
        cols, cell = self.columns(), self.cell()
        area = event.rect()
        first_row = max(0, (area.top() - self.spacing) // cell.height())
        last_row = (area.bottom() - self.spacing) // cell.height() + 1
        caption_h = self._caption_height()
        for position in range(first_row * cols, min(len(self.order), (last_row + 1) * cols)):
            index = int(self.order[position])
            rect = self.tile_rect(position)
            if index < len(self.images):
                painter.drawImage(rect, self.images[index])
            frame = self.frames[index] if index < len(self.frames) else None
            if index == self.selected:
                painter.setPen(QPen(self.select_color, 3))
                painter.drawRect(rect.adjusted(-2, -2, 1, 1))
            elif frame is not None:
                painter.setPen(QPen(frame, 2))
                painter.drawRect(rect.adjusted(-1, -1, 0, 0))
            caption = self.captions[index] if index < len(self.captions) else ""
            if caption and caption_h:
                color = self.caption_colors[index] if index < len(self.caption_colors) else None
                painter.setPen(color or self.text_color)
                text_rect = QRect(rect.left() - self.spacing // 2, rect.bottom() + 1, rect.width() + self.spacing,
                                  caption_h)
                painter.drawText(text_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, caption)
        painter.end()

    # ---- mouse ------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        index = self.tile_at(event.position().toPoint())
        if index is not None and event.button() == Qt.MouseButton.LeftButton:
            self.tileClicked.emit(index)
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        index = self.tile_at(event.position().toPoint())
        if index is not None:
            self.tileActivated.emit(index)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and self.tooltip is not None:
            index = self.tile_at(event.pos())
            text = self.tooltip(index) if index is not None else ""
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)
