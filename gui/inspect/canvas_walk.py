"""The walk through a traced step: what each frame says, the page and card it shows, and the ring
and wire values it puts on the canvas."""
from __future__ import annotations

import shiboken6

from engine.explain import Factor, WalkStep
from engine.explain.text import num
from gui.editor.step_highlight import short_value

from .animation import PHASE_TITLES
from .cards import Page
from .forward import LOSS_KEY
from .mathtext import math_html
from .style import colors


class CanvasWalk:
    """Frames of the walk, on the pages and the canvas (a part of StepInspector)."""

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
        """The window's document (and with it the canvas) may have changed since the last frame: a
        step of another network is nothing to show on this one."""
        if self.canvas_provider is not None:
            scene = self.canvas_provider()
            if scene is not self.scene:
                had_scene = self.scene is not None
                self.set_canvas(scene)
                if had_scene:
                    self.clear()

    def _show_frame(self) -> None:
        """Put the current frame on the canvas (or clear it there)."""
        if self.canvas_provider is not None and self.canvas_provider() is not self.scene:
            self._follow_canvas()
            return
        if self.scene is None or not shiboken6.isValid(self.scene):
            return
        frame = self.animator.current
        if frame is None or not self.isVisible() or self._stale:  # no values of another network on the wires
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
