"""Flatten: (N, d1, d2, …) -> (N, d1·d2·…); Reshape: (N, *in) -> (N, *shape) with the same values."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import registry
from ..errors import ShapeError
from ..params import ParamSpec
from .base import Layer, Shape, flat_size, fmt_shape


class FlattenLayer(Layer):
    def forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        return x.reshape(x.shape[0], -1)

    def backward(self, dy: np.ndarray) -> np.ndarray:
        return dy.reshape((dy.shape[0],) + self.in_shapes[0])


class ReshapeLayer(Layer):
    """Row-major (C order) like NumPy, PyTorch and ONNX: [64] -> [1, 8, 8] reads the rows of the image."""

    def forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        return x.reshape((x.shape[0],) + self.out_shape)

    def backward(self, dy: np.ndarray) -> np.ndarray:
        return dy.reshape((dy.shape[0],) + self.in_shapes[0])


def _reshape_shape(params: dict[str, Any], in_shapes: list[Shape]) -> Shape:
    (shape,) = in_shapes
    target = tuple(params["shape"])
    have, need = flat_size(shape), flat_size(target)
    if have != need:
        raise ShapeError(f"Reshape: {fmt_shape(shape)} has {have} values, {list(target)} needs {need}")
    return target


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

registry.register(
    registry.LayerSpec(
        type="Reshape",
        category="Reshape",
        description="Gives each sample a new shape with the same values in the same order, e.g. 64 features "
                    "into a (1, 8, 8) image (channels, height, width).",
        params=registry.schema(
            ParamSpec("shape", "shape", [1, 8, 8], "Shape of one sample, e.g. [1, 8, 8] for a grey 8 × 8 image"),
        ),
        shape_rule=_reshape_shape,
        factory=ReshapeLayer,
        name_prefix="reshape",
    )
)
