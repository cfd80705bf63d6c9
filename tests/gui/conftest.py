"""Fixtures for GUI tests (pytest-qt, offscreen platform)."""

import pytest

from gui.app import create_application
from gui.main_window import MainWindow


@pytest.fixture
def main_window(qtbot):
    create_application()
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window
