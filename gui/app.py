"""Application start-up: QApplication, the main window with a network on it, the crash-recovery
offer, and the event loop."""

from __future__ import annotations

import os
import signal
import sys

# pyqtgraph picks its Qt binding when first imported; make sure it is PySide6
# whichever module imports it first.
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from gui import settings  # noqa: E402
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
    app.setOrganizationName(settings.ORGANIZATION)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(_version())
    app.setDesktopFileName("neurocanvas")
    return app


def start(path: str | None = None) -> MainWindow:
    """Show the main window with ``path`` (or, if it cannot be opened or none is given, the default
    example as an untitled copy, so the first start never shows an empty canvas); then offer the
    work of a crashed session back."""
    window = MainWindow()
    window.show()
    if path is None or not window.open_path(path, ask=False):
        window.open_example(ask=False)
    QTimer.singleShot(0, window.offer_recovery)
    return window


def run(path: str | None = None) -> int:
    """Open the main window and run the event loop; returns the exit code."""
    app = create_application()
    window = start(path)
    # Ctrl+C in the terminal quits as File → Quit does (asking about unsaved changes). Python runs
    # signal handlers only between Qt events, so a timer wakes the interpreter now and then.
    previous = signal.signal(signal.SIGINT, lambda *_: QTimer.singleShot(0, window.quit))
    waker = QTimer(app)
    waker.timeout.connect(lambda: None)
    waker.start(250)
    try:
        return app.exec()
    finally:
        waker.stop()
        waker.deleteLater()
        signal.signal(signal.SIGINT, previous)
