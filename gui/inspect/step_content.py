"""What the step inspector shows of a trace: the five pages, the summary and source lines above them,
and whether the network has changed since the trace was made."""
from __future__ import annotations

import numpy as np
import shiboken6

from engine.explain import CheckResult, StepTrace
from engine.explain.symbols import Symbols
from engine.explain.text import num
from gui.editor.step_highlight import short_value
from gui.panels.theme import set_text_color
from gui.training.run_record import structure_key

from .backward import build_backward
from .forward import build_forward
from .mathtext import math_html
from .samples import predicted_label, prediction_text
from .style import colors
from .update import OPTIMIZER_TITLES, build_update

EMPTY_HINT = "Pick a sample in the table to look inside its training step."


class StepContent:
    """Showing a trace and a gradient check (a part of StepInspector)."""

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
            prediction = trace.loss.prediction
            self.picker.set_result(self.split, index, prediction_text(prediction, trace.task, trace.class_names),
                                   trace.loss.value, predicted_label(prediction, trace.task, trace.class_names))
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
        """A node or wire added or removed, a parameter changed (not a move): the trace is out of date
        and leaves the canvas; an undo back to the traced network brings it back."""
        if self.trace is None:
            return
        stale = self._graph_structure() != self._structure
        if stale != self._stale:
            self._stale = stale
            self._update_summary()
            self._show_frame()


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
