"""Merging layers: Add (elementwise sum of equal shapes) and Concat (along the feature/channel axis)."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import registry
from ..errors import ShapeError
from ..params import ParamSpec
from .base import Layer, Shape, fmt_shape

_INPUTS = ParamSpec("inputs", "int", 2, "Number of input ports", minimum=2, maximum=8)


class AddLayer(Layer):
    def __init__(self, name: str, config: dict[str, Any], in_shapes: list[Shape], out_shape: Shape) -> None:
        super().__init__(name, config, in_shapes, out_shape)
        self.arity = len(in_shapes)

    def forward(self, xs: list[np.ndarray], training: bool) -> np.ndarray:
        out = xs[0] + xs[1]
        for x in xs[2:]:
            out += x
        return out

    def backward(self, dy: np.ndarray) -> list[np.ndarray]:
        return [dy] * self.arity


class ConcatLayer(Layer):
    def __init__(self, name: str, config: dict[str, Any], in_shapes: list[Shape], out_shape: Shape) -> None:
        super().__init__(name, config, in_shapes, out_shape)
        self.arity = len(in_shapes)
        sizes = [s[0] for s in in_shapes]
        self.splits = list(np.cumsum(sizes)[:-1])

    def forward(self, xs: list[np.ndarray], training: bool) -> np.ndarray:
        return np.concatenate(xs, axis=1)

    def backward(self, dy: np.ndarray) -> list[np.ndarray]:
        return np.split(dy, self.splits, axis=1)


def _add_shape(params: dict[str, Any], in_shapes: list[Shape]) -> Shape:
    first = in_shapes[0]
    for other in in_shapes[1:]:
        if other != first:
            shapes = " and ".join(fmt_shape(s) for s in in_shapes)
            raise ShapeError(f"Add needs inputs of equal shape: {shapes}")
    return first


def _concat_shape(params: dict[str, Any], in_shapes: list[Shape]) -> Shape:
    first = in_shapes[0]
    for other in in_shapes[1:]:
        if len(other) != len(first) or other[1:] != first[1:]:
            shapes = " and ".join(fmt_shape(s) for s in in_shapes)
            raise ShapeError(
                f"Concat joins along the first feature axis, so the other axes must match: {shapes}"
            )
    return (sum(s[0] for s in in_shapes),) + tuple(first[1:])


registry.register(
    registry.LayerSpec(
        type="Add",
        category="Merge",
        description="Adds its inputs elementwise (a residual or skip connection); shapes must match.",
        params=registry.schema(_INPUTS),
        shape_rule=_add_shape,
        factory=AddLayer,
        variadic="inputs",
        name_prefix="add",
    )
)

registry.register(
    registry.LayerSpec(
        type="Concat",
        category="Merge",
        description="Joins its inputs side by side along the feature (channel) axis.",
        params=registry.schema(_INPUTS),
        shape_rule=_concat_shape,
        factory=ConcatLayer,
        variadic="inputs",
        name_prefix="concat",
    )
)
