"""The training controller of one window: the bridge between the open document and the worker.

It owns the ``TrainingSupervisor`` (the worker process, started with the window so Play responds at
once) and the current run as received (``record``: history, batch losses, latest snapshot). It
loads the document into the worker (the file format's dict; a CSV path made absolute), pushes the
settings that apply live (learning rate, L1/L2, batch size, epochs), reloads when a setting that
cannot apply live changes (optimizer, schedule, seed: the run goes on from its weights; the
dataset: a new run, as in Playground), and keeps the run — weights, history, preprocessing — in the
document on Stop, on finish, on divergence (the last finite weights) and before Save.

A structural edit of the graph (a node or wire added or removed, a layer's parameter changed) while
playing pauses training and offers a restart (``restartOffered``); moving or renaming a node does
not interrupt anything (renamed nodes are translated in the snapshots).

Its parts: loading, reloading and keeping the run (run_sync), and taking in what the worker says
(worker_messages).

Signals for views: ``runLoaded(info)`` (the worker's ``loaded`` message, also after Reset with an
empty history), ``runCleared()`` (nothing to show: another document, or its data did not load), ``snapshotReady(snapshot)``, ``historyReset()``, ``stateChanged(state)`` ("idle",
"loading", "playing", "paused", "finished", "crashed"), ``progressChanged(epoch, steps, steps/s)``,
``message(level, text)`` (level "info", "warning" or "error"; also the worker's warning that the loss
explodes without becoming NaN — training goes on), ``restartOffered(text)``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from engine.data_fit import DATA_SCOPE
from engine.file_writer import to_dict
from gui.document import DocumentModel
from gui.workers.supervisor import TrainingSupervisor

from .run_record import RunRecord, dataset_key, reload_settings_key, structure_key
from .run_sync import KEEP_TIMEOUT, RunSync  # noqa: F401 - re-exported
from .worker_messages import WorkerMessages

RESYNC_MS = 200       # settings that need a reload are applied after this pause in editing
GRAPH_RELOAD_MS = 400  # an edited network is shown (initial weights) after this pause


class TrainingController(RunSync, WorkerMessages, QObject):
    runLoaded = Signal(dict)
    snapshotReady = Signal(dict)
    historyReset = Signal()
    stateChanged = Signal(str)
    progressChanged = Signal(int, int, float)
    message = Signal(str, str)
    restartOffered = Signal(str)
    runKept = Signal(int)          # epoch of the run stored in the document
    runCleared = Signal()          # no run shows the document now (another document, a failed load)

    def __init__(self, parent: QObject | None = None, autostart: bool = True) -> None:
        super().__init__(parent)
        self.supervisor = TrainingSupervisor(self, autostart=autostart)
        self.model: DocumentModel | None = None
        self.record = RunRecord()
        self.state = "idle"
        self.fallback_dir: Path | None = None   # CSV paths of untitled examples are relative to this
        self.view_options: dict[str, Any] = {"histogram": None, "neuron_maps": True, "boundary": True}
        self._keys: tuple[str, str, str] | None = None   # what the worker has loaded
        self._loading = False
        self._loads_in_flight = 0  # load commands sent and not answered yet (each gets one answer)
        self._pending: list[tuple[str, dict[str, Any]]] = []
        self._kept = True          # the worker's weights are those in the document
        self._kept_steps: int | None = None  # the step count they were at (None: the next snapshot's)
        self._resume = False       # play again once a reload is done
        self._offer_open = False
        self._view_sent = False
        self._quiet_store = False
        self._load_names: dict[str, str] = {}
        self._connections: list = []

        s = self.supervisor
        s.loaded.connect(self._on_loaded)
        s.snapshot.connect(self._on_snapshot)
        s.stateChanged.connect(self._on_state)
        s.diverged.connect(self._on_diverged)
        s.finished.connect(self._on_finished)
        s.weightsReceived.connect(self._on_weights)
        s.errorOccurred.connect(self._on_error)
        s.crashed.connect(self._on_crashed)
        s.resetDone.connect(self._on_reset)
        s.unstable.connect(self._on_unstable)

        self._resync_timer = self._single_shot(RESYNC_MS, self._resync)
        self._graph_timer = self._single_shot(GRAPH_RELOAD_MS, self._reload_edited)

    def _single_shot(self, ms: int, slot) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(ms)
        timer.timeout.connect(slot)
        return timer

    # ---- the document --------------------------------------------------------------------
    def set_document(self, model: DocumentModel) -> None:
        """Train ``model`` from now on (its saved run, if any, is loaded into the worker)."""
        for connection in self._connections:
            QObject.disconnect(connection)
        self._connections = []
        self._resync_timer.stop()
        self._graph_timer.stop()
        self.model = model
        self._keys = None
        self._pending.clear()
        self._kept, self._kept_steps, self._resume, self._offer_open = True, None, False, False
        self.record = RunRecord()
        self.historyReset.emit()
        self.runCleared.emit()
        self._connections.append(model.graphChanged.connect(self._graph_changed))
        if self.supervisor.worker is not None and self.state in ("playing", "loading"):
            self.supervisor.send("pause")
        self._set_state("idle")
        if model.analysis.trainable:
            self._load(restart=False)

    def base_dir(self, model: DocumentModel | None = None) -> Path | None:
        """The folder a relative CSV path of ``model`` (default: the document trained) is read from."""
        model = self.model if model is None else model
        if model is None:
            return None
        if model.doc.path:
            return Path(model.doc.path).resolve().parent
        if self.fallback_dir is not None and model.untitled_name.endswith("(example)"):
            return self.fallback_dir
        return None

    def worker_document(self) -> tuple[dict[str, Any], str | None]:
        """The document as the worker gets it: the file's dict, a relative CSV path made absolute."""
        assert self.model is not None
        data = to_dict(self.model.doc)
        base = self.base_dir()
        spec = data.get("dataset") or {}
        if spec.get("kind") == "csv" and isinstance(spec.get("path"), str):
            path = Path(spec["path"])
            if not path.is_absolute() and base is not None:
                spec["path"] = str((base / path).resolve())
        return data, (str(base) if base is not None else None)

    def _current_keys(self) -> tuple[str, str, str]:
        doc = self.model.doc
        return structure_key(doc.graph), dataset_key(doc), reload_settings_key(doc)

    # ---- commands (the panel's buttons and the window's actions call these) ------------------
    @property
    def is_playing(self) -> bool:
        return self.state == "playing" or (self.state == "loading" and self._resume)

    def toggle_play(self) -> None:
        if self.is_playing:
            self.pause()
        else:
            self.play()

    def play(self) -> None:
        if self._prepare():
            self._command("play")

    def pause(self) -> None:
        self._resume = False
        if self._keys is not None:
            self._command("pause")

    def step(self, epoch: bool = False) -> None:
        if self._prepare():
            self._command("step", epoch=bool(epoch))

    def reset(self) -> None:
        """New initial weights (from the seed), epoch 0, history cleared."""
        if self.model is None:
            return
        self._hide_offer()
        if self._needs_new_run() or self._keys is None or not self.supervisor.alive:
            self._load(restart=True)
            return
        self._command("reset", seed=int(self.model.doc.training.seed))

    def stop(self) -> None:
        """Pause and keep the run in the document."""
        self._resume = False
        if self._keys is not None:
            self._command("stop")

    def restart(self) -> None:
        """A new run of the (edited) network with fresh weights, playing."""
        self._hide_offer()
        if self.model is not None and self._check_trainable():
            self._load(restart=True)
            self._command("play")

    def set_view(self, **options: Any) -> None:
        """Boundary / neuron maps / histogram layer (canvas names) the snapshots should carry."""
        self.view_options.update(options)
        self._send_view()

    def _send_view(self) -> None:
        if self.model is None or not self.supervisor.alive:
            return
        options = dict(self.view_options)
        if options.get("histogram"):
            options["histogram"] = self.record.worker_name(options["histogram"], self.model.graph)
        self.supervisor.send("view", **options)
        self._view_sent = True

    def _prepare(self) -> bool:
        """Make sure the worker trains what the document says (load or reload first if not)."""
        if self.model is None or not self._check_trainable():
            return False
        self._hide_offer()
        if self._keys is None or not self.supervisor.alive:
            self._load(restart=False)
        elif self._keys != self._current_keys():
            self._resync(play=False)
        return True

    def _check_trainable(self) -> bool:
        analysis = self.model.analysis
        if analysis.trainable:
            return True
        blocking = analysis.errors or [i for i in analysis.warnings if getattr(i, "scope", "") == "train"]
        if blocking and blocking[0].scope == DATA_SCOPE:  # in the words the worker would refuse with
            self.message.emit("error", f"Cannot train: {blocking[0].message}")
            return False
        reason = blocking[0].message if blocking else "the network needs an Input, layers and a Loss"
        self.message.emit("error", f"Cannot train yet: {reason}")
        return False

    def _command(self, cmd: str, **payload: Any) -> None:
        if cmd == "play":
            self._resume = True
        if self._loading:
            self._pending.append((cmd, payload))
        else:
            self.supervisor.send(cmd, **payload)

    def trains_current_graph(self) -> bool:
        """The worker's network is the document's graph as it is now: its snapshots fit the canvas
        (not after a structural edit, until the edited network is loaded)."""
        return self.model is not None and self._keys is not None and \
            self._keys[0] == structure_key(self.model.graph)

    def _needs_new_run(self) -> bool:
        if self._keys is None:
            return False
        structure, dataset, _ = self._current_keys()
        return structure != self._keys[0] or dataset != self._keys[1]

    # ---- end -----------------------------------------------------------------------------
    def shutdown(self) -> None:
        """End the worker process (the window is closing)."""
        self._resync_timer.stop()
        self._graph_timer.stop()
        for connection in self._connections:
            QObject.disconnect(connection)
        self._connections = []
        self.supervisor.shutdown()
        self._set_state("idle")
