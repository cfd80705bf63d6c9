"""Finite-difference gradient check: compare backprop with central differences, per parameter.

Used by the tests and by the editor's "Gradient check" button. Run it on a float64 network: in
float32 the differences are dominated by rounding.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .network import Network


@dataclass(frozen=True)
class GradCheckRow:
    key: str
    analytic: np.ndarray
    numeric: np.ndarray
    max_rel_error: float
    passed: bool


def relative_error(a: np.ndarray, n: np.ndarray, floor: float = 1e-8) -> np.ndarray:
    """|a − n| / max(|a| + |n|, floor): symmetric, and tolerant where both are ~0."""
    return np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), floor)


def training_loss(net: Network, X: np.ndarray, Y: np.ndarray) -> float:
    """The loss of a training-mode forward pass with the Dropout masks replayed from the seed."""
    net.reseed_noise()
    buf = net._forward_train(X)
    return net._loss_and_seed(buf[net._out_slot], Y)[0]


def numeric_gradients(
    net: Network, X: Any, Y: Any, eps: float = 1e-6, keys: list[str] | None = None
) -> dict[str, np.ndarray]:
    X = net.prepare_inputs(X)
    Y = net.prepare_targets(Y, len(X))
    out: dict[str, np.ndarray] = {}
    for key, param in zip(net.param_keys, net.parameters):
        if keys is not None and key not in keys:
            continue
        grad = np.zeros(param.shape)
        flat, gflat = param.reshape(-1), grad.reshape(-1)
        for i in range(flat.size):
            old = flat[i]
            flat[i] = old + eps
            plus = training_loss(net, X, Y)
            flat[i] = old - eps
            minus = training_loss(net, X, Y)
            flat[i] = old
            gflat[i] = (plus - minus) / (2 * eps)
        out[key] = grad
    return out


def check_gradients(
    net: Network, X: Any, Y: Any, eps: float = 1e-6, tolerance: float = 1e-5
) -> list[GradCheckRow]:
    """One row per parameter: backprop vs central differences and the largest relative error."""
    net.reseed_noise()
    _, analytic = net.gradients(X, Y)
    numeric = numeric_gradients(net, X, Y, eps)
    rows = []
    for key in net.param_keys:
        err = relative_error(analytic[key], numeric[key])
        worst = float(err.max()) if err.size else 0.0
        rows.append(GradCheckRow(key, analytic[key], numeric[key], worst, worst <= tolerance))
    return rows
