"""Hyperparameters of optimizers and schedules: their description, range and validation."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class HyperParam:
    """Description of one hyperparameter, for validation and for building GUI editors.

    ``min``/``max`` are ``None`` when unbounded; ``min_open``/``max_open`` make a bound exclusive.
    """

    name: str
    type: type
    default: Any
    min: float | None
    max: float | None
    help: str
    min_open: bool = False
    max_open: bool = False

    def describe_range(self) -> str:
        """``"in [0, 1)"``, ``"> 0"``, ``">= 1"`` ... (bounds with ``None`` are omitted)."""
        lo, hi = self.min, self.max
        if lo is not None and hi is not None:
            return f"in {'(' if self.min_open else '['}{lo:g}, {hi:g}{')' if self.max_open else ']'}"
        if lo is not None:
            return f"{'>' if self.min_open else '>='} {lo:g}"
        return "" if hi is None else f"{'<' if self.max_open else '<='} {hi:g}"

    def validate(self, value: Any) -> Any:
        """Return ``value`` converted to a plain Python type, or raise ValueError."""
        name, is_bool = self.name, isinstance(value, (bool, np.bool_))
        if self.type is bool:
            if not is_bool:
                raise ValueError(f"Expected {name} to be True or False, received {value!r}")
            return bool(value)
        if is_bool or not isinstance(value, (int, float, np.integer, np.floating)):
            raise ValueError(f"Expected {name} to be a number, received {value!r}")
        if not math.isfinite(value):
            raise ValueError(f"Expected {name} to be a finite number, received {value}")
        if self.type is int and value != int(value):
            raise ValueError(f"Expected {name} to be an integer, received {value}")
        value = self.type(value)
        lo, hi = self.min, self.max
        if (lo is not None and (value <= lo if self.min_open else value < lo)) or (
                hi is not None and (value >= hi if self.max_open else value > hi)):
            raise ValueError(f"Expected {name} {self.describe_range()}, received {value}")
        return value


def _lr_param(default: float) -> HyperParam:
    return HyperParam("lr", float, default, 0.0, None,
                      "Learning rate: how far each step moves the weights.", min_open=True)


def _check_kwargs(what: str, params: tuple[HyperParam, ...], kwargs: dict[str, Any]) -> None:
    valid = [p.name for p in params]
    for key in kwargs:
        if key not in valid:
            raise ValueError(f"Unknown hyperparameter {key!r} for {what}. "
                             f"Valid hyperparameters: {', '.join(valid)}")
