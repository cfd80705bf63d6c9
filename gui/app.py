"""Application start-up: QApplication, main window, event loop."""

from __future__ import annotations

import os
import sys

# pyqtgraph picks its Qt binding when first imported; make sure it is PySide6
# whichever module imports it first.
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

from PySide6.QtWidgets import QApplication  # noqa: E402

from gui.main_window import MainWindow  # noqa: E402

APP_NAME = "NeuroCanvas"


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("neurocanvas")
    except Exception:
        return ""


def create_application(argv: list[str] | None = None) -> QApplication:
    """Return the running QApplication, creating and naming it if needed."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1] if argv is None else argv)
    # No forced style or palette: follow the desktop (light or dark).
    # High-DPI scaling is on by default in Qt 6.
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationVersion(_version())
    return app


def run(path: str | None = None) -> int:
    """Open the main window (with the network file at *path*, once the editor
    can load one) and run the event loop; returns the exit code."""
    app = create_application()
    window = MainWindow()
    if path is not None:
        window.statusBar().showMessage(
            f"Opening network files arrives with the canvas editor; not opened: {path}"
        )
    window.show()
    return app.exec()
