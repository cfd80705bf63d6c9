"""What the live plots share: the palette-derived theme, the coalesced redraw, growing NumPy buffers,
min/max decimation and a few small widgets (toolbar buttons, the legend/read-out line).

Drawing contract: ``add_snapshot`` only appends to buffers and calls ``schedule_redraw()``; a
single-shot QTimer then calls ``redraw()`` at most every REDRAW_INTERVAL_MS (~30 Hz), and not while
the widget is hidden (it redraws when shown again). Everything runs in the GUI thread.
"""
from __future__ import annotations

import os

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

from dataclasses import dataclass  # noqa: E402
from html import escape  # noqa: E402
from typing import Iterable  # noqa: E402

import numpy as np  # noqa: E402
from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Slot  # noqa: E402
from PySide6.QtGui import QColor, QFont, QPalette, QPen  # noqa: E402
from PySide6.QtWidgets import QFileDialog, QLabel, QLayout, QSizePolicy, QToolButton, QWidget  # noqa: E402

import pyqtgraph as pg  # noqa: E402

from gui.editor.items.style import mix  # noqa: E402
from gui.panels.theme import PALETTE_EVENTS, is_dark  # noqa: E402

REDRAW_INTERVAL_MS = 33   # at most ~30 redraws a second
MAX_POINTS = 5000         # points drawn per curve at the most (min/max decimation beyond)

# Series colours per theme: (light, dark). Train is blue, test orange (the usual convention).
_SERIES = {
    "train": ("#1f6fd1", "#5ea1f2"),
    "test": ("#e0701a", "#f59a4a"),
    "weights": ("#1f6fd1", "#5ea1f2"),
    "gradients": ("#d9480f", "#f5843e"),
}


@dataclass(frozen=True)
class PlotTheme:
    """Colours of a plot, mixed from a (light or dark) palette."""

    dark: bool
    background: QColor
    text: QColor
    muted: QColor
    axis: QColor
    grid: QColor
    crosshair: QColor

    @classmethod
    def from_palette(cls, palette: QPalette) -> "PlotTheme":
        dark = is_dark(palette)
        base = palette.color(QPalette.ColorRole.Base)
        window = palette.color(QPalette.ColorRole.Window)
        text = palette.color(QPalette.ColorRole.Text)
        background = mix(base, window, 0.35) if dark else base
        return cls(
            dark=dark,
            background=background,
            text=text,
            muted=mix(text, background, 0.40),
            axis=mix(text, background, 0.45),
            grid=mix(text, background, 0.86 if dark else 0.90),
            crosshair=mix(text, background, 0.35),
        )

    def series(self, name: str) -> QColor:
        if name == "prediction":  # a curve over train (blue) and test (orange) points: the text colour
            return mix(self.text, self.background, 0.12)
        light, dark = _SERIES[name]
        return QColor(dark if self.dark else light)


def style_plot_item(plot: pg.PlotItem, theme: PlotTheme, grid: bool = False) -> None:
    """Axis lines, ticks and labels in the theme's colours; ``grid``: opaque grid lines in the
    theme's grid colour behind the data (pre-mixed: translucent lines cost milliseconds a frame)."""
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(theme.axis))
        axis.setTextPen(pg.mkPen(theme.text))
        if axis.labelText:
            axis.setLabel(axis.labelText, units=axis.labelUnits or None, color=theme.text.name())
    if grid:
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            axis.setTickPen(pg.mkPen(theme.grid))
            axis.setStyle(tickAlpha=255, maxTickLevel=1)
            axis.setGrid(255)


class DecadeAxis(pg.AxisItem):
    """An axis that, on a log scale, ticks (and grids) whole decades only: pyqtgraph's extra 2…9 per
    decade crowd a small plot. Ranges within one decade keep them. No SI-prefix scaling (it would
    relabel decades as "10²" of a "(x0.0001)" unit)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.enableAutoSIPrefix(False)

    def logTickValues(self, minVal, maxVal, size, stdTicks):  # noqa: N802, N803 - pyqtgraph override
        decades = [(spacing, values) for spacing, values in stdTicks if spacing >= 1.0 and len(values)]
        return decades or super().logTickValues(minVal, maxVal, size, stdTicks)


def style_view(view: pg.GraphicsView, theme: PlotTheme) -> None:
    view.setBackground(theme.background)


def pen(color: QColor | str, width: float = 1.5, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    p = pg.mkPen(QColor(color), width=width)
    p.setStyle(style)
    p.setCosmetic(True)
    return p


DENSE_POINTS = 600   # a curve with more points is drawn 1 px wide (wider pens cost ~5× more to draw)


def set_curve(curve: pg.PlotDataItem, x: np.ndarray, y: np.ndarray, width: float) -> None:
    """Give ``curve`` its points, drawn ``width`` wide — or 1 px while it is dense (then it reads as
    a band anyway)."""
    want = 1.0 if len(x) > DENSE_POINTS else width
    current = curve.opts["pen"]
    if isinstance(current, QPen) and current.widthF() != want:
        wider = QPen(current)
        wider.setWidthF(want)
        curve.setPen(wider)
    curve.setData(x, y)


def with_alpha(color: QColor, alpha: float) -> QColor:
    c = QColor(color)
    c.setAlphaF(alpha)
    return c


class GrowingArray:
    """A 1-D NumPy buffer with amortised O(1) appends; ``data`` is a view of the filled part."""

    def __init__(self, dtype: type = np.float64, capacity: int = 1024):
        self._buf = np.empty(capacity, dtype=dtype)
        self._n = 0

    def __len__(self) -> int:
        return self._n

    @property
    def data(self) -> np.ndarray:
        return self._buf[: self._n]

    def extend(self, values) -> None:
        values = np.asarray(values, dtype=self._buf.dtype).ravel()
        need = self._n + values.size
        if need > self._buf.size:
            grown = np.empty(max(need, 2 * self._buf.size), dtype=self._buf.dtype)
            grown[: self._n] = self._buf[: self._n]
            self._buf = grown
        self._buf[self._n: need] = values
        self._n = need

    def append(self, value: float) -> None:
        if self._n == self._buf.size:
            self.extend([value])
        else:
            self._buf[self._n] = value
            self._n += 1

    def last(self, default: float = np.nan) -> float:
        return float(self._buf[self._n - 1]) if self._n else default

    def clear(self) -> None:
        self._n = 0

    def truncate(self, n: int) -> None:
        self._n = max(0, min(self._n, n))


def decimate(x: np.ndarray, y: np.ndarray, max_points: int = MAX_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """At most ``max_points`` points that keep the curve's envelope: each bin of consecutive points
    becomes its minimum and maximum (at the bin's first x). Shorter curves come back unchanged."""
    n = len(x)
    if n <= max_points:
        return x, y
    bins = max_points // 2
    per = -(-n // bins)  # ceil
    full = (n // per) * per
    ys = y[:full].reshape(-1, per)
    lo = np.fmin.reduce(ys, axis=1)   # fmin/fmax skip NaN without warnings
    hi = np.fmax.reduce(ys, axis=1)
    xs = x[:full:per]
    out_x = np.repeat(xs, 2)
    out_y = np.column_stack([lo, hi]).ravel()
    if full < n:
        out_x = np.concatenate([out_x, x[full:]])
        out_y = np.concatenate([out_y, y[full:]])
    return out_x, out_y


def visible_points(x: np.ndarray, y: np.ndarray, vb: pg.ViewBox) -> tuple[np.ndarray, np.ndarray]:
    """What a curve needs to draw in ``vb``: the points within its x range (all of them while it
    auto-ranges), decimated to two per pixel column (min and max: at that resolution the same
    picture) and never more than MAX_POINTS."""
    if len(x) and not vb.autoRangeEnabled()[0]:
        lo, hi = vb.viewRange()[0]
        i0 = max(0, int(np.searchsorted(x, lo)) - 1)
        i1 = min(len(x), int(np.searchsorted(x, hi)) + 1)
        x, y = x[i0:i1], y[i0:i1]
    width = int(vb.width())
    limit = min(MAX_POINTS, 2 * width) if width >= 50 else MAX_POINTS
    return decimate(x, y, limit)


def format_value(value: float, percent: bool = False) -> str:
    """A short number for read-outs: 4 significant digits, or a percentage with one decimal."""
    if value is None or not np.isfinite(value):
        return "–"
    if percent:
        return f"{100 * value:.1f} %"
    if value != 0 and (abs(value) < 1e-3 or abs(value) >= 1e5):
        return f"{value:.2e}"
    return f"{value:.4g}"


def legend_html(entries: Iterable[tuple[QColor, str, str, str]], theme: PlotTheme, lead: str = "",
                vertical: bool = False) -> str:
    """``glyph name value`` entries, each glyph in its series colour (a legend that also reads out
    values), on one line or (``vertical``) one per line."""
    parts = []
    if lead:
        parts.append(f"<b>{escape(lead).replace(' ', '&nbsp;')}</b>")
    for color, glyph, name, value in entries:
        text = escape(name).replace(" ", "&nbsp;") + (f"&nbsp;<b>{escape(value).replace(' ', '&nbsp;')}</b>" if value else "")
        parts.append(f"<span style='color:{color.name()}'>{glyph}</span>&nbsp;{text}")
    # entries never break inside; a narrow plot wraps the line between them
    return (f"<span style='color:{theme.text.name()}'>"
            + ("<br>" if vertical else "&nbsp;&nbsp; ").join(parts) + "</span>")


def tool_button(parent: QWidget, name: str, text: str, tip: str, checkable: bool = False) -> QToolButton:
    button = QToolButton(parent)
    button.setObjectName(name)
    button.setText(text)
    button.setToolTip(tip)
    button.setCheckable(checkable)
    button.setAutoRaise(True)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    return button


def readout_label(parent: QWidget, name: str) -> QLabel:
    """A rich-text line for legends and values, a little smaller than the body text."""
    label = QLabel(parent)
    label.setObjectName(name)
    label.setFont(small_font(parent))
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    label.setMinimumWidth(40)
    return label


def small_font(widget: QWidget, factor: float = 0.92) -> QFont:
    font = QFont(widget.font())
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * factor)
    return font


def placeholder_label(parent: QWidget, name: str, text: str = "") -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName(name)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    label.setMargin(16)
    return label


def ask_save_path(parent: QWidget, title: str, suggested: str, file_filter: str) -> str:
    path, _ = QFileDialog.getSaveFileName(parent, title, suggested, file_filter)
    return path


class LivePlot(QWidget):
    """Base of the live plots: theme tracking and the coalesced redraw.

    Subclasses implement ``_draw()`` (all pyqtgraph updates) and ``_apply_theme()``.
    """

    def __init__(self, parent: QWidget | None = None):
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

    def showEvent(self, event) -> None:
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

    def eventFilter(self, watched, event: QEvent) -> bool:  # noqa: N802 - Qt override
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
