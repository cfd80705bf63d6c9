"""Pieces the inspector's pages share: the header with the kind badge, section headings, the message
line under a field, and the list of issues."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from .theme import muted_color, scaled_font, set_text_color, severity_icon, text_label


class _KindHeader(QWidget):
    """The node's badge (kind colour and icon, as on the canvas), type name, kind and description;
    or just a title and a right-hand note for the other pages."""

    BADGE = 26

    def __init__(self, prefix: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{prefix}Header")
        self.badge = text_label(self, f"{prefix}Badge")
        self.badge.setFixedSize(self.BADGE, self.BADGE)
        self.badge.hide()
        self.title = text_label(self, f"{prefix}Title")
        self.title.setFont(scaled_font(self, 1.25, bold=True))
        self.kind = text_label(self, f"{prefix}Kind")
        self.kind.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.description = text_label(self, f"{prefix}Description", wrap=True, selectable=True)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(8)
        top.addWidget(self.badge)
        top.addWidget(self.title, 1)
        top.addWidget(self.kind)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.description)

    def set(self, title: str, kind: str = "", description: str = "", icon: QIcon | None = None) -> None:
        self.title.setText(title)
        self.kind.setText(kind)
        self.kind.setVisible(bool(kind))
        self.description.setText(description)
        self.description.setVisible(bool(description))
        self.set_icon(icon)

    def set_icon(self, icon: QIcon | None) -> None:
        if icon is not None:
            self.badge.setPixmap(icon.pixmap(self.BADGE, self.BADGE))
        self.badge.setVisible(icon is not None)

    def restyle(self) -> None:
        set_text_color(self.kind, muted_color(self.palette()))
        set_text_color(self.description, muted_color(self.palette()))


def _heading(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setFont(scaled_font(parent, 1.0, bold=True))
    label.setContentsMargins(0, 10, 0, 0)
    return label


def _message_label(parent: QWidget) -> QLabel:
    label = text_label(parent, wrap=True, selectable=True)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    label.hide()
    return label


class _IssueList(QWidget):
    """Issues as icon + wrapped message rows (or a muted "No problems")."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self.labels: list[QLabel] = []

    def set_issues(self, issues: list, empty_text: str = "No problems") -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            if item.layout() is not None:
                while item.layout().count():
                    w = item.layout().takeAt(0).widget()
                    if w is not None:
                        w.deleteLater()
        self.labels = []
        rows = [(i.severity, i.message) for i in sorted(issues, key=lambda i: not i.is_error)]
        if not rows:
            rows = [("", empty_text)]
        for severity, message in rows:
            row = QHBoxLayout()
            row.setSpacing(6)
            if severity:
                icon = QLabel(self)
                icon.setPixmap(severity_icon(self, severity).pixmap(16, 16))
                icon.setAlignment(Qt.AlignmentFlag.AlignTop)
                row.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
            text = text_label(self, text=message, wrap=True, selectable=True)
            text.setProperty("severity", severity)
            row.addWidget(text, 1)
            self._layout.addLayout(row)
            self.labels.append(text)
        self.restyle()

    def texts(self) -> list[str]:
        return [label.text() for label in self.labels if label.property("severity")]

    def restyle(self) -> None:
        for label in self.labels:
            if not label.property("severity"):
                set_text_color(label, muted_color(self.palette()))
