"""Formulas and notes for each kind of node, forward and backward, in the notation of the report.

Activation formulas come from ``engine.layers.activation_functions`` and loss formulas from
``engine.losses``, so the text always names the functions the engine really runs.
"""
from __future__ import annotations

import numpy as np

from ..layers.base import Layer

FUSION_SEEDS = {
    "sigmoid_bce": ("∂L/∂z = (ŷ − y)/n",
                    "sigmoid + bce are fused: ∂L/∂ŷ · σ'(z) = (ŷ − y)/(ŷ·(1 − ŷ)·n) · ŷ·(1 − ŷ) = (ŷ − y)/n, so "
                    "the engine starts backpropagation at ∂L/∂z (no division by ŷ·(1 − ŷ), which can be 0)."),
    "softmax_ce": ("∂L/∂z = ŷ − y",
                   "softmax + cross-entropy are fused: the softmax Jacobian times ∂L/∂ŷ = −y/ŷ simplifies to "
                   "ŷ − y (y one-hot), so the engine starts backpropagation at ∂L/∂z."),
    "step": ("∂L/∂z := ŷ − y",
             "the output is a step, whose derivative is 0: it is trained by the perceptron rule, which puts "
             "ŷ − y in place of ∂L/∂z, so gradient descent becomes w ← w + η·(y − ŷ)·x. This is not a gradient."),
}

DERIVATIVE_SYMBOLS = {"sigmoid": "σ'", "tanh": "tanh'", "relu": "relu'", "leaky_relu": "leaky_relu'",
                      "elu": "elu'", "gelu": "gelu'", "softplus": "softplus'", "silu": "silu'", "step": "step'",
                      "softmax": "softmax'"}


def forward_formulas(kind: str, layer: Layer | None) -> list[str]:
    """How the node computes its output."""
    if kind == "Input":
        return ["x = the sample's features, after the dataset's preprocessing"]
    act = getattr(layer, "activation", None)
    if kind == "Dense":
        z = "z = x·W + b" if layer.params.get("b") is not None else "z = x·W"  # type: ignore[union-attr]
        return [z + "   (z[j] = Σ_i x[i]·W[i,j]" + (" + b[j])" if "b" in layer.params else ")"),  # type: ignore[union-attr]
                act.formula if act is not None and act.name != "linear" else "a = z (linear)"]
    if kind in ("Activation", "Softmax"):
        return ["z = the input", act.formula]
    if kind == "Dropout":
        return [f"a = x ⊙ m,  m = 1/(1 − rate) where kept and 0 where dropped (rate = {layer.rate:g})"]  # type: ignore[union-attr]
    if kind == "BatchNorm":
        return ["μ_B = mean of x over the batch,  σ²_B = variance of x over the batch",
                f"x̂ = (x − μ_B)/√(σ²_B + ε)   (ε = {layer.eps:g})",  # type: ignore[union-attr]
                "a = γ·x̂ + β"]
    if kind == "Add":
        return ["a = x1 + x2" + (" + …" if layer is not None and layer.arity > 2 else "")]
    if kind == "Concat":
        return ["a = [x1, x2" + (", …" if layer is not None and layer.arity > 2 else "") + "]  (joined along the features)"]
    if kind == "Flatten":
        return ["a = x as one vector (row by row)"]
    if kind == "Reshape":
        return [f"a = x with shape {list(layer.out_shape) if layer is not None else '…'} (the same values, row by row)"]
    if kind == "Conv2D" and layer is not None:
        c = layer.config
        bias = " + b[f]" if "b" in layer.params else ""
        return [f"z[f,y,x] = Σ_c Σ_i Σ_j W[f,c,i,j]·x[c, y·s+i, x·s+j]{bias}   ({c['kernel_size']}×{c['kernel_size']} "
                f"window, stride s = {c['stride']}, "
                f"{'x zero-padded: same' if c['padding'] == 'same' else 'no padding'})",
                act.formula if act is not None and act.name != "linear" else "a = z (linear)"]
    if kind in ("MaxPool2D", "AvgPool2D") and layer is not None:
        p, s = layer.config["pool_size"], layer.config["stride"]
        what = "largest value" if kind == "MaxPool2D" else "mean"
        return [f"a[c,y,x] = the {what} of x[c] in the {p}×{p} window at row y·{s}, column x·{s}"]
    if kind == "GlobalAveragePooling2D":
        return ["a[c] = the mean of channel c over all its pixels"]
    return [f"a = {kind}(x)"]


def backward_formulas(kind: str, layer: Layer | None, linear: bool) -> list[str]:
    """How the node turns ∂L/∂a into ∂L/∂z, ∂L/∂(weights) and ∂L/∂(inputs)."""
    if kind == "Dense":
        out = [] if linear else ["∂L/∂z = ∂L/∂a ⊙ f'(z)"]
        out.append("∂L/∂W = xᵀ·∂L/∂z   (∂L/∂W[i,j] = x[i]·∂L/∂z[j])")
        if layer is not None and "b" in layer.params:
            out.append("∂L/∂b = ∂L/∂z   (∂L/∂b[j] = ∂L/∂z[j]·1)")
        out.append("∂L/∂x = ∂L/∂z·Wᵀ   (∂L/∂x[i] = Σ_j ∂L/∂z[j]·W[i,j])")
        return out
    if kind == "Softmax" or (kind == "Activation" and getattr(layer, "activation", None) is not None
                             and layer.activation.name == "softmax"):  # type: ignore[union-attr]
        return [layer.activation.derivative]  # type: ignore[union-attr]
    if kind == "Activation":
        return ["∂L/∂z = ∂L/∂a ⊙ f'(z),  " + layer.activation.derivative]  # type: ignore[union-attr]
    if kind == "Dropout":
        return ["∂L/∂x = ∂L/∂a ⊙ m   (a dropped value passes no gradient)"]
    if kind == "BatchNorm":
        return ["∂L/∂γ = Σ_batch ∂L/∂a·x̂,   ∂L/∂β = Σ_batch ∂L/∂a",
                "∂L/∂x = γ/(N·√(σ²_B + ε)) · (N·∂L/∂a − Σ_batch ∂L/∂a − x̂·Σ_batch(∂L/∂a·x̂))"]
    if kind == "Add":
        return ["∂L/∂x_k = ∂L/∂a for every input k"]
    if kind == "Concat":
        return ["∂L/∂x_k = the part of ∂L/∂a that x_k filled"]
    if kind in ("Flatten", "Reshape"):
        return ["∂L/∂x = ∂L/∂a in the input's shape"]
    if kind == "Conv2D":
        out = [] if linear else ["∂L/∂z = ∂L/∂a ⊙ f'(z)"]
        out.append("∂L/∂W[f,c,i,j] = Σ_y Σ_x ∂L/∂z[f,y,x]·x[c, y·s+i, x·s+j]")
        if layer is not None and "b" in layer.params:
            out.append("∂L/∂b[f] = Σ_y Σ_x ∂L/∂z[f,y,x]")
        out.append("∂L/∂x[c,r,q] = Σ over every window that covers (r, q) of ∂L/∂z[f,y,x]·W[f,c,i,j]")
        return out
    if kind == "MaxPool2D":
        return ["∂L/∂x = ∂L/∂a at the maximum of each window (the first one on ties), 0 elsewhere"]
    if kind == "AvgPool2D":
        return ["∂L/∂x[c,r,q] = Σ over the windows that cover (r, q) of ∂L/∂a[c,y,x]/p²"]
    if kind == "GlobalAveragePooling2D":
        return ["∂L/∂x[c,r,q] = ∂L/∂a[c]/(height·width)"]
    return [f"∂L/∂x from {kind}'s backward pass"]


def forward_notes(kind: str, layer: Layer, extras: dict[str, np.ndarray]) -> list[str]:
    if kind == "Dropout":
        if "mask" not in extras:
            return ["rate 0: nothing is dropped"]
        kept = int(np.count_nonzero(extras["mask"]))
        return [f"{kept} of {extras['mask'].size} values kept (scaled by 1/(1 − {layer.rate:g})); the mask is the one "  # type: ignore[attr-defined]
                "the network's next training step would draw. At inference Dropout passes x unchanged."]
    if kind == "BatchNorm":
        return ["In training mode BatchNorm normalises over the batch. A single sample is its own batch: "
                "μ_B = x and σ²_B = 0, so x̂ = 0 and a = β whatever x is, and no gradient passes back to x "
                "(∂L/∂x = 0; γ gets none either). In training on batches of several samples x̂ is not 0. The "
                "trace shows what the engine computes for this one sample; it does not move the running statistics."]
    return []


def loss_notes(function: str, n: int) -> list[str]:
    if function in ("mse", "mae", "huber", "bce"):
        one = {"mse": " Here: L = (ŷ − y)², ∂L/∂ŷ = 2·(ŷ − y).", "bce": ""}.get(function, "") if n == 1 else ""
        return [f"{function} averages over every value of the batch: n = {n} for this one sample "
                f"(a batch of B samples divides by B·{n}).{one}"]
    if function == "cross_entropy":
        return ["cross_entropy sums over the classes and averages over the samples: N = 1 for this one sample."]
    return []

