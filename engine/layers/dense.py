"""Dense (fully connected) layer: z = x·W + b, a = activation(z). W has shape (inputs, units)."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import registry
from ..fastmath import col_sum
from ..errors import ShapeError
from ..initializers import INITIALIZERS, initialize
from ..params import ParamSpec
from .activation_functions import OUTPUT_ACTIVATIONS, make_activation
from .activated import ActivatedOutput
from .base import Layer, Shape, fmt_shape


class DenseLayer(ActivatedOutput, Layer):
    def __init__(self, name: str, config: dict[str, Any], in_shapes: list[Shape], out_shape: Shape) -> None:
        super().__init__(name, config, in_shapes, out_shape)
        self.activation = make_activation(config["activation"], config["negative_slope"], config["alpha"])
        self.linear = config["activation"] == "linear"
        self.use_bias = bool(config["use_bias"])
        self.kernels = ("W",)
        self.x = self.z = self.a = None

    def param_shapes(self) -> dict[str, Shape]:
        shapes = {"W": (self.in_shapes[0][0], self.config["units"])}
        if self.use_bias:
            shapes["b"] = (self.config["units"],)
        return shapes

    def init_params(self, rng: np.random.Generator) -> dict[str, np.ndarray]:
        n_in, n_out = self.in_shapes[0][0], self.config["units"]
        c = self.config
        out = {"W": initialize(c["initializer"], (n_in, n_out), n_in, n_out, rng, c["init_low"], c["init_high"])}
        if self.use_bias:
            out["b"] = np.full((n_out,), c["bias_init"])
        return out

    def initialize(self, rng: np.random.Generator, dtype: np.dtype) -> None:
        super().initialize(rng, dtype)
        self.bind()

    def bind(self) -> None:
        """Cache the arrays as attributes (the hot loop avoids dict lookups)."""
        self.W, self.gW = self.params["W"], self.grads["W"]
        self.b = self.params.get("b")
        self.gb = self.grads.get("b")

    def forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        shape = (x.shape[0], self.W.shape[1])
        z = np.matmul(x, self.W, out=self.out_buffer("z", shape, self.W.dtype, training))
        if training:
            self.x = x
        if self.b is not None:
            z += self.b
        return self.activate(z, training)

    def backward_pre(self, dz: np.ndarray) -> np.ndarray | None:
        np.matmul(self.x.T, dz, out=self.gW)
        if self.gb is not None:
            col_sum(dz, out=self.gb)
        if self.need_dx:
            return np.matmul(dz, self.W.T, out=self.scratch("dx", self.x.shape, dz.dtype))
        return None


def _dense_shape(params: dict[str, Any], in_shapes: list[Shape]) -> Shape:
    (shape,) = in_shapes
    if len(shape) != 1:
        raise ShapeError(f"Dense expects a 1-D feature vector but receives {fmt_shape(shape)}: add Flatten")
    return (params["units"],)


def check_uniform_bounds(layer: str, params: dict[str, Any]) -> None:
    """A layer with weight_init_params: the uniform initializer's bounds must be in order."""
    if params["initializer"] == "uniform":
        registry.require(
            params["init_low"] <= params["init_high"],
            f"{layer}: uniform initializer needs init_low ≤ init_high (equal bounds give a constant), received "
            f"{params['init_low']:g} and {params['init_high']:g}",
        )


def weight_init_params(default: str, initializer_help: str, bias_help: str) -> tuple[ParamSpec, ...]:
    """How a layer's weights and biases are drawn at reset (Dense, Conv2D)."""
    return (
        ParamSpec("initializer", "choice", default, initializer_help, choices=INITIALIZERS),
        ParamSpec("init_low", "float", -0.5, "Lower bound of the uniform initializer",
                  visible_if=("initializer", ("uniform",))),
        ParamSpec("init_high", "float", 0.5, "Upper bound of the uniform initializer (equal bounds: every weight is that value)",
                  visible_if=("initializer", ("uniform",))),
        ParamSpec("bias_init", "float", 0.0, bias_help),
    )


def activation_params(selector: str) -> tuple[ParamSpec, ParamSpec]:
    """The activations' own parameters, shown when the parameter ``selector`` picks their function."""
    return (
        ParamSpec("negative_slope", "float", 0.01, "Slope of leaky_relu for z < 0", minimum=0.0, maximum=1.0,
                  visible_if=(selector, ("leaky_relu",))),
        ParamSpec("alpha", "float", 1.0, "Scale of elu for z < 0", minimum=0.0, exclusive_min=True,
                  visible_if=(selector, ("elu",))),
    )


registry.register(
    registry.LayerSpec(
        type="Dense",
        category="Core",
        description="Fully connected layer: z = x·W + b, then an optional activation.",
        params=registry.schema(
            ParamSpec("units", "int", 8, "Number of neurons", minimum=1, maximum=65536),
            ParamSpec("activation", "choice", "linear", "Activation applied to z", choices=OUTPUT_ACTIVATIONS),
            *activation_params("activation"),
            ParamSpec("use_bias", "bool", True, "Add a bias b to each neuron"),
            *weight_init_params("glorot_uniform", "How W is drawn at reset", "Initial value of every bias (Playground: 0.1)"),
        ),
        shape_rule=_dense_shape,
        factory=DenseLayer,
        name_prefix="dense",
        check=lambda params: check_uniform_bounds("Dense", params),
        has_weights=True,
    )
)
