"""Loss functions: value and gradient, and the fused, numerically stable output pairs.

Means run over every element of the batch (mse, mae, huber, bce), or over samples with a sum over
classes (cross_entropy). The fused pairs take the pre-activation z of the output layer:

* sigmoid + bce:            L = mean(max(z, 0) − z·y + ln(1 + e^(−|z|))),   ∂L/∂z = (σ(z) − y)/n
* softmax + cross_entropy:  L = mean_i(logsumexp(z_i) − Σ_k y_ik·z_ik),     ∂L/∂z = (softmax(z) − y)/N
* step + any loss:          the perceptron rule, ∂L/∂z := (a − y)/N, so SGD gives w ← w + η·(y − a)·x/N
"""
from __future__ import annotations

import numpy as np

from .fastmath import row_max, row_sum

LOSSES = ("mse", "mae", "huber", "bce", "cross_entropy")
CLASSIFICATION_LOSSES = ("bce", "cross_entropy")


def _eps(dtype: np.dtype) -> float:
    return 1e-7 if np.dtype(dtype) == np.float32 else 1e-12


class LossFunction:
    name = ""
    formula = ""
    derivative = ""

    def value_and_grad(self, p: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        raise NotImplementedError  # pragma: no cover

    def value(self, p: np.ndarray, y: np.ndarray) -> float:
        return self.value_and_grad(p, y)[0]

    def per_sample(self, p: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Loss of each sample (mean over its outputs, or sum over classes for cross-entropy)."""
        raise NotImplementedError  # pragma: no cover - every loss defines it, vectorised


class MSE(LossFunction):
    name = "mse"
    formula = "L = mean((ŷ − y)²)"
    derivative = "∂L/∂ŷ = 2·(ŷ − y)/n"

    def value_and_grad(self, p: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        d = p - y
        flat = d.ravel()
        return float(np.dot(flat, flat)) / d.size, d * (2.0 / d.size)

    def per_sample(self, p: np.ndarray, y: np.ndarray) -> np.ndarray:
        d = p - y
        return (d * d).reshape(len(d), -1).mean(axis=1)


class MAE(LossFunction):
    name = "mae"
    formula = "L = mean(|ŷ − y|)"
    derivative = "∂L/∂ŷ = sign(ŷ − y)/n"

    def value_and_grad(self, p: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        d = p - y
        return float(np.abs(d).sum()) / d.size, np.sign(d) * (1.0 / d.size)

    def per_sample(self, p: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.abs(p - y).reshape(len(p), -1).mean(axis=1)


class Huber(LossFunction):
    name = "huber"
    derivative = "∂L/∂ŷ = clip(ŷ − y, −δ, δ)/n"

    def __init__(self, delta: float = 1.0) -> None:
        self.delta = float(delta)
        self.formula = f"L = mean(½r² if |r| ≤ δ else δ·(|r| − ½δ)),  r = ŷ − y,  δ = {self.delta:g}"

    def _elementwise(self, d: np.ndarray) -> np.ndarray:
        r = np.abs(d)
        return np.where(r <= self.delta, 0.5 * d * d, self.delta * (r - 0.5 * self.delta))

    def value_and_grad(self, p: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        d = p - y
        return float(self._elementwise(d).sum()) / d.size, np.clip(d, -self.delta, self.delta) * (1.0 / d.size)

    def per_sample(self, p: np.ndarray, y: np.ndarray) -> np.ndarray:
        return self._elementwise(p - y).reshape(len(p), -1).mean(axis=1)


class BCE(LossFunction):
    name = "bce"
    formula = "L = −mean(y·ln ŷ + (1 − y)·ln(1 − ŷ))"
    derivative = "∂L/∂ŷ = (ŷ − y) / (ŷ·(1 − ŷ)·n)"

    def value_and_grad(self, p: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        eps = _eps(p.dtype)
        q = np.clip(p, eps, 1.0 - eps)
        terms = y * np.log(q) + (1.0 - y) * np.log1p(-q)
        return -float(terms.sum()) / p.size, (q - y) / (q * (1.0 - q) * p.size)

    def per_sample(self, p: np.ndarray, y: np.ndarray) -> np.ndarray:
        eps = _eps(p.dtype)
        q = np.clip(p, eps, 1.0 - eps)
        return -(y * np.log(q) + (1.0 - y) * np.log1p(-q)).reshape(len(p), -1).mean(axis=1)

    @staticmethod
    def fused(z: np.ndarray, a: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        """sigmoid + bce from the logits z (a = σ(z) already computed)."""
        terms = np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))
        return float(terms.sum()) / z.size, (a - y) * (1.0 / z.size)

    @staticmethod
    def fused_per_sample(z: np.ndarray, y: np.ndarray) -> np.ndarray:
        terms = np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))
        return terms.reshape(len(z), -1).mean(axis=1)


class CrossEntropy(LossFunction):
    name = "cross_entropy"
    formula = "L = −mean_i Σ_k y_ik·ln ŷ_ik"
    derivative = "∂L/∂ŷ = −y / (ŷ·N)"

    def value_and_grad(self, p: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        q = np.clip(p, _eps(p.dtype), 1.0)
        n = len(p)
        return -float((y * np.log(q)).sum()) / n, -y / (q * n)

    def per_sample(self, p: np.ndarray, y: np.ndarray) -> np.ndarray:
        q = np.clip(p, _eps(p.dtype), 1.0)
        return -(y * np.log(q)).sum(axis=1)

    @staticmethod
    def _shifted(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """s = z − max(z) per row and ln Σ e^s (log-sum-exp), so that lse(z) − z = ln Σ e^s − s.

        Keeping the max out avoids the cancellation of (max + ln Σ e^s) − z, which in float32 costs
        all the digits of a confident prediction's small loss (and could make it negative).
        """
        s = z - row_max(z)
        return s, np.log(row_sum(np.exp(s))[:, 0])

    @classmethod
    def fused(cls, z: np.ndarray, a: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        """softmax + cross-entropy from the logits z via log-sum-exp (a = softmax(z))."""
        n = len(z)
        ysum = row_sum(y)[:, 0]
        s, log_sum = cls._shifted(z)
        loss = float(np.dot(ysum, log_sum) - np.vdot(y, s)) / n
        return loss, (a * ysum[:, None] - y) * (1.0 / n)

    @classmethod
    def fused_per_sample(cls, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        s, log_sum = cls._shifted(z)
        return y.sum(axis=1) * log_sum - (y * s).sum(axis=1)


def make_loss(name: str, delta: float = 1.0) -> LossFunction:
    if name == "mse":
        return MSE()
    if name == "mae":
        return MAE()
    if name == "huber":
        return Huber(delta)
    if name == "bce":
        return BCE()
    if name == "cross_entropy":
        return CrossEntropy()
    raise ValueError(f"Unknown loss {name!r}; expected one of {', '.join(LOSSES)}")


def perceptron_grad(a: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The perceptron learning rule as a gradient at z: (a − y)/N."""
    return (a - y) * (1.0 / len(a))
