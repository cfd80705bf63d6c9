"""The training loop: batches, metrics, callbacks, cooperative pause/stop, early stopping, NaN guard.

The trainer owns the order of batches (reshuffled each epoch from its seed), the optimizer and the
learning-rate schedule. ``step()`` trains one batch, ``run()`` trains until the epochs are done or
another thread calls ``stop()``; ``state()``/``load_state()`` checkpoint everything needed to go on
bit for bit.

The settings (``TrainConfig``), what the trainer reports (``StepInfo``, ``TrainResult``, ``Callback``),
the NaN guard and the checkpoints live in train_config.py, train_callbacks.py, nan_guard.py and
trainer_checkpoints.py; this module re-exports their public names.

Speed. ``step()`` adds to ``Network.train_step`` a slice per batch, the schedule, that check, one
``np.errstate`` and a small ``StepInfo``: about 18 % more time per step on the 2-8-8-1 Playground
network at batch 10, the smallest case (bench/engine.py measures it). The per-epoch metrics are an
inference pass over all the training and validation data; ``eval_every`` thins them out.
Per-step values are not stored (a long session would grow without bound): callbacks receive them
in ``StepInfo``.
"""
from __future__ import annotations

import math
import threading
import time
from typing import Any, Callable

import numpy as np

from .errors import DivergenceError, TrainingError
from .nan_guard import NanGuard, _all_finite, _isfinite
from .network import Network
from .optim import make_optimizer
from .schedules import make_schedule
from .train_callbacks import Callback, StepInfo, TrainResult, _FunctionCallback
from .train_config import MAX_SEED, TrainConfig, _is_count  # noqa: F401 - MAX_SEED re-exported
from .trainer_checkpoints import STATE_VERSION, TrainerCheckpoints  # noqa: F401 - STATE_VERSION re-exported


class Trainer(NanGuard, TrainerCheckpoints):
    """Train ``network`` on (X, Y) with the settings of ``config``.

    Validation data is ``validation`` = (X_val, Y_val) when given, otherwise a seeded
    ``config.validation_split`` share of (X, Y). ``history`` holds per-epoch lists: ``epoch``,
    ``lr``, ``loss`` and ``accuracy`` (classification) or ``mae`` and ``r2`` (regression), and the
    ``val_`` twins of the metrics. The metrics are computed in inference mode over all the training
    (and validation) data after every ``config.eval_every``-th epoch and after the last epoch of a
    ``run()``.

    Thread use: ``pause()``, ``resume()``, ``stop()``, ``set_learning_rate()`` and the read-only
    properties may be called from any thread while ``run()`` trains on another; everything else
    (``step()``, ``state()``, ``load_state()``, ``reset()``) belongs to the training thread, or
    to any thread while no ``run()`` is active.
    """

    def __init__(
        self,
        network: Network,
        X: Any,
        Y: Any,
        config: TrainConfig | None = None,
        validation: tuple[Any, Any] | None = None,
        callbacks: list[Callback] | None = None,
        on_batch: Callable[["Trainer", StepInfo], None] | None = None,
        on_epoch: Callable[["Trainer", int, dict[str, float]], None] | None = None,
        on_end: Callable[["Trainer", TrainResult], None] | None = None,
    ) -> None:
        self.net = network
        self.config = config or TrainConfig()
        self.config.validate()
        network._require_trainable()
        X = network.prepare_inputs(X)
        Y = network.prepare_targets(Y, len(X))
        if validation is None and self.config.validation_split > 0:
            order = np.random.default_rng([self.config.seed, 7]).permutation(len(X))
            n_val = int(round(len(X) * self.config.validation_split))
            if n_val < 1 or n_val >= len(X):
                raise TrainingError(f"validation_split {self.config.validation_split} leaves no data on one side "
                                    f"of the split ({len(X)} samples)")
            val_idx, train_idx = np.sort(order[:n_val]), np.sort(order[n_val:])
            validation = (X[val_idx], Y[val_idx])
            X, Y = X[train_idx], Y[train_idx]
        if len(X) == 0:
            raise TrainingError("There is no training data")
        self.X, self.Y = X, Y
        self.val: tuple[np.ndarray, np.ndarray] | None = None
        if validation is not None:
            Xv = network.prepare_inputs(validation[0])
            if len(Xv):
                self.val = (Xv, network.prepare_targets(validation[1], len(Xv)))
        self.callbacks: list[Callback] = list(callbacks or [])
        if on_batch or on_epoch or on_end:
            self.callbacks.append(_FunctionCallback(on_batch, on_epoch, on_end))

        cfg = self.config
        self.optimizer = make_optimizer(cfg.optimizer, lr=cfg.learning_rate, **cfg.optimizer_params)
        self.schedule = make_schedule(cfg.schedule, cfg.learning_rate, **cfg.schedule_params)
        self.l1, self.l2, self.clip_norm = cfg.l1, cfg.l2, cfg.clip_norm
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self._in_run = False
        self.result: TrainResult | None = None
        self._start()

    def _start(self) -> None:
        """Position 0, empty history, fresh shuffle stream; binds the optimizer and the NaN guard."""
        self.net.bind_optimizer(self.optimizer)
        self._set_batch_size(self.config.batch_size)
        self._rng = np.random.default_rng([self.config.seed, 11])
        self.epoch = 0      # completed epochs
        self.batch = 0      # next batch within the current epoch
        self.steps = 0
        self.history: dict[str, list[float]] = {k: [] for k in self.metric_names()}
        self._order: np.ndarray | None = None
        self._Xs = self._Ys = None
        self._best: dict[str, Any] | None = None  # {"value", "epoch", "weights"} of the best epoch
        self._early_stop_due = False
        self.target_epochs = self.config.epochs
        self.elapsed = 0.0          # seconds spent inside run(), pauses excluded
        # Duration of the last completed epoch, from its first batch to the end of its metrics,
        # pauses excluded.
        self.epoch_seconds = float("nan")
        self._epoch_t0 = time.perf_counter()
        self._run_t0 = self._epoch_t0
        self._run_steps0 = 0
        self._bind_guard()

    # ---- control from other threads ---------------------------------------------------
    def stop(self) -> None:
        """End the active ``run()`` before its next batch (also while paused).

        A stop requested while no ``run()`` is active is forgotten when the next one starts.
        """
        self._stop.set()
        self._running.set()

    def pause(self) -> None:
        """Make ``run()`` wait before its next batch until ``resume()`` or ``stop()``.

        ``step()`` still trains when called directly (the app's Step button while paused).
        """
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    @property
    def running(self) -> bool:
        """True while ``run()`` is active (also while it is paused)."""
        return self._in_run

    def set_learning_rate(self, lr: float) -> None:
        """Change the base learning rate live (the schedule restarts from it)."""
        cfg = self.config
        schedule = make_schedule(cfg.schedule, float(lr), **cfg.schedule_params)
        cfg.learning_rate = float(lr)
        self.schedule = schedule

    def set_regularization(self, l1: float, l2: float) -> None:
        if not (l1 >= 0 and l2 >= 0 and math.isfinite(l1) and math.isfinite(l2)):
            raise ValueError(f"Expected l1, l2 ≥ 0, received {l1!r}, {l2!r}")
        self.l1, self.l2 = float(l1), float(l2)
        self.config.l1, self.config.l2 = self.l1, self.l2

    def set_batch_size(self, batch_size: int) -> None:
        """Change the batch size; it takes effect when the next epoch starts."""
        if not _is_count(batch_size, 1):
            raise ValueError(f"Expected batch_size ≥ 1, received {batch_size!r}")
        self.config.batch_size = int(batch_size)
        if self.batch == 0:
            self._set_batch_size(self.config.batch_size)

    def _set_batch_size(self, batch_size: int) -> None:
        self.batch_size = min(int(batch_size), len(self.X))
        self.batches_per_epoch = math.ceil(len(self.X) / self.batch_size)

    # ---- progress and speed (cheap; for progress bars and the app's status line) --------
    @property
    def progress(self) -> float:
        """Training progress in epochs (fractional)."""
        return self.epoch + self.batch / self.batches_per_epoch

    @property
    def steps_per_second(self) -> float:
        """Steps per second of the active (or last) ``run()``, metrics and callbacks included."""
        seconds = (time.perf_counter() - self._run_t0) if self._in_run else self._last_run_seconds
        done = self.steps - self._run_steps0
        return done / seconds if seconds > 0 and done else 0.0

    _last_run_seconds = 0.0

    def _shift_clocks(self, seconds: float) -> None:
        """Leave ``seconds`` (a pause) out of the epoch and run timings."""
        self._epoch_t0 += seconds
        self._run_t0 += seconds

    # ---- training ---------------------------------------------------------------------
    def _start_epoch(self) -> None:
        self._set_batch_size(self.config.batch_size)
        # With one batch per epoch the order cannot change the step, so it is not copied anew.
        if self.config.shuffle and self.batches_per_epoch > 1:
            self._order = self._rng.permutation(len(self.X))
            self._Xs, self._Ys = self.X[self._order], self.Y[self._order]
        else:
            self._order = None
            self._Xs, self._Ys = self.X, self.Y
        self._epoch_t0 = time.perf_counter()

    def step(self) -> StepInfo:
        """Train one batch (and, when it ends an epoch, evaluate and run the epoch callbacks).

        Raises DivergenceError, after restoring the last finite weights, when the loss, the
        updated weights or the epoch's metrics hold NaN/Inf.
        """
        if self.batch == 0 or self._Xs is None:
            self._start_epoch()
        b, bs = self.batch, self.batch_size
        lo = b * bs
        xb = self._Xs[lo : lo + bs]
        yb = self._Ys[lo : lo + bs]
        lr = self.schedule(self.epoch + b / self.batches_per_epoch)
        net, opt = self.net, self.optimizer
        opt.lr = lr
        with np.errstate(all="ignore"):
            loss = net.loss_and_backward(xb, yb)
            if not _isfinite(loss):
                self._diverged(xb, f"the loss became {loss}", training_pass=True)
            net.apply_gradients(opt, self.l1, self.l2, self.clip_norm)
            spare = self._spare
            np.concatenate(self._arrays, axis=None, out=spare)
            if not _all_finite(spare):
                self._diverged(xb, "the update made the weights NaN/Inf")
        self._spare, self._good = self._good, spare
        self.steps += 1
        info = StepInfo(self.steps, self.epoch, b, self.batches_per_epoch, loss, lr)
        callbacks = self.callbacks
        if b + 1 < self.batches_per_epoch:
            self.batch = b + 1
            for cb in callbacks:
                cb.on_batch_end(self, info)
            return info
        self.epoch += 1
        self.batch = 0
        for cb in callbacks:
            cb.on_batch_end(self, info)
        info.epoch_end = metrics = self._epoch_metrics(lr)
        self.epoch_seconds = time.perf_counter() - self._epoch_t0
        for cb in callbacks:
            cb.on_epoch_end(self, info.epoch, metrics)
        return info

    def step_epoch(self) -> StepInfo:
        """Train until the current epoch ends."""
        while True:
            info = self.step()
            if info.epoch_end is not None:
                return info

    def _epoch_metrics(self, lr: float) -> dict[str, float]:
        """Metrics of the epoch just finished ({} when ``eval_every`` skips it), added to history."""
        if self.epoch % self.config.eval_every and self.epoch != self.target_epochs:
            return {}
        with np.errstate(all="ignore"):
            metrics = self.evaluate()
        bad = next((k for k, v in metrics.items() if k.endswith("loss") and not _isfinite(v)), None)
        if bad is not None:
            X = self.val[0] if bad.startswith("val_") and self.val is not None else self.X
            self._diverged(X, f"the epoch's {bad} became {metrics[bad]}", where=f"the end of epoch {self.epoch}")
        history = self.history
        history["epoch"].append(self.epoch)
        history["lr"].append(lr)
        for k, values in history.items():  # a resumed history may hold keys this run does not make
            if k not in ("epoch", "lr"):
                values.append(metrics.get(k, math.nan))
        for k in metrics.keys() - history.keys():
            history[k] = [math.nan] * (len(history["epoch"]) - 1) + [metrics[k]]
        self._track_best(metrics)
        return metrics

    def metric_names(self) -> list[str]:
        """The keys of ``history``: ``epoch``, ``lr`` and the metrics ``evaluate()`` returns."""
        names = ["loss", "accuracy"] if self.net.task in ("binary", "multiclass") else ["loss", "mae", "r2"]
        if self.val is not None:
            names += ["val_" + k for k in names]
        return ["epoch", "lr", *names]

    def evaluate(self) -> dict[str, float]:
        """Inference-mode metrics on the training data and (prefixed ``val_``) the validation data."""
        metrics = self.net.evaluate(self.X, self.Y)
        if self.val is not None:
            for k, v in self.net.evaluate(*self.val).items():
                metrics["val_" + k] = v
        return metrics

    # ---- NaN guard --------------------------------------------------------------------
    # ---- the loop ---------------------------------------------------------------------
    def run(self, epochs: int | None = None) -> TrainResult:
        """Train for ``epochs`` more epochs (default: up to the config's total).

        Returns when done, when ``stop()`` is called, on early stopping, or on divergence.
        Pausing (``pause()``) blocks here between batches until ``resume()`` or ``stop()``.
        """
        if epochs is not None and not _is_count(epochs, 0):
            raise ValueError(f"Expected epochs ≥ 0, received {epochs!r}")
        self.target_epochs = target = (self.epoch + epochs) if epochs is not None else self.config.epochs
        self._stop.clear()
        self._early_stop_due = False
        self._run_t0 = time.perf_counter()
        self._run_steps0 = self.steps
        self._in_run = True
        status, message, node = "completed", "", None
        try:
            self.sync_weights()
            while self.epoch < target:
                if not self._running.is_set():
                    waited = time.perf_counter()
                    self._running.wait()
                    self._shift_clocks(time.perf_counter() - waited)
                    self.sync_weights()  # the weights may have been edited while paused
                if self._stop.is_set():
                    status = "stopped"
                    break
                info = self.step()
                if info.epoch_end is not None and self._early_stop_due:
                    status = "early_stopped"
                    message = (f"Stopped early after epoch {self.epoch}: no improvement for "
                               f"{self.config.early_stopping} epochs")
                    if self.config.restore_best and self._best is not None:
                        self.net.set_weights(self._best["weights"])
                        self.sync_weights()
                        message += f"; the weights of epoch {self._best['epoch']} were restored"
                    break
        except DivergenceError as exc:
            status, message, node = "diverged", str(exc), exc.node
        finally:
            self._in_run = False
            self._last_run_seconds = seconds = time.perf_counter() - self._run_t0
            self.elapsed += seconds
        self.result = TrainResult(status, self.epoch, self.steps, message, node, seconds)
        for cb in self.callbacks:
            cb.on_train_end(self, self.result)
        return self.result

    def _track_best(self, metrics: dict[str, float]) -> None:
        patience = self.config.early_stopping
        if not patience:
            return
        monitored = metrics.get("val_loss", metrics["loss"])
        if self._best is None or monitored < self._best["value"]:
            self._best = {"value": monitored, "epoch": self.epoch, "weights": self.net.get_weights()}
        elif self.epoch - self._best["epoch"] >= patience:
            self._early_stop_due = True
