"""Keeping the worker's run and the document in step: loading the document into the worker,
reloading after a change that cannot apply live, reacting to edits of the graph, and keeping the
trained run (weights, history, preprocessing) in the document."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Slot

from .run_record import dataset_key, structure_key, weights_fit

KEEP_TIMEOUT = 3.0    # seconds to wait for the weights before a save


class RunSync:
    """Loading, reloading and keeping the run (a part of TrainingController)."""

    def _load(self, restart: bool) -> None:
        if self.model is None:
            return
        restart = restart or not weights_fit(self.model.graph, self.model.doc.weights)
        if self.supervisor.ensure_started() or not self._view_sent:
            self._send_view()
        data, base = self.worker_document()
        self._pending.clear()
        self._loading = True
        self._loads_in_flight += 1
        self._keys = self._current_keys()
        self._load_names = {node.id: node.name for node in self.model.graph}
        # A new run over weights the document holds is a change to keep; otherwise the worker
        # starts from what the document has (its weights, or none).
        self._kept, self._kept_steps = not (restart and bool(self.model.doc.weights)), None
        self.supervisor.send("load", doc=data, base_dir=base, restart=restart)
        self._set_state("loading")

    def _resync(self, play: bool | None = None) -> None:
        """Reload after a change that cannot apply live; a new run when the data or the network's
        structure changed, else the run goes on from its weights (kept in the document first)."""
        self._resync_timer.stop()
        if self.model is None or self._keys is None or not self.supervisor.alive:
            return
        if self._keys == self._current_keys():
            return
        playing = self.is_playing if play is None else play
        structure, dataset, _ = self._current_keys()
        if dataset != self._keys[1]:
            restart = True
        elif structure != self._keys[0]:
            restart = not self.keep_run(quiet=True)
        else:
            self.keep_run(quiet=True)
            restart = False
        if not self.model.analysis.trainable:
            self._keys = None
            self._set_state("idle")
            return
        self._load(restart=restart)
        if playing:
            self._command("play")

    def settings_changed(self) -> None:
        """The document's training settings or dataset changed (an edit, undo or redo)."""
        if self.model is None or self._keys is None:
            return
        training = self.model.doc.training
        self._command("set", learning_rate=float(training.learning_rate), l1=float(training.l1),
                      l2=float(training.l2), batch_size=int(training.batch_size), epochs=int(training.epochs) or None)
        if self._keys[1:] != self._current_keys()[1:]:
            self._resync_timer.start()

    # ---- the graph changed ----------------------------------------------------------------
    @Slot()
    def _graph_changed(self) -> None:
        if self.model is None:
            return
        structure = structure_key(self.model.graph)
        if self._keys is not None and structure == self._keys[0]:
            self._hide_offer()  # e.g. the edit was undone
            return
        if self._resync_timer.isActive() and self._keys is not None and dataset_key(self.model.doc) != self._keys[1]:
            return  # new input features: the Input's shape changed with the data, and a new run follows
        if self.is_playing and self._keys is not None:
            self.pause()
            self.offer_restart("The network changed while training, so training is paused.")
            return
        if self._kept:
            self._graph_timer.start()  # nothing would be lost: show the edited network soon

    def _reload_edited(self) -> None:
        if self.model is None or self.is_playing or not self._kept:
            return
        if self._keys is not None and structure_key(self.model.graph) == self._keys[0]:
            return
        if self.model.analysis.trainable:
            self._load(restart=False)

    def offer_restart(self, reason: str) -> None:
        """Say why training paused and offer a new run (the window shows a message bar)."""
        self._offer_open = True
        self.restartOffered.emit(f"{reason} Restart it with new weights to train the edited network.")

    def _hide_offer(self) -> None:
        if self._offer_open:
            self._offer_open = False
            self.message.emit("clear", "")

    # ---- keeping the run -----------------------------------------------------------------
    def keep_run(self, timeout: float = KEEP_TIMEOUT, quiet: bool = False) -> bool:
        """Store the worker's weights, history and preprocessing in the document now (blocking up
        to ``timeout`` seconds). True when the document holds the current run afterwards."""
        if self.model is None or self._keys is None or not self.supervisor.alive:
            return self._kept
        if self._kept:
            return True
        self._quiet_store = quiet
        try:
            reply = self.supervisor.request("weights", "weights", timeout=timeout)
        finally:
            self._quiet_store = False
        if reply is None and not quiet and self.supervisor.alive:
            self.message.emit("warning", "The training process did not send the trained weights in time, so "
                                         "the document still holds the last kept run.")
        return reply is not None and self._kept

    def _store(self, message: dict[str, Any]) -> bool:
        model = self.model
        if model is None:
            return False
        weights = self.record.rename_keys(message.get("weights") or {}, self.record.renames(model.graph),
                                          prefixed=True)
        if not weights_fit(model.graph, weights):
            return False
        doc = model.doc
        doc.weights = weights
        doc.history = {k: [float(v) for v in values] for k, values in (message.get("history") or {}).items()}
        doc.preprocessing = message.get("preprocessing")
        model.mark_modified()
        self._kept, self._kept_steps = True, self.record.steps
        self.runKept.emit(int(message.get("epoch", 0)))
        return True
