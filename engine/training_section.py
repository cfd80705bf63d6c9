"""Reading the training section of a network file: the settings one by one, a bad one keeping its
default."""
from __future__ import annotations

from typing import Any

from .file_problems import Problems, check_keys, key_path, raise_type, read_object, real, show, whole
from .train_config import TrainConfig

FLOAT_SETTINGS = ("learning_rate", "l1", "l2", "clip_norm", "validation_split")
_INT_SETTINGS = ("epochs", "batch_size", "seed", "early_stopping", "eval_every")
_OPTIONAL_SETTINGS = ("clip_norm", "early_stopping")


def read_training(data: Any, problems: Problems, path: str = "training") -> TrainConfig:
    """Settings one by one, in the order of TrainConfig's fields (so an optimizer is known before
    its parameters are checked); a bad one keeps its default."""
    from .optim import make_optimizer, make_schedule

    cfg = TrainConfig()
    data = read_object(data, problems, path, "default settings used")
    if not data:
        return cfg
    defaults = cfg.to_dict()
    check_keys(data, defaults, problems, path, "setting")
    for key in defaults:
        if key not in data:
            continue
        try:
            trial = TrainConfig.from_dict({**cfg.to_dict(), key: _setting(key, data[key])})
            trial.validate()
            if key in ("optimizer", "optimizer_params", "learning_rate"):
                make_optimizer(trial.optimizer, lr=trial.learning_rate, **trial.optimizer_params)
            if key in ("schedule", "schedule_params", "learning_rate"):
                make_schedule(trial.schedule, trial.learning_rate, **trial.schedule_params)
        except (TypeError, ValueError, OverflowError) as exc:
            problems.add(key_path(path, key), f"{exc} (the default {show(defaults[key])} is used)")
            continue
        cfg = trial
    cfg.optimizer, cfg.schedule = cfg.optimizer.lower(), cfg.schedule.lower()
    return cfg


def _setting(key: str, value: Any) -> Any:
    """The value in its Python type; TypeError naming what was expected."""
    if key in _OPTIONAL_SETTINGS and value is None:
        return None
    if key in ("optimizer_params", "schedule_params"):
        if not isinstance(value, dict) or not all(isinstance(v, bool) or real(v) is not None for v in value.values()):
            raise_type(value, "an object of numbers and true/false values")
        return {k: (v if isinstance(v, (bool, int)) else float(v)) for k, v in value.items()}
    if key in ("shuffle", "restore_best"):
        if not isinstance(value, bool):
            raise_type(value, "true or false")
        return value
    if key in _INT_SETTINGS:
        number = whole(value, 0, 2**62)
        if number is None:
            raise_type(value, "a whole number ≥ 0")
        return number
    if key in ("optimizer", "schedule"):
        if not isinstance(value, str):
            raise_type(value, "text")
        return value
    number = real(value)
    if number is None:
        raise_type(value, "a finite number")
    return number
