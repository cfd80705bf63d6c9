"""The main window's document life cycle: showing a document, New, Open (a file, an example, a recent
file, a dropped file), Save, Save As, Close and Quit with the unsaved-changes question, and the
restore of work from a crashed session."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QStandardPaths, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from engine.fileformat import EXTENSION, FileFormatError, load
from gui import settings
from gui.document import DocumentModel
from gui.editor.scene import CanvasScene
from gui.editor.view import CanvasView
from gui.recovery import RecoveryEntry, as_untitled, pending

from .examples import DEFAULT_EXAMPLE, EXAMPLE_TITLES
from .status import _plural

if TYPE_CHECKING:
    from gui.main_window import MainWindow

# Windows opened with File → New Window stay referenced here until they are closed.
_spawned: set["MainWindow"] = set()


class DocumentLifecycle:
    """The document shown and the File menu's work (a part of MainWindow)."""

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
            self._scope_canvas_shortcuts(self.view)  # Delete, F: the canvas's keys, not the panels'
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
        c.append(scene.nodeClicked.connect(self._node_clicked))
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
        from gui.main_window import MainWindow  # late: gui.main_window imports this module

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
        from gui.main_window import MainWindow  # late: gui.main_window imports this module

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
        from gui.main_window import MainWindow  # late: gui.main_window imports this module

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

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
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
