"""A public, read-only view of a compiled network for the exporters.

``plan(net)`` lists the layers in execution order with their type, parameters, input names, shapes
and weights, so that the exporters never touch the network's private execution tuples.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .common import ExportError, conv_output

# The layer types every exporter handles (Input and Loss are not steps: Loss is training-only).
SUPPORTED = ("Dense", "Conv2D", "Activation", "Softmax", "Dropout", "BatchNorm", "Add", "Concat", "Flatten",
             "Reshape", "MaxPool2D", "AvgPool2D", "GlobalAveragePooling2D")


@dataclass(frozen=True)
class Activation:
    """An activation function and its own parameters."""

    function: str
    negative_slope: float = 0.01
    alpha: float = 1.0

    def describe(self) -> str:
        if self.function == "leaky_relu":
            return f"leaky_relu (slope {self.negative_slope:g})"
        if self.function == "elu":
            return f"elu (alpha {self.alpha:g})"
        return self.function


@dataclass(frozen=True)
class Step:
    name: str
    type: str
    config: dict[str, Any]
    inputs: tuple[str, ...]
    input_shapes: tuple[tuple[int, ...], ...]
    output_shape: tuple[int, ...]
    weights: dict[str, np.ndarray] = field(default_factory=dict)  # params and state, by param name

    @property
    def activation(self) -> Activation | None:
        """The activation this step applies (Dense, Conv2D, Activation, Softmax); None for the others."""
        c = self.config
        if self.type in ("Dense", "Conv2D"):
            fn = c["activation"]
        elif self.type == "Activation":
            fn = c["function"]
        elif self.type == "Softmax":
            fn = "softmax"
        else:
            return None
        return Activation(fn, float(c.get("negative_slope", 0.01)), float(c.get("alpha", 1.0)))

    def describe(self) -> str:
        """One line for a generated file's header, e.g. ``Dense 8 units, tanh``."""
        c = self.config
        if self.type == "Dense":
            bias = "" if c["use_bias"] else ", no bias"
            units = f"{c['units']} unit" + ("s" if c["units"] != 1 else "")
            return f"Dense {units}, {self.activation.describe()}{bias}"  # type: ignore[union-attr]
        if self.type == "Conv2D":
            bias = "" if c["use_bias"] else ", no bias"
            k, stride = int(c["kernel_size"]), int(c["stride"])
            return (f"Conv2D {c['filters']} × {k}×{k}, stride {stride}, {self.padding_text()}, "
                    f"{self.activation.describe()}{bias}")  # type: ignore[union-attr]
        if self.type in ("MaxPool2D", "AvgPool2D"):
            k = int(c["pool_size"])
            return f"{self.type} {k}×{k}, stride {int(c['stride'])}"
        if self.type == "Reshape":
            return f"Reshape to {_shape(self.output_shape)}"
        if self.type == "Activation":
            return f"Activation {self.activation.describe()}"  # type: ignore[union-attr]
        if self.type == "Dropout":
            return f"Dropout rate {c['rate']:g} (identity at inference)"
        if self.type == "BatchNorm":
            return f"BatchNorm epsilon {c['epsilon']:g} (running statistics)"
        return self.type

    @property
    def pads(self) -> tuple[int, int, int, int]:
        """Conv2D's zero padding (top, left, bottom, right): all 0 for "valid"; TF/Keras "same"
        (out = ceil(in / stride), an odd total puts the extra row or column at the bottom/right)."""
        if self.type != "Conv2D":
            return (0, 0, 0, 0)
        return conv_pads(self.input_shapes[0][1:], int(self.config["kernel_size"]), int(self.config["stride"]),
                         str(self.config["padding"]))

    def padding_text(self) -> str:
        top, left, bottom, right = self.pads
        if not any(self.pads):
            return f'padding "{self.config["padding"]}"'
        return f'padding "{self.config["padding"]}" (top {top}, left {left}, bottom {bottom}, right {right})'


@dataclass(frozen=True)
class Plan:
    input_name: str
    input_shape: tuple[int, ...]
    output_name: str
    output_shape: tuple[int, ...]
    dtype: np.dtype
    steps: tuple[Step, ...]

    def header_lines(self) -> list[str]:
        """The layers in execution order, one aligned line each, for generated files."""
        rows = [(self.input_name, f"Input {_shape(self.input_shape)}", "")]
        for s in self.steps:
            rows.append((s.name, s.describe(), f"{' + '.join(s.inputs)} -> {_shape(s.output_shape)}"))
        w0 = max(len(r[0]) for r in rows)
        w1 = max(len(r[1]) for r in rows)
        return [f"{a:<{w0}}  {b:<{w1}}  {c}".rstrip() for a, b, c in rows]


def _shape(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def conv_pads(size: tuple[int, ...], k: int, stride: int, padding: str) -> tuple[int, int, int, int]:
    """(top, left, bottom, right) for an image of ``size`` (H, W): the engine's own rule."""
    (_, top, bottom), (_, left, right) = (conv_output(n, k, stride, padding) for n in size)
    return (top, left, bottom, right)


def plan(net: Any) -> Plan:
    """The network's execution plan; ExportError when it holds a layer type no exporter knows."""
    slot_names = {0: net.input_name}
    steps = []
    for layer, ins, out, _arity in net._steps:  # (layer, input slots, output slot, arity)
        slot_names[out] = layer.name
        kind = net.types[layer.name]
        if kind not in SUPPORTED:
            raise ExportError(f"{layer.name} is a {kind} layer, which cannot be exported yet; "
                              f"exportable layers: Input, {', '.join(SUPPORTED)}")
        weights = {k: v.copy() for k, v in {**layer.params, **layer.state}.items()}
        steps.append(Step(layer.name, kind, dict(layer.config), tuple(slot_names[i] for i in ins),
                          tuple(tuple(s) for s in layer.in_shapes), tuple(net.output_shapes[layer.name]),
                          weights))
    return Plan(net.input_name, tuple(net.input_shape), net.output_name, tuple(net.output_shape),
                np.dtype(net.dtype), tuple(steps))
