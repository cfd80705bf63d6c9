"""The GUI side of the training worker process: start it early, poll its pipe, turn its messages
into Qt signals, notice when it dies, and shut it down cleanly.

Why a process (DESIGN.md §1): a NumPy training loop in a QThread starves the GUI's painting. The
worker (engine/worker.py) trains its own copy of the network and streams throttled snapshots; this
object polls the pipe from a QTimer in the GUI thread (about 60 times a second), so every signal is
emitted in the GUI thread and slots may touch widgets directly. Each snapshot taken in is
acknowledged (``ack``): the worker keeps at most two unacknowledged and skips the rest, so a busy
GUI slows the snapshots down, never the training.

A worker that dies (killed, out of memory, a crash inside NumPy) is noticed by the next poll:
``crashed(message)`` says so, and the next ``start()`` (or ``ensure_started()``) spawns a new one.

Every message kind of the worker protocol (engine/worker.py) has its signal; the replies to the step
inspector's questions (``traceReceived``, ``checkReceived``, ``samplesReceived``) carry the request
number they answer, so their receivers can drop stale answers. ``request()`` still waits for one
reply where a caller must block (keeping the run before a save); the reply is also emitted as usual.
"""
from __future__ import annotations

import time
from multiprocessing.process import BaseProcess
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from engine.worker_process import WorkerProcess

POLL_MS = 16
SHUTDOWN_TIMEOUT = 2.0   # seconds a worker gets to finish before it is terminated
MAX_MESSAGES_PER_POLL = 64
CRASH_TEXT = "The training process stopped unexpectedly"


class TrainingSupervisor(QObject):
    """One worker process and the signals of what it says."""

    ready = Signal()
    loaded = Signal(dict)
    snapshot = Signal(dict)
    stateChanged = Signal(str)
    diverged = Signal(str, object)      # message, node name (or None)
    finished = Signal(int)              # epoch
    weightsReceived = Signal(dict)
    errorOccurred = Signal(str, str)    # message, the command that failed ("load", "set", …)
    crashed = Signal(str)
    resetDone = Signal()
    traceReceived = Signal(dict)        # the reply to "trace": {trace, index, split, request}
    checkReceived = Signal(dict)        # the reply to "check": {result, indices, split, request}
    samplesReceived = Signal(dict)      # the reply to "samples": {split, predicted, loss, epoch, request}
    unstable = Signal(str)              # the loss explodes but stays finite (once per run; training goes on)

    def __init__(self, parent: QObject | None = None, autostart: bool = True) -> None:
        super().__init__(parent)
        self.worker: WorkerProcess | None = None
        self.pid: int | None = None
        self.is_ready = False
        self._down = False
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.poll)
        if autostart:
            self.start()

    # ---- life cycle ---------------------------------------------------------------------
    @property
    def process(self) -> BaseProcess | None:
        """The ``multiprocessing.Process`` (None before the first start)."""
        return self.worker.process if self.worker is not None else None

    @property
    def alive(self) -> bool:
        return self.worker is not None and self.worker.alive

    def start(self) -> None:
        """Spawn a new worker (the old one, if any, is shut down first)."""
        self._stop_worker()
        self._down = False
        self.is_ready = False
        self.pid = None
        self.worker = WorkerProcess()
        self.worker.start()
        self._timer.start()

    def ensure_started(self) -> bool:
        """Start a worker unless one is running; True when a new one was started."""
        if self.alive:
            return False
        self.start()
        return True

    def shutdown(self) -> None:
        """Stop polling and end the process (asked politely, then terminated): nothing is left."""
        self._down = True
        self._timer.stop()
        self._stop_worker()

    def _stop_worker(self) -> None:
        worker, self.worker = self.worker, None
        if worker is None:
            return
        if self.is_ready and worker.alive and worker.send("shutdown"):
            # Drain the pipe meanwhile: a worker blocked sending into a full pipe never reads "shutdown".
            deadline = time.monotonic() + SHUTDOWN_TIMEOUT
            while worker.alive and time.monotonic() < deadline:
                worker.receive(0.02)
        # A worker still importing NumPy would read "shutdown" only after its imports: not waited for.
        worker.shutdown(timeout=0.0)
        self.is_ready = False

    # ---- talking ------------------------------------------------------------------------
    def send(self, cmd: str, **payload: Any) -> bool:
        """Send a command; False (and ``crashed``) when the worker is gone."""
        if self.worker is None or self._down:
            return False
        if self.worker.send(cmd, **payload):
            return True
        self._check_alive()
        return False

    def poll(self) -> None:
        """Take in every waiting message (the timer calls this; tests may too)."""
        worker = self.worker
        if worker is None:
            return
        for message in worker.receive(0.0, MAX_MESSAGES_PER_POLL):
            self._dispatch(message)
            if self.worker is not worker:  # a slot restarted or shut the worker down
                return
        self._check_alive()

    def request(self, cmd: str, reply: str, timeout: float = 3.0, **payload: Any) -> dict[str, Any] | None:
        """Send ``cmd`` and wait (blocking, at most ``timeout`` seconds) for a message of kind
        ``reply``; every message before it is dispatched as usual. None on time-out or crash."""
        worker = self.worker
        if worker is None or not self.send(cmd, **payload):
            return None
        deadline = time.monotonic() + timeout
        while self.worker is worker:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            answer = None
            for message in worker.receive(min(left, 0.05), MAX_MESSAGES_PER_POLL):
                self._dispatch(message)  # all of them: a snapshot after the reply still needs its ack
                if answer is None and message.get("kind") == reply:
                    answer = message
            if answer is not None:
                return answer
            if not worker.alive:
                self.poll()
                return None
        return None

    def _dispatch(self, message: dict[str, Any]) -> None:
        kind = message.get("kind")
        if kind == "snapshot":
            self.send("ack")
            self.snapshot.emit(message)
        elif kind == "state":
            self.stateChanged.emit(str(message.get("state", "paused")))
        elif kind == "loaded":
            self.loaded.emit(message)
        elif kind == "weights":
            self.weightsReceived.emit(message)
        elif kind == "diverged":
            self.diverged.emit(str(message.get("message", "Training diverged")), message.get("node"))
        elif kind == "finished":
            self.finished.emit(int(message.get("epoch", 0)))
        elif kind == "error":
            self.errorOccurred.emit(str(message.get("message", "")), str(message.get("command") or ""))
        elif kind == "reset":
            self.resetDone.emit()
        elif kind == "trace":
            self.traceReceived.emit(message)
        elif kind == "check":
            self.checkReceived.emit(message)
        elif kind == "samples":
            self.samplesReceived.emit(message)
        elif kind == "unstable":
            self.unstable.emit(str(message.get("message") or "Training is unstable: the loss is exploding"))
        elif kind == "ready":
            self.pid = message.get("pid")
            self.is_ready = True
            self.ready.emit()
        elif kind == "crashed":
            self._report_crash(str(message.get("message") or ""))

    def _check_alive(self) -> None:
        if self.worker is not None and not self._down and not self.worker.alive:
            self._report_crash("")

    def _report_crash(self, reason: str) -> None:
        worker, self.worker = self.worker, None
        code = None
        if worker is not None:
            worker.shutdown(timeout=0.5)
            code = worker.process.exitcode
        self.is_ready = False
        self._timer.stop()
        detail = f": {reason}" if reason else (f" (exit code {code})" if code not in (None, 0) else "")
        self.crashed.emit(f"{CRASH_TEXT}{detail}. The last kept weights are safe; press Play to start a new "
                          "training process.")
