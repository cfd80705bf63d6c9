"""The canvas view: zoom (wheel under the mouse, clamped), pan (middle-drag, space + drag), the dot
grid, the empty-canvas hint, layer drops from the palette and the quick-add popup."""
from __future__ import annotations

import math

import shiboken6

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QBrush, QCursor, QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QDropEvent, QFocusEvent, QImage, QKeyEvent,
    QMouseEvent, QPainter, QResizeEvent, QTransform, QWheelEvent,
)
from PySide6.QtWidgets import QFrame, QGraphicsView, QWidget

from engine import registry
from engine.errors import UnknownLayerError

from .interactions import Pan
from .mime import LAYER_MIME
from .quick_add import QuickAddPopup, QuickAddRequest
from .scene import CanvasScene

MIN_ZOOM = 0.2
MAX_ZOOM = 3.0
ZOOM_STEP = 1.25
FIT_MAX_ZOOM = 1.0     # "fit" never blows a small network up beyond 100 %
FIT_MARGIN = 40.0
SCENE_EXTENT = 50_000.0
DOT_STEP = 20.0        # grid dots every 20 units, a stronger dot every 100
ZOOM_SETTLE_MS = 250  # item caching resumes this long after the last wheel step
HINT = "Drag a layer from the palette, or press Tab to add one"


class CanvasView(QGraphicsView):
    zoomChanged = Signal(float)

    def __init__(self, scene: CanvasScene, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("canvasView")
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
                            | QPainter.RenderHint.SmoothPixmapTransform)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemShape)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setSceneRect(QRectF(-SCENE_EXTENT, -SCENE_EXTENT, 2 * SCENE_EXTENT, 2 * SCENE_EXTENT))
        self.setAcceptDrops(True)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._pan: Pan | None = None
        self._space = False
        self._auto_fit = True  # fit the network on resize until the person zooms or pans
        self._last_mouse: QPoint | None = None
        self._popup: QuickAddPopup | None = None
        self._request: QuickAddRequest | None = None
        self.canvas: CanvasScene | None = None
        self._grid_key: tuple | None = None
        self._grid = QBrush()
        self._zoom_settle = QTimer(self)
        self._zoom_settle.setSingleShot(True)
        self._zoom_settle.setInterval(ZOOM_SETTLE_MS)
        self._zoom_settle.timeout.connect(self._zoom_settled)
        self.set_canvas_scene(scene)

    def set_canvas_scene(self, scene: CanvasScene) -> None:
        """Show another document's scene (the old one is not deleted: call its detach())."""
        old = self.canvas
        self._zoom_settle.stop()
        if old is not None and shiboken6.isValid(old):
            old.set_item_caching(True)
            old.quick_add_handler = None
            old.emptyChanged.disconnect(self._on_empty_changed)
        self.canvas = scene
        self.setScene(scene)
        scene.quick_add_handler = self.open_quick_add
        scene.emptyChanged.connect(self._on_empty_changed)
        self._auto_fit = True
        self.zoom_fit()

    # ---- zoom -------------------------------------------------------------------------------
    def zoom_factor(self) -> float:
        return self.transform().m11()

    def set_zoom(self, factor: float, anchor: QPointF | None = None) -> float:
        """Zoom to ``factor`` (clamped) keeping the scene point under ``anchor`` (viewport
        coordinates; default the centre) where it is. Returns the zoom reached."""
        factor = min(max(factor, MIN_ZOOM), MAX_ZOOM)
        current = self.zoom_factor()
        if anchor is None:
            anchor = QPointF(self.viewport().rect().center())
        if math.isclose(factor, current, rel_tol=1e-9):
            return current
        before = self.mapToScene(anchor.toPoint())
        self.scale(factor / current, factor / current)
        after = self.mapFromScene(before)
        delta = after - anchor.toPoint()
        h, v = self.horizontalScrollBar(), self.verticalScrollBar()
        h.setValue(h.value() + delta.x())
        v.setValue(v.value() + delta.y())
        self.zoomChanged.emit(factor)
        return factor

    def zoom_in(self) -> float:
        self._auto_fit = False
        return self.set_zoom(self.zoom_factor() * ZOOM_STEP)

    def zoom_out(self) -> float:
        self._auto_fit = False
        return self.set_zoom(self.zoom_factor() / ZOOM_STEP)

    def zoom_reset(self) -> float:
        self._auto_fit = False
        return self.set_zoom(1.0)

    def zoom_fit(self) -> float:
        """Show every node and wire (at most at 100 %)."""
        rect = self.canvas.network_rect() if self.canvas is not None else QRectF()
        if rect.isEmpty():
            self.set_zoom(1.0)
            self.centerOn(0, 0)
            return self.zoom_factor()
        rect = rect.adjusted(-FIT_MARGIN, -FIT_MARGIN, FIT_MARGIN, FIT_MARGIN)
        view = self.viewport().rect()
        fit = min(view.width() / rect.width(), view.height() / rect.height()) if rect.width() > 0 else 1.0
        self.set_zoom(min(fit, FIT_MAX_ZOOM))
        self.centerOn(rect.center())
        return self.zoom_factor()

    def center_on_node(self, node_id: str) -> None:
        item = self.canvas.node_item(node_id) if self.canvas is not None else None
        if item is not None:
            self._auto_fit = False
            self.centerOn(item.sceneBoundingRect().center())

    def visible_center(self) -> QPointF:
        return self.mapToScene(self.viewport().rect().center())

    def add_node_at_center(self, type_name: str, params: dict | None = None) -> str:
        """What the palette's double-click does: a node in the middle of what is visible."""
        return self.canvas.add_node_at(type_name, self.visible_center(), params)

    def paste_here(self) -> list[str]:
        """Paste at the mouse when it is over the canvas, else offset from the originals."""
        pos = self.viewport().mapFromGlobal(QCursor.pos())
        if self.viewport().rect().contains(pos) and self.underMouse():
            return self.canvas.paste(self.mapToScene(pos))
        return self.canvas.paste()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        """The wheel zooms under the mouse; a sideways scroll (tilt wheel, touchpad) pans."""
        delta = event.angleDelta().y() or event.pixelDelta().y()
        sideways = event.angleDelta().x() or event.pixelDelta().x()
        if not delta and sideways:
            self._auto_fit = False
            h = self.horizontalScrollBar()
            h.setValue(h.value() - sideways)
        elif delta:
            self._auto_fit = False
            if self.canvas is not None:  # paint directly while zooming; cache again once it settles
                self.canvas.set_item_caching(False)
                self._zoom_settle.start()
            self.set_zoom(self.zoom_factor() * math.pow(1.0015, delta), event.position())
        event.accept()

    def _zoom_settled(self) -> None:
        if self.canvas is not None:
            self.canvas.set_item_caching(True)

    # ---- pan and mouse --------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        button = event.button()
        if button == Qt.MouseButton.MiddleButton or (button == Qt.MouseButton.LeftButton and self._space):
            self._auto_fit = False
            self._pan = Pan(self, event.position())
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self._last_mouse = event.position().toPoint()
        if self._pan is not None:
            self._pan.move(event.position())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._pan is not None and event.button() in (Qt.MouseButton.MiddleButton, Qt.MouseButton.LeftButton):
            self._pan = None
            if self._space:
                self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            else:
                self.viewport().unsetCursor()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        pos = event.position().toPoint()
        if event.button() == Qt.MouseButton.LeftButton and self.itemAt(pos) is None:
            self.open_quick_add(QuickAddRequest(self.mapToScene(pos)))
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    # ---- keyboard ---------------------------------------------------------------------------------
    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802,A002
        """Tab opens quick-add here (keyPressEvent); Shift+Tab still moves the focus on."""
        return False if next else super().focusNextPrevChild(next)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        if key == Qt.Key.Key_Escape:
            if not (self.canvas and self.canvas.cancel_interaction()):
                self.canvas.clearSelection()
            event.accept()
            return
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.canvas.delete_selection()
            event.accept()
            return
        if key == Qt.Key.Key_Tab and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self.open_quick_add(QuickAddRequest(self.mapToScene(self._mouse_or_center())))
            event.accept()
            return
        if key == Qt.Key.Key_Space:
            if not event.isAutoRepeat():
                self._space = True
                if self._pan is None:
                    self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
            if self._pan is None:
                self.viewport().unsetCursor()
            event.accept()
            return
        super().keyReleaseEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        if self._space:  # the key release may go elsewhere
            self._space = False
            if self._pan is None:
                self.viewport().unsetCursor()
        super().focusOutEvent(event)

    def _mouse_or_center(self) -> QPoint:
        pos = self.viewport().mapFromGlobal(QCursor.pos())
        if self.viewport().rect().contains(pos) and self.underMouse():
            return pos
        if self._last_mouse is not None and self.viewport().rect().contains(self._last_mouse):
            return self._last_mouse
        return self.viewport().rect().center()

    # ---- quick add ----------------------------------------------------------------------------------
    @property
    def quick_add_popup(self) -> QuickAddPopup:
        if self._popup is None:
            self._popup = QuickAddPopup(self)
            self._popup.chosen.connect(self._on_quick_add_chosen)
            self._popup.closed.connect(self._on_quick_add_closed)
        return self._popup

    def open_quick_add(self, request: QuickAddRequest) -> bool:
        """Show the popup at the request's point; the chosen node is added (and wired) there."""
        if self._request is not None:
            self._request.finish()
        self._request = request
        popup = self.quick_add_popup
        popup.start(request.accepts)
        point = self.mapFromScene(request.scene_pos)
        popup.popup(self.viewport().mapToGlobal(point))
        return True

    def _on_quick_add_chosen(self, type_name: str, params: dict) -> None:
        request = self._request
        if request is None or self.canvas is None:
            return
        self._request = None
        request.finish()  # the wire interaction ends before its node is added
        self.canvas.complete_quick_add(request, type_name, params)

    def _on_quick_add_closed(self) -> None:
        request, self._request = self._request, None
        if request is not None:
            request.finish()

    # ---- drops from the palette ---------------------------------------------------------------------
    def _layer_type(self, event: QDropEvent) -> str | None:
        mime = event.mimeData()
        if mime is None or not mime.hasFormat(LAYER_MIME):
            return None
        return bytes(mime.data(LAYER_MIME)).decode("utf-8", errors="replace").strip() or None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if self._layer_type(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()  # e.g. a .nnd file: the main window opens it

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        if self._layer_type(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:  # noqa: N802
        event.accept()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        type_name = self._layer_type(event)
        if type_name is None or self.canvas is None:
            event.ignore()
            return
        try:
            registry.get(type_name)
        except UnknownLayerError as exc:
            self.canvas.statusMessage.emit(str(exc))
            event.ignore()
            return
        self.canvas.add_node_at(type_name, self.mapToScene(event.position().toPoint()))
        event.acceptProposedAction()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    # ---- painting -----------------------------------------------------------------------------------
    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:  # noqa: N802
        if self.canvas is None:
            return super().drawBackground(painter, rect)
        painter.fillRect(rect, self._grid_brush())

    def _grid_brush(self) -> QBrush:
        """The canvas colour with a dot every DOT_STEP units (every fifth darker), as one texture
        tile per zoom level: the background is a single fill, however many dots are visible."""
        style = self.canvas.style
        zoom = self.zoom_factor()
        step = DOT_STEP
        while step * zoom < 12:  # keep dots at least 12 px apart on screen
            step *= 5
        period = step * 5
        dpr = self.devicePixelRatioF()
        texels = max(5, round(period * zoom * dpr))
        key = (texels, period, style.canvas.rgba(), style.grid_minor.rgba(), style.grid_major.rgba())
        if key != self._grid_key:
            image = QImage(texels, texels, QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(style.canvas)
            p = QPainter(image)
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            p.setPen(Qt.PenStyle.NoPen)
            cell = texels / 5
            for i in range(5):
                for j in range(5):
                    major = i == 0 and j == 0
                    p.setBrush(style.grid_major if major else style.grid_minor)
                    r = (1.25 if major else 0.95) * dpr
                    for dx in (0, texels) if i == 0 else (0,):      # dots on the tile's edges
                        for dy in (0, texels) if j == 0 else (0,):  # wrap to the other side
                            p.drawEllipse(QPointF(i * cell + dx, j * cell + dy), r, r)
            p.end()
            brush = QBrush(image)
            brush.setTransform(QTransform.fromScale(period / texels, period / texels))
            self._grid_key, self._grid = key, brush
        return self._grid

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:  # noqa: N802
        if self.canvas is None or not self.canvas.is_empty:
            return
        painter.save()
        painter.resetTransform()
        painter.setFont(self.canvas.style.hint_font)
        painter.setPen(self.canvas.style.hint)
        painter.drawText(self.viewport().rect().adjusted(24, 24, -24, -24),
                         Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, HINT)
        painter.restore()

    def _on_empty_changed(self, empty: bool) -> None:
        self.viewport().update()

    # ---- housekeeping -------------------------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self._auto_fit:
            self.zoom_fit()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.PaletteChange and self.canvas is not None:
            self.canvas.refresh_style()
            self.resetCachedContent()
            self.viewport().update()
        super().changeEvent(event)
