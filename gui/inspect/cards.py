"""The building blocks of the inspector's pages: a card per node (title, formulas, worked numbers,
arrays, notes), a flow layout that wraps arrays onto the next line when the page is narrow, and a
scrolling page of cards that can bring one card into view and mark it as the animation's active one.
"""
from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from gui.panels.theme import scaled_font, set_text_color

from .mathtext import FormulaLabel, math_html
from .style import colors


class FlowLayout(QLayout):
    """Children left to right, wrapping to a new line when the width runs out (Qt's flow layout example)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 14) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _arrange(self, rect: QRect, apply: bool) -> int:
        x, y, line = rect.x(), rect.y(), 0
        for item in self._items:
            hint = item.sizeHint()
            if hint.width() > rect.width():  # wider than the line: as narrow as the item allows
                hint.setWidth(max(rect.width(), item.minimumSize().width()))
            if x + hint.width() > rect.right() + 1 and line > 0:
                x, y, line = rect.x(), y + line + self._spacing, 0
            if apply:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            line = max(line, hint.height())
        return y + line - rect.y()


def figure(caption: str, widget: QWidget, parent: QWidget | None = None) -> QWidget:
    """A widget with a small muted caption above it."""
    box = QWidget(parent)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    if caption:
        label = QLabel(caption, box)
        label.setFont(scaled_font(box, 0.92))
        set_text_color(label, colors(box).muted)
        layout.addWidget(label)
    layout.addWidget(widget)
    box.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
    return box


class Card(QFrame):
    """One node (or the loss, or one parameter) on a page: painted as a rounded panel whose border
    takes the phase's colour while the animation is on it."""

    def __init__(self, title: str, subtitle: str = "", *, phase: str = "forward", key: str = "",
                 badge: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.phase = phase
        self.key = key
        self.active = False
        self.setObjectName(f"card:{phase}:{key}" if key else "")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 10, 14, 12)
        outer.setSpacing(6)
        head = QHBoxLayout()
        head.setSpacing(8)
        self.title = QLabel(title, self)
        self.title.setFont(scaled_font(self, 1.1, bold=True))
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        head.addWidget(self.title)
        self.subtitle = QLabel(subtitle, self)
        self.subtitle.setWordWrap(True)
        set_text_color(self.subtitle, colors(self).muted)
        head.addWidget(self.subtitle, 1)
        self.badge = FormulaLabel(math_html(badge), self) if badge else None
        if self.badge is not None:
            self.badge.setWordWrap(False)
            head.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignRight)
        outer.addLayout(head)
        self.body = outer

    # ---- content -------------------------------------------------------------------------------
    def add_formulas(self, lines: list[str], *, result: bool = False, name: str = "") -> FormulaLabel | None:
        """Formula lines, one label (selectable as a block); ``result`` emphasises each line's value."""
        lines = [ln for ln in lines if ln]
        if not lines:
            return None
        c = colors(self)
        html = "<br>".join(math_html(ln, result=c.text if result else None, muted=c.muted) for ln in lines)
        label = FormulaLabel(html, self, name=name)
        self.body.addWidget(label)
        return label

    def add_flow(self, widgets: list[QWidget]) -> QWidget | None:
        widgets = [w for w in widgets if w is not None]
        if not widgets:
            return None
        holder = QWidget(self)
        flow = FlowLayout(holder)
        for w in widgets:
            w.setParent(holder)
            flow.addWidget(w)
        self.body.addWidget(holder)
        return holder

    def add_note(self, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setFont(scaled_font(self, 0.92))
        set_text_color(label, colors(self).muted)
        self.body.addWidget(label)
        return label

    def set_active(self, active: bool) -> None:
        if active != self.active:
            self.active = active
            self.update()

    # ---- Qt ------------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        c = colors(self)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        rect = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        p.setBrush(c.card)
        accent = c.phase(self.phase)
        p.setPen(QPen(accent if self.active else c.card_border, 2.2 if self.active else 1.0))
        p.drawRoundedRect(rect, 8, 8)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(accent)
        p.drawRoundedRect(QRectF(rect.left() + 1, rect.top() + 10, 4 if self.active else 3, rect.height() - 20), 2, 2)
        p.end()


class Page(QScrollArea):
    """A vertical list of cards that scrolls; ``show_card(key)`` marks and reveals one."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.cards: dict[str, Card] = {}
        self._reset()

    def _reset(self) -> None:
        content = QWidget()
        self._layout = QVBoxLayout(content)
        self._layout.setContentsMargins(10, 10, 10, 10)
        self._layout.setSpacing(10)
        self._layout.addStretch(1)
        old = self.takeWidget()
        if old is not None:
            old.deleteLater()
        self.setWidget(content)
        self.cards = {}

    def clear(self) -> None:
        self._reset()

    def add(self, widget: QWidget) -> QWidget:
        self._layout.insertWidget(self._layout.count() - 1, widget)
        if isinstance(widget, Card) and widget.key:
            self.cards[widget.key] = widget
        return widget

    def add_heading(self, text: str, note: str = "") -> QLabel:
        label = QLabel(text)
        label.setFont(scaled_font(self, 1.18, bold=True))
        label.setWordWrap(True)
        self.add(label)
        if note:
            sub = QLabel(note)
            sub.setWordWrap(True)
            set_text_color(sub, colors(self).muted)
            self.add(sub)
        return label

    def show_card(self, key: str | None, reveal: bool = True) -> Card | None:
        card = self.cards.get(key) if key is not None else None
        for k, c in self.cards.items():
            c.set_active(c is card)
        if card is not None and reveal:
            self.ensureWidgetVisible(card, 0, 24)
        return card
