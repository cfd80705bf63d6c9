"""The step inspector: one training step of one sample, with the engine's numbers.

Left, the samples (pick one; select several for the gradient check). Right, the walk through the
step — its controls drive the animation on the canvas — and five pages: Forward, Backward, Chain
rule, Update, Gradient check. Above, what is being explained and the buttons (refresh, gradient
check, export as Markdown).

It works from a ``StepTrace`` (+ an optional ``CheckResult``), however they were made:
``set_trace``/``set_check`` directly, or a ``TraceSource`` (gui.inspect.sources) that answers the
inspector's requests. ``set_canvas(scene)`` lets the animation ring nodes and label wires there.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import shiboken6
from PySide6.QtCore import QEvent, QStandardPaths, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from engine.atomic import atomic_write_text
from engine.explain import CheckResult, Factor, StepTrace, WalkStep, to_markdown
from engine.explain.symbols import Symbols
from engine.explain.text import num
from gui.editor.step_highlight import short_value
from gui.panels.theme import PALETTE_EVENTS, set_text_color
from gui.training.run_record import structure_key

from .animation import PHASE_TITLES, StepAnimator, WalkControls
from .backward import build_backward
from .cards import Page
from .chain import ChainPage
from .check import CheckPage
from .forward import LOSS_KEY, build_forward
from .mathtext import FormulaLabel, math_html
from .samples import SampleData, SamplePicker, prediction_text
from .sources import TraceSource
from .style import colors
from .update import OPTIMIZER_TITLES, build_update

EMPTY_HINT = "Pick a sample in the table to look inside its training step."


class StepInspector(QWidget):
    """The inspector widget (in a dock of the main window, or a window of its own)."""

    traceShown = Signal(object)       # the StepTrace now shown
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

    def resizeEvent(self, event) -> None:  # noqa: N802
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
    def set_canvas(self, scene) -> None:
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
                                 (self.source.samplesChanged, self.set_samples), (self.source.failed, self.show_error)):
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
        self.set_samples(source.samples())
        self._update_source_label()

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

    # ---- content -------------------------------------------------------------------------------
    def set_trace(self, trace: StepTrace, index: int | None = None, split: str | None = None) -> None:
        """Show ``trace`` on every page and restart the walk at its first frame."""
        self.trace = trace
        self.index = index
        self.split = split or self.split
        self._stale = False
        self._structure = self._graph_structure()
        self._symbols = Symbols(trace)
        self._rebuild_pages()
        if index is not None:
            self.picker.select(index, self.split)
            self.picker.set_result(self.split, index, prediction_text(trace.loss.prediction, trace.task,
                                                                        trace.class_names), trace.loss.value)
            if not self._picker_sized:
                self._size_picker()
        self.animator.set_frames(trace.walk())
        self._update_summary()
        self._update_source_label()
        for b in (self.refresh_button, self.check_button, self.export_button):
            b.setEnabled(True)
        self.traceShown.emit(trace)

    def set_check(self, result: CheckResult, indices: list[int] | None = None, split: str | None = None) -> None:
        self.check_result = result
        split = split or self.picker.split
        self.check_samples = (list(indices or []), split)
        self.check_page.show_result(result, _samples_text(list(indices or []), split))

    def _rebuild_pages(self) -> None:
        trace = self.trace
        if trace is None:
            return
        current = self.tabs.currentIndex()
        build_forward(self.forward_page, trace)
        build_backward(self.backward_page, trace)
        self.chain_page.build(trace)
        build_update(self.update_page, trace)
        if self.check_result is not None:
            self.set_check(self.check_result, *(self.check_samples or ([], None)))
        elif trace.fusion == "step":
            self.check_page.show_result(None, pending="not applicable to a step output (the perceptron): the "
                                                      "perceptron rule is not a gradient")
        self.tabs.setCurrentIndex(current)

    def _show_empty(self) -> None:
        for page in (self.forward_page, self.backward_page, self.chain_page, self.update_page):
            page.clear()
            page.add_heading("Nothing traced yet", EMPTY_HINT)
        self.summary.setText(f"<b>One training step</b> — {EMPTY_HINT}")
        for b in (self.refresh_button, self.check_button, self.export_button):
            b.setEnabled(False)
        self.refresh_button.setEnabled(self.source is not None)

    def _update_summary(self) -> None:
        t = self.trace
        if t is None:
            return
        loss = t.loss
        x = t.raw_x if t.raw_x is not None else t.x
        parts = [f"x = {_short(x)}", f"y = {_target(t)}", f"ŷ = {_short(loss.prediction)}", f"L = {num(loss.value)}"]
        if t.update is not None:
            parts[-1] += f" → {num(t.update.loss_after)} after the step"
        title = t.label or (f"{self.split} sample {self.index}" if self.index is not None else "one sample")
        stale = ' <span style="color:%s">· the network has changed since: Refresh</span>' % colors(self).warning.name() \
            if self._stale else ""
        c = colors(self)
        body = " &nbsp;·&nbsp; ".join(math_html(p, result=c.text, nowrap=True) for p in parts)
        self.summary.setText(f"<b>{title.capitalize()}</b>&nbsp;&nbsp;&nbsp;{body}{stale}")

    def _update_source_label(self) -> None:
        text = self.source.describe() if self.source is not None else ""
        if self.trace is not None:
            method = OPTIMIZER_TITLES.get(self.trace.update.optimizer, self.trace.update.optimizer) \
                if self.trace.update else "backpropagation"
            text = (f"One step of {method} on "
                    + (text or "the network's weights") + "; nothing is changed.")
        self.source_label.setText(text)
        set_text_color(self.source_label, colors(self).muted)

    def _graph_structure(self) -> str | None:
        if self.scene is None or not shiboken6.isValid(self.scene):
            return None
        return structure_key(self.scene.graph)

    def _graph_changed(self) -> None:
        """A node or wire added or removed, a parameter changed (not a move): the trace is out of date."""
        if self.trace is not None and not self._stale and self._graph_structure() != self._structure:
            self._stale = True
            self._update_summary()

    # ---- the walk --------------------------------------------------------------------------------
    def _describe_frame(self, frame: WalkStep | None) -> str:
        if frame is None or self.trace is None:
            return ""
        color = colors(self).phase(frame.phase).name()
        caption = self.frame_caption(frame)
        return (f'<b style="color:{color}">{PHASE_TITLES.get(frame.phase, frame.phase)}</b> at {frame.node}'
                + (f":&nbsp;&nbsp;&nbsp;{math_html(caption, result=colors(self).text)}" if caption else ""))

    def frame_caption(self, frame: WalkStep) -> str:
        """What the frame's node holds: ``a1 = 0.6792``, ``L = 0.0678``, ``∂L/∂a1 = …``, ``w1: 0.5 → 0.54``."""
        t, sym = self.trace, self._symbols
        if t is None or sym is None:
            return ""
        if frame.phase == "forward":
            return f"{sym.out[frame.node]} = {short_value(t.node(frame.node).a)}"
        if frame.phase == "loss":
            return f"L = {num(t.loss.value)}"
        if frame.phase == "backward":
            rec = t.backward_of(frame.node)
            if rec is None:
                return ""
            if rec.grad_output is not None and not rec.grad_output_display_only:
                return f"∂L/∂{sym.out[frame.node]} = {short_value(rec.grad_output)}"
            if rec.grad_z is not None:
                return f"∂L/∂z = {short_value(rec.grad_z)}"
            return ""
        if frame.phase == "update" and t.update is not None:
            p = next((p for p in t.update.params if p.key.rsplit("/", 1)[0] == frame.node), None)
            if p is not None:
                name = sym.param(p.key, (0,) * p.before.ndim) if p.before.size == 1 else p.key.rsplit("/", 1)[1]
                return f"{name}: {short_value(p.before)} → {short_value(p.after)}"
        return ""

    def _frame_changed(self, index: int) -> None:
        self._show_frame()
        frame = self.animator.current
        if frame is None or not self.follow.isChecked():
            return
        page, key = self._page_of(frame)
        if page is not None:
            if self.tabs.currentWidget() is not page and self.tabs.currentWidget() is not self.check_page:
                self.tabs.setCurrentWidget(page)
            page.show_card(key)

    def _page_of(self, frame: WalkStep) -> tuple[Page | None, str | None]:
        if frame.phase == "forward":
            return self.forward_page, frame.node
        if frame.phase == "loss":
            return self.forward_page, LOSS_KEY
        if frame.phase == "backward":
            return self.backward_page, frame.node
        if frame.phase == "update":
            key = next((k for k in self.update_page.cards if k.startswith(frame.node + "/")), None)
            return self.update_page, key
        return None, None

    def _node_ids(self) -> dict[str, str]:
        """{name in the trace: node id on the canvas}."""
        if self.scene is None or not shiboken6.isValid(self.scene):
            return {}
        graph = self.scene.graph
        ids = {node.name: node.id for node in graph.nodes}
        names = getattr(self.source, "node_names", None)
        if names is not None:  # the worker's names of nodes renamed since the run was loaded
            ids.update({name: node_id for node_id, name in names().items() if node_id in graph})
        return ids

    def _follow_canvas(self) -> None:
        """The window's document (and with it the canvas) may have changed since the last frame."""
        if self.canvas_provider is not None:
            scene = self.canvas_provider()
            if scene is not self.scene:
                self.set_canvas(scene)
                if self.trace is not None:
                    self._stale = True
                    self._update_summary()

    def _show_frame(self) -> None:
        """Put the current frame on the canvas (or clear it there)."""
        if self.canvas_provider is not None and self.canvas_provider() is not self.scene:
            self._follow_canvas()
            return
        if self.scene is None or not shiboken6.isValid(self.scene):
            return
        frame = self.animator.current
        if frame is None or not self.isVisible():
            self.scene.set_step_highlight(None)
            return
        ids = self._node_ids()
        wires = {(ids[src], ids[dst]): value for src, dst, value in frame.wires if src in ids and dst in ids}
        self.scene.set_step_highlight(ids.get(frame.node), wires, phase=frame.phase, caption=self.frame_caption(frame))

    def highlighted_node(self) -> str | None:
        """The name of the node ringed on the canvas (None: none)."""
        if self.scene is None:
            return None
        overlay = self.scene.step_highlight()
        if overlay.node_id is None:
            return None
        node = next((n for n in self.scene.graph.nodes if n.id == overlay.node_id), None)
        return node.name if node is not None else None

    def _factor_hovered(self, factor: Factor | None) -> None:
        if self.scene is None or not shiboken6.isValid(self.scene):
            return
        ids = self._node_ids()
        if factor is None or factor.node not in ids:
            self.scene.step_highlight().set_hint(None)
            return
        self.scene.step_highlight().set_hint(ids[factor.node], f"{factor.symbol} = {num(factor.value)}")

    # ---- export --------------------------------------------------------------------------------
    def markdown(self) -> str:
        if self.trace is None:
            raise ValueError("Nothing to export: pick a sample first")
        title = f"One training step of {self.title_hint}" if self.title_hint else None
        return to_markdown(self.trace, check=self.check_result, title=title)

    def export_markdown(self, path: str | Path | None = None) -> Path | None:
        """Write the step as Markdown (atomically) to ``path``, or where ``_ask_export_path`` says."""
        if self.trace is None:
            return None
        if path is None:
            path = self._ask_export_path(self._suggested_export_name())
            if not path:
                return None
        target = Path(path)
        try:
            atomic_write_text(target, self.markdown())
        except OSError as exc:
            self.show_error(f"Could not write {target}: {exc.strerror or exc}")
            return None
        self.source_label.setText(f"Wrote {target}")
        return target

    def _suggested_export_name(self) -> str:
        stem = (self.title_hint or "step").replace(" ", "_")
        name = f"{stem}_{self.split}_{self.index if self.index is not None else 0}.md"
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return str(Path(folder) / name) if folder else name

    def _ask_export_path(self, suggested: str) -> str | None:
        """The one question the export asks (tests patch this)."""
        path, _ = QFileDialog.getSaveFileName(self, "Export the step as Markdown", suggested,
                                              "Markdown (*.md);;All files (*)")
        return path or None

    # ---- Qt ------------------------------------------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self._show_frame()

    def hideEvent(self, event) -> None:  # noqa: N802
        super().hideEvent(event)
        self.animator.pause()
        if self.scene is not None and shiboken6.isValid(self.scene):
            self.scene.set_step_highlight(None)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() in PALETTE_EVENTS and self.trace is not None:
            self._rebuild_pages()
            self._update_summary()


def _samples_text(indices: list[int], split: str) -> str:
    """"train samples 3, 5, 8" (at most eight listed)."""
    if not indices:
        return ""
    listed = ", ".join(map(str, indices[:8])) + ("…" if len(indices) > 8 else "")
    return f"{split} sample{'s' if len(indices) != 1 else ''} {listed}"


def _short(values) -> str:
    return short_value(np.asarray(values, dtype=np.float64))


def _target(t: StepTrace) -> str:
    if t.class_names and t.raw_y is not None:
        raw = t.raw_y
        if isinstance(raw, str):
            return raw
        k = int(np.asarray(raw).reshape(-1)[0])
        return t.class_names[k] if 0 <= k < len(t.class_names) else str(k)
    return _short(t.y)
