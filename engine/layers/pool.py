"""Pooling over (channels, height, width) samples: MaxPool2D, AvgPool2D (valid windows, no padding)
and GlobalAveragePooling2D ((C, H, W) -> (C,)).

The windows are visited one kernel offset at a time (p² strided slices of the whole batch), which
costs p² vectorised passes instead of a Python loop over samples or pixels. MaxPool2D's common case,
2 × 2 windows with stride 2 on an even map, pools horizontal pairs and then vertical pairs instead
(see MaxPool2DLayer._forward_pairs): half the passes, and the larger one runs as one long loop.
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

    def __init__(self, name: str, config: dict[str, Any], in_shapes: list[Shape], out_shape: Shape) -> None:
        super().__init__(name, config, in_shapes, out_shape)
        _, h, w = in_shapes[0]
        # 2 × 2 windows, stride 2, tiling the whole map: the fast path (see _forward_pairs).
        self.pairs = self.p == 2 and config["stride"] == 2 and h % 2 == 0 and w % 2 == 0
        self.rows: np.ndarray | None = None

    def _forward_pairs(self, x: np.ndarray, out: np.ndarray | None, training: bool) -> np.ndarray:
        """2 × 2 windows in two passes: the larger of each horizontal pair, then of each vertical pair.

        Horizontal neighbours are the even and odd values of the flattened batch, two views with one
        uniform stride, so NumPy runs that pass (over all values) as one long loop instead of one loop
        of OW values per row, as the strided window views need. ``rows`` (the pair maxima) is kept
        for the backward pass.
        """
        n, c, h, w = x.shape
        flat = x.reshape(-1, 2)
        rows = self.scratch("rows", (n * c * h * (w // 2),), x.dtype) if training else None
        rows = np.maximum(flat[:, 0], flat[:, 1], out=rows)
        r = rows.reshape(n * c * (h // 2), 2, w // 2)
        if out is None:
            out = np.empty((n,) + self.out_shape, x.dtype)
        np.maximum(r[:, 0], r[:, 1], out=out.reshape(r.shape[0], w // 2))
        if training:
            self.rows = rows
        return out

    def _backward_pairs(self, dy: np.ndarray) -> np.ndarray:
        """The first maximum in row order: the top row of a window wins when its larger value is the
        window's maximum, and in the winning row the left value wins when it is the row's maximum."""
        n, c, h, w = self.x.shape
        oh, ow = h // 2, w // 2
        r = self.rows.reshape(n, c, oh, 2, ow)
        top = np.equal(r[:, :, :, 0], self.y, out=self.scratch("top", dy.shape, np.bool_))
        drow = self.scratch("drow", (n, c, oh, 2, ow), dy.dtype)
        np.multiply(dy, top, out=drow[:, :, :, 0])
        np.subtract(dy, drow[:, :, :, 0], out=drow[:, :, :, 1])  # dy where the bottom row won, else 0
        flat = self.x.reshape(-1, 2)
        left = np.equal(flat[:, 0], self.rows, out=self.scratch("left", self.rows.shape, np.bool_))
        dx = self.scratch("dx", (n, c, h, w), dy.dtype)
        dxf = dx.reshape(-1, 2)
        g = drow.reshape(-1)
        np.multiply(g, left, out=dxf[:, 0])
        np.subtract(g, dxf[:, 0], out=dxf[:, 1])  # the row's gradient where the right value won
        return dx

    def forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        shape = (x.shape[0],) + self.out_shape
        out = self.out_buffer("y", shape, x.dtype, training)
        if self.pairs and x.flags.c_contiguous:
            out = self._forward_pairs(x, out, training)
            if training:
                self.x, self.y = x, out
            return out
        if training:
            self.rows = None
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
        if self.rows is not None:
            return self._backward_pairs(dy)
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
        self.y = self.rows = None


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
