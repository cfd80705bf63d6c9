"""Help → About NeuroCanvas."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget


def about_box(parent: QWidget | None = None) -> QMessageBox:
    """The About dialog, built but not shown (tests inspect it)."""
    version = QApplication.applicationVersion()
    box = QMessageBox(parent)
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
