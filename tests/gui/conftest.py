"""Fixtures for GUI tests (pytest-qt, offscreen platform).

Every GUI test runs with its own settings folder and recovery folder (never the user's), and the
main window's questions get harmless default answers: unsaved changes are discarded (the answers
are recorded in ``prompts``), recoveries are kept, and a file dialog fails the test. Tests that
care about a question patch the method themselves.
"""

import pytest
from PySide6.QtCore import QSettings

from gui import recovery
from gui.app import create_application
from gui.main_window import MainWindow


@pytest.fixture(autouse=True)
def isolated_user_files(tmp_path, monkeypatch):
    """Point QSettings (INI, user scope) and the recovery folder at this test's temp dir."""
    settings_dir = tmp_path / "settings"
    recovery_dir = tmp_path / "recovery"
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(settings_dir))
    recovery.set_recovery_dir(recovery_dir)
    yield {"settings": settings_dir, "recovery": recovery_dir}
    recovery.set_recovery_dir(None)


@pytest.fixture(autouse=True)
def prompts(monkeypatch):
    """The unsaved-changes questions asked during the test (answered "discard")."""
    asked: list[str] = []

    def ask_save(self):
        asked.append(self.windowTitle())
        return "discard"

    def no_file_dialog(self, *args):
        raise AssertionError("a test opened a file dialog; patch _get_open_path/_get_save_path")

    monkeypatch.setattr(MainWindow, "_ask_save", ask_save)
    monkeypatch.setattr(MainWindow, "_ask_restore", lambda self, entry: "keep")
    monkeypatch.setattr(MainWindow, "_get_open_path", no_file_dialog)
    monkeypatch.setattr(MainWindow, "_get_save_path", no_file_dialog)
    return asked


@pytest.fixture
def main_window(qtbot):
    create_application()
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window
