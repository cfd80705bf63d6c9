"""The main window: one document per window, the canvas in the centre, palette, inspector and
issues in docks, menus, toolbar, status bar, and the document life cycle (open, save, the
unsaved-changes prompt, recent files, drops, crash recovery).

Every action and main widget has a stable ``objectName`` (``actionOpen``, ``canvasView``,
``paletteDock``, …) so tests and automation can find them. The questions the window asks go through
one method each (``_ask_save``, ``_ask_restore``, ``_get_open_path``, ``_get_save_path``), so tests
can answer them without a modal dialog.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QEvent, QObject, QStandardPaths, Qt, QTimer, Slot
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QToolBar,
    QWidget,
)

from engine.fileformat import EXTENSION, FileFormatError, load
from gui import settings
from gui.dialogs.about import about_box
from gui.dialogs.problems import LoadProblemsDialog
from gui.dialogs.shortcuts import ShortcutsDialog
from gui.document import DocumentModel
from gui.editor.clipboard import has_fragment
from gui.editor.scene import CanvasScene
from gui.editor.view import CanvasView
from gui.icons import icon
from gui.inspect.integration import attach_step_inspector
from gui.panels.inspector import Inspector
from gui.panels.issues import IssuesPanel
from gui.panels.node_facts import network_parameter_count
from gui.panels.palette import LayerPalette
from gui.panels.theme import PALETTE_EVENTS, set_text_color, status_color
from gui.recovery import Autosaver, RecoveryEntry, as_untitled, pending
from gui.training.window import TrainingUI
from gui.weak_slots import connect_weak

APP_TITLE = "NeuroCanvas"
DEFAULT_SIZE = (1280, 800)
FILE_FILTER = f"NeuroCanvas networks (*{EXTENSION})"
STATUS_TIMEOUT_MS = 6000

_REPO_DIR = Path(__file__).resolve().parent.parent
EXAMPLES_DIR = _REPO_DIR / "resources" / "examples"
DEFAULT_EXAMPLE = EXAMPLES_DIR / "xor.nnd"
EXAMPLE_TITLES = {
    "perceptron": "Perceptron (AND)",
    "textbook": "Textbook: two weights",
    "xor": "XOR",
    "circle": "Circle",
    "spiral": "Spiral",
    "spiral3": "Three-class spiral",
    "plane": "Plane (regression)",
    "iris": "Iris",
    "digits_mlp": "Digits (MLP with dropout)",
}

# Windows opened with File → New Window stay referenced here until they are closed.
_spawned: set["MainWindow"] = set()


def examples() -> list[Path]:
    """The bundled example networks, in the order of EXAMPLE_TITLES then by name."""
    files = sorted(EXAMPLES_DIR.glob(f"*{EXTENSION}"))
    order = list(EXAMPLE_TITLES)
    return sorted(files, key=lambda p: (order.index(p.stem) if p.stem in order else len(order), p.stem))


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _keys(*sequences: str) -> list[QKeySequence]:
    """Shortcuts in portable text ("Ctrl" is Command on macOS). Written out rather than taken from
    QKeySequence.StandardKey, whose lists carry media keys ("Save", "Shift+Save") into the menus."""
    return [QKeySequence(s) for s in sequences]


class MainWindow(QMainWindow):
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

    def _action(self, name: str, text: str, slot: Callable[[], object] | None = None,
                shortcuts: list[QKeySequence] | None = None, icon_name: str | None = None,
                tip: str | None = None) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcuts:
            action.setShortcuts(shortcuts)
        if icon_name:
            action.setIcon(icon(icon_name))
        if tip:
            action.setStatusTip(tip)
            keys = shortcuts[0].toString(QKeySequence.SequenceFormat.NativeText) if shortcuts else ""
            action.setToolTip(f"{tip} ({keys})" if keys else tip)
        if slot is not None:
            action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)  # shortcuts work even with the menu bar hidden
        return action

    def _create_actions(self) -> None:
        a = self._action
        # File
        self.action_new = a("actionNew", "&New", self.new_document, _keys("Ctrl+N"), "new",
                            "Start a new network")
        self.action_new_window = a("actionNewWindow", "New &Window", self.new_window, _keys("Ctrl+Shift+N"),
                                   tip="Open another window")
        self.action_open = a("actionOpen", "&Open…", self.open_dialog, _keys("Ctrl+O"), "open",
                             "Open a network file")
        self.action_save = a("actionSave", "&Save", self.save, _keys("Ctrl+S"), "save",
                             "Save the network")
        self.action_save_as = a("actionSaveAs", "Save &As…", self.save_as, _keys("Ctrl+Shift+S"),
                                tip="Save the network under a new name")
        self.action_close = a("actionClose", "&Close", self.close_document, _keys("Ctrl+W"),
                              tip="Close the network")
        self.action_quit = a("actionQuit", "&Quit", self.quit, _keys("Ctrl+Q"), tip="Quit NeuroCanvas")
        self.action_quit.setMenuRole(QAction.MenuRole.QuitRole)
        # Edit
        self.action_undo = a("actionUndo", "&Undo", self.undo, _keys("Ctrl+Z"), "undo", "Undo")
        self.action_redo = a("actionRedo", "&Redo", self.redo, _keys("Ctrl+Shift+Z", "Ctrl+Y"), "redo",
                             "Redo")
        for action, label in ((self.action_undo, "Undo"), (self.action_redo, "Redo")):
            action.setData(label)  # the shortcuts dialog lists "Undo", not "Undo Move node"
        self.action_cut = a("actionCut", "Cu&t", lambda: self._scene_call("cut_selection"), _keys("Ctrl+X"),
                            tip="Cut the selected nodes")
        self.action_copy = a("actionCopy", "&Copy", lambda: self._scene_call("copy_selection"), _keys("Ctrl+C"),
                             tip="Copy the selected nodes")
        self.action_paste = a("actionPaste", "&Paste", self.paste, _keys("Ctrl+V"), tip="Paste nodes")
        self.action_duplicate = a("actionDuplicate", "D&uplicate", lambda: self._scene_call("duplicate_selection"),
                                  _keys("Ctrl+D"), tip="Duplicate the selected nodes")
        self.action_delete = a("actionDelete", "&Delete", lambda: self._scene_call("delete_selection"),
                               _keys("Del"), tip="Delete the selected nodes and wires")
        self.action_select_all = a("actionSelectAll", "Select &All", lambda: self._scene_call("select_all"),
                                   _keys("Ctrl+A"), tip="Select every node")
        # View
        self.action_zoom_in = a("actionZoomIn", "Zoom &In", lambda: self._view_call("zoom_in"),
                                _keys("Ctrl++", "Ctrl+="), "zoom_in", "Zoom in")
        self.action_zoom_out = a("actionZoomOut", "Zoom &Out", lambda: self._view_call("zoom_out"),
                                 _keys("Ctrl+-"), "zoom_out", "Zoom out")
        self.action_zoom_fit = a("actionZoomFit", "Zoom to &Fit", lambda: self._view_call("zoom_fit"),
                                 _keys("Ctrl+0", "F"), "zoom_fit", "Show the whole network")
        self.action_zoom_100 = a("actionZoom100", "Zoom &100 %", lambda: self._view_call("zoom_reset"),
                                 _keys("Ctrl+1"), "zoom_100", "Zoom to 100 %")
        self.action_auto_layout = a("actionAutoLayout", "&Auto-layout", lambda: self._scene_call("auto_layout"),
                                    _keys("Ctrl+L"), "layout", "Arrange the nodes from left to right")
        # Help
        self.action_shortcuts = a("actionShortcuts", "&Keyboard Shortcuts", self.show_shortcuts,
                                  _keys("F1", "Ctrl+/"), "keyboard", "List the keyboard shortcuts")
        self.action_about = a("actionAbout", "&About NeuroCanvas", self.show_about)
        self.action_about.setMenuRole(QAction.MenuRole.AboutRole)

    def _create_menus(self) -> None:
        bar = self.menuBar()
        bar.setObjectName("menuBar")

        file_menu = bar.addMenu("&File")
        file_menu.setObjectName("menuFile")
        file_menu.addActions([self.action_new, self.action_new_window, self.action_open])
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.setObjectName("menuOpenRecent")
        self.recent_menu.aboutToShow.connect(self.rebuild_recent_menu)
        self.examples_menu = file_menu.addMenu("&Examples")
        self.examples_menu.setObjectName("menuExamples")
        for path in examples():
            act = self.examples_menu.addAction(EXAMPLE_TITLES.get(path.stem, path.stem))
            act.setObjectName(f"actionExample_{path.stem}")
            act.setStatusTip(f"Open a copy of the example {path.name}")
            act.triggered.connect(lambda _checked=False, p=path: self.open_example(p))
        file_menu.addSeparator()
        file_menu.addActions([self.action_save, self.action_save_as])
        file_menu.addSeparator()
        file_menu.addActions([self.action_close, self.action_quit])
        self.rebuild_recent_menu()

        edit_menu = bar.addMenu("&Edit")
        edit_menu.setObjectName("menuEdit")
        edit_menu.aboutToShow.connect(self._update_actions)  # a selected wire enables Delete
        edit_menu.addActions([self.action_undo, self.action_redo])
        edit_menu.addSeparator()
        edit_menu.addActions([self.action_cut, self.action_copy, self.action_paste, self.action_duplicate,
                              self.action_delete])
        edit_menu.addSeparator()
        edit_menu.addAction(self.action_select_all)

        view_menu = bar.addMenu("&View")
        view_menu.setObjectName("menuView")
        view_menu.addActions([self.action_zoom_in, self.action_zoom_out, self.action_zoom_fit, self.action_zoom_100])
        view_menu.addSeparator()
        view_menu.addAction(self.action_auto_layout)
        view_menu.addSeparator()
        self.view_menu = view_menu  # the dock and toolbar toggles are added with the docks

        help_menu = bar.addMenu("&Help")
        help_menu.setObjectName("menuHelp")
        help_menu.addAction(self.action_shortcuts)
        help_menu.addSeparator()
        help_menu.addAction(self.action_about)

    def _create_toolbar(self) -> None:
        bar = QToolBar("Toolbar", self)
        bar.setObjectName("mainToolBar")
        bar.setMovable(False)
        bar.setFloatable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        bar.addActions([self.action_new, self.action_open, self.action_save])
        bar.addSeparator()
        bar.addActions([self.action_undo, self.action_redo])
        bar.addSeparator()
        bar.addActions([self.action_zoom_fit, self.action_auto_layout])
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.toolbar = bar

    def _dock(self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea, toggle: str) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(area, dock)
        action = dock.toggleViewAction()
        action.setObjectName(toggle)
        action.setText(f"Show {title}")
        self.view_menu.addAction(action)
        return dock

    def _create_docks(self) -> None:
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.palette_panel = LayerPalette()
        self.inspector = Inspector()
        self.issues = IssuesPanel()
        self.palette_dock = self._dock("paletteDock", "Layers", self.palette_panel,
                                       Qt.DockWidgetArea.LeftDockWidgetArea, "actionShowPalette")
        self.inspector_dock = self._dock("inspectorDock", "Inspector", self.inspector,
                                         Qt.DockWidgetArea.RightDockWidgetArea, "actionShowInspector")
        self.issues_dock = self._dock("issuesDock", "Issues", self.issues,
                                      Qt.DockWidgetArea.BottomDockWidgetArea, "actionShowIssues")
        toggle = self.toolbar.toggleViewAction()
        toggle.setObjectName("actionShowToolbar")
        toggle.setText("Show Toolbar")
        self.view_menu.addAction(toggle)

        self.palette_panel.addRequested.connect(self.add_layer_at_centre)
        self.issues.nodeRequested.connect(self.reveal_node)
        self.issues.countChanged.connect(self._update_issues_title)

    def _default_dock_sizes(self) -> None:
        fm = self.fontMetrics()
        side = max(200, fm.averageCharWidth() * 30)
        self.resizeDocks([self.palette_dock, self.inspector_dock], [side, int(side * 1.25)],
                         Qt.Orientation.Horizontal)
        self.resizeDocks([self.issues_dock], [fm.lineSpacing() * 7], Qt.Orientation.Vertical)
        self.training.size_docks()

    def _create_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setObjectName("statusBar")
        self.status_nodes = QLabel()
        self.status_nodes.setObjectName("statusNodes")
        self.status_params = QLabel()
        self.status_params.setObjectName("statusParams")
        self.status_validity = QLabel()
        self.status_validity.setObjectName("statusValidity")
        for label in (self.status_nodes, self.status_params, self.status_validity):
            label.setContentsMargins(8, 0, 8, 0)
            bar.addPermanentWidget(label)

    # ---- the document ----------------------------------------------------------------------
    def set_document(self, model: DocumentModel, untitled_name: str | None = None) -> None:
        """Show ``model`` in this window; the previous document (and its recovery file) goes away."""
        old_model, old_scene = self.document, self.scene
        for connection in self._connections:
            QObject.disconnect(connection)
        self._connections = []
        self.autosaver.set_document(None)
        if old_scene is not None:
            old_scene.detach()
        if old_model is not None:
            old_model.close()

        model.setParent(self)
        self.document = model
        if untitled_name is not None:
            model.untitled_name = untitled_name
        scene = CanvasScene(model)
        self.scene = scene
        if self.view is None:
            self.view = CanvasView(scene)
            self.setCentralWidget(self.view)
        else:
            self.view.set_canvas_scene(scene)  # and fits the new network in view
        view = self.view
        if old_scene is not None:
            old_scene.deleteLater()
        if old_model is not None:
            old_model.deleteLater()

        stack = model.undo_stack
        c = self._connections
        c.append(scene.nodeSelectionChanged.connect(self._selection_changed))
        c.append(scene.statusMessage.connect(self.show_status))
        c.append(scene.nodeActivated.connect(self._node_activated))
        c.append(model.modifiedChanged.connect(self._update_title))
        c.append(model.pathChanged.connect(self._update_title))
        c.append(model.analysisChanged.connect(self._update_status))
        c.append(model.graphChanged.connect(self._update_actions))
        for signal in (stack.canUndoChanged, stack.canRedoChanged, stack.undoTextChanged, stack.redoTextChanged):
            c.append(signal.connect(self._update_undo_actions))

        self.inspector.set_document(model)
        self.inspector.show_node(None)
        self.issues.set_document(model)
        self.training.set_document(model)
        self.autosaver.set_document(model)
        self._update_title()
        self._update_status()
        self._update_actions()
        self._update_undo_actions()
        self._update_paste()
        view.setFocus()

    def _display_name(self) -> str:
        return self.document.title if self.document is not None else "Untitled"

    def _is_pristine(self) -> bool:
        """Nothing would be lost by replacing the document (an untouched new or example copy)."""
        model = self.document
        return model is None or (not model.modified and not model.path)

    # ---- File ------------------------------------------------------------------------------
    def new_document(self) -> bool:
        if not self.maybe_save():
            return False
        self.set_document(DocumentModel())
        self.show_status("New network")
        return True

    def new_window(self) -> "MainWindow":
        window = MainWindow()
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        _spawned.add(window)
        window.destroyed.connect(lambda *_: _spawned.discard(window))
        window.move(self.pos().x() + 32, self.pos().y() + 32)
        window.show()
        return window

    def open_dialog(self) -> bool:
        if not self.maybe_save():
            return False
        path = self._get_open_path()
        return bool(path) and self.open_path(path, ask=False)

    def open_path(self, path: str | Path, ask: bool = True) -> bool:
        """Open a network file in this window; a file that cannot be read shows its problems."""
        if ask and not self.maybe_save():
            return False
        path = str(path)
        try:
            model = DocumentModel.open(path)
        except FileFormatError as exc:
            if not Path(path).exists():
                settings.remove_recent_file(path)
            self.show_load_problems(path, exc.problems)
            return False
        self.set_document(model)
        settings.add_recent_file(path)
        settings.set_last_folder(Path(path).resolve().parent)
        problems = model.problems
        if problems:
            self.issues_dock.show()
            self.issues_dock.raise_()
            self.show_status(f"Opened {Path(path).name} with {_plural(len(problems), 'problem')}: "
                             "what could not be read is listed under Issues")
        else:
            self.show_status(f"Opened {Path(path).name}")
        return True

    def open_example(self, path: str | Path = DEFAULT_EXAMPLE, ask: bool = True) -> bool:
        """Open an example as an untitled copy (Save asks for a new name; the example stays as is)."""
        if ask and not self.maybe_save():
            return False
        path = Path(path)
        try:
            doc = load(path)
        except FileFormatError as exc:
            self.show_load_problems(path, exc.problems)
            return False
        self.set_document(DocumentModel(as_untitled(doc)), untitled_name=f"{path.stem} (example)")
        self.show_status(f"Opened the {EXAMPLE_TITLES.get(path.stem, path.stem)} example as an untitled copy")
        return True

    def save(self) -> bool:
        if self.document is None:
            return False
        if not self.document.path:
            return self.save_as()
        return self._write(self.document.path)

    def save_as(self) -> bool:
        if self.document is None:
            return False
        path = self._get_save_path(self._suggested_path())
        if not path:
            return False
        if not path.lower().endswith(EXTENSION):
            path += EXTENSION
        return self._write(path)

    def _suggested_path(self) -> str:
        if self.document is not None and self.document.path:
            return self.document.path
        folder = settings.last_folder() or QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        stem = self._display_name().replace(" (example)", "")
        return str(Path(folder) / f"{stem}{EXTENSION}")

    def _write(self, path: str) -> bool:
        model = self.document
        assert model is not None
        self.training.keep_run()  # the trained weights and history go into the file
        try:
            model.save(path)
        except (OSError, TypeError, ValueError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            self.show_error("Could not save", f"{Path(path).name} could not be saved.", f"{path}: {reason}")
            self.show_status(f"Not saved: {reason}")
            return False
        settings.add_recent_file(path)
        settings.set_last_folder(Path(path).resolve().parent)
        self.issues.refresh()  # the load problems are gone with the save
        self._update_title()
        self.show_status(f"Saved {Path(path).name}")
        return True

    def close_document(self) -> bool:
        """Close the network; the window closes too when another one is open."""
        if not self.maybe_save():
            return False
        others = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w is not self
                  and w.isVisible()]
        self.set_document(DocumentModel())
        if others:
            self.close()
        else:
            self.show_status("Closed")
        return True

    def quit(self) -> None:
        """Close every window (each asks about its unsaved changes); stops at the first Cancel."""
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        windows.sort(key=lambda w: w is not self)
        for window in windows:
            if not window.close():
                return

    def maybe_save(self) -> bool:
        """Ask about unsaved changes; True when the caller may go on (saved or discarded)."""
        if self.document is not None:
            self.training.keep_run()  # a trained run counts as a change worth saving
        if self.document is None or not self.document.modified:
            return True
        answer = self._ask_save()
        if answer == "save":
            return self.save()
        return answer == "discard"

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closed:
            event.accept()
            return
        if not self.maybe_save():
            event.ignore()
            return
        settings.save_window_layout(self)
        self.autosaver.set_document(None)  # a clean close leaves no recovery file
        if self.document is not None:
            self.document.close()
        self.training.shutdown()  # no worker process is left behind
        self._closed = True
        event.accept()

    def showEvent(self, event) -> None:
        self._closed = False
        super().showEvent(event)
        if self._size_docks:  # first start: docks need the shown window's size to divide it
            self._size_docks = False
            QTimer.singleShot(0, self._default_dock_sizes)

    # ---- recent files ------------------------------------------------------------------------
    def rebuild_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        paths = settings.recent_files()
        for i, path in enumerate(paths):
            label = f"&{i + 1} {Path(path).name}" if i < 9 else f"1&0 {Path(path).name}"
            act = menu.addAction(label)
            act.setData(path)
            act.setStatusTip(path)
            act.setToolTip(path)
            act.triggered.connect(lambda _checked=False, p=path: self.open_path(p))
        if not paths:
            empty = menu.addAction("No Recent Files")
            empty.setEnabled(False)
        menu.addSeparator()
        clear = menu.addAction("Clear Recent Files")
        clear.setObjectName("actionClearRecent")
        clear.setEnabled(bool(paths))
        clear.triggered.connect(settings.clear_recent_files)

    # ---- crash recovery -----------------------------------------------------------------------
    def offer_recovery(self) -> int:
        """Offer the unsaved work of crashed sessions; returns how many documents were restored."""
        restored = 0
        for entry in pending():
            answer = self._ask_restore(entry)
            if answer == "restore":
                restored += self.restore(entry)
            elif answer == "discard":
                entry.discard()
        return restored

    def restore(self, entry: RecoveryEntry) -> bool:
        try:
            doc = entry.load()
        except FileFormatError as exc:
            self.show_load_problems(entry.file, exc.problems)
            return False
        target = self if self._is_pristine() else self.new_window()
        model = DocumentModel(doc)
        target.set_document(model, untitled_name=entry.title)
        model.mark_modified()
        entry.discard()
        target.autosaver.write_now()
        target.show_status(f"Restored unsaved work from {entry.when}: save it to keep it")
        return True

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

    # ---- feedback ----------------------------------------------------------------------------
    @Slot(str)
    def show_status(self, message: str) -> None:
        self.statusBar().showMessage(message, STATUS_TIMEOUT_MS)

    def show_load_problems(self, path: str | Path, problems: list[str]) -> LoadProblemsDialog:
        dialog = LoadProblemsDialog(path, problems, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.show_status(f"Could not open {Path(path).name}")
        return dialog

    def show_error(self, title: str, text: str, detail: str = "") -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self)
        box.setObjectName("errorBox")
        if detail:
            box.setInformativeText(detail)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    # ---- state shown in the window -----------------------------------------------------------
    def _update_title(self, *_: object) -> None:
        model = self.document
        self.setWindowTitle(f"{self._display_name()}[*] — {APP_TITLE}")
        self.setWindowFilePath(model.path if model is not None and model.path else "")
        self.setWindowModified(bool(model is not None and model.modified))

    def _update_status(self, *_: object) -> None:
        model = self.document
        if model is None:
            return
        graph, analysis = model.graph, model.analysis
        self.status_nodes.setText(_plural(len(graph), "node"))
        params = network_parameter_count(graph, analysis)
        self.status_params.setText("? parameters" if params is None else _plural(params, "parameter"))
        self.status_params.setToolTip("Trainable weights and biases of the network" if params is not None
                                      else "Unknown until every layer's input shape is known")
        errors, warnings = len(analysis.errors), len(analysis.warnings)
        if analysis.trainable:
            text, kind = "✓ Ready to train", "ok"
            if warnings:
                text += f" · {_plural(warnings, 'warning')}"
        elif errors:
            text, kind = f"✗ {_plural(errors, 'error')}", "error"
        else:
            text, kind = "✗ Not ready to train", "error"
        blocking = analysis.errors or [i for i in analysis.warnings if i.scope == "train"]
        self.status_validity.setText(text)
        self.status_validity.setToolTip("\n".join(i.message for i in blocking[:8]))
        set_text_color(self.status_validity, status_color(self.status_validity.palette(), kind))

    def _update_issues_title(self, *_: object) -> None:
        self.issues_dock.setWindowTitle(self.issues.title())

    def _update_actions(self, *_: object) -> None:
        has_nodes = self.document is not None and len(self.document.graph) > 0
        scene = self.scene
        selected = bool(scene is not None and scene.selected_node_ids())
        for action in (self.action_cut, self.action_copy, self.action_duplicate):
            action.setEnabled(selected)
        self.action_delete.setEnabled(selected or bool(scene is not None and scene.selected_edges()))
        for action in (self.action_select_all, self.action_zoom_fit, self.action_auto_layout):
            action.setEnabled(has_nodes)

    def _update_undo_actions(self, *_: object) -> None:
        stack = self.document.undo_stack if self.document is not None else None
        for action, can, text, word in (
            (self.action_undo, stack is not None and stack.canUndo(), stack.undoText() if stack else "", "Undo"),
            (self.action_redo, stack is not None and stack.canRedo(), stack.redoText() if stack else "", "Redo"),
        ):
            action.setEnabled(can)
            action.setText(f"&{word} {text}" if can and text else f"&{word}")
            action.setStatusTip(f"{word} {text}" if can and text else word)
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{action.statusTip()} ({keys})")

    def _update_paste(self, *_: object) -> None:
        self.action_paste.setEnabled(has_fragment())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in PALETTE_EVENTS and self.document is not None:
            self._update_status()

    # ---- drag and drop of network files ------------------------------------------------------
    @staticmethod
    def _network_files(event: QDragEnterEvent | QDropEvent) -> list[str]:
        mime = event.mimeData()
        if mime is None or not mime.hasUrls():
            return []
        return [u.toLocalFile() for u in mime.urls() if u.isLocalFile() and u.toLocalFile().lower().endswith(EXTENSION)]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._network_files(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        if self._network_files(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self._network_files(event)
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        # Open after the drop has finished: the unsaved-changes question must not block the drag.
        QTimer.singleShot(0, lambda: self._open_dropped(paths))

    def _open_dropped(self, paths: list[str]) -> None:
        first, *rest = paths
        self.open_path(first)
        for path in rest:
            self.new_window().open_path(path, ask=False)

    # ---- questions (tests answer these without dialogs) ---------------------------------------
    def _ask_save(self) -> str:
        """"save", "discard" or "cancel" for the document's unsaved changes."""
        box = QMessageBox(self)
        box.setObjectName("unsavedChangesBox")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(APP_TITLE)
        box.setText(f"Save the changes to {self._display_name()}?")
        box.setInformativeText("Your changes will be lost if you don't save them.")
        buttons = QMessageBox.StandardButton
        box.setStandardButtons(buttons.Save | buttons.Discard | buttons.Cancel)
        box.setDefaultButton(buttons.Save)
        box.setEscapeButton(buttons.Cancel)
        answer = box.exec()
        return {buttons.Save: "save", buttons.Discard: "discard"}.get(buttons(answer), "cancel")

    def _ask_restore(self, entry: RecoveryEntry) -> str:
        """"restore", "discard" or "keep" (ask again next time) for a crashed session's work."""
        box = QMessageBox(self)
        box.setObjectName("recoveryBox")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(APP_TITLE)
        box.setText(f"NeuroCanvas closed unexpectedly. Restore unsaved work from {entry.when}: {entry.title}?")
        if entry.original_path:
            box.setInformativeText(f"The network was last saved as {entry.original_path}.")
        restore = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(restore)
        box.exec()
        clicked = box.clickedButton()
        return "restore" if clicked is restore else "discard" if clicked is discard else "keep"

    def _get_open_path(self) -> str | None:
        folder = settings.last_folder() or QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation)
        path, _ = QFileDialog.getOpenFileName(self, "Open Network", folder, FILE_FILTER)
        return path or None

    def _get_save_path(self, suggested: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self, "Save Network As", suggested, FILE_FILTER)
        return path or None
