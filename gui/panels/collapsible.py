"""A section of a panel that folds away: a heading button (arrow and title) above its content, and
while folded a muted line saying what is inside. Whether it is open is remembered per section (the
app's settings), so a person who opened "More training settings" once finds it open next time."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from gui.settings import settings

from .theme import muted_color, scaled_font, set_text_color

SETTINGS_GROUP = "panelSections"


class CollapsibleSection(QWidget):
    """``CollapsibleSection("trainingAdvanced", "More training settings", content, expanded=False)``;
    the header button is ``<name>Toggle``, the summary label ``<name>Summary``."""

    toggled = Signal(bool)

    def __init__(self, name: str, title: str, content: QWidget, expanded: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.content = content
        self.toggle = QToolButton(self)
        self.toggle.setObjectName(f"{name}Toggle")
        self.toggle.setText(title)
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setAutoRaise(True)
        self.toggle.setStyleSheet("QToolButton { border: none; padding: 2px 0px; }")  # a heading, not a button box
        self.toggle.setCursor(Qt.CursorShape.PointingHandCursor)
        self.toggle.setFont(scaled_font(self, 1.08, bold=True))
        self.toggle.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.summary = QLabel("", self)  # under the heading while folded: what is inside
        self.summary.setObjectName(f"{name}Summary")
        self.summary.setWordWrap(True)
        set_text_color(self.summary, muted_color(self.palette()))
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignLeft)
        head.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(head)
        layout.addWidget(self.summary)
        content.setParent(self)
        layout.addWidget(content)
        stored = settings().value(f"{SETTINGS_GROUP}/{name}")
        self._set_open(expanded if stored is None else str(stored).lower() in ("true", "1"))
        self.toggle.toggled.connect(self._toggled)

    @property
    def expanded(self) -> bool:
        return self.toggle.isChecked()

    def set_expanded(self, on: bool) -> None:
        self.toggle.setChecked(bool(on))  # through _toggled: remembered

    def set_summary(self, text: str) -> None:
        """What the folded section holds, e.g. "Constant schedule · no regularization · seed 0"."""
        self.summary.setText(text)
        self.summary.setToolTip(text)
        self._update_summary()

    def _toggled(self, on: bool) -> None:
        self._set_open(on)
        settings().setValue(f"{SETTINGS_GROUP}/{self.objectName()}", bool(on))
        self.toggled.emit(bool(on))

    def _set_open(self, on: bool) -> None:
        blocked = self.toggle.blockSignals(True)
        self.toggle.setChecked(on)
        self.toggle.blockSignals(blocked)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
        self.toggle.setToolTip(("Hide" if on else "Show") + f" {self.toggle.text().lower()}")
        self.content.setVisible(on)
        self._update_summary()

    def _update_summary(self) -> None:
        self.summary.setVisible(not self.expanded and bool(self.summary.text()))
