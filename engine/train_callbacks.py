"""What the trainer reports: ``StepInfo`` after every batch, ``TrainResult`` at the end of a run, and
the ``Callback`` hooks that receive them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from .trainer import Trainer


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
    def __init__(
        self,
        on_batch: Callable[["Trainer", StepInfo], None] | None = None,
        on_epoch: Callable[["Trainer", int, dict[str, float]], None] | None = None,
        on_end: Callable[["Trainer", TrainResult], None] | None = None,
    ) -> None:
        self._b, self._e, self._t = on_batch, on_epoch, on_end

    def on_batch_end(self, trainer: "Trainer", info: StepInfo) -> None:
        if self._b:
            self._b(trainer, info)

    def on_epoch_end(self, trainer: "Trainer", epoch: int, metrics: dict[str, float]) -> None:
        if self._e:
            self._e(trainer, epoch, metrics)

    def on_train_end(self, trainer: "Trainer", result: TrainResult) -> None:
        if self._t:
            self._t(trainer, result)
