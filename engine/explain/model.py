"""The record of one traced training step: what every node computed, forward and backward.

Plain data (NumPy arrays without the batch axis, strings, floats), so a view can render it however
it likes: values and bars for vectors, heatmaps for larger arrays, formulas beside them. Node names
are the graph's (unique) node names; parameter keys are ``<node name>/<param>`` as in
``Network.get_weights``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from .chain import ChainRules
    from .update import UpdateTrace


@dataclass
class NodeForward:
    """One node of the forward pass, in execution order (the Input first)."""

    name: str
    type: str                       # "Input", "Dense", "Activation", "Softmax", "Dropout", "BatchNorm", …
    inputs: list[str]               # producer node names, in port order ([] for the Input)
    input_values: list[np.ndarray]  # what arrived on each input port
    z: np.ndarray | None            # pre-activation (Dense: x·W + b; Activation/Softmax: its input); else None
    a: np.ndarray                   # the node's output
    activation: str | None          # "sigmoid", "linear", …; None for nodes without an activation
    formulas: list[str]             # how the output is computed, e.g. ["z = x·W", "a = σ(z) = 1 / (1 + e^(−z))"]
    derivative: str | None          # the activation's derivative, e.g. "∂a/∂z = σ(z)·(1 − σ(z))"
    params: dict[str, np.ndarray] = field(default_factory=dict)  # the weights used, by param name
    extras: dict[str, np.ndarray] = field(default_factory=dict)  # Dropout "mask"; BatchNorm "x_hat", …
    notes: list[str] = field(default_factory=list)
    consumers: list[tuple[str, int]] = field(default_factory=list)  # (node, input port) reading the output


@dataclass
class Contribution:
    """What one consumer sends back to a node's output: ∂L/∂a through that consumer."""

    consumer: str
    port: int  # the consumer's input port the node feeds (0-based)
    value: np.ndarray


@dataclass
class NodeBackward:
    """One node of the backward pass, in the order the engine runs it (the output layer first)."""

    name: str
    type: str
    grad_output: np.ndarray | None       # ∂L/∂a (the sum of the contributions, or the loss's ∂L/∂ŷ)
    grad_output_display_only: bool       # True: shown for the chain rule, the engine starts at ∂L/∂z (fused)
    local_derivative: np.ndarray | None  # f'(z) elementwise (Softmax: the diagonal a·(1 − a))
    grad_z: np.ndarray | None            # ∂L/∂z where the node has an activation
    contributions: list[Contribution]    # one per consumer (empty for the output node)
    grad_inputs: list[np.ndarray | None]  # what the node sends back to each input port (None: not needed)
    grad_params: dict[str, np.ndarray]   # ∂L/∂param, by param name
    formulas: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class LossTrace:
    """Prediction, target, loss value and the gradient that starts backpropagation."""

    node: str            # the Loss node's name
    function: str        # "mse", "bce", "cross_entropy", …
    formula: str         # the loss's formula, e.g. "L = mean((ŷ − y)²)"
    derivative: str      # ∂L/∂ŷ as a formula
    prediction: np.ndarray
    target: np.ndarray   # in the network's form (one-hot for cross-entropy)
    value: float
    n: int               # values the loss averages over for this sample (1 for cross-entropy)
    fusion: str | None   # "sigmoid_bce" | "softmax_ce" | "step" | None
    seed: np.ndarray     # ∂L/∂ŷ, or ∂L/∂z of the output layer when fused
    seed_is_z: bool
    seed_formula: str    # e.g. "∂L/∂ŷ = 2·(ŷ − y)/n" or "∂L/∂z = (ŷ − y)/n"
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class WalkStep:
    """One frame of the canvas animation: the active node and the values on its wires.

    Each wire is ``(source node, destination node, value)`` named in the graph's direction, also in
    the backward phase (where the value is the gradient flowing back along it).
    """

    phase: str  # "forward" | "loss" | "backward" | "update"
    node: str
    wires: tuple[tuple[str, str, np.ndarray], ...] = ()


@dataclass
class StepTrace:
    """Everything about one training step of one sample, on the weights the network had."""

    input_name: str
    output_name: str
    dtype: str
    task: str                       # "regression" | "binary" | "multiclass"
    fusion: str | None
    x: np.ndarray                   # the network input (after preprocessing)
    y: np.ndarray                   # the target as the network sees it
    forward: list[NodeForward]
    loss: LossTrace
    backward: list[NodeBackward]
    weights: dict[str, np.ndarray]     # every parameter before the step
    gradients: dict[str, np.ndarray]   # ∂L/∂w for every parameter: equal to Network.gradients(x, y)
    chain: "ChainRules | None" = None
    update: "UpdateTrace | None" = None
    raw_x: np.ndarray | None = None    # the sample's raw features, when a preprocessor was given
    raw_y: Any = None
    feature_names: list[str] = field(default_factory=list)  # names of the network's inputs
    class_names: list[str] = field(default_factory=list)
    label: str = ""                    # e.g. "sample 3 (train)"
    notes: list[str] = field(default_factory=list)

    @property
    def parameter_count(self) -> int:
        return int(sum(w.size for w in self.weights.values()))

    def node(self, name: str) -> NodeForward:
        for rec in self.forward:
            if rec.name == name:
                return rec
        raise KeyError(f"No node {name!r} in the trace")

    def backward_of(self, name: str) -> NodeBackward | None:
        """The node's backward record (None for nodes no gradient passes through, like the Input)."""
        return next((rec for rec in self.backward if rec.name == name), None)

    def walk(self) -> list[WalkStep]:
        """Forward node by node, the loss, backward node by node, then the updated nodes."""
        steps = [WalkStep("forward", rec.name, tuple((src, rec.name, v) for src, v in zip(rec.inputs, rec.input_values)))
                 for rec in self.forward]
        steps.append(WalkStep("loss", self.loss.node, ((self.output_name, self.loss.node, self.loss.prediction),)))
        out = self.backward_of(self.output_name)
        if out is not None and out.grad_output is not None:  # backprop starts here: ∂L/∂ŷ on the loss wire
            steps.append(WalkStep("backward", self.loss.node, ((self.output_name, self.loss.node, out.grad_output),)))
        for rec in self.backward:
            producers = self.node(rec.name).inputs
            wires = tuple((src, rec.name, g) for src, g in zip(producers, rec.grad_inputs) if g is not None)
            steps.append(WalkStep("backward", rec.name, wires))
        if self.update is not None:
            seen: list[str] = []
            for p in self.update.params:
                name = p.key.rsplit("/", 1)[0]
                if name not in seen:
                    seen.append(name)
                    steps.append(WalkStep("update", name))
        return steps
