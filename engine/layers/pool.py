"""Pooling over (channels, height, width) samples: MaxPool2D, AvgPool2D (valid windows, no padding)
and GlobalAveragePooling2D ((C, H, W) -> (C,)).

The windows are visited one kernel offset at a time (p² strided slices of the whole batch), which
costs p² vectorised passes instead of a Python loop over samples or pixels.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import registry
from ..errors import ShapeError
from ..params import ParamSchema, ParamSpec
from .base import Layer, Shape
from .conv import require_image
from .conv_geometry import conv_output, window_slices


def _first_window(x: np.ndarray, offset: tuple[slice, slice], out: np.ndarray | None) -> np.ndarray:
    window = x[:, :, offset[0], offset[1]]
    if out is None:
        return window.copy()
    np.copyto(out, window)
    return out


class _Pool2D(Layer):
    def __init__(self, name: str, config: dict[str, Any], in_shapes: list[Shape], out_shape: Shape) -> None:
        super().__init__(name, config, in_shapes, out_shape)
        p, s = config["pool_size"], config["stride"]
        _, oh, ow = out_shape
        self.p = p
        self.offsets = [(window_slices(i, oh, s), window_slices(j, ow, s)) for i in range(p) for j in range(p)]
        self.x: np.ndarray | None = None
        self.y: np.ndarray | None = None

    def _dx(self, dy: np.ndarray) -> np.ndarray:
        dx = self.scratch("dx", (dy.shape[0],) + self.in_shapes[0], dy.dtype)
        dx.fill(0)
        return dx


class MaxPool2DLayer(_Pool2D):
    """Backward routes each gradient to the first maximum of its window (ties: the first in row order).

    The forward pass is only p² − 1 ``maximum`` calls; the backward pass finds the winners again by
    comparing each offset with the maximum (an argmax kept in the forward pass cost 10× more here:
    masked copies over strided windows are slow). After a ReLU, all-zero windows are common, so the
    ``taken`` mask matters: only the first equal value of a window gets the gradient.
    """

    def forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        shape = (x.shape[0],) + self.out_shape
        out = self.out_buffer("y", shape, x.dtype, training)
        (r0, c0), rest = self.offsets[0], self.offsets[1:]
        if not rest:
            out = _first_window(x, (r0, c0), out)
        else:
            r1, c1 = rest[0]
            out = np.maximum(x[:, :, r0, c0], x[:, :, r1, c1], out=out)
            for rows, cols in rest[1:]:
                np.maximum(out, x[:, :, rows, cols], out=out)
        if training:
            self.x, self.y = x, out
        return out

    def backward(self, dy: np.ndarray) -> np.ndarray:
        dx = self._dx(dy)
        x, y = self.x, self.y
        hit = self.scratch("hit", dy.shape, np.bool_)
        taken = self.scratch("taken", dy.shape, np.bool_)
        disjoint = self.config["stride"] >= self.p
        last = len(self.offsets) - 1
        for o, (rows, cols) in enumerate(self.offsets):
            np.equal(x[:, :, rows, cols], y, out=hit)
            if o:
                np.greater(hit, taken, out=hit)  # hit and not taken: an earlier offset already won
            if o < last:
                if o:
                    np.logical_or(taken, hit, out=taken)
                else:
                    np.copyto(taken, hit)
            target = dx[:, :, rows, cols]
            if disjoint:  # each input pixel is in one window at most: write instead of add
                np.multiply(dy, hit, out=target)
            else:
                target += dy * hit
        return dx

    def release(self) -> None:
        super().release()
        self.y = None


class AvgPool2DLayer(_Pool2D):
    def forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        shape = (x.shape[0],) + self.out_shape
        out = _first_window(x, self.offsets[0], self.out_buffer("y", shape, x.dtype, training))
        for rows, cols in self.offsets[1:]:
            out += x[:, :, rows, cols]
        out *= 1.0 / (self.p * self.p)
        return out

    def backward(self, dy: np.ndarray) -> np.ndarray:
        dx = self._dx(dy)
        share = np.multiply(dy, 1.0 / (self.p * self.p), out=self.scratch("share", dy.shape, dy.dtype))
        for rows, cols in self.offsets:
            dx[:, :, rows, cols] += share
        return dx


class GlobalAveragePooling2DLayer(Layer):
    def forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        n, c, h, w = x.shape
        out = self.out_buffer("y", (n, c), x.dtype, training)
        out = np.sum(x.reshape(n, c, h * w), axis=2, out=out)
        out *= 1.0 / (h * w)
        return out

    def backward(self, dy: np.ndarray) -> np.ndarray:
        c, h, w = self.in_shapes[0]
        dx = self.scratch("dx", (dy.shape[0], c, h, w), dy.dtype)
        np.multiply(dy[:, :, None, None], 1.0 / (h * w), out=dx)
        return dx


def _pool_shape(layer: str) -> registry.ShapeRule:
    def rule(params: dict[str, Any], in_shapes: list[Shape]) -> Shape:
        c, h, w = require_image(layer, in_shapes[0])
        p, s = params["pool_size"], params["stride"]
        if p > h or p > w:
            raise ShapeError(f"{layer}: pool {p} is larger than the input {h} × {w}: use a smaller pool_size or "
                             "remove a pooling layer")
        return (c, conv_output(h, p, s, "valid")[0], conv_output(w, p, s, "valid")[0])

    return rule


def _gap_shape(params: dict[str, Any], in_shapes: list[Shape]) -> Shape:
    c, _, _ = require_image("GlobalAveragePooling2D", in_shapes[0])
    return (c,)


def _pool_params() -> ParamSchema:
    return registry.schema(
        ParamSpec("pool_size", "int", 2, "Side p of the square p × p window", minimum=1, maximum=64),
        ParamSpec("stride", "int", 2, "Step of the window in pixels (= pool_size: windows do not overlap)",
                  minimum=1, maximum=64),
    )


for _type, _factory, _what, _prefix in (
    ("MaxPool2D", MaxPool2DLayer, "the largest value of each p × p window", "maxpool"),
    ("AvgPool2D", AvgPool2DLayer, "the mean of each p × p window", "avgpool"),
):
    registry.register(
        registry.LayerSpec(
            type=_type,
            category="Convolution",
            description=f"Downsamples each channel of the image to {_what} (no padding).",
            params=_pool_params(),
            shape_rule=_pool_shape(_type),
            factory=_factory,
            name_prefix=_prefix,
        )
    )

registry.register(
    registry.LayerSpec(
        type="GlobalAveragePooling2D",
        category="Convolution",
        description="Averages each channel over the whole image: (channels, height, width) -> (channels,).",
        params=registry.schema(),
        shape_rule=_gap_shape,
        factory=GlobalAveragePooling2DLayer,
        name_prefix="gap",
    )
)
