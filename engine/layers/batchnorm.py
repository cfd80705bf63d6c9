"""Batch normalization over the feature (or channel) axis, with running statistics for inference.

Training: y = γ·(x − μ_B)/√(σ²_B + ε) + β with the batch's mean and (biased) variance, and
running = momentum·running + (1 − momentum)·batch. Inference uses the running statistics.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import registry
from ..params import ParamSpec
from .base import Layer, Shape


class BatchNormLayer(Layer):
    def __init__(self, name: str, config: dict[str, Any], in_shapes: list[Shape], out_shape: Shape) -> None:
        super().__init__(name, config, in_shapes, out_shape)
        self.momentum = float(config["momentum"])
        self.eps = float(config["epsilon"])
        shape = in_shapes[0]
        self.channels = shape[0]
        # (N, C) reduces over axis 0; (N, C, H, W) over 0, 2, 3.
        self.axes = (0,) + tuple(range(2, len(shape) + 1))
        self.bshape = (1, self.channels) + (1,) * (len(shape) - 1)
        self.xhat = self.inv_std = None

    def param_shapes(self) -> dict[str, Shape]:
        return {"gamma": (self.channels,), "beta": (self.channels,)}

    def init_params(self, rng: np.random.Generator) -> dict[str, np.ndarray]:
        return {"gamma": np.ones(self.channels), "beta": np.zeros(self.channels)}

    def state_shapes(self) -> dict[str, Shape]:
        return {"running_mean": (self.channels,), "running_var": (self.channels,)}

    def init_state(self) -> dict[str, np.ndarray]:
        return {"running_mean": np.zeros(self.channels), "running_var": np.ones(self.channels)}

    def forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        gamma = self.params["gamma"].reshape(self.bshape)
        beta = self.params["beta"].reshape(self.bshape)
        if training:
            mean = x.mean(axis=self.axes)
            var = x.var(axis=self.axes)
            m = self.momentum
            rm, rv = self.state["running_mean"], self.state["running_var"]
            rm *= m
            rm += (1.0 - m) * mean
            rv *= m
            rv += (1.0 - m) * var
            inv_std = 1.0 / np.sqrt(var + self.eps)
            xhat = (x - mean.reshape(self.bshape)) * inv_std.reshape(self.bshape)
            self.xhat, self.inv_std = xhat, inv_std
            return xhat * gamma + beta
        mean = self.state["running_mean"].reshape(self.bshape)
        inv_std = 1.0 / np.sqrt(self.state["running_var"].reshape(self.bshape) + self.eps)
        return (x - mean) * (inv_std * gamma) + beta

    def backward(self, dy: np.ndarray) -> np.ndarray | None:
        xhat = self.xhat
        n = dy.size // self.channels
        np.sum(dy * xhat, axis=self.axes, out=self.grads["gamma"])
        np.sum(dy, axis=self.axes, out=self.grads["beta"])
        if not self.need_dx:
            return None
        g = (self.params["gamma"] * self.inv_std).reshape(self.bshape)
        dbeta = self.grads["beta"].reshape(self.bshape)
        dgamma = self.grads["gamma"].reshape(self.bshape)
        return (g / n) * (n * dy - dbeta - xhat * dgamma)

    def release(self) -> None:
        self.xhat = self.inv_std = None


registry.register(
    registry.LayerSpec(
        type="BatchNorm",
        category="Normalization",
        description="Normalizes each feature over the batch, then scales by γ and shifts by β.",
        params=registry.schema(
            ParamSpec("momentum", "float", 0.9, "Weight of the old running statistics", minimum=0.0, maximum=0.9999),
            ParamSpec("epsilon", "float", 1e-5, "Added to the variance", minimum=0.0, exclusive_min=True, maximum=1.0),
        ),
        shape_rule=lambda params, in_shapes: in_shapes[0],
        factory=BatchNormLayer,
        name_prefix="batchnorm",
        has_weights=True,
    )
)
