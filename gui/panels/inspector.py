"""The inspector: the selected node's name and parameters, its output shape, size and issues.

Every change goes through an undo command on the document's stack: ``RenameCommand`` for the name
and ``SetParamsCommand`` for parameters, with one merge session per editing streak so a spin box
held on its arrow (or stepped with the keyboard or wheel) is one undo step; a streak ends on Enter
or focus-out and a new one begins on focus-in. The engine validates (``LayerSpec.make_params``):
a value it refuses is not applied, and its message appears under the field in the error colour
while the model keeps its last valid value (Escape puts that value back in the field).

The inspector follows the model: it listens to the graph's events, so undo, redo and edits made
elsewhere update the fields — without pushing anything back (no feedback loop).

With nothing selected it summarises the network; with several nodes selected it says so.
"""
from __future__ import annotations

import re
from math import prod
from typing import Any, Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from engine.errors import ParamError
from engine.graph import NAME_PATTERN, Graph, Node, NodeRemoved, NodeRenamed, ParamsChanged
from engine.layers.base import fmt_shape
from engine.validation import Analysis
from gui.document import DocumentModel
from gui.editor.commands import RenameCommand, SetParamsCommand, new_merge_session

from .node_facts import describe_parameters, network_parameter_count, parameter_count, parameter_shapes
from .palette import kind_icon
from .param_editors import ParamEditor, make_editor
from .theme import (
    PALETTE_EVENTS,
    muted_color,
    plural,
    scaled_font,
    set_text_color,
    severity_icon,
    status_color,
    text_label,
)

NO_SELECTION_HINT = ("Select a node on the canvas to edit its name and parameters. Add layers from the "
                     "palette: drag one onto the canvas or double-click it.")


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


class _KindHeader(QWidget):
    """The node's badge (kind colour and icon, as on the canvas), type name, kind and description;
    or just a title and a right-hand note for the other pages."""

    BADGE = 26

    def __init__(self, prefix: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(f"{prefix}Header")
        self.badge = text_label(self, f"{prefix}Badge")
        self.badge.setFixedSize(self.BADGE, self.BADGE)
        self.badge.hide()
        self.title = text_label(self, f"{prefix}Title")
        self.title.setFont(scaled_font(self, 1.25, bold=True))
        self.kind = text_label(self, f"{prefix}Kind")
        self.kind.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.description = text_label(self, f"{prefix}Description", wrap=True, selectable=True)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(8)
        top.addWidget(self.badge)
        top.addWidget(self.title, 1)
        top.addWidget(self.kind)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.description)

    def set(self, title: str, kind: str = "", description: str = "", icon: QIcon | None = None) -> None:
        self.title.setText(title)
        self.kind.setText(kind)
        self.kind.setVisible(bool(kind))
        self.description.setText(description)
        self.description.setVisible(bool(description))
        self.set_icon(icon)

    def set_icon(self, icon: QIcon | None) -> None:
        if icon is not None:
            self.badge.setPixmap(icon.pixmap(self.BADGE, self.BADGE))
        self.badge.setVisible(icon is not None)

    def restyle(self) -> None:
        set_text_color(self.kind, muted_color(self.palette()))
        set_text_color(self.description, muted_color(self.palette()))


def _heading(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setFont(scaled_font(parent, 1.0, bold=True))
    label.setContentsMargins(0, 10, 0, 0)
    return label


def _message_label(parent: QWidget) -> QLabel:
    label = text_label(parent, wrap=True, selectable=True)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    label.hide()
    return label


class _IssueList(QWidget):
    """Issues as icon + wrapped message rows (or a muted "No problems")."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self.labels: list[QLabel] = []

    def set_issues(self, issues: list, empty_text: str = "No problems") -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            if item.layout() is not None:
                while item.layout().count():
                    w = item.layout().takeAt(0).widget()
                    if w is not None:
                        w.deleteLater()
        self.labels = []
        rows = [(i.severity, i.message) for i in sorted(issues, key=lambda i: not i.is_error)]
        if not rows:
            rows = [("", empty_text)]
        for severity, message in rows:
            row = QHBoxLayout()
            row.setSpacing(6)
            if severity:
                icon = QLabel(self)
                icon.setPixmap(severity_icon(self, severity).pixmap(16, 16))
                icon.setAlignment(Qt.AlignmentFlag.AlignTop)
                row.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
            text = text_label(self, text=message, wrap=True, selectable=True)
            text.setProperty("severity", severity)
            row.addWidget(text, 1)
            self._layout.addLayout(row)
            self.labels.append(text)
        self.restyle()

    def texts(self) -> list[str]:
        return [label.text() for label in self.labels if label.property("severity")]

    def restyle(self) -> None:
        for label in self.labels:
            if not label.property("severity"):
                set_text_color(label, muted_color(self.palette()))


class _NodeForm(QWidget):
    """The editors of one node. Built per selected node; inert once ``detach``-ed."""

    def __init__(self, document: DocumentModel, node_id: str, push: Callable, parent: QWidget | None = None):
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

        # name
        self.name_edit = QLineEdit(node.name, self)
        self.name_edit.setObjectName("inspectorName")
        self.name_edit.setToolTip("The node's unique name; weights are saved as <name>/W, <name>/b")
        self.name_edit.setAccessibleName("Name")
        self.name_edit.installEventFilter(self)
        self.name_edit.textEdited.connect(self._name_typed)
        self.name_message = _message_label(self)
        self.name_message.setObjectName("inspectorNameMessage")
        self.form.addRow(self._label("Name", self.name_edit), self._field(self.name_edit, self.name_message))

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

    def follow_name(self) -> None:
        node = self.node()
        if node is not None:
            self.name_edit.setText(node.name)
            self._set_name_message(None)

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

    # ---- name ------------------------------------------------------------------------------
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


class Inspector(QWidget):
    """The selected node's editors; a network summary when nothing (or several nodes) is selected."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("inspector")
        self.document: DocumentModel | None = None
        self.form: _NodeForm | None = None
        self._selection: list[str] = []
        self._pushing = False
        self._subscription: list[Callable[[], None] | None] = [None]
        holder = self._subscription
        self.destroyed.connect(lambda *_: holder[0] and holder[0]())  # no reference to self

        self.pages = QStackedWidget(self)
        self.pages.setObjectName("inspectorPages")

        # page 0: the network
        self.summary = QWidget()
        self.summary.setObjectName("inspectorSummary")
        self.summary_header = _KindHeader("summary", self.summary)
        self.summary_form = QFormLayout()
        self.summary_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.summary_form.setHorizontalSpacing(10)
        self.layers_label = text_label(self.summary, "summaryLayers")
        self.shapes_label = text_label(self.summary, "summaryShapes", wrap=True)
        self.params_label = text_label(self.summary, "summaryParams", wrap=True)
        self.status_label = text_label(self.summary, "summaryStatus", wrap=True, selectable=True)
        for text, field in (("Layers", self.layers_label), ("Input → output", self.shapes_label),
                            ("Trainable parameters", self.params_label), ("Status", self.status_label)):
            label = QLabel(text, self.summary)
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.MinimumExpanding)
            self.summary_form.addRow(label, field)
        self.hint_label = text_label(self.summary, "summaryHint", NO_SELECTION_HINT, wrap=True)
        column = QVBoxLayout(self.summary)
        column.setContentsMargins(10, 10, 10, 10)
        column.setSpacing(10)
        column.addWidget(self.summary_header)
        column.addLayout(self.summary_form)
        column.addWidget(self.hint_label)
        column.addStretch(1)

        # page 1: one node (scrolls when the dock is short)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("inspectorScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        # page 2: several nodes
        self.multi = QWidget()
        self.multi.setObjectName("inspectorMulti")
        self.multi_header = _KindHeader("multi", self.multi)
        self.multi_names = text_label(self.multi, "multiNames", wrap=True)
        self.multi_params = text_label(self.multi, "multiParams")
        self.multi_hint = text_label(self.multi, "multiHint", "Select a single node to edit its name and parameters.",
                                     wrap=True)
        column = QVBoxLayout(self.multi)
        column.setContentsMargins(10, 10, 10, 10)
        column.setSpacing(10)
        column.addWidget(self.multi_header)
        column.addWidget(self.multi_names)
        column.addWidget(self.multi_params)
        column.addWidget(self.multi_hint)
        column.addStretch(1)

        for page in (self.summary, self.scroll, self.multi):
            self.pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        self._restyle()
        self.show_node(None)

    # ---- public ------------------------------------------------------------------------------
    def set_document(self, document: DocumentModel | None) -> None:
        """Show (and edit) ``document``; None shows nothing."""
        if self.document is not None:
            try:
                self.document.analysisChanged.disconnect(self._follow_analysis)
            except (RuntimeError, TypeError):
                pass
        if self._subscription[0] is not None:
            self._subscription[0]()
            self._subscription[0] = None
        self.document = document
        if document is not None:
            self._subscription[0] = document.graph.subscribe(self._follow_event)
            document.analysisChanged.connect(self._follow_analysis)
        self.show_node(None)

    def show_node(self, node: str | list[str] | tuple[str, ...] | None) -> None:
        """Show one node (an id), several (a list of ids, e.g. the canvas selection) or, for None or
        an empty list, the network summary."""
        ids = [node] if isinstance(node, str) else list(node or [])
        graph = self.document.graph if self.document is not None else None
        ids = [i for i in dict.fromkeys(ids) if graph is not None and i in graph]
        self._selection = ids
        if len(ids) == 1:
            if self.form is None or self.form.node_id != ids[0]:
                self._build_form(ids[0])
            self.pages.setCurrentWidget(self.scroll)
        else:
            self._drop_form()
            self.pages.setCurrentWidget(self.multi if ids else self.summary)
        self._refresh_pages()

    def current_node(self) -> str | None:
        return self._selection[0] if len(self._selection) == 1 else None

    def editor(self, param: str) -> ParamEditor | None:
        """The editor of ``param`` for the shown node (for tests and automation)."""
        return self.form.editors.get(param) if self.form is not None else None

    # ---- pages -------------------------------------------------------------------------------
    def _build_form(self, node_id: str) -> None:
        self._drop_form()
        self.form = _NodeForm(self.document, node_id, self._push)
        self.scroll.setWidget(self.form)

    def _drop_form(self) -> None:
        if self.form is None:
            return
        self.form.detach()
        old = self.scroll.takeWidget()
        self.form = None
        if old is not None:
            old.hide()
            old.deleteLater()

    def _refresh_pages(self) -> None:
        if self.document is None:
            self.summary_header.set("No network")
            for label in (self.layers_label, self.shapes_label, self.params_label, self.status_label):
                label.setText("—")
            return
        analysis = self.document.analysis
        if self.form is not None:
            self.form.follow_analysis(analysis)
        elif len(self._selection) > 1:
            self._refresh_multi(analysis)
        else:
            self._refresh_summary(analysis)

    def _refresh_summary(self, analysis: Analysis) -> None:
        doc = self.document
        graph = doc.graph
        self.summary_header.set(doc.title, "Network")
        self.layers_label.setText(f"{len(graph):,}")
        self.shapes_label.setText(" → ".join(
            fmt_shape(analysis.shapes.get(nid)) if nid is not None else "?"
            for nid in (analysis.input_node, analysis.output_node)))
        count = network_parameter_count(graph, analysis)
        self.params_label.setText(f"{count:,}" if count is not None else "unknown (see the errors)")
        errors, warnings = analysis.errors, analysis.warnings
        if len(graph) == 0:
            text, kind = "Empty — add an Input node to start", "warning"
        elif analysis.trainable:
            text, kind = "Ready to train", "ok"
            if warnings:
                text += f" ({plural(len(warnings), 'warning')})"
        elif errors:
            text, kind = f"{plural(len(errors), 'error')}. {self._where(errors[0])}{errors[0].message}", "error"
        else:
            first = self._where(warnings[0]) + warnings[0].message if warnings else "add a Loss node after the output layer"
            text, kind = f"Can predict, not train yet: {first}", "warning"
        self.status_label.setText(text)
        self.status_label.setProperty("status", kind)
        set_text_color(self.status_label, status_color(self.palette(), kind))

    def _where(self, issue) -> str:
        """"dense_1: " for an issue about a node."""
        graph = self.document.graph
        return f"{graph.node(issue.node).name}: " if issue.node is not None and issue.node in graph else ""

    def _refresh_multi(self, analysis: Analysis) -> None:
        graph = self.document.graph
        nodes = [graph.node(i) for i in self._selection if i in graph]
        self.multi_header.set(f"{len(nodes)} nodes selected")
        self.multi_names.setText(", ".join(f"{n.name} ({n.type})" for n in nodes))
        total = sum(parameter_count(graph, analysis, n.id) or 0 for n in nodes)
        self.multi_params.setText(f"Trainable parameters: {total:,}")

    # ---- following the model -----------------------------------------------------------------
    def _push(self, command) -> None:
        self._pushing = True
        try:
            self.document.push(command)
        finally:
            self._pushing = False

    def _follow_event(self, event: object) -> None:
        """A graph event (delivered synchronously): update the fields, push nothing."""
        form = self.form
        if form is None or self._pushing:
            return
        node = getattr(event, "node", None)
        if node is None or node.id != form.node_id:
            return
        if isinstance(event, ParamsChanged):
            form.follow_params()
        elif isinstance(event, NodeRenamed):
            form.follow_name()
        elif isinstance(event, NodeRemoved):
            self.show_node([i for i in self._selection if i != node.id])

    def _follow_analysis(self, analysis: Analysis) -> None:
        if self.document is not None:
            self._selection = [i for i in self._selection if i in self.document.graph]
            if len(self._selection) > 1 or (self._selection and self.form is None):
                self.show_node(self._selection)
                return
        self._refresh_pages()

    # ---- looks -------------------------------------------------------------------------------
    def _restyle(self) -> None:
        pal = self.palette()
        for header in (self.summary_header, self.multi_header):
            header.restyle()
        for label in (self.hint_label, self.multi_hint, self.multi_names):
            set_text_color(label, muted_color(pal))
        kind = self.status_label.property("status")
        if kind:
            set_text_color(self.status_label, status_color(pal, kind))
        if self.form is not None:
            self.form.restyle()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in PALETTE_EVENTS and hasattr(self, "pages"):
            self._restyle()
