"""Shared by the test_optim_*.py tests: every optimizer configuration, and running / comparing steps."""
from __future__ import annotations

import numpy as np

from engine.optim import Optimizer


EPS = 1e-7
ALL_CONFIGS = [
    ("sgd", {"lr": 0.1}),
    ("sgd", {"lr": 0.1, "momentum": 0.9}),
    ("sgd", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    ("rmsprop", {"lr": 0.01}),
    ("rmsprop", {"lr": 0.01, "momentum": 0.5}),
    ("adagrad", {"lr": 0.1}),
    ("adam", {"lr": 0.1}),
    ("adamw", {"lr": 0.1, "weight_decay": 0.1}),
]
CONFIG_IDS = [f"{n}-{'-'.join(f'{k}{v}' for k, v in kw.items())}" for n, kw in ALL_CONFIGS]


def run(opt: Optimizer, w0: list[float], grads: list[list[float]]) -> list[np.ndarray]:
    """Apply the gradient sequence to one float64 array; return w after each step."""
    w = np.array(w0, dtype=np.float64)
    out = []
    for g in grads:
        opt.step([w], [np.array(g, dtype=np.float64)])
        out.append(w.copy())
    return out


def close(actual: np.ndarray, expected: list[float]) -> None:
    np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=1e-15)
