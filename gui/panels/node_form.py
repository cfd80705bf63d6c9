"""The inspector's form for one node: its name, one editor per parameter, its output shape, weight
count and issues. How edits become undo commands, and refused values messages under their fields,
is told in gui.panels.inspector."""
from __future__ import annotations

import re
from math import prod
from typing import Any, Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from engine.errors import ParamError
from engine.graph import Graph, Node
from engine.layers.base import fmt_shape
from engine.validation import Analysis
from gui.document import DocumentModel
from gui.editor.commands import SetParamsCommand, new_merge_session

from .inspector_widgets import _heading, _IssueList, _KindHeader, _message_label
from .node_facts import describe_parameters, parameter_shapes
from .node_name import NodeNameField
from .palette import kind_icon
from .param_editors import ParamEditor, make_editor
from .theme import muted_color, set_text_color, status_color, text_label


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def check_params(graph: Graph, node: Node, changes: dict[str, Any]) -> tuple[dict[str, Any] | None, ParamError | None]:
    """``(new params, None)`` if ``graph.set_params(node, **changes)`` would succeed, else
    ``(None, the ParamError it would raise)`` — without changing anything."""
    spec = node.spec
    try:
        new = spec.make_params(changes, current=node.params, owner=node.name)
    except ParamError as exc:
        return None, exc
    ports = set(spec.input_ports(new))
    wired = [e for e in graph.in_edges(node) if e.dst_port not in ports]
    if wired:
        names = ", ".join(f"{e.dst_port} (from {graph.node(e.src).name})" for e in wired)
        return None, ParamError(f"{node.name}: cannot remove input ports that are still wired: {names}; "
                                "disconnect them first", param=spec.variadic or next(iter(changes), None))
    return new, None


class _NodeForm(NodeNameField, QWidget):
    """The editors of one node. Built per selected node; inert once ``detach``-ed."""

    def __init__(self, document: DocumentModel, node_id: str, push: Callable, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspectorNodeForm")
        self.graph = document.graph
        self.node_id = node_id
        self._push = push
        self.detached = False
        self.in_event = False  # True while following a model event: never push then
        self.editors: dict[str, ParamEditor] = {}
        self.fields: dict[str, QWidget] = {}      # the row's field widget (editor + message)
        self.messages: dict[str, QLabel] = {}
        self.pending: dict[str, Any] = {}          # values refused by the engine, shown but not applied
        self.sessions: dict[str, int | None] = {}  # the undo merge session of each field's streak
        self._badge_params = dict(self.graph.node(node_id).params)
        node = self.graph.node(node_id)
        spec = node.spec

        self.header = _KindHeader("inspector", self)
        self.header.set(node.type, spec.category, spec.description, kind_icon(spec, _KindHeader.BADGE, node.params))

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.form.setHorizontalSpacing(10)
        self.form.setVerticalSpacing(6)

        self._build_name_row(node)

        # parameters
        self.form.addRow(_heading("Parameters", self))
        self.muted: list[QLabel] = []
        if not list(spec.params):
            none = text_label(self, "inspectorNoParams", f"{node.type} has no parameters.")
            self.muted.append(none)
            self.form.addRow(none)
        for p in spec.params:
            editor = make_editor(p, self)
            editor.set_value(node.params[p.name])
            editor.edited.connect(lambda value, name=p.name: self._edited(name, value))
            editor.streakEnded.connect(lambda name=p.name: self._end_streak(name))
            editor.widget.installEventFilter(self)
            message = _message_label(self)
            message.setObjectName(f"message_{p.name}")
            self.editors[p.name] = editor
            self.messages[p.name] = message
            self.fields[p.name] = self._field(editor.widget, message)
            # a check box carries its own title; its label cell stays empty
            label = self._label("" if p.kind == "bool" else _capitalized(p.title), editor.widget)
            label.setToolTip(p.help)
            self.form.addRow(label, self.fields[p.name])

        # facts
        self.form.addRow(_heading("Output", self))
        self.shape_label = text_label(self, "inspectorShape", selectable=True)
        self.form.addRow(self._label("Shape"), self.shape_label)
        self.count_label = text_label(self, "inspectorParamCount", wrap=True, selectable=True)
        self.form.addRow(self._label("Weights"), self.count_label)
        self.form.addRow(_heading("Issues", self))
        self.issues = _IssueList(self)
        self.issues.setObjectName("inspectorIssues")
        self.form.addRow(self.issues)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(8)
        layout.addWidget(self.header)
        layout.addLayout(self.form)
        layout.addStretch(1)

        self.update_visibility()
        self.restyle()

    # ---- building helpers ----------------------------------------------------------------
    def _label(self, text: str, buddy: QWidget | None = None) -> QLabel:
        label = QLabel(text, self)
        if buddy is not None:
            label.setBuddy(buddy)
        else:  # beside text that may wrap: on its first line
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.MinimumExpanding)
        return label

    def _field(self, widget: QWidget, message: QLabel) -> QWidget:
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(message)
        return box

    # ---- model → fields -------------------------------------------------------------------
    def node(self) -> Node | None:
        return self.graph.node(self.node_id) if self.node_id in self.graph else None

    def follow_params(self) -> None:
        """The node's parameters changed elsewhere (undo, redo, another view): show them."""
        node = self.node()
        if node is None:
            return
        self.in_event = True
        try:
            self.pending.clear()
            for name, editor in self.editors.items():
                editor.set_value(node.params[name])
                self.sessions[name] = None
                self._set_message(name, None)
            self.update_visibility()
        finally:
            self.in_event = False

    def follow_analysis(self, analysis: Analysis) -> None:
        node = self.node()
        if node is None:
            return
        shape = analysis.shapes.get(node.id)
        if node.type == "Loss":
            self.shape_label.setText("a number (the loss)" if shape is not None else "unknown — see the issues below")
        else:
            self.shape_label.setText(fmt_shape(shape) if shape is not None else "unknown — see the issues below")
        shapes = parameter_shapes(self.graph, analysis, node.id)
        if shapes is None:
            self.count_label.setText("unknown until the input shape is known")
        elif not shapes:
            self.count_label.setText("none")
        else:
            total = sum(prod(s) for s in shapes.values())
            self.count_label.setText(f"{total:,}  ({describe_parameters(shapes)})")
        self.issues.set_issues(analysis.for_node(node.id))

    def update_visibility(self) -> None:
        """Rows of parameters that matter only for some values of another (``visible_if``); the
        badge, whose drawing may depend on a parameter (Activation's function)."""
        node = self.node()
        if node is None:
            return
        if node.params != self._badge_params:
            self._badge_params = dict(node.params)
            self.header.set_icon(kind_icon(node.spec, _KindHeader.BADGE, node.params))
        values = {**node.params, **self.pending}
        for p in node.spec.params:
            if p.visible_if is None:
                continue
            visible = values.get(p.visible_if[0]) in p.visible_if[1]
            if not visible and p.name in self.pending:
                self._revert(p.name)
            self.form.setRowVisible(self.fields[p.name], visible)

    def is_row_visible(self, name: str) -> bool:
        return self.form.isRowVisible(self.fields[name])

    # ---- fields → model -------------------------------------------------------------------
    def _edited(self, name: str, value: Any) -> None:
        node = self.node()
        if self.detached or self.in_event or node is None:
            return
        changes = {**self.pending, name: value}
        new, error = check_params(self.graph, node, changes)
        if error is not None and len(changes) > 1:
            alone, alone_error = check_params(self.graph, node, {name: value})
            if alone_error is None:  # this value is fine; the other refused ones stay refused
                changes, new, error = {name: value}, alone, None
        if error is not None:
            self.pending[name] = value
            target = error.param if error.param in self.editors else name
            for key in self.messages:
                self._set_message(key, None)
            self._set_message(target, self._explain(node, error))
            self.update_visibility()
            return
        for key in changes:
            self.pending.pop(key, None)
        diff = {k: new[k] for k in changes if new[k] != node.params[k]}
        if diff:
            session = self._session(name) if self.editors[name].merges else None
            self._push(SetParamsCommand(self.graph, node.id, diff, merge_session=session))
        self._recheck_pending()
        self.update_visibility()

    def _recheck_pending(self) -> None:
        """Messages for the values still refused (after another field changed)."""
        for key in self.messages:
            self._set_message(key, None)
        node = self.node()
        if not self.pending or node is None:
            return
        _, error = check_params(self.graph, node, dict(self.pending))
        if error is None:
            return
        target = error.param if error.param in self.pending else next(iter(self.pending))
        self._set_message(target, self._explain(node, error))

    def _explain(self, node: Node, error: ParamError) -> str:
        """The engine's message without the "dense_1.units: " prefix the field makes obvious."""
        text = re.sub(rf"^({re.escape(node.name)}|{re.escape(node.type)})(\.[A-Za-z0-9_]+)?:\s*", "", str(error))
        return "Not applied: " + text

    def _revert(self, name: str) -> None:
        node = self.node()
        self.pending.pop(name, None)
        if node is not None:
            self.editors[name].set_value(node.params[name])
        self._recheck_pending()

    def _session(self, name: str) -> int:
        if self.sessions.get(name) is None:
            self.sessions[name] = new_merge_session()
        return self.sessions[name]  # type: ignore[return-value]

    def _end_streak(self, name: str) -> None:
        self.sessions[name] = None

    def _set_message(self, name: str, text: str | None) -> None:
        label = self.messages[name]
        label.setText(text or "")
        label.setVisible(bool(text))

    # ---- events ----------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.detached:
            return False
        kind = event.type()
        if watched is self.name_edit:
            if kind == QEvent.Type.KeyPress:
                key = event.key()
                if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                    self.commit_name(revert_on_error=False)
                    return True
                if key == Qt.Key.Key_Escape:
                    self.follow_name()
                    return True
            elif kind == QEvent.Type.FocusOut:
                self.commit_name(revert_on_error=True)
            return False
        name = next((n for n, e in self.editors.items() if e.widget is watched), None)
        if name is None:
            return False
        if kind == QEvent.Type.FocusIn:
            self.sessions[name] = None  # a new streak: the next change is a new undo step
        elif kind == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape:
            if name in self.pending:
                self._revert(name)
                self.update_visibility()
                return True
            node = self.node()
            if node is not None and self.editors[name].value() != node.params[name]:
                self.editors[name].set_value(node.params[name])  # typed text not yet applied
                return True
        return False

    def detach(self) -> None:
        """Stop reacting: the form is about to go (a focus-out while it dies must not push)."""
        self.detached = True

    def restyle(self) -> None:
        pal = self.palette()
        self.header.restyle()
        self.issues.restyle()
        for label in [*self.messages.values(), self.name_message]:
            set_text_color(label, status_color(pal, "error"))
        for label in self.muted:
            set_text_color(label, muted_color(pal))
