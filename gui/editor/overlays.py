"""Live training overlays on the canvas: neuron maps on the nodes and weight-coloured wires.

**Neuron maps** (gui.editor.neuron_maps): each node's output over the input plane, a small image
per unit in a footer under the node's body.

**Wires** into each layer with weights (a Dense layer's incoming wire carries its W) are coloured
by the sign of the layer's mean weight (blue positive, orange negative; the more the weights agree
in sign, |mean| / mean|w|, the stronger the tint) and thickened by its mean |w|: 1.5 px … 6 px,
relative to the largest mean |w| in the network.

The scene owns one ``CanvasOverlays`` and forwards ``set_neuron_maps``, ``set_neuron_maps_visible``,
``set_weight_summary`` and ``set_weight_colouring`` to it.

Both show the network they were computed for: after a structural edit (a node or wire added or
removed, a layer's parameter changed — not a move or a rename) the scene calls ``graph_changed`` and
they are hidden until the next snapshot brings new ones; an undo back to that network shows them
again.
"""
from __future__ import annotations

import json
import math
import weakref
from typing import TYPE_CHECKING, Any, Mapping

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QGraphicsItem

from engine.data.features import FEATURE_LABELS

from .items.style import CanvasStyle, mix
from .neuron_maps import (  # noqa: F401 - re-exported
    BOTTOM,
    CELL,
    COLOUR_TABLE,
    COLUMNS,
    GAP,
    INVALID,
    LABEL,
    LOD_DETAIL,
    MAX_UNITS,
    MORE,
    NEGATIVE,
    PER_LAYER,
    PER_UNIT,
    POSITIVE,
    PROBABILITY,
    SINGLE_CELL,
    TANH,
    TOP,
    ZERO,
    NeuronMapsItem,
    cell_rects,
    cell_size,
    footer_height,
    map_pixels,
    scaled,
    value_mode,
)

if TYPE_CHECKING:
    from .items.edge import EdgeItem
    from .items.node import NodeItem
    from .scene import CanvasScene

WIDTH_MIN = 1.5
WIDTH_MAX = 6.0
TINT_MIN = 0.45           # a layer whose weights disagree in sign still shows its mean's sign


def graph_structure(graph: Any) -> str:
    """What the overlays depend on: node types and parameters and the wires (not names or positions)."""
    data = graph.to_dict()
    nodes = sorted((n["id"], n["type"], n["params"]) for n in data["nodes"])
    edges = sorted((e["src"], e["src_port"], e["dst"], e["dst_port"]) for e in data["edges"])
    return json.dumps([nodes, edges], sort_keys=True, default=str)


def wire_pen(style: CanvasStyle, mean: float, mean_abs: float, largest: float) -> QPen:
    """The pen of a wire carrying weights with this mean and mean |w| (module docstring)."""
    sign = QColor(POSITIVE if mean >= 0 else NEGATIVE)
    agreement = min(1.0, abs(mean) / mean_abs) if mean_abs > 0 else 0.0
    colour = mix(style.wire, sign, TINT_MIN + (1.0 - TINT_MIN) * agreement)
    share = mean_abs / largest if largest > 0 and math.isfinite(mean_abs) else 0.0
    width = WIDTH_MIN + (WIDTH_MAX - WIDTH_MIN) * min(max(share, 0.0), 1.0)
    pen = QPen(colour, round(width, 2), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    return pen


class CanvasOverlays:
    """The scene's live overlays; all state lives here, the items only draw it."""

    def __init__(self, scene: "CanvasScene") -> None:
        self._scene = weakref.ref(scene)  # no cycle: the scene is freed when its owner drops it
        self.maps: dict[str, np.ndarray] | None = None
        self.maps_visible = True
        self.summary: dict[str, dict[str, float]] | None = None
        self.colouring = True
        self._map_items: dict[str, NeuronMapsItem] = {}   # node id -> its maps
        self._caching = True
        self._structure: str | None = None      # the graph's structure now (None: not computed yet)
        self._maps_for: str | None = None       # … when the maps were set
        self._summary_for: str | None = None    # … when the weight summary was set

    @property
    def scene(self) -> "CanvasScene":
        return self._scene()

    # ---- neuron maps ----------------------------------------------------------------------------
    def set_neuron_maps(self, maps: Mapping[str, np.ndarray] | None) -> None:
        self.maps = dict(maps) if maps else None
        self._maps_for = self.structure() if self.maps is not None else None
        self._apply_maps()

    def set_neuron_maps_visible(self, visible: bool) -> None:
        if bool(visible) != self.maps_visible:
            self.maps_visible = bool(visible)
            self._apply_maps()

    def map_item(self, node_id: str) -> NeuronMapsItem | None:
        item = self._map_items.get(node_id)
        return item if item is not None and item.isVisible() else None

    def _feature_labels(self, units: int) -> list[str] | None:
        features = self.scene.document.doc.dataset.get("features")
        if not isinstance(features, (list, tuple)) or len(features) < units:
            return None
        return [FEATURE_LABELS.get(f, str(f)) for f in features[:units]]

    def _apply_maps(self) -> None:
        nodes = {item.node_id: item for item in self.scene.node_items()}
        for nid in [nid for nid in self._map_items if nid not in nodes]:
            del self._map_items[nid]  # the node is gone, and its maps with it
        wanted: dict[str, np.ndarray] = {}
        if self.maps is not None and self.maps_visible and self._maps_for == self.structure():
            by_name = {item.node.name: item for item in nodes.values()}
            for name, values in self.maps.items():
                item = by_name.get(name)
                values = np.asarray(values) if values is not None else None
                if item is None or item.node.type == "Loss" or values is None or values.ndim != 3 or not values.shape[0]:
                    continue
                wanted[item.node_id] = values
        for nid, item in nodes.items():
            values = wanted.get(nid)
            maps = self._map_items.get(nid)
            if values is None:
                if maps is not None and maps.isVisible():
                    maps.hide()
                    item.set_footer(None)
                continue
            if maps is None:
                maps = self._map_items[nid] = NeuronMapsItem(item)
                if not self._caching:
                    maps.setCacheMode(QGraphicsItem.CacheMode.NoCache)
            labels = self._feature_labels(min(len(values), MAX_UNITS)) if item.node.type == "Input" else None
            maps.set_values(values, labels, _units(item))
            maps.show()
            item.set_footer(maps, maps.height)

    # ---- wires --------------------------------------------------------------------------------
    def set_weight_summary(self, summary: Mapping[str, Mapping[str, float]] | None) -> None:
        self.summary = {k: dict(v) for k, v in summary.items()} if summary else None
        self._summary_for = self.structure() if self.summary is not None else None
        self._apply_weights()

    def set_weight_colouring(self, enabled: bool) -> None:
        if bool(enabled) != self.colouring:
            self.colouring = bool(enabled)
            self._apply_weights()

    def _apply_weights(self) -> None:
        summary = self.summary if self.colouring and self._summary_for == self.structure() else None
        style = self.scene.style
        by_name = {item.node.name: item for item in self.scene.node_items()} if summary else {}
        largest = max((abs(v.get("mean_abs", 0.0)) for v in summary.values()
                       if math.isfinite(v.get("mean_abs", 0.0))), default=0.0) if summary else 0.0
        pens: dict[Any, tuple[QPen, str]] = {}
        if summary:
            for layer, stats in summary.items():
                item = by_name.get(layer)
                mean, mean_abs = float(stats.get("mean", 0.0)), float(stats.get("mean_abs", 0.0))
                if item is None or not (math.isfinite(mean) and math.isfinite(mean_abs)):
                    continue
                pen = wire_pen(style, mean, mean_abs, largest)
                tip = f"Weights of {layer}: mean {mean:+.3g}, mean |w| {mean_abs:.3g}"
                for edge in item.edges:
                    if edge.dst_item is item:
                        pens[edge] = (pen, tip)
        for edge in self.scene.edge_items():
            pen, tip = pens.get(edge, (None, ""))
            edge.set_weight_pen(pen, tip)

    def style_edge(self, edge: "EdgeItem") -> None:
        """A wire added while a summary is shown (e.g. undo during a pause) takes its layer's look."""
        if self.summary and self.colouring and self.summary.get(edge.dst_item.node.name):
            self._apply_weights()

    # ---- the network they were made for --------------------------------------------------------------
    def structure(self) -> str:
        if self._structure is None:
            self._structure = graph_structure(self.scene.graph)
        return self._structure

    @property
    def stale(self) -> bool:
        """Maps or wire colours are held back: the network has changed since they were computed."""
        return (self.maps is not None and self._maps_for != self.structure()) or \
            (self.summary is not None and self._summary_for != self.structure())

    def graph_changed(self) -> None:
        """A structural edit: hide what belongs to the old network (or show it again after an undo)."""
        before = self._structure
        self._structure = None
        if (self.maps is None and self.summary is None) or self.structure() == before:
            return  # nothing shown (the structure is computed when next needed), or nothing changed
        self._apply_maps()
        self._apply_weights()

    # ---- the scene's housekeeping -------------------------------------------------------------------
    def set_caching(self, enabled: bool) -> None:
        mode = QGraphicsItem.CacheMode.DeviceCoordinateCache if enabled else QGraphicsItem.CacheMode.NoCache
        self._caching = enabled
        for item in self._map_items.values():
            item.setCacheMode(mode)

    def restyle(self) -> None:
        for item in self._map_items.values():
            item.restyle()
        self._apply_weights()

    def clear(self) -> None:
        self.set_neuron_maps(None)
        self.set_weight_summary(None)


def _units(item: "NodeItem") -> int | None:
    """The node's output width from the last analysis (for the "+N more units" note)."""
    shape = item.output_shape
    if shape is not None and len(shape) == 1:
        return int(shape[0])
    return None
