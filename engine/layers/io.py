"""Input and Loss nodes: where data enters the graph and where the prediction meets the target."""
from __future__ import annotations

import math
from typing import Any

from .. import registry
from ..errors import ShapeError
from ..losses import LOSSES
from ..params import ParamSpec
from .base import Shape, fmt_shape


MAX_INPUT_VALUES = 10_000_000


def _input_check(params: dict[str, Any]) -> None:
    size = math.prod(params["shape"])
    registry.require(size <= MAX_INPUT_VALUES,
                     f"Input.shape: at most {MAX_INPUT_VALUES:,} values per sample, received {size:,}", "shape")


def _input_shape(params: dict[str, Any], in_shapes: list[Shape]) -> Shape:
    return tuple(params["shape"])


def _loss_shape(params: dict[str, Any], in_shapes: list[Shape]) -> Shape:
    (shape,) = in_shapes
    if params["function"] == "cross_entropy" and len(shape) != 1:
        raise ShapeError(f"cross_entropy expects a 1-D vector of class probabilities but receives {fmt_shape(shape)}")
    return ()


registry.register(
    registry.LayerSpec(
        type="Input",
        category="Input / Output",
        description="The features of one sample enter the network here.",
        params=registry.schema(
            ParamSpec("shape", "shape", [2], "Shape of one sample, e.g. [2] for two features or [1, 8, 8] for an image"),
        ),
        shape_rule=_input_shape,
        factory=None,
        check=_input_check,
        inputs=(),
        name_prefix="input",
    )
)

registry.register(
    registry.LayerSpec(
        type="Loss",
        category="Input / Output",
        description="Compares the prediction with the target; training minimizes this value.",
        params=registry.schema(
            ParamSpec("function", "choice", "mse", "The loss function", choices=LOSSES),
            ParamSpec("delta", "float", 1.0, "Huber's switch point between quadratic and linear",
                      minimum=0.0, exclusive_min=True, visible_if=("function", ("huber",))),
        ),
        shape_rule=_loss_shape,
        factory=None,
        outputs=(),
        name_prefix="loss",
    )
)
