"""The training loop: batches, metrics, callbacks, cooperative pause/stop, early stopping, NaN guard.

The trainer owns the order of batches (reshuffled each epoch from its seed), the optimizer and the
learning-rate schedule. ``step()`` trains one batch, ``run()`` trains until the epochs are done or
another thread calls ``stop()``; ``state()``/``load_state()`` checkpoint everything needed to go on
bit for bit.

NaN guard. After every update the weights (and layer state such as BatchNorm's running statistics)
are copied into one flat buffer whose sum of squares is taken: a finite result proves every value
finite, so one ``concatenate`` and one ``dot`` per step check the whole network. The previous
verified copy is kept. When a step produces NaN/Inf — in its loss, its update or the epoch's
metrics — the trainer names the first node whose values broke, puts back the last finite weights
(those the failed step started from: its loss broke, or its update made them non-finite) and raises
:class:`DivergenceError`, which ``run()`` turns into the status ``"diverged"``.

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
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

import numpy as np

from .errors import DivergenceError, TrainingError
from .network import Network
from .optim import make_optimizer, make_schedule

STATE_VERSION = 1
MAX_SEED = 2**62  # the network file reads seeds up to this
_isfinite = math.isfinite


def _all_finite(flat: np.ndarray) -> bool:
    """Whether every value is finite: a finite Σx² proves it (one BLAS call, about 3× faster than a
    sum); an overflowing one (values beyond about 1e19 in float32) is checked value by value."""
    return _isfinite(np.dot(flat, flat)) or bool(np.isfinite(flat).all())


def _is_count(value: Any, minimum: int) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool) and value >= minimum


@dataclass
class TrainConfig:
    """Training settings; the network file stores them as a dict (``asdict``)."""

    epochs: int = 100
    batch_size: int = 10
    optimizer: str = "sgd"
    learning_rate: float = 0.03
    optimizer_params: dict[str, Any] = field(default_factory=dict)
    schedule: str = "constant"
    schedule_params: dict[str, Any] = field(default_factory=dict)
    l1: float = 0.0
    l2: float = 0.0
    clip_norm: float | None = None
    shuffle: bool = True
    seed: int = 0
    validation_split: float = 0.0
    early_stopping: int | None = None
    restore_best: bool = True
    eval_every: int = 1

    def validate(self) -> None:
        def need(ok: bool, message: str) -> None:
            if not ok:
                raise ValueError(message)

        need(_is_count(self.epochs, 0), f"Expected epochs ≥ 0, received {self.epochs!r}")
        need(_is_count(self.batch_size, 1), f"Expected batch_size ≥ 1, received {self.batch_size!r}")
        need(math.isfinite(self.learning_rate) and self.learning_rate > 0,
             f"Expected learning_rate > 0, received {self.learning_rate!r}")
        need(self.l1 >= 0 and self.l2 >= 0, f"Expected l1, l2 ≥ 0, received {self.l1!r}, {self.l2!r}")
        need(self.clip_norm is None or self.clip_norm > 0, f"Expected clip_norm > 0, received {self.clip_norm!r}")
        need(0.0 <= self.validation_split < 1.0,
             f"Expected validation_split in [0, 1), received {self.validation_split!r}")
        need(self.early_stopping is None or _is_count(self.early_stopping, 1),
             f"Expected early_stopping patience ≥ 1, received {self.early_stopping!r}")
        need(_is_count(self.eval_every, 1), f"Expected eval_every ≥ 1, received {self.eval_every!r}")
        need(_is_count(self.seed, 0) and self.seed <= MAX_SEED,
             f"Expected seed a whole number from 0 to 2**62, received {self.seed!r}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "TrainConfig":
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(slots=True)
class StepInfo:
    step: int          # steps done so far (this one included)
    epoch: int         # epoch this batch belongs to (0-based)
    batch: int         # batch index within the epoch
    batches: int       # batches per epoch
    loss: float        # training-mode loss of this batch, before the update
    lr: float
    # Set (after the on_batch_end callbacks) when this batch finished an epoch: that epoch's
    # metrics, or {} when ``eval_every`` skipped them.
    epoch_end: dict[str, float] | None = None


@dataclass
class TrainResult:
    status: str        # "completed" | "stopped" | "early_stopped" | "diverged"
    epochs: int        # completed epochs (in total, not only in this run)
    steps: int         # steps done (in total)
    message: str = ""
    node: str | None = None
    seconds: float = 0.0  # time spent training in this run, pauses excluded


class Callback:
    """Override any of these; they run on the training thread, in the order of ``callbacks``.

    After a batch that ends an epoch, every ``on_batch_end`` runs, then the epoch's metrics are
    computed, then every ``on_epoch_end`` runs (so ``info.epoch_end`` is still None in
    ``on_batch_end``; the step's ``info.batch + 1 == info.batches`` tells it is the epoch's last).
    """

    def on_batch_end(self, trainer: "Trainer", info: StepInfo) -> None: ...

    def on_epoch_end(self, trainer: "Trainer", epoch: int, metrics: dict[str, float]) -> None: ...

    def on_train_end(self, trainer: "Trainer", result: TrainResult) -> None: ...


class _FunctionCallback(Callback):
    def __init__(self, on_batch=None, on_epoch=None, on_end=None):
        self._b, self._e, self._t = on_batch, on_epoch, on_end

    def on_batch_end(self, trainer, info):
        if self._b:
            self._b(trainer, info)

    def on_epoch_end(self, trainer, epoch, metrics):
        if self._e:
            self._e(trainer, epoch, metrics)

    def on_train_end(self, trainer, result):
        if self._t:
            self._t(trainer, result)


class Trainer:
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
    ):
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
    def _bind_guard(self) -> None:
        """Collect the arrays the guard watches and take the first verified copy of them."""
        net = self.net
        self._arrays = list(net.parameters) + [a for _, layer in net.iter_layers() for a in layer.state.values()]
        if not self._arrays:
            self._arrays = [np.zeros(0, net.dtype)]  # nothing to guard, but concatenate needs an array
        size = sum(a.size for a in self._arrays)
        self._good = np.empty(size, net.dtype)
        self._spare = np.empty(size, net.dtype)
        self._good_views = []
        offset = 0
        for a in self._arrays:
            self._good_views.append((offset, offset + a.size, a))
            offset += a.size
        self.sync_weights()

    def sync_weights(self) -> None:
        """Take the network's current weights as the last finite ones.

        The trainer does this itself whenever it changes the weights and whenever ``run()`` starts
        or resumes from a pause; call it after changing the weights by hand between two ``step()``
        calls, so a later divergence restores your weights and not older ones.
        """
        np.concatenate(self._arrays, axis=None, out=self._good)
        with np.errstate(all="ignore"):
            if not _all_finite(self._good):
                raise TrainingError("The network's weights contain NaN or Inf: reset them or load finite ones")

    def _restore_good(self) -> None:
        good = self._good
        for lo, hi, a in self._good_views:
            np.copyto(a, good[lo:hi].reshape(a.shape))

    def _locate(self, X: np.ndarray, training_pass: bool) -> tuple[str, str] | None:
        """The first node (execution order) holding NaN/Inf, and where: the input data, then the
        values the failed training pass left in the layers (pre-activation ``z``, output ``a``),
        then weights and outputs of an inference pass."""
        net = self.net
        if not np.all(np.isfinite(X)):
            return net.input_name, "the input data contains NaN or Inf"
        if training_pass:
            for name, layer in net.iter_layers():
                for attr, label in (("z", "pre-activation z"), ("a", "output")):
                    value = getattr(layer, attr, None)
                    if isinstance(value, np.ndarray) and not np.all(np.isfinite(value)):
                        return name, f"its {label} contains NaN or Inf"
        return net.first_nonfinite(X)

    def _diverged(self, X: np.ndarray, what: str, where: str | None = None, training_pass: bool = False) -> None:
        """Name the first node with NaN/Inf, restore the last finite weights, raise DivergenceError."""
        net = self.net
        found = self._locate(X, training_pass)
        self._restore_good()
        state = self.optimizer.state_dict()
        if not all(np.all(np.isfinite(a)) for v in state.values() if isinstance(v, list) for a in v):
            self.optimizer.reset()  # NaN moments would poison the next step
        if found is not None:
            node, detail = found
            cause = f"{what}; {node} was the first node with NaN/Inf ({detail})"
        else:
            node = net.loss_name
            cause = f"{what}; {node} was the first node with NaN/Inf" if node else what
        where = where or f"epoch {self.epoch + 1}, step {self.steps + 1}"
        raise DivergenceError(
            f"Training diverged at {where}: {cause}. The last finite weights were restored. "
            f"Try a lower learning rate (now {self.optimizer.lr:g}).",
            node,
        )

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

    # ---- reset and checkpoints --------------------------------------------------------
    def resume_history(self, history: dict[str, list[float]]) -> None:
        """Continue a saved history (a network file's): its epochs count as done.

        Training goes on from epoch ``history["epoch"][-1]`` (the learning-rate schedule too) and
        appends to copies of its lists. The optimizer's state and the position in the data are
        not part of a history; use ``state()``/``load_state()`` to continue exactly.
        """
        epochs = history.get("epoch", [])
        n = len(epochs)
        if any(not isinstance(v, (list, tuple)) or len(v) != n for v in history.values()):
            raise ValueError("A history needs lists of one value per epoch, all as long as history['epoch']")
        whole = all(isinstance(e, (int, float, np.integer, np.floating)) and not isinstance(e, bool)
                    and math.isfinite(e) and e >= 1 and e == int(e) for e in epochs)
        if not whole or any(a >= b for a, b in zip(epochs, epochs[1:])):
            raise ValueError("history['epoch'] must count up from 1")
        merged = {k: list(v) for k, v in history.items()}
        merged["epoch"] = [int(e) for e in epochs]
        for k in self.metric_names():
            merged.setdefault(k, [math.nan] * n)
        self.history = merged
        self.epoch, self.batch, self._Xs = (merged["epoch"][-1] if n else 0), 0, None
        self._best = None

    def reset(self, seed: int | None = None) -> None:
        """Re-initialise the weights and forget the optimizer state, history and position."""
        self.net.initialize(self.net.seed if seed is None else seed)
        self.optimizer.reset()
        self._start()

    def state(self) -> dict[str, Any]:
        """Everything needed to continue training exactly from here, as plain copies.

        Weights, optimizer state, position, shuffle and Dropout random streams, history and the
        early-stopping record; picklable. ``load_state`` on a trainer of the same network and data
        continues bit for bit as this one would.
        """
        noise = {}
        for name, layer in self.net.iter_layers():
            rng = layer.get_noise()
            if rng is not None:
                noise[name] = rng.bit_generator.state
        best = None
        if self._best is not None:  # its weights are never changed in place: sharing them is safe
            best = dict(self._best)
        return {
            "version": STATE_VERSION,
            "weights": self.net.get_weights(),
            "optimizer": self.optimizer.state_dict(),
            "epoch": self.epoch,
            "batch": self.batch,
            "steps": self.steps,
            "batch_size": self.batch_size,
            "order": None if self._order is None or self.batch == 0 else self._order.copy(),
            "rng": self._rng.bit_generator.state,
            "noise": noise,
            "history": {k: list(v) for k, v in self.history.items()},
            "best": best,
            "learning_rate": self.config.learning_rate,
            "l1": self.l1,
            "l2": self.l2,
        }

    def load_state(self, state: dict[str, Any]) -> None:
        """Continue from a ``state()`` taken on this trainer or one with the same network and data.

        All or nothing: a state that does not fit raises ValueError and changes nothing.
        """
        version = state.get("version") if isinstance(state, dict) else None
        if version != STATE_VERSION:
            raise ValueError(f"Unknown trainer state version {version!r} (this trainer reads {STATE_VERSION})")
        backup = self.state()
        try:
            self._apply_state(state)
        except Exception:
            self._apply_state(backup)
            raise

    def _apply_state(self, state: dict[str, Any]) -> None:
        n = len(self.X)
        batch_size, batch, order = int(state["batch_size"]), int(state["batch"]), state["order"]
        batches = math.ceil(n / batch_size) if batch_size >= 1 else 0
        if not 1 <= batch_size <= n or not 0 <= batch < batches:
            raise ValueError(f"The state (batch {batch} of size {batch_size}) does not fit the training data "
                             f"({n} samples)")
        if order is not None:
            order = np.asarray(order)
            if order.shape != (n,) or not np.array_equal(np.sort(order), np.arange(n)):
                raise ValueError("The state's shuffled order does not match the training data")
        noisy = {name for name, layer in self.net.iter_layers() if layer.get_noise() is not None}
        if set(state["noise"]) - noisy:
            raise ValueError(f"The state has random streams for layers this network lacks: "
                             f"{', '.join(sorted(set(state['noise']) - noisy))}")
        self.net.set_weights(state["weights"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.set_learning_rate(state["learning_rate"])
        self.set_regularization(state["l1"], state["l2"])
        self.epoch, self.batch, self.steps = int(state["epoch"]), batch, int(state["steps"])
        self.batch_size, self.batches_per_epoch = batch_size, batches
        self._rng.bit_generator.state = state["rng"]
        for name, rng_state in state["noise"].items():
            self.net.layer(name).get_noise().bit_generator.state = rng_state
        self._order = order.copy() if order is not None and batch else None
        if not batch:
            self._Xs = self._Ys = None  # the next step starts an epoch
        elif self._order is not None:
            self._Xs, self._Ys = self.X[self._order], self.Y[self._order]
        else:
            self._Xs, self._Ys = self.X, self.Y
        self.history = {k: list(v) for k, v in state["history"].items()}
        self._best = dict(state["best"]) if state["best"] is not None else None
        self._early_stop_due = False
        self.sync_weights()
