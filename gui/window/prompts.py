"""The questions the main window asks, one method each so that tests can answer them without a modal
dialog: save the unsaved changes?, restore a crashed session's work?, and the file dialogs."""
from __future__ import annotations

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QMessageBox

from engine.fileformat import EXTENSION
from gui import settings
from gui.recovery import RecoveryEntry

from .status import APP_TITLE

FILE_FILTER = f"NeuroCanvas networks (*{EXTENSION})"


class WindowPrompts:
    """The window's questions (a part of MainWindow)."""

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
