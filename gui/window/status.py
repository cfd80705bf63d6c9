"""What the main window shows of its document: the title, the status bar (nodes, parameters, whether
the network can train), passing messages and errors, and which actions are enabled."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLabel, QMessageBox

from engine.data_fit import data_fit_problem
from gui.dialogs.problems import LoadProblemsDialog
from gui.editor.clipboard import has_fragment
from gui.panels.node_facts import network_parameter_count
from gui.panels.theme import PALETTE_EVENTS, set_text_color, status_color

APP_TITLE = "NeuroCanvas"
STATUS_TIMEOUT_MS = 6000


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


class WindowStatus:
    """Status bar, title, messages and action states (a part of MainWindow)."""

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
        misfit = data_fit_problem(analysis)
        if misfit is not None:  # the graph is fine, the chosen data is not for it: say so before Play does
            node = graph.node(misfit.node).name if misfit.node is not None and misfit.node in graph else None
            self.status_validity.setText(f"✗ Data does not fit: {misfit.problem}")
            self.status_validity.setToolTip(f"{misfit.problem}.\nTo fix it: {(misfit.fix[:1].lower() + misfit.fix[1:]) or 'change the data or the network'}."
                                            + (f"\n(The Issues panel shows it on {node}.)" if node else ""))
            set_text_color(self.status_validity, status_color(self.status_validity.palette(), "error"))
            return
        if len(graph) == 0:  # nothing is wrong with an empty canvas: say what to do first
            text, kind = "Empty network — add an Input node", None
        elif analysis.trainable:
            text, kind = "✓ Ready to train", "ok"
            if warnings:
                text += f" · {_plural(warnings, 'warning')}"
        elif errors:
            text, kind = f"✗ {_plural(errors, 'error')}", "error"
        else:
            text, kind = "✗ Not ready to train", "error"
        blocking = analysis.errors or [i for i in analysis.warnings if i.scope == "train"]
        self.status_validity.setText(text)
        self.status_validity.setToolTip("Drag an Input from the Layers list, or press Tab on the canvas" if kind is None
                                        else "\n".join(i.message for i in blocking[:8]))
        set_text_color(self.status_validity, status_color(self.status_validity.palette(), kind) if kind else None)

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
