"""Tests for engine.optim: hyperparameter validation, the registry, learning-rate schedules."""
from __future__ import annotations

import math
import pickle

import pytest

from engine.optim import (
    OPTIMIZERS,
    SCHEDULE_PARAMS,
    SCHEDULES,
    SGD,
    Adam,
    AdamW,
    HyperParam,
    make_optimizer,
    make_schedule,
)


# ----------------------------------------------------------------------------- validation, registry

@pytest.mark.parametrize(("name", "kw", "message"), [
    ("sgd", {"momentum": 1.5}, "Expected momentum in [0, 1), received 1.5"),
    ("sgd", {"lr": -0.1}, "Expected lr > 0, received -0.1"),
    ("sgd", {"lr": 0}, "Expected lr > 0, received 0.0"),
    ("adam", {"lr": float("nan")}, "Expected lr to be a finite number, received nan"),
    ("adam", {"lr": float("inf")}, "Expected lr to be a finite number, received inf"),
    ("adam", {"lr": "0.1"}, "Expected lr to be a number, received '0.1'"),
    ("sgd", {"nesterov": True}, "Nesterov momentum needs momentum > 0"),
    ("sgd", {"momentum": 0.9, "nesterov": "yes"}, "Expected nesterov to be True or False"),
    ("rmsprop", {"rho": 1.0}, "Expected rho in [0, 1), received 1.0"),
    ("rmsprop", {"eps": 0.0}, "Expected eps > 0, received 0.0"),
    ("adam", {"beta1": 1.0}, "Expected beta1 in [0, 1), received 1.0"),
    ("adam", {"beta2": -0.1}, "Expected beta2 in [0, 1), received -0.1"),
    ("adamw", {"weight_decay": -1}, "Expected weight_decay >= 0, received -1.0"),
    ("adagrad", {"initial_accumulator": -0.1}, "Expected initial_accumulator >= 0"),
    ("adam", {"momentum": 0.9}, "Unknown hyperparameter 'momentum' for adam"),
])
def test_bad_hyperparameters(name: str, kw: dict, message: str) -> None:
    with pytest.raises(ValueError) as info:
        make_optimizer(name, **kw)
    assert message in str(info.value)


def test_unknown_optimizer_lists_valid_names() -> None:
    with pytest.raises(ValueError, match="Unknown optimizer 'adamx'") as info:
        make_optimizer("adamx")
    for valid in ("sgd", "rmsprop", "adagrad", "adam", "adamw"):
        assert valid in str(info.value)


def test_registry_names_and_config() -> None:
    assert set(OPTIMIZERS) == {"sgd", "rmsprop", "adagrad", "adam", "adamw"}
    assert isinstance(make_optimizer("ADAM"), Adam)
    assert isinstance(make_optimizer("AdamW"), AdamW)
    for name, cls in OPTIMIZERS.items():
        assert cls.name == name
        assert all(isinstance(p, HyperParam) and p.help for p in cls.PARAMS)
        opt = cls()
        config = opt.config()
        assert config["name"] == name
        assert config == {"name": name, **{p.name: p.default for p in cls.PARAMS}}
        rebuilt = make_optimizer(**config)
        assert rebuilt.config() == config
    assert SGD(momentum=0.9, nesterov=True).config()["nesterov"] is True


# ----------------------------------------------------------------------------- schedules

def test_constant_schedule() -> None:
    s = make_schedule("constant", 0.03)
    assert s(0) == s(12.5) == s(1000) == 0.03


def test_step_schedule() -> None:
    s = make_schedule("step", 0.1, step_size=10, gamma=0.5)
    assert s(0.0) == 0.1
    assert s(9.99) == 0.1
    assert s(10.0) == 0.05
    assert s(25.0) == 0.025
    assert make_schedule("STEP", 0.2)(10) == 0.1  # defaults: step_size 10, gamma 0.5


def test_cosine_schedule() -> None:
    s = make_schedule("cosine", 0.1, total_epochs=100, min_lr=0.001)
    assert s(0) == pytest.approx(0.1, rel=1e-12)
    assert s(50) == pytest.approx(0.0505, rel=1e-12)
    assert s(100) == pytest.approx(0.001, rel=1e-12)
    assert s(250) == pytest.approx(0.001, rel=1e-12)
    assert s(25) == pytest.approx(0.001 + 0.099 * 0.5 * (1 + math.sqrt(0.5)), rel=1e-12)
    assert make_schedule("cosine", 0.1)(100) == 0.0


def test_schedule_is_picklable_and_describes_itself() -> None:
    s = make_schedule("step", 0.1, step_size=3, gamma=0.1)
    assert pickle.loads(pickle.dumps(s))(7) == s(7)
    assert s.config() == {"name": "step", "base_lr": 0.1, "step_size": 3, "gamma": 0.1}
    assert SCHEDULES == ("constant", "step", "cosine")
    assert set(SCHEDULE_PARAMS) == set(SCHEDULES)


@pytest.mark.parametrize(("name", "base", "kw", "message"), [
    ("linear", 0.1, {}, "Unknown schedule 'linear'. Valid names: constant, step, cosine"),
    ("step", 0.1, {"step_size": 0}, "Expected step_size >= 1, received 0"),
    ("step", 0.1, {"step_size": 2.5}, "Expected step_size to be an integer, received 2.5"),
    ("step", 0.1, {"gamma": 0.0}, "Expected gamma in (0, 1], received 0.0"),
    ("step", 0.1, {"gamma": 1.5}, "Expected gamma in (0, 1], received 1.5"),
    ("cosine", 0.1, {"total_epochs": 0}, "Expected total_epochs >= 1, received 0"),
    ("cosine", 0.1, {"min_lr": -1e-3}, "Expected min_lr >= 0, received -0.001"),
    ("cosine", 0.1, {"min_lr": 0.5}, "Expected min_lr <= base_lr"),
    ("constant", 0.0, {}, "Expected base_lr > 0, received 0.0"),
    ("constant", 0.1, {"gamma": 0.5}, "Unknown hyperparameter 'gamma'"),
])
def test_schedule_validation(name: str, base: float, kw: dict, message: str) -> None:
    with pytest.raises(ValueError) as info:
        make_schedule(name, base, **kw)
    assert message in str(info.value)
