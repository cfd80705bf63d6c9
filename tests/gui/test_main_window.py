"""The main window's frame: title, widgets and actions by objectName, size, Quit, About, start-up."""

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QMenu, QMessageBox, QToolBar, QWidget

from gui.app import run
from gui.dialogs.problems import LoadProblemsDialog
from gui.main_window import MainWindow

ACTIONS = [
    "actionNew", "actionNewWindow", "actionOpen", "actionSave", "actionSaveAs", "actionClose", "actionQuit",
    "actionUndo", "actionRedo", "actionCut", "actionCopy", "actionPaste", "actionDuplicate", "actionDelete",
    "actionSelectAll", "actionZoomIn", "actionZoomOut", "actionZoomFit", "actionZoom100", "actionAutoLayout",
    "actionShortcuts", "actionAbout",
]
SHORTCUTS = {
    "actionNew": "Ctrl+N", "actionOpen": "Ctrl+O", "actionSave": "Ctrl+S", "actionSaveAs": "Ctrl+Shift+S",
    "actionClose": "Ctrl+W", "actionQuit": "Ctrl+Q", "actionUndo": "Ctrl+Z", "actionRedo": "Ctrl+Shift+Z",
    "actionDuplicate": "Ctrl+D", "actionDelete": "Del", "actionSelectAll": "Ctrl+A", "actionZoomIn": "Ctrl++",
    "actionZoomOut": "Ctrl+-", "actionZoomFit": "Ctrl+0", "actionZoom100": "Ctrl+1", "actionAutoLayout": "Ctrl+L",
    "actionShortcuts": "F1", "actionCut": "Ctrl+X", "actionCopy": "Ctrl+C", "actionPaste": "Ctrl+V",
}


def test_window_shows_untitled_canvas(main_window):
    assert main_window.isVisible()
    assert main_window.objectName() == "mainWindow"
    assert main_window.windowTitle() == "Untitled[*] — NeuroCanvas"
    assert not main_window.isWindowModified()
    assert main_window.findChild(QWidget, "welcomeWidget") is None
    assert main_window.centralWidget() is main_window.findChild(QWidget, "canvasView")


def test_every_contract_object_name_exists(main_window):
    for name in ACTIONS:
        assert isinstance(main_window.findChild(QAction, name), QAction), name
    for name in ("menuOpenRecent", "menuExamples", "menuFile", "menuEdit", "menuView", "menuHelp"):
        assert isinstance(main_window.findChild(QMenu, name), QMenu), name
    for name, area in (("paletteDock", "Left"), ("inspectorDock", "Right"), ("issuesDock", "Bottom")):
        dock = main_window.findChild(QDockWidget, name)
        assert dock is not None and dock.isVisible(), name
        assert main_window.dockWidgetArea(dock).name == f"{area}DockWidgetArea"
    for name in ("canvasView", "layerPalette", "paletteSearch", "paletteTree", "inspector", "issuesPanel"):
        assert main_window.findChild(QWidget, name) is not None, name
    for name in ("statusNodes", "statusParams", "statusValidity"):
        assert isinstance(main_window.findChild(QLabel, name), QLabel), name
    toolbar = main_window.findChild(QToolBar, "mainToolBar")
    names = [a.objectName() for a in toolbar.actions() if not a.isSeparator()]
    assert names == ["actionNew", "actionOpen", "actionSave", "actionUndo", "actionRedo", "actionZoomFit",
                     "actionAutoLayout", "actionTrainPlay", "actionTrainStep", "actionTrainReset", "actionTrainStop"]
    assert all(not a.icon().isNull() for a in toolbar.actions() if not a.isSeparator())


def test_standard_shortcuts(main_window):
    for name, keys in SHORTCUTS.items():
        action = main_window.findChild(QAction, name)
        assert keys in [s.toString() for s in action.shortcuts()], name
    redo = [s.toString() for s in main_window.findChild(QAction, "actionRedo").shortcuts()]
    assert "Ctrl+Y" in redo
    fit = [s.toString() for s in main_window.findChild(QAction, "actionZoomFit").shortcuts()]
    assert "F" in fit
    assert "Ctrl+=" in [s.toString() for s in main_window.findChild(QAction, "actionZoomIn").shortcuts()]
    assert "Ctrl+/" in [s.toString() for s in main_window.findChild(QAction, "actionShortcuts").shortcuts()]


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


def _run_once(qtbot, monkeypatch, path):
    """Call gui.app.run(path), ending its event loop right after start-up; returns the windows shown."""
    shown = []
    original_show = MainWindow.show

    def show_then_quit(self):
        original_show(self)
        shown.append(self)
        qtbot.addWidget(self)
        QTimer.singleShot(50, lambda: QApplication.instance().exit(0))

    monkeypatch.setattr(MainWindow, "show", show_then_quit)
    assert run(path) == 0
    return shown


def test_run_opens_the_example_network(qtbot, monkeypatch):
    """The first start shows an example network, not an empty canvas."""
    (window,) = _run_once(qtbot, monkeypatch, None)
    assert window.windowTitle().startswith("xor")
    assert window.windowTitle().endswith(" — NeuroCanvas")
    assert len(window.document.graph) == 4
    assert window.document.path is None  # an untitled copy: Save never overwrites the example
    assert not window.isWindowModified()


def test_run_with_a_missing_file_shows_why_then_the_example(qtbot, monkeypatch):
    (window,) = _run_once(qtbot, monkeypatch, "missing.nnd")
    dialog = window.findChild(LoadProblemsDialog)
    assert dialog is not None
    assert dialog.problems() == ["no such file"]
    assert "missing.nnd" in dialog.windowTitle()
    assert len(window.document.graph) == 4
