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
The command handlers are in worker_commands.py, the snapshots (grids, data description, rate,
throttling) in worker_snapshots.py; this module keeps the loop, the training and the entry point.
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
from .worker_commands import WorkerCommands
from .worker_process import WorkerProcess  # noqa: F401 - re-exported
from .worker_snapshots import (  # noqa: F401 - re-exported
    MAPS_EVERY,
    MAX_IN_FLIGHT,
    MAX_TABLE_FEATURES,
    SNAPSHOT_INTERVAL,
    WorkerSnapshots,
)

TRAIN_SLICE = 0.010       # seconds of training between two looks at the pipe
UNSTABLE_FACTOR = 100.0   # an epoch loss this many times the best so far means the run is blowing up


class TrainingWorker(WorkerCommands, WorkerSnapshots):
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
