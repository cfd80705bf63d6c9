"""The main window.

Every action and main control has a stable ``objectName`` so tests and
automation can find them (``actionQuit``, ``actionAbout``, ``welcomeWidget``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QFont, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

DEFAULT_SIZE = (1280, 800)

_REPO_DIR = Path(__file__).resolve().parent.parent
_API_DOC = _REPO_DIR / "docs" / "api.md"


class WelcomeWidget(QWidget):
    """Centre placeholder until the canvas editor replaces it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomeWidget")

        title = QLabel("NeuroCanvas")
        title.setObjectName("welcomeTitle")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 2.4)
        font.setWeight(QFont.Weight.DemiBold)
        title.setFont(font)

        tagline = QLabel("Design, train and look inside neural networks.")
        tagline.setObjectName("welcomeTagline")
        font = QFont(tagline.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        tagline.setFont(font)

        if _API_DOC.is_file():
            api = f'<a href="{QUrl.fromLocalFile(str(_API_DOC)).toString()}">docs/api.md</a>'
        else:
            api = "docs/api.md"
        note = QLabel(
            "The canvas editor arrives in the next release; meanwhile use the "
            f"Python API (see {api})."
        )
        note.setObjectName("welcomeNote")
        note.setTextFormat(Qt.TextFormat.RichText)
        note.setOpenExternalLinks(True)
        note.setWordWrap(True)
        note.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        for label in (title, tagline, note):
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            label.setTextInteractionFlags(
                label.textInteractionFlags() | Qt.TextInteractionFlag.TextSelectableByMouse
            )

        # A centred column of limited width; inside it the labels fill the
        # width, so the word-wrapped note gets the height it needs.
        column = QWidget(self)
        column.setMaximumWidth(note.fontMetrics().averageCharWidth() * 70)
        inner = QVBoxLayout(column)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(0)
        inner.addWidget(title)
        inner.addSpacing(4)
        inner.addWidget(tagline)
        inner.addSpacing(20)
        inner.addWidget(note)

        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(column, 100)
        row.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 32, 32, 32)
        layout.addStretch(3)
        layout.addLayout(row)
        layout.addStretch(4)


class MainWindow(QMainWindow):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("NeuroCanvas")
        self._resize_to_fit(*DEFAULT_SIZE)

        self._create_actions()
        self._create_menus()

        self.welcome = WelcomeWidget(self)
        self.setCentralWidget(self.welcome)
        self.statusBar().setObjectName("statusBar")

    # -- set-up ---------------------------------------------------------------

    def _resize_to_fit(self, width: int, height: int) -> None:
        """Default size, shrunk to fit a smaller screen."""
        screen = self.screen() or QApplication.primaryScreen()
        if screen is not None:
            available = screen.availableGeometry()
            if available.width() > 0 and available.height() > 0:
                width = min(width, int(available.width() * 0.95))
                height = min(height, int(available.height() * 0.95))
        self.resize(width, height)

    def _create_actions(self) -> None:
        self.action_quit = QAction("&Quit", self)
        self.action_quit.setObjectName("actionQuit")
        shortcuts = QKeySequence.keyBindings(QKeySequence.StandardKey.Quit)
        self.action_quit.setShortcuts(shortcuts or [QKeySequence("Ctrl+Q")])
        self.action_quit.setMenuRole(QAction.MenuRole.QuitRole)
        self.action_quit.setStatusTip("Quit NeuroCanvas")
        self.action_quit.triggered.connect(self.close)

        self.action_about = QAction("&About NeuroCanvas", self)
        self.action_about.setObjectName("actionAbout")
        self.action_about.setMenuRole(QAction.MenuRole.AboutRole)
        self.action_about.triggered.connect(self.show_about)

    def _create_menus(self) -> None:
        menu_bar = self.menuBar()
        menu_bar.setObjectName("menuBar")

        file_menu = menu_bar.addMenu("&File")
        file_menu.setObjectName("menuFile")
        file_menu.addAction(self.action_quit)

        help_menu = menu_bar.addMenu("&Help")
        help_menu.setObjectName("menuHelp")
        help_menu.addAction(self.action_about)

    # -- actions --------------------------------------------------------------

    def about_box(self) -> QMessageBox:
        """The About dialog, built but not shown (tests inspect it)."""
        version = QApplication.applicationVersion()
        box = QMessageBox(self)
        box.setObjectName("aboutBox")
        box.setWindowTitle("About NeuroCanvas")
        box.setIcon(QMessageBox.Icon.NoIcon)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(f"<h3>NeuroCanvas{' ' + version if version else ''}</h3>")
        box.setInformativeText(
            "Design neural networks on a canvas, train them with a NumPy engine, "
            "and look inside them.<br><br>Built with Qt, PySide6, NumPy and pyqtgraph."
        )
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        return box

    def show_about(self) -> None:
        box = self.about_box()
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
