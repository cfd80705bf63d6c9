"""The step inspector: one training step of one sample, with the engine's numbers.

Left, the samples (pick one; select several for the gradient check). Right, the walk through the
step — its controls drive the animation on the canvas — and five pages: Forward, Backward, Chain
rule, Update, Gradient check. Above, what is being explained and the buttons (refresh, gradient
check, export as Markdown).

It works from a ``StepTrace`` (+ an optional ``CheckResult``), however they were made:
``set_trace``/``set_check`` directly, or a ``TraceSource`` (gui.inspect.sources) that answers the
inspector's requests. ``set_canvas(scene)`` lets the animation ring nodes and label wires there.

Its parts: showing a trace (step_content), the walk on the pages and the canvas (canvas_walk), and
the Markdown export (step_export).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QHideEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from engine.explain import CheckResult, StepTrace
from engine.explain.symbols import Symbols
from gui.panels.theme import PALETTE_EVENTS, set_text_color

from .animation import StepAnimator, WalkControls
from .canvas_walk import CanvasWalk
from .cards import Page
from .chain import ChainPage
from .check import CheckPage
from .mathtext import FormulaLabel
from .samples import SampleData, SamplePicker
from .sources import TraceSource
from .step_content import EMPTY_HINT, StepContent  # noqa: F401 - re-exported
from .step_export import StepExport
from .style import colors

if TYPE_CHECKING:
    from gui.editor.scene import CanvasScene


class StepInspector(StepContent, CanvasWalk, StepExport, QWidget):
    """The inspector widget (in a dock of the main window, or a window of its own)."""

    traceShown = Signal(object)       # the StepTrace now shown
    cleared = Signal()                # nothing is shown: the document (or its canvas) was replaced
    sampleRequested = Signal(int, str)
    checkRequested = Signal(list, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stepInspector")
        self.setWindowTitle("Look inside one training step")
        self.trace: StepTrace | None = None
        self.check_result: CheckResult | None = None
        self.check_samples: tuple[list[int], str] | None = None
        self.index: int | None = None
        self.split = "train"
        self.source: TraceSource | None = None
        self.scene = None
        self.canvas_provider = None   # a callable giving the current canvas (it changes with the document)
        self.title_hint = ""
        self._stale = False
        self._picker_sized = False
        self._document = None
        self._structure: str | None = None   # the graph's structure when the trace was shown
        self._symbols: Symbols | None = None
        self._build()
        self._show_empty()

    # ---- layout --------------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 6, 8, 6)
        outer.setSpacing(6)
        head = QHBoxLayout()
        head.setSpacing(8)
        self.summary = FormulaLabel("", self, name="stepSummary", factor=1.05)
        head.addWidget(self.summary, 1)
        self.refresh_button = self._button("stepRefreshButton", "Refresh",
                                           "Trace the step again on the current weights", self.refresh)
        self.check_button = self._button("stepCheckButton", "Gradient check",
                                         "Compare backpropagation with finite differences on the selected samples",
                                         self.run_check)
        self.export_button = self._button("stepExportButton", "Export…",
                                          "Write the whole step (formulas and numbers) as Markdown", self.export_markdown)
        for b in (self.refresh_button, self.check_button, self.export_button):
            head.addWidget(b, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(head)
        self.source_label = QLabel("", self)
        self.source_label.setObjectName("stepSourceLabel")
        self.source_label.setWordWrap(True)
        set_text_color(self.source_label, colors(self).muted)
        outer.addWidget(self.source_label)

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)  # side by side once wide enough
        self.splitter.setObjectName("stepSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.picker = SamplePicker(self.splitter)
        self.picker.sampleChosen.connect(self.request_sample)
        right = QWidget(self.splitter)
        rlayout = QVBoxLayout(right)
        rlayout.setContentsMargins(0, 0, 0, 0)
        rlayout.setSpacing(4)
        self.animator = StepAnimator(self)
        self.controls = WalkControls(self.animator, right)
        self.controls.set_describe(self._describe_frame)
        self.follow = QCheckBox("Follow on the pages", self.controls)
        self.follow.setObjectName("stepFollow")
        self.follow.setChecked(True)
        self.follow.setToolTip("Show the page and card of the node the walk is on")
        self.controls.caption_row.addWidget(self.follow, 0, Qt.AlignmentFlag.AlignTop)
        rlayout.addWidget(self.controls)
        self.tabs = QTabWidget(right)
        self.tabs.setObjectName("stepTabs")
        self.tabs.setDocumentMode(True)
        self.forward_page = Page("stepForwardPage")
        self.backward_page = Page("stepBackwardPage")
        self.chain_page = ChainPage()
        self.update_page = Page("stepUpdatePage")
        self.check_page = CheckPage()
        for page, title in ((self.forward_page, "Forward"), (self.backward_page, "Backward"),
                            (self.chain_page, "Chain rule"), (self.update_page, "Update"),
                            (self.check_page, "Gradient check")):
            self.tabs.addTab(page, title)
        rlayout.addWidget(self.tabs, 1)
        self.splitter.addWidget(self.picker)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([300, 900])
        self.splitter.splitterMoved.connect(self._picker_dragged)
        outer.addWidget(self.splitter, 1)
        self.animator.frameChanged.connect(self._frame_changed)
        self.chain_page.factorHovered.connect(self._factor_hovered)
        self.check_page.runRequested.connect(self.run_check)

    def _button(self, name: str, text: str, tip: str, slot) -> QPushButton:
        b = QPushButton(text, self)
        b.setObjectName(name)
        b.setToolTip(tip)
        b.clicked.connect(lambda _checked=False: slot())
        return b

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        wide = self.width() >= 900 or self.width() > 1.6 * self.height()
        orientation = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if self.splitter.orientation() != orientation:
            self.splitter.setOrientation(orientation)
            if not wide:
                total = self.splitter.height()
                first = min(180, total // 4)
                self.splitter.setSizes([first, max(total - first, 1)])
        if wide and not self._picker_sized:
            self._size_picker()  # until the user drags the handle

    # ---- wiring --------------------------------------------------------------------------------
    def set_canvas(self, scene: CanvasScene | None) -> None:
        """The canvas whose nodes and wires the animation highlights (None: no canvas)."""
        if scene is self.scene:
            self._show_frame()
            return
        if self.scene is not None and shiboken6.isValid(self.scene):
            self.scene.set_step_highlight(None)
        self.scene = scene
        if self._document is not None:
            try:
                self._document.graphChanged.disconnect(self._graph_changed)
            except (RuntimeError, TypeError):
                pass
        self._document = getattr(scene, "document", None)
        if self._document is not None:
            self._document.graphChanged.connect(self._graph_changed)
        self._show_frame()

    def set_source(self, source: TraceSource | None) -> None:
        if self.source is not None:
            for signal, slot in ((self.source.traceReady, self._trace_ready), (self.source.checkReady, self._check_ready),
                                 (self.source.samplesChanged, self.set_samples), (self.source.failed, self.show_error),
                                 (self.source.predictionsChanged, self.picker.results_changed)):
                try:
                    signal.disconnect(slot)
                except (RuntimeError, TypeError):
                    pass
        self.source = source
        if source is None:
            return
        source.traceReady.connect(self._trace_ready)
        source.checkReady.connect(self._check_ready)
        source.samplesChanged.connect(self.set_samples)
        source.failed.connect(self.show_error)
        source.predictionsChanged.connect(self.picker.results_changed)
        self.set_samples(source.samples())
        self._update_source_label()

    def clear(self) -> None:
        """Forget the source, the samples, the trace and the check: another document is shown now."""
        self.set_source(None)
        self.animator.set_frames([])
        self.trace = None
        self.check_result = None
        self.check_samples = None
        self.index = None
        self.split = "train"
        self._stale = False
        self._structure = None
        self._symbols = None
        self.picker.set_samples({})
        self.check_page.show_result(None)
        self._show_empty()
        self.source_label.setText("")
        if self.scene is not None and shiboken6.isValid(self.scene):
            self.scene.set_step_highlight(None)
        self.cleared.emit()

    def set_samples(self, samples: dict[str, SampleData]) -> None:
        self.picker.set_samples(samples)
        if self.index is not None:
            self.picker.select(self.index, self.split)
        self._size_picker()

    def _picker_dragged(self, *_: object) -> None:
        self._picker_sized = True

    def _size_picker(self) -> None:
        """Side by side: the samples as wide as their columns (at most 45 %), the pages the rest."""
        if self.splitter.orientation() != Qt.Orientation.Horizontal:
            return
        total = max(self.splitter.width(), 1)
        wanted = self.picker.natural_width()
        first = max(200, min(wanted, int(total * 0.45), total - 600))  # the pages keep 600 px if they can
        self.splitter.setSizes([first, max(total - first, 1)])

    # ---- requests ------------------------------------------------------------------------------
    def request_sample(self, index: int, split: str | None = None) -> None:
        """Explain ``index`` of ``split``: asks the source (the answer arrives by ``set_trace``)."""
        split = split or self.picker.split
        self.picker.select(index, split)
        self.sampleRequested.emit(int(index), split)
        if self.source is not None:
            self.source_label.setText(f"Tracing {split} sample {index}…")
            self.source.request_trace(int(index), split)

    def refresh(self) -> None:
        if self.source is not None:
            self.source.refresh_samples()
        if self.index is not None:
            self.request_sample(self.index, self.split)
        else:
            rows = self.picker.selected_indices()
            self.request_sample(rows[0] if rows else 0, self.picker.split)

    def run_check(self) -> None:
        """Gradient check on the samples selected in the table (or the one explained)."""
        indices = self.picker.selected_indices() or ([self.index] if self.index is not None else [0])
        split = self.picker.split
        self.checkRequested.emit(indices, split)
        self.tabs.setCurrentWidget(self.check_page)
        if self.source is not None:
            self.check_page.show_result(None, pending=f"running on {len(indices)} {split} sample"
                                        f"{'s' if len(indices) != 1 else ''}…")
            self.source.request_check(indices, split)

    def _trace_ready(self, trace: StepTrace, index: int, split: str) -> None:
        self.set_trace(trace, index, split)

    def _check_ready(self, result: CheckResult, indices: list, split: str) -> None:
        self.set_check(result, list(indices), split)

    def show_error(self, message: str) -> None:
        self.source_label.setText(message)
        set_text_color(self.source_label, colors(self).error)

    # ---- Qt ------------------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self._show_frame()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802
        super().hideEvent(event)
        self.animator.pause()
        if self.scene is not None and shiboken6.isValid(self.scene):
            self.scene.set_step_highlight(None)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() in PALETTE_EVENTS and self.trace is not None:
            self._rebuild_pages()
            self._update_summary()
