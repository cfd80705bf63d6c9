"""Training settings (``TrainConfig``), as the network file stores them and the trainer checks them."""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

MAX_SEED = 2**62  # the network file reads seeds up to this


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
