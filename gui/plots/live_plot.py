"""The base of the live plots: theme tracking, the coalesced redraw and the hover crosshair's row.

Drawing contract: ``add_snapshot`` only appends to buffers and calls ``schedule_redraw()``; a
single-shot QTimer then calls ``redraw()`` at most every REDRAW_INTERVAL_MS (~30 Hz), and not while
the widget is hidden (it redraws when shown again). Everything runs in the GUI thread.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QObject, QSize, QTimer, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLayout, QWidget

import pyqtgraph as pg

from gui.panels.theme import PALETTE_EVENTS

from .plot_theme import PlotTheme

REDRAW_INTERVAL_MS = 33   # at most ~30 redraws a second


class LivePlot(QWidget):
    """Base of the live plots: theme tracking and the coalesced redraw.

    Subclasses implement ``_draw()`` (all pyqtgraph updates) and ``_apply_theme()``.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = PlotTheme.from_palette(self.palette())
        self.redraw_count = 0
        self._hover: int | None = None
        self._hover_view: pg.GraphicsView | None = None
        self._hover_vb: pg.ViewBox | None = None
        self._dirty = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REDRAW_INTERVAL_MS)
        self._timer.timeout.connect(self._on_timer)

    # ---- size ----------------------------------------------------------------------
    MINIMUM = QSize(40, 30)
    PREFERRED = QSize(320, 200)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """Small: a dock may squeeze a plot (its toolbar is then clipped) without widening the window."""
        return self.MINIMUM

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self.PREFERRED

    def _unconstrain_layout(self) -> None:
        """Let the layout fit below its children's minimum sizes (they are clipped) instead of
        raising the widget's minimum: call after building the layout."""
        self.layout().setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)

    # ---- coalesced redraw ---------------------------------------------------------
    @property
    def redraw_pending(self) -> bool:
        return self._dirty

    def schedule_redraw(self) -> None:
        """Mark the plot changed; it is drawn once within ~33 ms, however many changes come first."""
        self._dirty = True
        if not self._timer.isActive():
            self._timer.start()

    @Slot()
    def _on_timer(self) -> None:
        if self._dirty and self.isVisible():
            self.redraw()

    def redraw(self) -> None:
        """Draw now (the timer calls this; tests and exports may too)."""
        self._dirty = False
        self.redraw_count += 1
        self._draw()

    def watch_view(self, vb: pg.ViewBox) -> None:
        """Redraw when ``vb`` is resized or zoomed by the user (what is drawn depends on both)."""
        vb.sigResized.connect(self.schedule_redraw)
        vb.sigXRangeChanged.connect(self._x_range_changed)

    @Slot(object, object)
    def _x_range_changed(self, vb: pg.ViewBox, _range: object) -> None:
        if not vb.autoRangeEnabled()[0]:
            self.schedule_redraw()

    def _draw(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty:
            self.schedule_redraw()

    # ---- hover (a crosshair at the nearest row) -------------------------------------
    def track_hover(self, view: pg.GraphicsView, vb: pg.ViewBox) -> None:
        """Follow the mouse over ``vb``: ``set_hover`` with the row nearest to it (by x), None when
        it leaves."""
        self._hover_view, self._hover_vb = view, vb
        view.installEventFilter(self)
        vb.scene().sigMouseMoved.connect(self._on_mouse_moved)

    def hover_positions(self) -> np.ndarray:
        """The x of each row the crosshair can stop at (subclasses)."""
        return np.zeros(0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self._hover_view and event.type() == QEvent.Type.Leave:
            self.set_hover(None)
        return super().eventFilter(watched, event)

    @Slot(object)
    def _on_mouse_moved(self, pos) -> None:
        vb, xs = self._hover_vb, self.hover_positions()
        if not len(xs) or not vb.sceneBoundingRect().contains(pos):
            self.set_hover(None)
            return
        x = vb.mapSceneToView(pos).x()
        i = int(np.searchsorted(xs, x))
        if i >= len(xs) or (i > 0 and x - xs[i - 1] < xs[i] - x):
            i -= 1
        self.set_hover(max(i, 0))

    def set_hover(self, index: int | None) -> None:
        """Show the crosshair and the read-out at row ``index`` (None: the latest values)."""
        if index == self._hover:
            return
        self._hover = index
        self._hover_changed()

    def _hover_changed(self) -> None:
        """Redraw the crosshair and read-out (subclasses)."""

    # ---- theme ----------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in PALETTE_EVENTS:
            self.theme = PlotTheme.from_palette(self.palette())
            self._apply_theme()
            self.schedule_redraw()

    def _apply_theme(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError
