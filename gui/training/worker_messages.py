"""What the training worker says, as the controller takes it in: a run loaded, snapshots, state
changes, divergence, an unstable (exploding but finite) loss, the end of training, weights, errors, a
crash, a reset."""
from __future__ import annotations

from PySide6.QtCore import Slot

from .run_record import RunRecord


class WorkerMessages:
    """The supervisor's signals, handled (a part of TrainingController)."""

    @Slot(dict)
    def _on_loaded(self, info: dict) -> None:
        if self._answered():
            return  # an earlier load, replaced by one sent since
        self.record.start(info, self._load_names)
        self.historyReset.emit()
        self.runLoaded.emit(info)
        pending, self._pending = self._pending, []
        for cmd, payload in pending:
            self.supervisor.send(cmd, **payload)

    @Slot(dict)
    def _on_snapshot(self, snapshot: dict) -> None:
        if self._loading:
            return  # from the session being replaced
        self.record.add(snapshot)
        if self._kept_steps is None:
            self._kept_steps = self.record.steps  # where the loaded session starts
        elif self.record.steps != self._kept_steps:
            self._kept = False
        if self.model is not None:
            snapshot = self.record.translate(snapshot, self.model.graph)
        self.snapshotReady.emit(snapshot)
        self.progressChanged.emit(self.record.epoch, self.record.steps, self.record.steps_per_second)

    @Slot(str)
    def _on_state(self, state: str) -> None:
        if self._loading or self._keys is None:
            return
        if state != "playing":
            self._resume = False
        self._set_state(state)

    @Slot(str, object)
    def _on_diverged(self, text: str, node: object) -> None:
        self._resume = False
        self.message.emit("error", text)
        self.supervisor.send("weights")  # the last finite weights are kept in the document

    @Slot(str)
    def _on_unstable(self, text: str) -> None:
        """The loss explodes but stays finite (no NaN, so no divergence): warn, keep training."""
        if not self._loading:
            self.message.emit("warning", text)

    @Slot(int)
    def _on_finished(self, epoch: int) -> None:
        self._resume = False
        self.supervisor.send("weights")
        self.message.emit("info", f"Training finished after {epoch:,} epochs; the run is kept in the document.")

    @Slot(dict)
    def _on_weights(self, message: dict) -> None:
        if self._loading:
            return
        if not self._store(message) and self.model is not None and not self._quiet_store:
            self.message.emit("warning", "The trained weights no longer fit the edited network, so they were "
                                         "not kept. Restart training to train the edited network.")

    @Slot(str, str)
    def _on_error(self, text: str, command: str) -> None:
        if command == "load":
            if self._answered():
                return
            self._pending.clear()
            self._keys = None
            self._resume = False
            self.message.emit("error", f"Cannot train: {text}")
            self.record = RunRecord()
            self.runCleared.emit()
            self.progressChanged.emit(0, 0, 0.0)
            self._set_state("idle")
            return
        self.message.emit("error", text)

    @Slot(str)
    def _on_crashed(self, text: str) -> None:
        self._loading = False
        self._loads_in_flight = 0
        self._pending.clear()
        self._keys = None
        self._resume = False
        self._view_sent = False
        self.message.emit("error", text)
        self._set_state("crashed")

    @Slot()
    def _on_reset(self) -> None:
        self.record.clear_history()
        self._kept = not (self.model is not None and self.model.doc.weights)
        self._kept_steps = None
        self.historyReset.emit()
        if self.record.info is not None:
            self.runLoaded.emit(self.record.info)
        self.progressChanged.emit(0, 0, 0.0)

    def _answered(self) -> bool:
        """A load was answered; True while later loads are still on their way (ignore this one)."""
        self._loads_in_flight = max(0, self._loads_in_flight - 1)
        if self._loads_in_flight:
            return True
        self._loading = False
        return False

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.stateChanged.emit(state)
