"""The inspector's pages for the network as a whole: its summary (nothing selected) and the note on
several selected nodes."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from engine.layers.base import fmt_shape
from engine.validation import Analysis

from .inspector_widgets import _KindHeader
from .node_facts import network_parameter_count, parameter_count
from .theme import plural, set_text_color, status_color, text_label

NO_SELECTION_HINT = ("Select a node on the canvas to edit its name and parameters. Add layers from the "
                     "palette: drag one onto the canvas or double-click it.")


class NetworkSummary:
    """The summary and several-nodes pages (a part of Inspector)."""

    def _build_summary_page(self) -> None:
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

    def _build_multi_page(self) -> None:
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
