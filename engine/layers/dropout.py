"""Dropout: during training zero each value with probability ``rate`` and scale the rest by 1/(1−rate)."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import registry
from ..params import ParamSpec
from .base import Layer, Shape


class DropoutLayer(Layer):
    def __init__(self, name: str, config: dict[str, Any], in_shapes: list[Shape], out_shape: Shape) -> None:
        super().__init__(name, config, in_shapes, out_shape)
        self.rate = float(config["rate"])
        self.rng = np.random.default_rng(0)
        self.mask = None

    def set_noise(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def get_noise(self) -> np.random.Generator:
        return self.rng

    def forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        if not training or self.rate == 0.0:
            self.mask = None
            return x
        keep = self.rng.random(x.shape, dtype=np.float64) >= self.rate
        self.mask = keep.astype(x.dtype) / x.dtype.type(1.0 - self.rate)
        return x * self.mask

    def backward(self, dy: np.ndarray) -> np.ndarray:
        if self.mask is None:
            return dy
        return dy * self.mask

    def release(self) -> None:
        self.mask = None


registry.register(
    registry.LayerSpec(
        type="Dropout",
        category="Regularization",
        description="Randomly zeroes a fraction of values while training (inverted dropout); identity at inference.",
        params=registry.schema(
            ParamSpec("rate", "float", 0.5, "Fraction of values dropped", minimum=0.0, maximum=0.95),
        ),
        shape_rule=lambda params, in_shapes: in_shapes[0],
        factory=DropoutLayer,
        name_prefix="dropout",
    )
)
