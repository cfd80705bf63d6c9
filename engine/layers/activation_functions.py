"""Activation functions and their derivatives, vectorised and dtype-preserving.

``backward(z, a, da)`` returns ∂L/∂z from ∂L/∂a; most use the output ``a`` so the pre-activation
need not be kept. Both take an optional ``out`` buffer (the training loop reuses its buffers so that
large batches do not page-fault fresh memory every step); functions that cannot use it ignore it. ``formula`` and ``derivative`` are shown by the backprop inspector.
"""
from __future__ import annotations

import math

import numpy as np

from ..fastmath import row_max, row_sum

_GELU_C = math.sqrt(2.0 / math.pi)


class ActivationFunction:
    name = "linear"
    formula = "a = z"
    derivative = "∂a/∂z = 1"
    needs_z = False
    trainable = True  # False: the derivative is zero almost everywhere (step)

    def forward(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        return z

    def backward(self, z: np.ndarray | None, a: np.ndarray, da: np.ndarray,
                 out: np.ndarray | None = None) -> np.ndarray:
        return da

    def local_grad(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        """∂a/∂z elementwise (for the inspector; softmax overrides with its Jacobian)."""
        return self.backward(z, a, np.ones_like(a))


class Linear(ActivationFunction):
    pass


class Sigmoid(ActivationFunction):
    name = "sigmoid"
    formula = "a = σ(z) = 1 / (1 + e^(−z))"
    derivative = "∂a/∂z = σ(z)·(1 − σ(z))"

    def forward(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        # 0.5·(1 + tanh(z/2)) equals the logistic function and never overflows.
        a = np.multiply(z, 0.5, out=out)
        np.tanh(a, out=a)
        a += 1.0
        a *= 0.5
        return a

    def backward(self, z: np.ndarray | None, a: np.ndarray, da: np.ndarray,
                 out: np.ndarray | None = None) -> np.ndarray:
        if out is None:
            return da * a * (1.0 - a)
        np.multiply(da, a, out=out)
        out *= 1.0 - a
        return out


class Tanh(ActivationFunction):
    name = "tanh"
    formula = "a = tanh(z)"
    derivative = "∂a/∂z = 1 − tanh²(z)"

    def forward(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        return np.tanh(z, out=out)

    def backward(self, z: np.ndarray | None, a: np.ndarray, da: np.ndarray,
                 out: np.ndarray | None = None) -> np.ndarray:
        g = np.multiply(a, a, out=out)
        np.subtract(1.0, g, out=g)
        g *= da
        return g


class ReLU(ActivationFunction):
    name = "relu"
    formula = "a = max(0, z)"
    derivative = "∂a/∂z = 1 if z > 0 else 0"

    def forward(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        return np.maximum(z, 0.0, out=out)

    def backward(self, z: np.ndarray | None, a: np.ndarray, da: np.ndarray,
                 out: np.ndarray | None = None) -> np.ndarray:
        if out is None:
            return da * (a > 0)
        np.greater(a, 0, out=out)  # 1.0 where a > 0, else 0.0
        out *= da
        return out


class LeakyReLU(ActivationFunction):
    name = "leaky_relu"
    derivative = "∂a/∂z = 1 if z > 0 else α"

    def __init__(self, alpha: float = 0.01) -> None:
        self.alpha = float(alpha)
        self.formula = f"a = z if z > 0 else α·z  (α = {self.alpha:g})"

    def forward(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        return np.where(z > 0, z, z * self.alpha)

    def backward(self, z: np.ndarray | None, a: np.ndarray, da: np.ndarray,
                 out: np.ndarray | None = None) -> np.ndarray:
        return np.where(a > 0, da, da * self.alpha)


class ELU(ActivationFunction):
    name = "elu"
    derivative = "∂a/∂z = 1 if z > 0 else a + α"
    needs_z = True

    def __init__(self, alpha: float = 1.0) -> None:
        self.alpha = float(alpha)
        self.formula = f"a = z if z > 0 else α·(e^z − 1)  (α = {self.alpha:g})"

    def forward(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        neg = np.expm1(np.minimum(z, 0.0))
        neg *= self.alpha
        return np.where(z > 0, z, neg)

    def backward(self, z: np.ndarray, a: np.ndarray, da: np.ndarray,
                 out: np.ndarray | None = None) -> np.ndarray:
        return np.where(z > 0, da, da * (a + self.alpha))


class GELU(ActivationFunction):
    name = "gelu"
    formula = "a = ½·z·(1 + tanh(√(2/π)·(z + 0.044715·z³)))"
    derivative = "∂a/∂z = ½(1 + t) + ½·z·(1 − t²)·√(2/π)·(1 + 3·0.044715·z²)"
    needs_z = True

    def forward(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        t = np.tanh(_GELU_C * (z + 0.044715 * z * z * z))
        return 0.5 * z * (1.0 + t)

    def backward(self, z: np.ndarray, a: np.ndarray, da: np.ndarray,
                 out: np.ndarray | None = None) -> np.ndarray:
        z2 = z * z
        t = np.tanh(_GELU_C * (z + 0.044715 * z2 * z))
        dt = _GELU_C * (1.0 + 3 * 0.044715 * z2)
        return da * (0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * dt)


class Softplus(ActivationFunction):
    name = "softplus"
    formula = "a = ln(1 + e^z)"
    derivative = "∂a/∂z = σ(z)"
    needs_z = True

    def forward(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        return np.logaddexp(0.0, z).astype(z.dtype, copy=False)

    def backward(self, z: np.ndarray, a: np.ndarray, da: np.ndarray,
                 out: np.ndarray | None = None) -> np.ndarray:
        return da * Sigmoid().forward(z)


class SiLU(ActivationFunction):
    name = "silu"
    formula = "a = z·σ(z)"
    derivative = "∂a/∂z = σ(z)·(1 + z·(1 − σ(z)))"
    needs_z = True

    def forward(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        return z * Sigmoid().forward(z)

    def backward(self, z: np.ndarray, a: np.ndarray, da: np.ndarray,
                 out: np.ndarray | None = None) -> np.ndarray:
        s = Sigmoid().forward(z)
        return da * s * (1.0 + z * (1.0 - s))


class Step(ActivationFunction):
    """The perceptron's threshold unit. Its derivative is 0 wherever it exists."""

    name = "step"
    formula = "a = 1 if z ≥ 0 else 0"
    derivative = "∂a/∂z = 0 (z ≠ 0): no gradient passes; trained by the perceptron rule"
    trainable = False

    def forward(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        return (z >= 0).astype(z.dtype)

    def backward(self, z: np.ndarray | None, a: np.ndarray, da: np.ndarray,
                 out: np.ndarray | None = None) -> np.ndarray:
        return np.zeros_like(da)


class Softmax(ActivationFunction):
    name = "softmax"
    formula = "a_i = e^(z_i) / Σ_j e^(z_j)"
    derivative = "∂L/∂z = a ⊙ (∂L/∂a − Σ_j a_j·∂L/∂a_j)"

    def forward(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        e = z - row_max(z)
        np.exp(e, out=e)
        e /= row_sum(e)
        return e

    def backward(self, z: np.ndarray | None, a: np.ndarray, da: np.ndarray,
                 out: np.ndarray | None = None) -> np.ndarray:
        return a * (da - row_sum(da * a))

    def local_grad(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        # Diagonal of the Jacobian, a_i(1 − a_i): enough for per-unit display.
        return a * (1.0 - a)


ACTIVATIONS = ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "softplus", "silu", "step")
OUTPUT_ACTIVATIONS = ACTIVATIONS + ("softmax",)

_SIMPLE = {
    "linear": Linear,
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "relu": ReLU,
    "gelu": GELU,
    "softplus": Softplus,
    "silu": SiLU,
    "step": Step,
    "softmax": Softmax,
}


def make_activation(name: str, negative_slope: float = 0.01, alpha: float = 1.0) -> ActivationFunction:
    if name == "leaky_relu":
        return LeakyReLU(negative_slope)
    if name == "elu":
        return ELU(alpha)
    try:
        return _SIMPLE[name]()
    except KeyError:
        raise ValueError(f"Unknown activation {name!r}; expected one of {', '.join(OUTPUT_ACTIVATIONS)}") from None
