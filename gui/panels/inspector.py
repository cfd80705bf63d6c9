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

Its parts: the form of one node (node_form, with its Name field in node_name), the network's pages
(network_summary) and the pieces they share (inspector_widgets).
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QStackedWidget, QVBoxLayout, QWidget

from engine.graph import NodeRemoved, NodeRenamed, ParamsChanged
from engine.validation import Analysis
from gui.document import DocumentModel

from .network_summary import NO_SELECTION_HINT, NetworkSummary  # noqa: F401 - re-exported
from .node_form import _NodeForm, check_params  # noqa: F401 - re-exported
from .node_name import name_problem  # noqa: F401 - re-exported
from .param_editors import ParamEditor
from .theme import PALETTE_EVENTS, muted_color, set_text_color, status_color


class Inspector(NetworkSummary, QWidget):
    """The selected node's editors; a network summary when nothing (or several nodes) is selected."""

    def __init__(self, parent: QWidget | None = None) -> None:
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
        self._build_summary_page()

        # page 1: one node (scrolls when the dock is short)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("inspectorScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        # page 2: several nodes
        self._build_multi_page()

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
