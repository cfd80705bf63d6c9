"""Fixtures for GUI tests (pytest-qt, offscreen platform).

Every GUI test runs with its own settings folder and recovery folder (never the user's), and the
main window's questions get harmless default answers: unsaved changes are discarded (the answers
are recorded in ``prompts``), recoveries are kept, and a file dialog fails the test. Tests that
care about a question patch the method themselves.
"""

import gc

import pytest
from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QMouseEvent
from PySide6.QtWidgets import QApplication

from gui import recovery
from gui.app import create_application
from gui.main_window import MainWindow


@pytest.fixture(autouse=True)
def collect_qt_garbage():
    """After each test (its widgets closed by qtbot), deliver the pending deleteLater events and
    collect the test's garbage now. Left to chance, Python's collector frees a previous test's
    windows in the middle of a later test's Qt call, where PySide can crash."""
    yield
    app = QApplication.instance()
    if app is not None:
        app.processEvents()
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    gc.collect()
    if app is not None:
        app.processEvents()


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
        raise AssertionError("a test opened a file dialog; patch _get_open_path/_get_save_path/_get_export_path")

    monkeypatch.setattr(MainWindow, "_ask_save", ask_save)
    monkeypatch.setattr(MainWindow, "_ask_restore", lambda self, entry: "keep")
    monkeypatch.setattr(MainWindow, "_get_open_path", no_file_dialog)
    monkeypatch.setattr(MainWindow, "_get_save_path", no_file_dialog)
    monkeypatch.setattr(MainWindow, "_get_export_path", no_file_dialog)
    return asked


@pytest.fixture
def main_window(qtbot):
    create_application()
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


class ViewMouse:
    """Real mouse and drop events on a QGraphicsView's viewport, addressed in scene coordinates
    (qtbot cannot click graphics items; DESIGN §4)."""

    LEFT = Qt.MouseButton.LeftButton

    def __init__(self, qtbot, view) -> None:
        self.qtbot, self.view = qtbot, view

    def at(self, point) -> QPoint:
        if isinstance(point, QPoint):
            return point
        return self.view.mapFromScene(point if isinstance(point, QPointF) else QPointF(*point))

    def move(self, pos, buttons=LEFT, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
        """A mouse move with buttons held (qtbot.mouseMove cannot carry buttons)."""
        pos, viewport = self.at(pos), self.view.viewport()
        event = QMouseEvent(QMouseEvent.Type.MouseMove, QPointF(pos), QPointF(viewport.mapToGlobal(pos)),
                            Qt.MouseButton.NoButton, buttons, modifiers)
        QApplication.sendEvent(viewport, event)

    def drag(self, start, end, button=LEFT, modifiers=Qt.KeyboardModifier.NoModifier, steps=6) -> None:
        a, b = self.at(start), self.at(end)
        viewport = self.view.viewport()
        self.qtbot.mousePress(viewport, button, modifiers, a)
        for i in range(1, steps + 1):
            t = i / steps
            self.move(QPoint(round(a.x() + (b.x() - a.x()) * t), round(a.y() + (b.y() - a.y()) * t)),
                      button, modifiers)
        self.qtbot.mouseRelease(viewport, button, modifiers, b)

    def click(self, point, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
        self.qtbot.mouseClick(self.view.viewport(), self.LEFT, modifiers, self.at(point))

    def drop(self, mime: QMimeData, point) -> bool:
        """Drag-enter then drop ``mime`` at ``point``; True when the view took it."""
        pos, viewport = self.at(point), self.view.viewport()
        enter = QDragEnterEvent(pos, Qt.DropAction.CopyAction, mime, self.LEFT, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(viewport, enter)
        if not enter.isAccepted():
            return False
        drop = QDropEvent(QPointF(pos), Qt.DropAction.CopyAction, mime, self.LEFT, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(viewport, drop)
        return drop.isAccepted()


@pytest.fixture
def view_mouse(qtbot):
    """``view_mouse(view)`` -> a ViewMouse driving that view's viewport."""
    return lambda view: ViewMouse(qtbot, view)


@pytest.fixture
def step_inspector(qtbot):
    """``step_inspector(doc, source=None)`` -> (StepInspector, CanvasScene): the step inspector shown
    beside a canvas of ``doc`` (gui.inspect), cleaned up after the test."""
    from gui.document import DocumentModel
    from gui.editor.scene import CanvasScene
    from gui.inspect import StepInspector

    create_application()
    made = []

    def make(doc, source=None):
        model = DocumentModel(doc)
        scene = CanvasScene(model)
        inspector = StepInspector()
        qtbot.addWidget(inspector)
        inspector.resize(1100, 700)
        inspector.set_canvas(scene)
        if source is not None:
            inspector.set_source(source)
        inspector.show()
        made.append((inspector, scene, model))
        return inspector, scene

    yield make
    for inspector, scene, model in made:
        inspector.set_canvas(None)
        scene.detach()
        model.close()


@pytest.fixture
def loss_plot(qtbot):
    """A shown LossPlot of a readable size (800 × 260)."""
    from gui.plots.loss import LossPlot

    widget = LossPlot()
    qtbot.addWidget(widget)
    widget.resize(800, 260)
    widget.show()
    qtbot.waitExposed(widget)
    return widget
