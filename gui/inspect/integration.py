"""The step inspector in a main window: a dock, the "Inspect Step…" and "Gradient Check" actions,
the decision boundary's clicks, and the live weights of the training worker.

``attach_step_inspector(window, controller)`` is all a window needs (``controller``: its
``TrainingController``, or None for a window without live training — the inspector then traces the
document's own weights in process). While a run is loaded in the worker, traces and gradient checks
are computed there, on the live weights and optimizer state (``trace``/``check`` commands; training
pauses first); otherwise a ``SessionSource`` opens the document's data and weights here.

The samples table shows the worker's training and test rows (the ``loaded`` message) with every
sample's prediction and loss on the live weights (the ``samples`` command, asked again whenever
training has moved on since), so a misclassified sample is easy to pick.

When the window shows another document (File → New, Open, an example) the inspector forgets the
old network's samples, trace and check at once, and reads the new document when it is in view.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QMenu

from .samples import SampleData
from .sources import SPLITS, SessionSource, TraceSource
from .window import StepInspector

TRACE_TIMEOUT = 10.0   # seconds to wait for the worker's trace (it takes milliseconds)
CHECK_TIMEOUT = 120.0  # … and for a gradient check (one forward pass per weight, twice)
LIVE_STATES = ("paused", "playing", "finished")


class WorkerSource(TraceSource):
    """Traces and checks from the training worker, on the live weights (via the controller)."""

    live = True

    def __init__(self, controller: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._request = 0
        self._samples: dict[str, SampleData] | None = None   # this run's rows (predictions filled in)
        self._samples_requests: dict[str, int] = {}            # split -> the request its reply must carry
        self._samples_request = 0                               # (numbered apart from traces and checks)
        self._samples_steps: int | None = None                 # training steps when they were asked for
        self.shown: Any = lambda: True   # whether the table is in view (predictions are asked for only then)
        supervisor = controller.supervisor
        # A supervisor that turns "trace"/"check" messages into signals is used without waiting;
        # otherwise each request waits for its reply (supervisor.request), dispatching the rest.
        self._async = hasattr(supervisor, "traceReceived") and hasattr(supervisor, "checkReceived")
        if self._async:
            supervisor.traceReceived.connect(self._trace_message)
            supervisor.checkReceived.connect(self._check_message)
        if hasattr(supervisor, "samplesReceived"):
            supervisor.samplesReceived.connect(self._samples_message)
        controller.runLoaded.connect(self._run_loaded)
        controller.runCleared.connect(self._forget)

    @staticmethod
    def available(controller: Any) -> bool:
        """A run is loaded in a live worker (so a trace would use the weights training has now)."""
        return (controller is not None and controller.record.info is not None and controller.supervisor.alive
                and controller.state in LIVE_STATES)

    def samples(self) -> dict[str, SampleData]:
        """The run's rows; their predictions and losses are asked for (and arrive by ``predictionsChanged``)."""
        if self._samples is None:
            info = self.controller.record.info or {}
            self._samples = {split: SampleData.from_loaded(info, split) for split in SPLITS}
            self._samples_steps = None
        self.refresh_samples(only_if_trained=True)
        return self._samples

    def refresh_samples(self, only_if_trained: bool = False) -> None:
        """Ask the worker for every sample's prediction and loss (``only_if_trained``: unless the
        last answer is of the weights training has now)."""
        if self._samples is None or not self.available(self.controller) or not self.shown():
            return
        steps = self.controller.record.steps
        if only_if_trained and self._samples_steps == steps and self._samples_requests:
            return
        self._samples_steps = steps
        for split, data in self._samples.items():
            if data.size > 0:
                self._samples_request += 1
                if self.controller.supervisor.send("samples", split=split, request=self._samples_request):
                    self._samples_requests[split] = self._samples_request

    def _samples_message(self, message: dict) -> None:
        split = str(message.get("split", ""))
        if self._samples is None or message.get("request") != self._samples_requests.get(split):
            return  # another run's, or an older request's
        data = self._samples.get(split)
        if data is not None and data.set_labels(message.get("predicted", ()), message.get("loss", ())):
            self.predictionsChanged.emit(split)

    def _forget(self) -> None:
        self._samples = None
        self._samples_requests.clear()

    def describe(self) -> str:
        record = self.controller.record
        return f"the live weights of the training run (epoch {record.epoch:,}, training paused)"

    def node_names(self) -> dict[str, str]:
        """{node id: its name in the worker} (names in the trace; a node renamed since keeps its old one)."""
        return dict(self.controller.record.names)

    def _dock_visible(self, visible: bool) -> None:
        if visible and self.inspector.source is None:  # e.g. shown by a restored window layout
            self._use_source()

    def _run_loaded(self, info: dict) -> None:
        self._forget()  # a new run (or Reset): new rows, new predictions
        self.samplesChanged.emit(self.samples())

    def _send(self, cmd: str, reply: str, timeout: float, **payload: Any) -> dict | None:
        self.controller.pause()
        self._request += 1
        payload["request"] = self._request
        if self._async:
            if not self.controller.supervisor.send(cmd, **payload):
                self.failed.emit("The training process is not running")
            return None
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            message = self.controller.supervisor.request(cmd, reply, timeout=timeout, **payload)
        finally:
            QGuiApplication.restoreOverrideCursor()
        if message is None:
            self.failed.emit(f"The training process did not answer the {cmd} request")
        return message

    def request_trace(self, index: int, split: str = "train") -> None:
        self.controller.pause()
        self.refresh_samples(only_if_trained=True)  # training moved on since the table's predictions
        message = self._send("trace", "trace", TRACE_TIMEOUT, index=int(index), split=split)
        if message is not None:
            self._trace_message(message)

    def request_check(self, indices: list[int], split: str = "train") -> None:
        message = self._send("check", "check", CHECK_TIMEOUT, indices=[int(i) for i in indices], split=split)
        if message is not None:
            self._check_message(message)

    def _trace_message(self, message: dict) -> None:
        if message.get("request", self._request) == self._request:  # an older request's answer is stale
            self.traceReady.emit(message["trace"], int(message["index"]), str(message["split"]))

    def _check_message(self, message: dict) -> None:
        if message.get("request", self._request) == self._request:
            self.checkReady.emit(message["result"], [int(i) for i in message["indices"]], str(message["split"]))


class StepInspectorUI(QObject):
    """What ``attach_step_inspector`` adds to a window; ``open(index, split)`` shows a sample's step."""

    def __init__(self, window: Any, controller: Any = None) -> None:
        super().__init__(window)
        self.window = window
        self.controller = controller
        self.inspector = StepInspector()
        self.inspector.canvas_provider = lambda: window.scene
        self.worker_source = WorkerSource(controller, self) if controller is not None else None
        if self.worker_source is not None:
            self.worker_source.shown = lambda: self.inspector.source is self.worker_source and self.dock.isVisible()
        self.local_source: SessionSource | None = None
        self._local_key: Any = None
        self._model: Any = None   # the document the inspector shows
        self.dock = window._dock("stepInspectorDock", "Step Inspector", self.inspector,
                                 Qt.DockWidgetArea.BottomDockWidgetArea, "actionShowStepInspector")
        self.dock.hide()
        self._placed = False
        self._pending: tuple[int, str] | None = None
        self.action_inspect = window._action("actionInspectStep", "&Inspect Step…", self.open,
                                             [QKeySequence("Ctrl+I")], None,
                                             "Look inside one training step: forward values, chain rule, update")
        self.action_check = window._action("actionGradientCheck", "&Gradient Check", self.gradient_check, None, None,
                                           "Compare backpropagation with finite differences on the chosen samples")
        menu = window.findChild(QMenu, "menuTrain") or getattr(window, "view_menu", None)
        if menu is not None:
            menu.addSeparator()
            menu.addActions([self.action_inspect, self.action_check])
        boundary = getattr(getattr(window, "training", None), "boundary_plot", None)
        if boundary is not None and hasattr(boundary, "sampleClicked"):
            boundary.sampleClicked.connect(self.open)
        if controller is not None:
            controller.runCleared.connect(self._document_maybe_switched)
            controller.runLoaded.connect(self._run_loaded)
            controller.historyReset.connect(self._run_loaded)  # e.g. another document in the window
            controller.stateChanged.connect(self._state_changed)
        self.inspector.cleared.connect(self._document_maybe_switched)  # it noticed another canvas
        self.dock.visibilityChanged.connect(self._dock_visible)

    # ---- sources -------------------------------------------------------------------------------
    def source(self) -> TraceSource | None:
        """The worker when a run is loaded there, else the document traced here (None: cannot)."""
        if self.worker_source is not None and WorkerSource.available(self.controller):
            return self.worker_source
        model = self.window.document
        if model is None or not model.analysis.trainable:
            return None
        key = (id(model), model.undo_stack.index(), id(model.doc.weights))
        if self.local_source is None or key != self._local_key:
            base = self.controller.base_dir(model) if self.controller is not None else None
            try:
                self.local_source = SessionSource.from_document(model.doc, base_dir=str(base) if base else None,
                                                                parent=self)
            except (ValueError, OSError, RuntimeError) as exc:
                self.window.show_status(f"Cannot inspect a step: {exc}")
                return None
            self._local_key = key
        return self.local_source

    def _use_source(self) -> bool:
        source = self.source()
        if source is None:
            self.window.show_status("Build a network that can train (Input → … → Loss) to inspect a step")
            return False
        if source is not self.inspector.source:
            self.inspector.set_source(source)
        self.inspector.set_canvas(self.window.scene)
        self.inspector.title_hint = self.window.document.title if self.window.document is not None else ""
        return True

    def _dock_visible(self, visible: bool) -> None:
        if not visible:
            return
        self._document_maybe_switched()
        if self.inspector.source is None:  # e.g. shown by a restored window layout
            self._use_source()
        elif self.inspector.source is self.worker_source:
            self.worker_source.refresh_samples(only_if_trained=True)

    def _document_maybe_switched(self) -> None:
        """File → New/Open, an example: nothing of the old network stays (samples, trace, check, the
        ring on the canvas); the new document is read when the inspector is in view."""
        model = self.window.document
        if model is self._model:
            return
        self._model = model
        self.local_source, self._local_key = None, None
        self._pending = None
        if self.inspector.source is not None or self.inspector.trace is not None:
            self.inspector.clear()
        self.inspector.set_canvas(self.window.scene)
        self.inspector.title_hint = model.title if model is not None else ""
        if self.dock.isVisible() and model is not None and model.analysis.trainable:
            self._use_source()

    def _run_loaded(self, info: dict | None = None) -> None:
        """A run was loaded (or the document changed): the samples (and where traces come from) follow."""
        self._document_maybe_switched()
        if self.dock.isVisible() and self.inspector.source is not self.worker_source:
            self._use_source()  # the worker's own samplesChanged updates the table when it is the source

    def _state_changed(self, state: str) -> None:
        """Training paused or finished: the table's predictions catch up with the weights."""
        if state in ("paused", "finished") and self.inspector.source is self.worker_source:
            self.worker_source.refresh_samples(only_if_trained=True)

    # ---- actions -------------------------------------------------------------------------------
    def show(self) -> None:
        """Show the dock: the first time as a tab beside the loss plot (training is paused meanwhile)."""
        if not self._placed and not self.dock.isFloating():
            self._placed = True
            loss_dock = getattr(getattr(self.window, "training", None), "loss_dock", None)
            if loss_dock is not None and not loss_dock.isHidden():
                self.window.tabifyDockWidget(loss_dock, self.dock)
        self.dock.show()
        self.dock.raise_()
        height = self.window.height()
        self.window.resizeDocks([self.dock], [max(320, int(height * 0.55))], Qt.Orientation.Vertical)

    def open(self, index: int | None = None, split: str | None = None) -> bool:
        """Pause training and show the step of sample ``index`` (default: the one shown, or 0)."""
        if not self._use_source():
            return False
        self.show()
        if index is None:
            index = self.inspector.index if self.inspector.index is not None else 0
            split = split or self.inspector.split
        self._pending = (int(index), split or "train")
        QTimer.singleShot(0, self._request_pending)  # once the dock is shown (a worker's answer takes a moment)
        return True

    def _request_pending(self) -> None:
        if self._pending is not None:
            index, split = self._pending
            self._pending = None
            self.inspector.request_sample(index, split)

    def gradient_check(self) -> None:
        if not self.dock.isVisible() and not self.open():
            return
        QTimer.singleShot(0, self.inspector.run_check)


def attach_step_inspector(window: Any, controller: Any = None) -> StepInspectorUI:
    """Add the step inspector to ``window`` (a MainWindow): call once, after the training UI."""
    return StepInspectorUI(window, controller)
