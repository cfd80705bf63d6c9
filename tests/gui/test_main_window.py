from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from gui.app import run
from gui.main_window import MainWindow


def test_window_shows_with_title(main_window):
    assert main_window.isVisible()
    assert main_window.objectName() == "mainWindow"
    assert main_window.windowTitle() == "NeuroCanvas"
    welcome = main_window.findChild(QWidget, "welcomeWidget")
    assert welcome is not None and welcome.isVisible()
    assert main_window.centralWidget() is welcome


def test_default_size_fits_screen(main_window):
    available = main_window.screen().availableGeometry()
    assert 0 < main_window.width() <= min(1280, available.width())
    assert 0 < main_window.height() <= min(800, available.height())


def test_quit_closes_window(main_window, qtbot):
    quit_action = main_window.findChild(QAction, "actionQuit")
    assert quit_action is not None
    assert quit_action.shortcuts()
    quit_action.trigger()
    qtbot.waitUntil(lambda: not main_window.isVisible())


def test_about_box(main_window, qtbot):
    about_action = main_window.findChild(QAction, "actionAbout")
    assert about_action is not None
    about_action.trigger()
    box = main_window.findChild(QMessageBox, "aboutBox")
    assert box is not None
    qtbot.waitUntil(box.isVisible)
    assert box.windowTitle() == "About NeuroCanvas"
    assert "NeuroCanvas" in box.text()
    box.accept()
    qtbot.waitUntil(lambda: not box.isVisible())


def test_run_starts_and_returns_exit_code(qtbot, monkeypatch):
    """gui.app.run shows a main window and returns the event loop's code."""
    shown = []
    original_show = MainWindow.show

    def show_then_quit(self):
        original_show(self)
        shown.append(self)
        qtbot.addWidget(self)
        # End the event loop that run() starts right after show().
        QTimer.singleShot(0, lambda: QApplication.instance().exit(0))

    monkeypatch.setattr(MainWindow, "show", show_then_quit)
    assert run("missing.nnd") == 0
    assert len(shown) == 1
    assert "missing.nnd" in shown[0].statusBar().currentMessage()
