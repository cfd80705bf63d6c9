"""Learning-rate schedules: the learning rate as a function of training progress in epochs."""
from __future__ import annotations

import math
from typing import Any, Callable

from .hyperparams import HyperParam, _check_kwargs

_BASE_LR = HyperParam("base_lr", float, 0.01, 0.0, None, "Starting learning rate.", min_open=True)

SCHEDULE_PARAMS: dict[str, tuple[HyperParam, ...]] = {
    "constant": (),
    "step": (HyperParam("step_size", int, 10, 1, None, "Epochs between two learning-rate drops."),
             HyperParam("gamma", float, 0.5, 0.0, 1.0, "Factor applied at each drop.", min_open=True)),
    "cosine": (HyperParam("total_epochs", int, 100, 1, None, "Epochs to reach min_lr."),
               HyperParam("min_lr", float, 0.0, 0.0, None, "Learning rate at the end of the schedule.")),
}
SCHEDULES: tuple[str, ...] = tuple(SCHEDULE_PARAMS)


class Schedule:
    """Picklable learning-rate schedule: ``schedule(progress_in_epochs) -> lr``.

    * constant: ``lr = base_lr``
    * step:     ``lr = base_lr * gamma ** floor(progress / step_size)``
    * cosine:   ``lr = min_lr + (base_lr - min_lr) * 0.5 * (1 + cos(pi * min(progress, total) / total))``

    Negative progress is treated as 0.
    """

    def __init__(self, name: str, base_lr: float, **kw: Any) -> None:
        self.name = name
        self.base_lr = _BASE_LR.validate(base_lr)
        params = SCHEDULE_PARAMS[name]
        _check_kwargs(f"schedule {name!r}", params, kw)
        self.kw = {p.name: p.validate(kw.get(p.name, p.default)) for p in params}
        if name == "cosine" and self.kw["min_lr"] > self.base_lr:
            raise ValueError(f"Expected min_lr <= base_lr ({self.base_lr}), received {self.kw['min_lr']}")

    def __call__(self, progress: float) -> float:
        p = max(progress, 0.0)
        if self.name == "step":
            return self.base_lr * self.kw["gamma"] ** math.floor(p / self.kw["step_size"])
        if self.name == "cosine":
            total, lo = self.kw["total_epochs"], self.kw["min_lr"]
            return lo + (self.base_lr - lo) * 0.5 * (1.0 + math.cos(math.pi * min(p, total) / total))
        return self.base_lr

    def config(self) -> dict[str, Any]:
        return {"name": self.name, "base_lr": self.base_lr, **self.kw}

    def __repr__(self) -> str:
        args = "".join(f", {k}={v!r}" for k, v in self.kw.items())
        return f"Schedule({self.name!r}, base_lr={self.base_lr!r}{args})"


def make_schedule(name: str, base_lr: float, **kw: Any) -> Callable[[float], float]:
    """Learning rate as a function of training progress in epochs (``epoch + batch / batches``)."""
    key = name.lower() if isinstance(name, str) else name
    if key not in SCHEDULE_PARAMS:
        raise ValueError(f"Unknown schedule {name!r}. Valid names: {', '.join(SCHEDULES)}")
    return Schedule(key, base_lr, **kw)
