"""Weight initializers. Every draw comes from a numpy Generator so a seed reproduces a run."""
from __future__ import annotations

import math

import numpy as np

INITIALIZERS = (
    "glorot_uniform",
    "glorot_normal",
    "he_uniform",
    "he_normal",
    "lecun_normal",
    "uniform",
    "zeros",
)


def initialize(
    name: str,
    shape: tuple[int, ...],
    fan_in: int,
    fan_out: int,
    rng: np.random.Generator,
    low: float = -0.5,
    high: float = 0.5,
) -> np.ndarray:
    """An array of ``shape`` (float64) drawn by the named scheme.

    glorot_uniform  U(-l, l), l = sqrt(6 / (fan_in + fan_out))
    glorot_normal   N(0, s²), s = sqrt(2 / (fan_in + fan_out))
    he_uniform      U(-l, l), l = sqrt(6 / fan_in)
    he_normal       N(0, s²), s = sqrt(2 / fan_in)
    lecun_normal    N(0, s²), s = sqrt(1 / fan_in)
    uniform         U(low, high)   (TensorFlow Playground: U(-0.5, 0.5))
    zeros           0
    """
    fan_in = max(1, fan_in)
    fan_out = max(1, fan_out)
    if name == "zeros":
        return np.zeros(shape)
    if name == "uniform":
        return rng.uniform(low, high, size=shape)
    if name == "glorot_uniform":
        limit = math.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, size=shape)
    if name == "glorot_normal":
        return rng.normal(0.0, math.sqrt(2.0 / (fan_in + fan_out)), size=shape)
    if name == "he_uniform":
        limit = math.sqrt(6.0 / fan_in)
        return rng.uniform(-limit, limit, size=shape)
    if name == "he_normal":
        return rng.normal(0.0, math.sqrt(2.0 / fan_in), size=shape)
    if name == "lecun_normal":
        return rng.normal(0.0, math.sqrt(1.0 / fan_in), size=shape)
    raise ValueError(f"Unknown initializer {name!r}; expected one of {', '.join(INITIALIZERS)}")
