"""A non-modal message bar over the top of the canvas: why training stopped (divergence, a dataset
that does not fit, a crashed worker) or an offer (restart after an edit), with optional action
buttons and a close button. It never blocks: the person may keep editing while it shows.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QToolButton, QWidget

from gui.editor.items.style import mix
from gui.panels.theme import severity_icon, status_color

MARGIN = 10


class MessageBar(QWidget):
    """Shown with ``show_message(level, text, actions)``; sits over the top edge of ``host``."""

    def __init__(self, host: QWidget) -> None:
        super().__init__(host)
        self.setObjectName("messageBar")
        self.host = host
        self.level = "info"
        self.icon = QLabel(self)
        self.label = QLabel(self)
        self.label.setObjectName("messageBarText")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.close_button = QToolButton(self)
        self.close_button.setObjectName("messageBarClose")
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Dismiss")
        self.close_button.clicked.connect(self.dismiss)
        self._buttons: list[QPushButton] = []
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(10, 6, 6, 6)
        self._layout.setSpacing(8)
        self._layout.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        self._layout.addWidget(self.label, 1, Qt.AlignmentFlag.AlignVCenter)
        self._layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        host.installEventFilter(self)
        self.hide()

    def text(self) -> str:
        return self.label.text()

    def buttons(self) -> list[QPushButton]:
        return list(self._buttons)

    def show_message(self, level: str, text: str,
                     actions: list[tuple[str, str, Callable[[], object]]] | None = None) -> None:
        """``actions``: (objectName, label, callback); a clicked action also dismisses the bar."""
        self.level = level
        self.label.setText(text)
        self.icon.setPixmap(severity_icon(self, level).pixmap(QSize(18, 18)))
        for button in self._buttons:
            self._layout.removeWidget(button)
            button.deleteLater()
        self._buttons = []
        for name, label, callback in actions or []:
            button = QPushButton(label, self)
            button.setObjectName(name)
            button.clicked.connect(self.dismiss)
            button.clicked.connect(lambda _checked=False, cb=callback: cb())
            self._layout.insertWidget(self._layout.count() - 1, button, 0, Qt.AlignmentFlag.AlignTop)
            self._buttons.append(button)
        self._place()
        self.show()
        self.raise_()

    def dismiss(self) -> None:
        self.hide()

    def _place(self) -> None:
        width = max(200, self.host.width() - 2 * MARGIN)
        self.setFixedSize(width, max(self._layout.totalHeightForWidth(width), self._layout.totalMinimumSize().height()))
        self.move(MARGIN, MARGIN)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.host and event.type() == QEvent.Type.Resize and self.isVisible():
            self._place()
        return False

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        palette = self.palette()
        base = palette.color(QPalette.ColorRole.Window)
        accent = status_color(palette, self.level) if self.level in ("error", "warning", "ok") else \
            palette.color(QPalette.ColorRole.Highlight)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QColor(accent))
        p.setBrush(mix(base, accent, 0.12))
        p.drawRoundedRect(self.rect().adjusted(0, 0, -1, -1), 6, 6)
        p.end()
