"""Flatten: (N, d1, d2, …) -> (N, d1·d2·…)."""
from __future__ import annotations

import numpy as np

from .. import registry
from .base import Layer, flat_size


class FlattenLayer(Layer):
    def forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        return x.reshape(x.shape[0], -1)

    def backward(self, dy: np.ndarray) -> np.ndarray:
        return dy.reshape((dy.shape[0],) + self.in_shapes[0])


registry.register(
    registry.LayerSpec(
        type="Flatten",
        category="Reshape",
        description="Flattens each sample into a 1-D feature vector (e.g. an 8 × 8 image into 64 values).",
        params=registry.schema(),
        shape_rule=lambda params, in_shapes: (flat_size(in_shapes[0]),),
        factory=FlattenLayer,
        name_prefix="flatten",
    )
)
