"""The training loop: batches, metrics, callbacks, cooperative pause/stop, early stopping, NaN guard.

The trainer owns the order of batches (reshuffled each epoch from its seed), the optimizer and the
learning-rate schedule. ``step()`` trains one batch, ``run()`` trains until the epochs are done or
another thread calls ``stop()``. Before each update the weights that just produced a finite loss are
copied aside, so when a step diverges the trainer restores them and names the node where NaN/Inf
first appeared.
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

    def validate(self) -> None:
        def need(ok: bool, message: str) -> None:
            if not ok:
                raise ValueError(message)

        need(isinstance(self.epochs, int) and self.epochs >= 0, f"Expected epochs ≥ 0, received {self.epochs!r}")
        need(isinstance(self.batch_size, int) and self.batch_size >= 1,
             f"Expected batch_size ≥ 1, received {self.batch_size!r}")
        need(math.isfinite(self.learning_rate) and self.learning_rate > 0,
             f"Expected learning_rate > 0, received {self.learning_rate!r}")
        need(self.l1 >= 0 and self.l2 >= 0, f"Expected l1, l2 ≥ 0, received {self.l1!r}, {self.l2!r}")
        need(self.clip_norm is None or self.clip_norm > 0, f"Expected clip_norm > 0, received {self.clip_norm!r}")
        need(0.0 <= self.validation_split < 1.0,
             f"Expected validation_split in [0, 1), received {self.validation_split!r}")
        need(self.early_stopping is None or self.early_stopping >= 1,
             f"Expected early_stopping patience ≥ 1, received {self.early_stopping!r}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "TrainConfig":
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class StepInfo:
    step: int          # steps done so far (this one included)
    epoch: int         # epoch this batch belongs to (0-based)
    batch: int         # batch index within the epoch
    batches: int       # batches per epoch
    loss: float        # training-mode loss of this batch, before the update
    lr: float
    epoch_end: dict[str, float] | None = None  # metrics, when this batch finished an epoch


@dataclass
class TrainResult:
    status: str        # "completed" | "stopped" | "early_stopped" | "diverged"
    epochs: int        # completed epochs
    steps: int
    message: str = ""
    node: str | None = None
    seconds: float = 0.0


class Callback:
    """Override any of these; they run on the training thread."""

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
    ``config.validation_split`` share of (X, Y). History lists grow per epoch (``loss``,
    ``val_loss``, ``accuracy``/``mae``/``r2`` and their ``val_`` twins, ``lr``) and per step
    (``batch_loss``).
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
            val_idx, train_idx = order[:n_val], order[n_val:]
            validation = (X[val_idx], Y[val_idx])
            X, Y = X[train_idx], Y[train_idx]
        if len(X) == 0:
            raise TrainingError("There is no training data")
        self.X, self.Y = X, Y
        if validation is not None:
            Xv = network.prepare_inputs(validation[0])
            self.val: tuple[np.ndarray, np.ndarray] | None = (Xv, network.prepare_targets(validation[1], len(Xv)))
        else:
            self.val = None
        self.callbacks: list[Callback] = list(callbacks or [])
        if on_batch or on_epoch:
            self.callbacks.append(_FunctionCallback(on_batch, on_epoch))

        cfg = self.config
        self.optimizer = make_optimizer(cfg.optimizer, lr=cfg.learning_rate, **cfg.optimizer_params)
        self.schedule = make_schedule(cfg.schedule, cfg.learning_rate, **cfg.schedule_params)
        self.l1, self.l2, self.clip_norm = cfg.l1, cfg.l2, cfg.clip_norm
        network.bind_optimizer(self.optimizer)
        self.batch_size = min(cfg.batch_size, len(self.X))
        self.batches_per_epoch = math.ceil(len(self.X) / self.batch_size)
        self._rng = np.random.default_rng([cfg.seed, 11])
        self.epoch = 0      # completed epochs
        self.batch = 0      # next batch within the current epoch
        self.steps = 0
        self.history: dict[str, list[float]] = {"epoch": [], "lr": [], "batch_loss": []}
        self._Xs = self._Ys = None
        self._backup = [p.copy() for p in network.parameters]
        self._best: tuple[float, dict[str, np.ndarray]] | None = None
        self._since_best = 0
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self.result: TrainResult | None = None
        self._t0: float | None = None

    # ---- control from other threads ---------------------------------------------------
    def stop(self) -> None:
        self._stop.set()
        self._running.set()

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def set_learning_rate(self, lr: float) -> None:
        """Change the base learning rate live (the schedule restarts from it)."""
        cfg = self.config
        cfg.learning_rate = float(lr)
        self.schedule = make_schedule(cfg.schedule, cfg.learning_rate, **cfg.schedule_params)

    def set_regularization(self, l1: float, l2: float) -> None:
        self.l1, self.l2 = float(l1), float(l2)
        self.config.l1, self.config.l2 = self.l1, self.l2

    # ---- training ---------------------------------------------------------------------
    @property
    def progress(self) -> float:
        """Training progress in epochs (fractional)."""
        return self.epoch + self.batch / self.batches_per_epoch

    def _start_epoch(self) -> None:
        if self.config.shuffle:
            order = self._rng.permutation(len(self.X))
            self._Xs, self._Ys = self.X[order], self.Y[order]
        else:
            self._Xs, self._Ys = self.X, self.Y

    def step(self) -> StepInfo:
        """Train one batch (and, when it ends an epoch, evaluate and run epoch callbacks).

        Raises DivergenceError (after restoring the last finite weights) when the loss is NaN/Inf.
        """
        if self._t0 is None:
            self._t0 = time.perf_counter()
        if self.batch == 0 or self._Xs is None:
            self._start_epoch()
        lo = self.batch * self.batch_size
        xb, yb = self._Xs[lo : lo + self.batch_size], self._Ys[lo : lo + self.batch_size]
        lr = self.schedule(self.progress)
        self.optimizer.lr = lr
        net = self.net
        with np.errstate(all="ignore"):
            loss = net.loss_and_backward(xb, yb)
        if not math.isfinite(loss):
            self._diverged(xb, loss)
        for keep, p in zip(self._backup, net.parameters):
            np.copyto(keep, p)
        with np.errstate(all="ignore"):
            net.apply_gradients(self.optimizer, self.l1, self.l2, self.clip_norm)
        self.steps += 1
        self.history["batch_loss"].append(loss)
        info = StepInfo(self.steps, self.epoch, self.batch, self.batches_per_epoch, loss, lr)
        self.batch += 1
        if self.batch >= self.batches_per_epoch:
            info.epoch_end = self._end_epoch(lr)
        for cb in self.callbacks:
            cb.on_batch_end(self, info)
        if info.epoch_end is not None:
            for cb in self.callbacks:
                cb.on_epoch_end(self, self.epoch - 1, info.epoch_end)
        return info

    def step_epoch(self) -> StepInfo:
        """Train until the current epoch ends."""
        while True:
            info = self.step()
            if info.epoch_end is not None:
                return info

    def _end_epoch(self, lr: float) -> dict[str, float]:
        self.batch = 0
        self.epoch += 1
        with np.errstate(all="ignore"):
            metrics = self.evaluate()
        if not all(math.isfinite(v) for k, v in metrics.items() if k.endswith("loss")):
            self._diverged(self.X[: self.batch_size], metrics.get("loss", float("nan")))
        self.history["epoch"].append(self.epoch)
        self.history["lr"].append(lr)
        for k, v in metrics.items():
            self.history.setdefault(k, []).append(v)
        return metrics

    def evaluate(self) -> dict[str, float]:
        """Inference-mode metrics on the training data and (prefixed ``val_``) the validation data."""
        metrics = self.net.evaluate(self.X, self.Y)
        if self.val is not None and len(self.val[0]):
            for k, v in self.net.evaluate(*self.val).items():
                metrics["val_" + k] = v
        return metrics

    def _diverged(self, xb: np.ndarray, loss: float) -> None:
        found = self.net.first_nonfinite(xb)
        for keep, p in zip(self._backup, self.net.parameters):
            np.copyto(p, keep)
        where = f" at epoch {self.epoch + 1}, step {self.steps + 1}"
        node = None
        if found is not None:
            node, what = found
            cause = f"{node} produced NaN/Inf first ({what})"
        else:
            cause = f"the loss became {loss}"
        raise DivergenceError(
            f"Training diverged{where}: {cause}. The last finite weights were restored. "
            f"Try a lower learning rate (now {self.optimizer.lr:g}).",
            node,
        )

    def run(self, epochs: int | None = None) -> TrainResult:
        """Train for ``epochs`` more epochs (default: the config's total minus those done).

        Returns when done, when ``stop()`` is called, on early stopping, or on divergence.
        Pausing (``pause()``) blocks here between batches until ``resume()`` or ``stop()``.
        """
        target = (self.epoch + epochs) if epochs is not None else self.config.epochs
        self._stop.clear()
        t0 = time.perf_counter()
        status, message, node = "completed", "", None
        try:
            while self.epoch < target:
                if not self._running.is_set():
                    self._running.wait()
                if self._stop.is_set():
                    status = "stopped"
                    break
                info = self.step()
                if info.epoch_end is not None and self._early_stop(info.epoch_end):
                    status = "early_stopped"
                    message = (f"Stopped early after epoch {self.epoch}: no improvement for "
                               f"{self.config.early_stopping} epochs")
                    break
        except DivergenceError as exc:
            status, message, node = "diverged", str(exc), exc.node
        self.result = TrainResult(status, self.epoch, self.steps, message, node, time.perf_counter() - t0)
        for cb in self.callbacks:
            cb.on_train_end(self, self.result)
        return self.result

    def _early_stop(self, metrics: dict[str, float]) -> bool:
        patience = self.config.early_stopping
        if not patience:
            return False
        monitored = metrics.get("val_loss", metrics["loss"])
        if self._best is None or monitored < self._best[0]:
            self._best = (monitored, self.net.get_weights())
            self._since_best = 0
            return False
        self._since_best += 1
        if self._since_best >= patience:
            if self.config.restore_best:
                self.net.set_weights(self._best[1])
            return True
        return False

    def reset(self, seed: int | None = None) -> None:
        """Re-initialise the weights and forget the optimizer state, history and position."""
        self.net.initialize(self.net.seed if seed is None else seed)
        self.optimizer.reset()
        self.net.bind_optimizer(self.optimizer)
        self._backup = [p.copy() for p in self.net.parameters]
        self.epoch = self.batch = self.steps = 0
        self.history = {"epoch": [], "lr": [], "batch_loss": []}
        self._best, self._since_best, self._Xs = None, 0, None
        self._rng = np.random.default_rng([self.config.seed, 11])
