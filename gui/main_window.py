"""The main window: one document per window, the canvas in the centre, palette, inspector and
issues in docks, menus, toolbar, status bar, and the document life cycle (open, save, the
unsaved-changes prompt, recent files, drops, crash recovery).

Every action and main widget has a stable ``objectName`` (``actionOpen``, ``canvasView``,
``paletteDock``, …) so tests and automation can find them. The questions the window asks go through
one method each (``_ask_save``, ``_ask_restore``, ``_get_open_path``, ``_get_save_path``), so tests
can answer them without a modal dialog.

The window is composed of parts in gui.window: actions, menus, toolbar and docks (menus), the
document's life cycle (documents), the status bar and the state shown (status), the questions
(prompts), the bundled examples (examples) and File → Export (exports).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QGuiApplication, QShowEvent
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QWidget

from gui import settings
from gui.dialogs.about import about_box
from gui.dialogs.shortcuts import ShortcutsDialog
from gui.document import DocumentModel
from gui.editor.scene import CanvasScene
from gui.editor.view import CanvasView
from gui.inspect.integration import attach_step_inspector
from gui.recovery import Autosaver
from gui.training.window import TrainingUI
from gui.weak_slots import connect_weak
from gui.window.documents import DocumentLifecycle, _spawned  # noqa: F401 - re-exported
from gui.window.examples import DEFAULT_EXAMPLE, EXAMPLE_TITLES, EXAMPLES_DIR, examples  # noqa: F401 - re-exported
from gui.window.exports import WindowExports
from gui.window.menus import WindowMenus, _keys  # noqa: F401 - re-exported
from gui.window.prompts import FILE_FILTER, WindowPrompts  # noqa: F401 - re-exported
from gui.window.status import APP_TITLE, STATUS_TIMEOUT_MS, WindowStatus, _plural  # noqa: F401 - re-exported

DEFAULT_SIZE = (1280, 800)


class MainWindow(WindowMenus, WindowExports, DocumentLifecycle, WindowStatus, WindowPrompts, QMainWindow):
    def __init__(self, document: DocumentModel | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setAcceptDrops(True)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)

        self.document: DocumentModel | None = None
        self.scene: CanvasScene | None = None
        self.view: CanvasView | None = None
        self._connections: list = []
        self._closed = False
        self._shortcuts_dialog: ShortcutsDialog | None = None

        self.autosaver = Autosaver(self._display_name, self)
        self.autosaver.failed.connect(self.show_status)

        self._create_actions()
        self._create_menus()
        self._create_toolbar()
        self._create_docks()
        self.training = TrainingUI(self, EXAMPLES_DIR)  # starts the worker process now: Play responds at once
        self.step_inspector = attach_step_inspector(self, self.training.controller)  # Train → Inspect Step…
        self._create_status_bar()
        self._resize_to_fit(*DEFAULT_SIZE)
        self._size_docks = not settings.restore_window_layout(self)

        connect_weak(QGuiApplication.clipboard().dataChanged, self, "_update_paste")  # the clipboard outlives windows
        self.set_document(document if document is not None else DocumentModel())

    # ---- set-up ----------------------------------------------------------------------------
    def _resize_to_fit(self, width: int, height: int) -> None:
        """Default size, shrunk to fit a smaller screen."""
        screen = self.screen() or QApplication.primaryScreen()
        if screen is not None:
            available = screen.availableGeometry()
            if available.width() > 0 and available.height() > 0:
                width = min(width, int(available.width() * 0.95))
                height = min(height, int(available.height() * 0.95))
        self.resize(width, height)

    def showEvent(self, event: QShowEvent) -> None:
        self._closed = False
        super().showEvent(event)
        if self._size_docks:  # first start: docks need the shown window's size to divide it
            self._size_docks = False
            QTimer.singleShot(0, self._default_dock_sizes)

    # ---- Edit and View -----------------------------------------------------------------------
    def _scene_call(self, method: str) -> None:
        if self.scene is not None:
            getattr(self.scene, method)()

    def _view_call(self, method: str) -> None:
        if self.view is not None:
            getattr(self.view, method)()

    def undo(self) -> None:
        if self.document is not None:
            self.document.undo_stack.undo()

    def redo(self) -> None:
        if self.document is not None:
            self.document.undo_stack.redo()

    def paste(self) -> None:
        """Paste at the mouse when it is over the canvas, else next to the copied nodes."""
        self._view_call("paste_here")

    @Slot(str)
    def add_layer_at_centre(self, type_name: str) -> None:
        """Palette double-click / Enter: add the layer in the middle of the visible canvas."""
        if self.view is not None:
            self.view.add_node_at_center(type_name)
            self.view.setFocus()

    @Slot(str)
    def reveal_node(self, node_id: str) -> None:
        """An issue was clicked: select its node and bring it into view."""
        if self.scene is None or self.view is None or self.document is None or node_id not in self.document.graph:
            return
        self.scene.select_nodes([node_id])
        self.view.center_on_node(node_id)

    def _node_activated(self, node_id: str) -> None:
        self.inspector_dock.show()
        self.inspector_dock.raise_()

    def _node_clicked(self, node_id: str) -> None:
        """A click on the canvas chose one node: bring the Inspector's tab to the front, so its editors
        are in view (by default the tab sits behind Training). Only for the person's click on one node,
        even while training (the toolbar keeps Play/Pause in reach): not for a drag, a rubber band,
        Ctrl/Shift-clicks, undo/redo, an issue revealed or a node added, and never for an Inspector the
        person closed (the View menu or a double-click brings that back)."""
        dock = self.inspector_dock
        if dock.toggleViewAction().isChecked() and not dock.isFloating():
            dock.raise_()

    def _selection_changed(self, ids: list) -> None:
        self.inspector.show_node(list(ids))  # one node: its editors; several: a summary of them
        self._update_actions()

    # ---- Help --------------------------------------------------------------------------------
    def show_shortcuts(self) -> ShortcutsDialog:
        if self._shortcuts_dialog is None:
            self._shortcuts_dialog = ShortcutsDialog(self.menuBar(), self)
        self._shortcuts_dialog.show()
        self._shortcuts_dialog.raise_()
        self._shortcuts_dialog.activateWindow()
        return self._shortcuts_dialog

    def about_box(self) -> QMessageBox:
        return about_box(self)

    def show_about(self) -> None:
        box = self.about_box()
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
