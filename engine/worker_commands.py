"""The training worker's commands (GUI -> worker): ``cmd_<name>`` for each ``{"cmd": name, ...}``
message, the protocol that engine/worker.py describes. A mixin of ``TrainingWorker``, which owns the
state they change and the loop, training and snapshot plumbing they call."""
from __future__ import annotations

import math
import time
from typing import Any, Callable

import numpy as np

from .snapshot_classes import ClassViews


class WorkerCommands:
    """The ``cmd_*`` handlers of ``TrainingWorker`` (engine.worker), which ``handle`` dispatches to."""

    session: Any
    playing: bool
    running: bool
    target_epochs: int | None
    view: dict[str, Any]
    class_views: ClassViews
    pending_losses: list[float]
    pending_epochs: list[dict[str, float]]
    in_flight: int
    best_loss: float | None
    warned_unstable: bool
    _rate_steps: int
    _rate_t0: float
    send: Callable[..., None]
    send_state: Callable[[], None]
    snapshot: Callable[..., None]

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
