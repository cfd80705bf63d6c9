"""The main window's actions (each with a stable objectName, its shortcuts and tips), its menus,
toolbar and docks."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QDockWidget, QToolBar, QWidget

from gui.icons import icon
from gui.panels.inspector import Inspector
from gui.panels.issues import IssuesPanel
from gui.panels.palette import LayerPalette

from .examples import EXAMPLE_TITLES, examples


def _keys(*sequences: str) -> list[QKeySequence]:
    """Shortcuts in portable text ("Ctrl" is Command on macOS). Written out rather than taken from
    QKeySequence.StandardKey, whose lists carry media keys ("Save", "Shift+Save") into the menus."""
    return [QKeySequence(s) for s in sequences]


def is_canvas_key(sequence: QKeySequence) -> bool:
    """One key without Ctrl, Alt or Meta that is not a function key (Del, F, …): a key other widgets
    use for themselves (a list's type-ahead, a table's Delete), so it acts on the canvas only.
    Function keys (F1 help, F10 step) stay window-wide: no widget types them."""
    if sequence.count() != 1:
        return False
    combo = sequence[0]
    if combo.keyboardModifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                                    | Qt.KeyboardModifier.MetaModifier):
        return False
    return not Qt.Key.Key_F1.value <= combo.key().value <= Qt.Key.Key_F35.value


class CanvasKeyGuard(QObject):
    """Keeps the canvas's single keys of window-wide actions (Zoom to Fit's F beside its Ctrl+0) for the
    canvas: where another widget has the focus, it claims the key (ShortcutOverride), so that widget
    gets the key press and the action does not fire. Installed on the window and its docks (a floating
    dock is a window of its own)."""

    def __init__(self, view: QWidget, keys: set[int], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.keys = keys

    def in_canvas(self, widget: QWidget | None) -> bool:
        return widget is not None and (widget is self.view or self.view.isAncestorOf(widget))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
                and event.keyCombination().toCombined() in self.keys
                and not self.in_canvas(QApplication.focusWidget())):
            event.accept()
            return True
        return False


class WindowMenus:
    """Building the actions, menus, toolbar and docks (a part of MainWindow)."""

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

    def _scope_canvas_shortcuts(self, view: QWidget) -> None:
        """Single-key shortcuts (is_canvas_key) work only while the canvas has the focus: pressing Delete
        in the Layers list must not delete the selected node, nor F there zoom. An action whose keys
        are all single keys (Delete) moves from the window to the canvas view with a
        WidgetWithChildrenShortcut context; the menus still show and trigger it. A single key beside a
        window-wide one (Zoom to Fit: Ctrl+0 anywhere, F on the canvas) is kept off the other widgets
        by a CanvasKeyGuard. Call once, when the view exists."""
        guarded: set[int] = set()
        for action in self.actions():
            keys = [k for k in action.shortcuts() if is_canvas_key(k)]
            if not keys:
                continue
            if len(keys) == len(action.shortcuts()):
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                self.removeAction(action)
                view.addAction(action)
            else:
                guarded.update(k[0].toCombined() for k in keys)
        if guarded:
            self._canvas_key_guard = guard = CanvasKeyGuard(view, guarded, self)
            for widget in (self, *self.findChildren(QDockWidget)):
                widget.installEventFilter(guard)

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
        self._create_export_menu(file_menu)  # gui.window.exports
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
