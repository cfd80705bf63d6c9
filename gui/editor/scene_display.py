"""What the canvas shows beyond the graph itself: the analysis (shapes, parameter counts, issues) on
the nodes, the palette's colours, the live training overlays and the step inspector's animation."""
from __future__ import annotations

import json
from collections import defaultdict
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtWidgets import QGraphicsItem

from engine.graph import Node
from engine.validation import Analysis

from .items.style import CanvasStyle

if TYPE_CHECKING:
    from .step_highlight import StepHighlight

_param_counts: dict[tuple, int | None] = {}


def parameter_count(node: Node, in_shapes: list, out_shape: tuple | None) -> int | None:
    """Trainable values of a node (as the compiled layer would have), None while its input shape is
    unknown. Uses the layer's own param_shapes without allocating arrays; cached."""
    spec = node.spec
    if not spec.has_weights or spec.factory is None:
        return 0
    if out_shape is None or any(s is None for s in in_shapes):
        return None
    key = (node.type, json.dumps(node.params, sort_keys=True, default=str), tuple(in_shapes), out_shape)
    if key not in _param_counts:
        if len(_param_counts) > 4096:
            _param_counts.clear()
        try:
            layer = spec.factory(node.name, node.params, list(in_shapes), out_shape)
            _param_counts[key] = layer.parameter_count
        except Exception:  # noqa: BLE001 - a layer that cannot be built shows "? params"
            _param_counts[key] = None
    return _param_counts[key]


class SceneDisplay:
    """Analysis, style and overlays on the items (a part of CanvasScene)."""

    def set_item_caching(self, enabled: bool) -> None:
        """Nodes keep a device-pixel picture of themselves (fast pans, drags and edits); while a
        zoom is under way every frame needs a new one, so the view turns caching off meanwhile."""
        if enabled != self._caching:
            self._caching = enabled
            mode = QGraphicsItem.CacheMode.DeviceCoordinateCache if enabled else QGraphicsItem.CacheMode.NoCache
            for item in self._nodes.values():
                item.setCacheMode(mode)
            self.overlays.set_caching(enabled)

    def _apply_analysis(self, analysis: Analysis) -> None:
        """Shapes, parameter counts and badges; only nodes whose display changed repaint."""
        if not shiboken6.isValid(self):
            return
        by_node: dict[str, list] = defaultdict(list)
        for issue in analysis.issues:
            if issue.node is not None:
                by_node[issue.node].append(issue)
        shapes = analysis.shapes
        sources = self.graph.sources
        for nid, item in self._nodes.items():
            shape = shapes.get(nid)
            in_shapes = [shapes.get(s) if s is not None else None for s in sources(nid)]
            item.set_analysis(shape, parameter_count(item.node, in_shapes, shape), by_node.get(nid, []))

    def refresh_style(self) -> None:
        """Re-read the application palette (light/dark switch)."""
        self.style = CanvasStyle.from_palette()
        self.setBackgroundBrush(self.style.canvas)
        for item in self._nodes.values():
            item.set_style(self.style)
            item.refresh()
        for edge in self._edges.values():
            edge.set_style(self.style)
        self.overlays.restyle()
        self.update()

    # ---- live training overlays (gui.editor.overlays) ---------------------------------------------
    def set_neuron_maps(self, maps: dict[str, Any] | None) -> None:
        """Show each node's output over the input plane, ``{node name: (units, r, r)}`` (a
        snapshot's ``neuron_maps``, row 0 at the lowest x2); None removes every map."""
        self.overlays.set_neuron_maps(maps)

    def set_neuron_maps_visible(self, visible: bool) -> None:
        self.overlays.set_neuron_maps_visible(visible)

    def set_weight_summary(self, summary: dict[str, dict[str, float]] | None) -> None:
        """Colour and thicken the wire into each layer by ``{layer: {"mean", "mean_abs"}}`` (a
        snapshot's ``weights``); None returns every wire to the plain look."""
        self.overlays.set_weight_summary(summary)

    def set_weight_colouring(self, enabled: bool) -> None:
        self.overlays.set_weight_colouring(enabled)

    # ---- the step inspector's animation (gui.inspect) ------------------------------------------------
    def step_highlight(self) -> "StepHighlight":
        """The overlay that rings the active node of a training-step animation and writes values on
        its wires (gui.editor.step_highlight); made on first use."""
        from .step_highlight import StepHighlight

        overlay = getattr(self, "_step_highlight", None)
        if overlay is None:
            overlay = self._step_highlight = StepHighlight(self)
        return overlay

    def set_step_highlight(self, node_id: str | None, wire_values: dict | None = None, *,
                           phase: str = "forward", caption: str = "") -> None:
        """Emphasise ``node_id`` (None: no node) and write ``{(src id, dst id): value or text}`` on
        those wires, in the colour of ``phase`` ("forward", "loss", "backward", "update")."""
        if node_id is None and not wire_values and getattr(self, "_step_highlight", None) is None:
            return
        self.step_highlight().set_step(node_id, wire_values, phase=phase, caption=caption)
