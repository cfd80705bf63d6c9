"""Activation and Softmax nodes: an elementwise (or row-wise) function of their input."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import registry
from ..errors import ShapeError
from ..params import ParamSpec
from .activation_functions import ACTIVATIONS, make_activation
from .base import Layer, Shape, fmt_shape
from .dense import activation_params


class ActivationLayer(Layer):
    def __init__(self, name: str, config: dict[str, Any], in_shapes: list[Shape], out_shape: Shape) -> None:
        super().__init__(name, config, in_shapes, out_shape)
        fn = config.get("function", "softmax")
        self.activation = make_activation(fn, config.get("negative_slope", 0.01), config.get("alpha", 1.0))
        self.z = self.a = None

    def forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        a = self.activation.forward(x, self.out_buffer("a", x.shape, x.dtype, training))
        if training or self.record:
            self.z, self.a = x, a
        return a

    def backward(self, da: np.ndarray) -> np.ndarray:
        return self.activation.backward(self.z, self.a, da, self.scratch("dz", da.shape, da.dtype))

    def backward_pre(self, dz: np.ndarray) -> np.ndarray:
        return dz


def _same_shape(params: dict[str, Any], in_shapes: list[Shape]) -> Shape:
    return in_shapes[0]


def _softmax_shape(params: dict[str, Any], in_shapes: list[Shape]) -> Shape:
    (shape,) = in_shapes
    if len(shape) != 1:
        raise ShapeError(f"Softmax expects a 1-D vector of class scores but receives {fmt_shape(shape)}: add Flatten")
    return shape


registry.register(
    registry.LayerSpec(
        type="Activation",
        category="Activation",
        description="Applies an activation function to each value: a = f(z).",
        params=registry.schema(
            ParamSpec("function", "choice", "relu", "The activation function", choices=ACTIVATIONS),
            *activation_params("function"),
        ),
        shape_rule=_same_shape,
        factory=ActivationLayer,
        name_prefix="act",
    )
)

registry.register(
    registry.LayerSpec(
        type="Softmax",
        category="Activation",
        description="Turns class scores into probabilities that sum to 1: a_i = e^z_i / Σ e^z_j.",
        params=registry.schema(),
        shape_rule=_softmax_shape,
        factory=ActivationLayer,
        name_prefix="softmax",
    )
)
