"""The training worker: a separate process that trains and streams throttled snapshots.

Why a process and not a thread: a NumPy training loop in a QThread holds the GIL so much that the
GUI's painting starves (DESIGN.md §1). The GUI talks to the worker through a pipe with small dict
messages; the network travels in the file format's dict form. This module never imports Qt, so the
child process starts fast (spawn imports only NumPy and the engine).

Commands (GUI -> worker), each ``{"cmd": name, ...}``:
  load(doc, base_dir, restart)   build the session from a network-file dict
  play, pause, stop               stop = pause, then send the weights (the run is kept)
  step(epoch=False)               one batch, or up to the end of the epoch
  reset(seed=None)                re-initialise the weights, forget the history
  set(learning_rate, l1, l2, batch_size, epochs)    applied live
  view(boundary, neuron_maps, histogram, resolution, map_resolution,
       classes, classes_split, filters, features)   (the last four: engine.snapshot_classes)
  weights                         reply with the current weights, history and preprocessing
  trace(index, split)             explain one training step of that sample (engine.explain), reply trace
  check(indices, split)           gradient check on those samples, reply check
  samples(split)                  every sample's prediction and loss, reply samples
  ack                             the GUI has drawn a snapshot (flow control, below)
  shutdown
Messages (worker -> GUI), each ``{"kind": name, ...}``: ready, loaded, snapshot, state, diverged,
finished, weights, trace, check, samples, unstable (the loss explodes but stays finite), error,
crashed.

Flow control: a pipe holds only ~64 KB, so a worker that sent snapshots faster than the GUI reads them
would block in ``send`` and stop training. The GUI acknowledges each snapshot it has taken in; the
worker keeps at most MAX_IN_FLIGHT unacknowledged and otherwise skips the snapshot (losses and epoch
metrics wait for the next one, nothing is lost).

The GUI-side handle of the process, ``WorkerProcess``, is in worker_process.py (re-exported here).
"""
from __future__ import annotations

import math
import os
import time
import traceback
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from .snapshot_classes import ClassViews
from .worker_process import WorkerProcess  # noqa: F401 - re-exported

SNAPSHOT_INTERVAL = 1 / 30
MAPS_EVERY = 3            # neuron maps go with every third snapshot (they cost more)
TRAIN_SLICE = 0.010       # seconds of training between two looks at the pipe
MAX_IN_FLIGHT = 2         # snapshots sent but not yet acknowledged by the GUI
MAX_TABLE_FEATURES = 256  # raw feature columns sent for the data table
UNSTABLE_FACTOR = 100.0   # an epoch loss this many times the best so far means the run is blowing up


class TrainingWorker:
    """The loop inside the worker process (also usable in-process by tests)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.session = None
        self.playing = False
        self.target_epochs: int | None = None
        self.view: dict[str, Any] = {"boundary": True, "neuron_maps": True, "histogram": None,
                                     "resolution": 100, "map_resolution": 28, **ClassViews.DEFAULTS}
        self.class_views = ClassViews()
        self.pending_losses: list[float] = []
        self.pending_epochs: list[dict[str, float]] = []
        self.last_snapshot = 0.0
        self.snapshots = 0
        self.in_flight = 0
        self.grid = self.map_grid = None
        self.running = True
        self.best_loss: float | None = None
        self.warned_unstable = False
        self._rate_steps = 0
        self._rate_t0 = time.perf_counter()
        self.steps_per_second = 0.0

    # ---- loop ------------------------------------------------------------------------
    def run(self) -> None:
        self.send("ready", pid=os.getpid())
        while self.running:
            timeout = 0 if self.playing else None
            while self.running and self.conn.poll(timeout):
                try:
                    message = self.conn.recv()
                except (EOFError, OSError):
                    self.running = False  # the GUI is gone
                    return
                self.handle(message)
                timeout = 0
            if self.playing and self.running:
                self.train_slice()

    def send(self, kind: str, **payload: Any) -> None:
        try:
            self.conn.send({"kind": kind, **payload})
        except (BrokenPipeError, EOFError, OSError):
            self.running = False

    def handle(self, message: dict[str, Any]) -> None:
        cmd = message.get("cmd")
        try:
            handler = getattr(self, f"cmd_{cmd}", None)
            if handler is None:
                raise ValueError(f"unknown worker command {cmd!r}")
            handler(**{k: v for k, v in message.items() if k != "cmd"})
        except Exception as exc:  # a bad command must not kill the worker
            self.playing = False
            self.send("error", message=_one_line(exc), command=cmd)
            self.send_state()

    # ---- commands --------------------------------------------------------------------
    def cmd_load(self, doc: dict[str, Any], base_dir: str | None = None, restart: bool = False) -> None:
        from .fileformat import from_dict
        from .session import open_session

        self.playing = False
        self.session = None
        self.best_loss, self.warned_unstable = None, False
        document = from_dict(doc)
        self.session = open_session(document, restart=restart, base_dir=base_dir)
        self.target_epochs = document.training.epochs or None
        self._start_watch()
        self._make_grids()
        self.class_views.forget()
        s = self.session
        self.send("loaded", **self._data_description(), **ClassViews.loaded_fields(s), epoch=s.trainer.epoch,
                  history=s.trainer.history, parameters=s.network.parameter_count, network_task=s.network.task)
        self.snapshot(force=True)
        self.send_state()

    def cmd_play(self) -> None:
        self._require_session()
        if self._finished():
            self.target_epochs = None  # Play after the last epoch keeps going: "until stopped"
        self.playing = True
        self._rate_steps, self._rate_t0 = self.session.trainer.steps, time.perf_counter()
        self.send_state()

    def cmd_pause(self) -> None:
        self.playing = False
        self.snapshot(force=True)
        self.send_state()

    def cmd_stop(self) -> None:
        self.playing = False
        self.snapshot(force=True)
        self.cmd_weights()
        self.send_state()

    def cmd_step(self, epoch: bool = False) -> None:
        self._require_session()
        self.playing = False
        while True:
            info = self._one_step()
            if info is None or not epoch or info.epoch_end is not None:
                break
        self.snapshot(force=True)
        self.send_state()

    def cmd_reset(self, seed: int | None = None) -> None:
        self._require_session()
        self.playing = False
        self.session.trainer.reset(seed)
        self._start_watch()
        self.class_views.forget()
        self.pending_losses.clear()
        self.pending_epochs.clear()
        self.send("reset", epoch=0)
        self.snapshot(force=True)
        self.send_state()

    def cmd_set(self, learning_rate: float | None = None, l1: float | None = None, l2: float | None = None,
                batch_size: int | None = None, epochs: int | None = -1) -> None:
        self._require_session()
        trainer = self.session.trainer
        if learning_rate is not None:
            if not (isinstance(learning_rate, (int, float)) and math.isfinite(learning_rate) and learning_rate > 0):
                raise ValueError(f"Expected a learning rate > 0, received {learning_rate!r}")
            trainer.set_learning_rate(float(learning_rate))
        if l1 is not None or l2 is not None:
            trainer.set_regularization(trainer.l1 if l1 is None else l1, trainer.l2 if l2 is None else l2)
        if batch_size is not None:
            trainer.set_batch_size(int(batch_size))
        if epochs != -1:
            self.target_epochs = int(epochs) if epochs else None

    def cmd_view(self, **options: Any) -> None:
        old = dict(self.view)
        self.view.update({k: v for k, v in options.items() if k in self.view})
        self.class_views.options_changed(old, self.view)
        if self.session is not None:
            self._make_grids()
            self.snapshot(force=True)

    def cmd_weights(self) -> None:
        self._require_session()
        s = self.session
        self.send("weights", weights=s.network.get_weights(), history=s.trainer.history,
                  preprocessing=s.preprocessor.to_dict(), epoch=s.trainer.epoch)

    def cmd_trace(self, index: int, split: str = "train", request: int = 0) -> None:
        """One training step of one sample, explained (engine.explain), on the live weights and
        optimizer state; nothing changes. Replies ``trace`` with the StepTrace."""
        from .explain import trace_session

        self._require_session()
        self.playing = False
        trace = trace_session(self.session, int(index), split)
        self.send("trace", trace=trace, index=int(index), split=split, request=request)
        self.send_state()

    def cmd_check(self, indices: list[int] | None = None, split: str = "train", request: int = 0) -> None:
        """Finite differences against backprop on the live weights (engine.explain.check_step)."""
        from .explain import check_step

        self._require_session()
        s = self.session
        X, Y = (s.X_train, s.Y_train) if split == "train" else (s.X_test, s.Y_test)
        chosen = list(range(min(len(X), 8))) if not indices else [int(i) for i in indices]
        result = check_step(s.network, X[chosen], Y[chosen])
        self.send("check", result=result, indices=chosen, split=split, request=request)

    def cmd_samples(self, split: str = "train", request: int = 0) -> None:
        """Every sample's prediction (in the dataset's labels) and loss on the live weights."""
        self._require_session()
        s = self.session
        X, Y = (s.X_train, s.Y_train) if split == "train" else (s.X_test, s.Y_test)
        if len(X):
            outputs = s.network.predict(X)
            labels, _ = s.preprocessor.decode(outputs)
            losses = s.network.per_sample_loss(X, Y)
        else:
            labels, losses = np.array([]), np.array([])
        self.send("samples", split=split, predicted=np.asarray(labels), loss=np.asarray(losses, dtype=np.float32),
                  epoch=s.trainer.epoch, request=request)

    def cmd_ack(self) -> None:
        self.in_flight = max(0, self.in_flight - 1)

    def cmd_shutdown(self) -> None:
        self.playing = False
        self.running = False

    # ---- training --------------------------------------------------------------------
    def train_slice(self) -> None:
        trainer = self.session.trainer
        end = time.perf_counter() + TRAIN_SLICE
        while True:
            info = self._one_step()
            if info is None:
                return
            if info.epoch_end is not None:
                if self._finished():
                    self.playing = False
                    self.snapshot(force=True)
                    self.send("finished", epoch=trainer.epoch)
                    self.send_state()
                    return
            if time.perf_counter() >= end:
                break
        self.snapshot()

    def _one_step(self):
        """One batch; its loss and any epoch metrics wait in the pending lists for the next snapshot."""
        info = self._guarded(self.session.trainer.step)
        if info is not None:
            self.pending_losses.append(info.loss)
            if info.epoch_end is not None:
                entry = {"epoch": self.session.trainer.epoch, "lr": info.lr, **info.epoch_end}
                self.pending_epochs.append(entry)
                self._watch_stability(entry)
        return info

    def _start_watch(self) -> None:
        """The loss before any training step is the yardstick of the stability warning."""
        with np.errstate(all="ignore"):
            loss = self.session.trainer.evaluate().get("loss", math.nan)
        self.best_loss = loss if math.isfinite(loss) else None
        self.warned_unstable = False

    def _watch_stability(self, metrics: dict[str, float]) -> None:
        """Warn once per run when the loss explodes without becoming NaN (a too-large learning rate with
        a saturating output: the weights grow huge but stay finite, so the NaN guard never fires)."""
        loss = metrics.get("loss", math.nan)
        if not math.isfinite(loss):
            return
        if self.best_loss is None or loss < self.best_loss:
            self.best_loss = loss
            return
        if not self.warned_unstable and loss > 1.0 and loss > UNSTABLE_FACTOR * self.best_loss:
            self.warned_unstable = True
            lr = self.session.trainer.schedule(self.session.trainer.progress)
            self.send("unstable", message=(
                f"Training is unstable: the loss rose from {self.best_loss:.3g} to {loss:.3g} at epoch "
                f"{metrics.get('epoch')}. The weights are growing without bound; try a lower learning rate "
                f"(now {lr:g})."), epoch=metrics.get("epoch"))

    def _guarded(self, step):
        from .errors import DivergenceError

        try:
            return step()
        except DivergenceError as exc:
            self.playing = False
            self.snapshot(force=True)
            self.send("diverged", message=str(exc), node=exc.node)
            self.send_state()
            return None

    def _finished(self) -> bool:
        return self.target_epochs is not None and self.session.trainer.epoch >= self.target_epochs

    def _require_session(self) -> None:
        if self.session is None:
            raise RuntimeError("No network is loaded in the training worker")

    def send_state(self) -> None:
        trainer = self.session.trainer if self.session else None
        state = "playing" if self.playing else ("finished" if trainer and self._finished() else "paused")
        self.send("state", state=state, epoch=trainer.epoch if trainer else 0, steps=trainer.steps if trainer else 0)

    # ---- snapshots -------------------------------------------------------------------
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


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def worker_main(conn: Connection) -> None:
    """Entry point of the worker process."""
    try:
        TrainingWorker(conn).run()
    except BaseException as exc:  # report, then die: the GUI shows the message
        try:
            conn.send({"kind": "crashed", "message": _one_line(exc), "traceback": traceback.format_exc()})
        except Exception:
            pass
    finally:
        try:
            conn.close()
        except OSError:
            pass
