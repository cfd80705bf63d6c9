"""What the GUI keeps of the run in the worker: the per-epoch history, the per-batch losses, the
latest snapshot, and how the worker's node names map to the canvas's (a node renamed during a run
keeps its old name in the worker until the next load).

Also the document's "signatures" the controller compares to know whether the worker still trains
what the document describes: the graph's structure (types, parameters, wires — not names, not
positions), the dataset spec, and the training settings that cannot change live.
"""
from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from engine.document import Document
from engine.graph import Graph
from engine.network import weight_shapes

LIVE_SETTINGS = ("learning_rate", "l1", "l2", "batch_size", "epochs")
MAX_BATCH_LOSSES = 2_000_000  # about 8 MB of float32; older values are dropped first


def structure_key(graph: Graph) -> str:
    """The graph as training sees it: node types and parameters and the wires, by node id."""
    data = graph.to_dict()
    nodes = sorted((n["id"], n["type"], n["params"]) for n in data["nodes"])
    edges = sorted((e["src"], e["src_port"], e["dst"], e["dst_port"]) for e in data["edges"])
    return json.dumps([nodes, edges], sort_keys=True, default=str)


def dataset_key(doc: Document) -> str:
    return json.dumps(doc.dataset, sort_keys=True, default=str)


def reload_settings_key(doc: Document) -> str:
    """The training settings a running worker cannot take live (optimizer, schedule, seed, …)."""
    data = {k: v for k, v in doc.training.to_dict().items() if k not in LIVE_SETTINGS}
    return json.dumps(data, sort_keys=True, default=str)


def weights_fit(graph: Graph, weights: dict[str, np.ndarray] | None) -> bool:
    """Whether ``weights`` (keyed ``<node name>/<param>``) are exactly the arrays ``graph`` needs."""
    if not weights:
        return False
    shapes = weight_shapes(graph)
    return shapes is not None and set(shapes) == set(weights) and all(
        tuple(np.shape(weights[k])) == tuple(v) for k, v in shapes.items())


class RunRecord:
    """The current run as the GUI has received it."""

    def __init__(self) -> None:
        self.info: dict[str, Any] | None = None
        self.history: dict[str, list[float]] = {}
        self._losses: list[np.ndarray] = []
        self._loss_count = 0
        self.last_snapshot: dict[str, Any] | None = None
        self.epoch = 0
        self.steps = 0
        self.steps_per_second = 0.0
        self.names: dict[str, str] = {}   # node id -> its name in the worker

    # ---- starting over -------------------------------------------------------------------
    def start(self, info: dict[str, Any], names: dict[str, str]) -> None:
        """A new session was loaded: its history (resumed from the file, or empty) replaces ours."""
        self.info = info
        self.history = {k: [float(v) for v in values] for k, values in (info.get("history") or {}).items()}
        self._losses, self._loss_count = [], 0
        self.last_snapshot = None
        self.epoch = int(info.get("epoch", 0))
        self.steps = 0
        self.steps_per_second = 0.0
        self.names = dict(names)

    def clear_history(self) -> None:
        self.history = {k: [] for k in self.history}
        self._losses, self._loss_count = [], 0
        self.epoch = self.steps = 0
        if self.info is not None:
            self.info = {**self.info, "epoch": 0, "history": {k: [] for k in self.history}}

    # ---- taking in -----------------------------------------------------------------------
    def add(self, snapshot: dict[str, Any]) -> None:
        self.last_snapshot = snapshot
        self.epoch = int(snapshot.get("epoch", self.epoch))
        self.steps = int(snapshot.get("steps", self.steps))
        self.steps_per_second = float(snapshot.get("steps_per_second", 0.0))
        losses = snapshot.get("batch_losses")
        if losses is not None and len(losses):
            self._losses.append(np.asarray(losses, dtype=np.float32))
            self._loss_count += len(losses)
            while self._loss_count > MAX_BATCH_LOSSES and len(self._losses) > 1:
                self._loss_count -= len(self._losses.pop(0))
        for entry in snapshot.get("epochs") or ():
            self._add_epoch(entry)

    def _add_epoch(self, entry: dict[str, Any]) -> None:
        length = len(self.history.get("epoch", []))
        for key in entry:
            if key not in self.history:
                self.history[key] = [math.nan] * length
        for key, values in self.history.items():
            value = entry.get(key, math.nan)
            values.append(float(value) if value is not None else math.nan)

    @property
    def batch_losses(self) -> np.ndarray:
        if not self._losses:
            return np.zeros(0, dtype=np.float32)
        if len(self._losses) > 1:
            self._losses = [np.concatenate(self._losses)]
        return self._losses[0]

    @property
    def epochs_recorded(self) -> int:
        return len(self.history.get("epoch", []))

    # ---- names ---------------------------------------------------------------------------
    def renames(self, graph: Graph) -> dict[str, str]:
        """{name in the worker: name on the canvas} for the nodes renamed since the load."""
        out = {}
        for node_id, old in self.names.items():
            if node_id in graph and graph.node(node_id).name != old:
                out[old] = graph.node(node_id).name
        return out

    @staticmethod
    def rename_keys(mapping: dict[str, Any], renames: dict[str, str], prefixed: bool = False) -> dict[str, Any]:
        """Keys translated to canvas names (``prefixed``: keys like ``"dense_1/W"``)."""
        if not renames:
            return mapping
        out = {}
        for key, value in mapping.items():
            if prefixed and "/" in key:
                node, rest = key.split("/", 1)
                out[f"{renames.get(node, node)}/{rest}"] = value
            else:
                out[renames.get(key, key)] = value
        return out

    def translate(self, snapshot: dict[str, Any], graph: Graph) -> dict[str, Any]:
        """The snapshot with node names as the canvas shows them now."""
        renames = self.renames(graph)
        if not renames:
            return snapshot
        out = dict(snapshot)
        for key in ("gradient_norms", "weights", "neuron_maps"):
            if isinstance(out.get(key), dict):
                out[key] = self.rename_keys(out[key], renames)
        hist = out.get("histogram")
        if isinstance(hist, dict) and hist.get("layer") in renames:
            out["histogram"] = {**hist, "layer": renames[hist["layer"]]}
        return out

    def worker_name(self, canvas_name: str, graph: Graph) -> str:
        back = {new: old for old, new in self.renames(graph).items()}
        return back.get(canvas_name, canvas_name)
