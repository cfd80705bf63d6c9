"""The dialog shown when a network file cannot be opened: one line per problem, scrollable."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QVBoxLayout,
    QWidget,
)


class LoadProblemsDialog(QDialog):
    """``Could not open <file>`` and the loader's problems, each on its own (word-wrapped) row."""

    def __init__(self, path: str | Path, problems: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("loadProblemsDialog")
        self._problems = list(problems) or ["unknown problem"]
        name = Path(path).name or str(path)
        self.setWindowTitle(f"Could not open {name}")

        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_MessageBoxIconSize, None, self)
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical, None, self)
                       .pixmap(size, size))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)

        heading = QLabel(f"<b>{_escape(name)}</b> could not be opened.")
        heading.setObjectName("loadProblemsHeading")
        heading.setTextFormat(Qt.TextFormat.RichText)
        heading.setWordWrap(True)
        count = len(self._problems)
        detail = QLabel(("The reason:" if count == 1 else f"{count} problems:")
                        + f"<br><span style='font-size:small'>{_escape(str(path))}</span>")
        detail.setTextFormat(Qt.TextFormat.RichText)
        detail.setWordWrap(True)
        detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.list = QListWidget()
        self.list.setObjectName("loadProblemsList")
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setSpacing(2)
        self.list.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # Enter/Esc reach the buttons first
        for problem in self._problems:
            item = QListWidgetItem(problem)
            item.setToolTip(problem)
            self.list.addItem(item)
        self.list.setCurrentRow(-1)
        rows = min(count, 8)
        self.list.setMinimumHeight((self.list.fontMetrics().lineSpacing() + 4) * (rows + 1) + 8)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton("Copy Problems", QDialogButtonBox.ButtonRole.ActionRole)
        copy.setObjectName("copyProblemsButton")
        copy.clicked.connect(self.copy_to_clipboard)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        close.setFocus()
        buttons.accepted.connect(self.accept)

        text = QVBoxLayout()
        text.addWidget(heading)
        text.addWidget(detail)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addLayout(text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)
        self.resize(self.fontMetrics().averageCharWidth() * 96, self.sizeHint().height())

    def problems(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def copy_to_clipboard(self) -> None:
        QGuiApplication.clipboard().setText("\n".join(self._problems))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
