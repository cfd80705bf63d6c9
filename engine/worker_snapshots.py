"""The training worker's snapshots: the grids of the decision boundary and neuron maps, the data
described for the ``loaded`` message, the steps-per-second rate, and the throttled ``snapshot``
message with its flow control (engine/worker.py describes the protocol). A mixin of
``TrainingWorker``, which owns the state and the pipe."""
from __future__ import annotations

import time
from typing import Any, Callable

import numpy as np

from .snapshot_classes import ClassViews

SNAPSHOT_INTERVAL = 1 / 30
MAPS_EVERY = 3            # neuron maps go with every third snapshot (they cost more)
MAX_IN_FLIGHT = 2         # snapshots sent but not yet acknowledged by the GUI
MAX_TABLE_FEATURES = 256  # raw feature columns sent for the data table


class WorkerSnapshots:
    """Snapshot plumbing of ``TrainingWorker`` (engine.worker): grids, data description, rate, snapshot."""

    session: Any
    playing: bool
    view: dict[str, Any]
    class_views: ClassViews
    pending_losses: list[float]
    pending_epochs: list[dict[str, float]]
    last_snapshot: float
    snapshots: int
    in_flight: int
    grid: Any
    map_grid: Any
    steps_per_second: float
    _rate_steps: int
    _rate_t0: float
    send: Callable[..., None]

    def _make_grids(self) -> None:
        from .snapshots import PlaneGrid, data_extent

        s = self.session
        shape = s.preprocessor.input_shape
        self.grid = self.map_grid = None
        X = np.concatenate([s.data.train.X, s.data.test.X]) if len(s.data.test.X) else s.data.train.X
        if shape == (2,):
            extent = data_extent(X, default=self._playground_extent())
            self.grid = PlaneGrid.square(extent, int(self.view["resolution"]))
            self.map_grid = PlaneGrid.square(extent, int(self.view["map_resolution"]))
        elif shape == (1,):
            lo, hi = float(X.min()), float(X.max())
            pad = 0.05 * (hi - lo or 1.0)
            self.grid = PlaneGrid.line(lo - pad, hi + pad, 200)

    def _playground_extent(self):
        spec = self.session.doc.dataset
        if spec.get("kind", "generator") != "generator":
            return None
        from .data import dataset_info

        try:
            info = dataset_info(spec.get("name", "circle"))
        except (KeyError, ValueError):
            return None
        if info.kind == "real" or info.dims != 2:
            return None
        lo, hi = info.extent
        return (float(lo), float(hi), float(lo), float(hi))

    def _data_description(self) -> dict[str, Any]:
        s = self.session
        pre = s.preprocessor
        out: dict[str, Any] = {"task": pre.task, "class_names": list(pre.class_names),
                               "input_shape": list(pre.input_shape), "input_names": list(pre.input_names),
                               "train_size": int(s.data.train.n_samples), "test_size": int(s.data.test.n_samples)}
        out["train_y"] = np.asarray(s.data.train.y)
        out["test_y"] = np.asarray(s.data.test.y)
        if pre.input_shape in ((2,), (1,)):
            out["train_X"] = s.data.train.X.astype(np.float32)
            out["test_X"] = s.data.test.X.astype(np.float32)
        elif len(pre.input_shape) == 1 and pre.input_shape[0] <= MAX_TABLE_FEATURES:
            # Tabular data (iris, a CSV, the flattened digits): rows for the step inspector's table.
            out["train_features"] = s.data.train.X.astype(np.float32)
            out["test_features"] = s.data.test.X.astype(np.float32)
        if self.grid is not None:
            out["extent"] = self.grid.extent
        return out

    def _measure_rate(self, now: float) -> float:
        """Steps per second while playing, over the last half second or more."""
        if self.playing and self.session is not None:
            elapsed = now - self._rate_t0
            if elapsed >= 0.5:
                steps = self.session.trainer.steps
                self.steps_per_second = _rate(steps - self._rate_steps, elapsed)
                self._rate_steps, self._rate_t0 = steps, now
        elif not self.playing:
            self.steps_per_second = 0.0
        return self.steps_per_second

    def snapshot(self, force: bool = False) -> None:
        if self.session is None:
            return
        now = time.perf_counter()
        if not force and (now - self.last_snapshot < SNAPSHOT_INTERVAL or self.in_flight >= MAX_IN_FLIGHT):
            return
        from .snapshots import gradient_norms, histograms, neuron_maps, plane_outputs, weight_summary

        s = self.session
        trainer, net, pre = s.trainer, s.network, s.preprocessor
        payload: dict[str, Any] = {
            "epoch": trainer.epoch, "steps": trainer.steps, "progress": trainer.progress,
            "batch_losses": np.asarray(self.pending_losses, dtype=np.float32),
            "epochs": list(self.pending_epochs),
            "steps_per_second": self._measure_rate(now),
            "gradient_norms": gradient_norms(net), "weights": weight_summary(net),
        }
        self.pending_losses = []
        self.pending_epochs = []
        with np.errstate(all="ignore"):
            if self.grid is not None and self.view["boundary"]:
                payload["boundary"] = plane_outputs(net, pre, self.grid)
            if self.map_grid is not None and self.view["neuron_maps"] and (force or self.snapshots % MAPS_EVERY == 0):
                payload["neuron_maps"] = neuron_maps(net, pre, self.map_grid)
            if self.view["histogram"]:
                payload["histogram"] = histograms(net, self.view["histogram"])
            self.class_views.add_to(payload, s, self.view, force, self.snapshots)
        self.snapshots += 1
        self.in_flight += 1
        self.last_snapshot = now
        self.send("snapshot", **payload)



def _rate(steps: int, seconds: float) -> float:
    return steps / seconds if seconds > 0 else 0.0

