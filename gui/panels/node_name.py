"""The inspector's Name field: a name is checked as it is typed and applied (one ``RenameCommand``)
on Enter or when the field loses focus; Escape, or a refused name on focus-out, puts the node's name
back."""
from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from engine.graph import NAME_PATTERN, Graph, Node
from gui.editor.commands import RenameCommand

from .inspector_widgets import _message_label


def name_problem(graph: Graph, node: Node, name: str) -> str | None:
    """Why ``name`` cannot be ``node``'s name (None when it can)."""
    if not name:
        return "A node needs a name"
    if not NAME_PATTERN.fullmatch(name):
        return ("Use letters, digits, '_', '-' or '.', starting with a letter or '_' "
                "(at most 64 characters)")
    other = graph.find(name)
    if other is not None and other.id != node.id:
        return f"“{name}” is already the name of another node ({other.type})"
    return None


class NodeNameField:
    """The Name row of the node form (a part of _NodeForm)."""

    def _build_name_row(self, node: Node) -> None:
        self.name_edit = QLineEdit(node.name, self)
        self.name_edit.setObjectName("inspectorName")
        self.name_edit.setToolTip("The node's unique name; weights are saved as <name>/W, <name>/b")
        self.name_edit.setAccessibleName("Name")
        self.name_edit.installEventFilter(self)
        self.name_edit.textEdited.connect(self._name_typed)
        self.name_message = _message_label(self)
        self.name_message.setObjectName("inspectorNameMessage")
        self.form.addRow(self._label("Name", self.name_edit), self._field(self.name_edit, self.name_message))

    def follow_name(self) -> None:
        node = self.node()
        if node is not None:
            self.name_edit.setText(node.name)
            self._set_name_message(None)

    def _name_typed(self, text: str) -> None:
        node = self.node()
        if node is not None:
            self._set_name_message(name_problem(self.graph, node, text.strip()))

    def _set_name_message(self, text: str | None) -> None:
        self.name_message.setText(text or "")
        self.name_message.setVisible(bool(text))

    def commit_name(self, revert_on_error: bool) -> bool:
        """Apply the typed name (True when it is the node's name afterwards)."""
        node = self.node()
        if self.detached or self.in_event or node is None:
            return False
        text = self.name_edit.text().strip()
        if text == node.name:
            self.name_edit.setText(node.name)
            self._set_name_message(None)
            return True
        problem = name_problem(self.graph, node, text)
        if problem is not None:
            if revert_on_error:
                self.follow_name()
            else:
                self._set_name_message(problem)
            return False
        self._push(RenameCommand(self.graph, node.id, text))
        self.follow_name()
        return True
