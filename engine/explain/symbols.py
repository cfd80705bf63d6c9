"""Names for the scalars of a traced step, in textbook notation.

Layers are numbered in execution order, and each numbered layer ℓ has a pre-activation zℓ and an
output aℓ: a Dense layer with an activation owns both; a linear Dense layer's output is zℓ, and an
Activation node that is its only consumer turns it into aℓ (so ``x → Dense → sigmoid → Dense``
reads z1 = w1·x, a1 = σ(z1), ŷ = w2·a1). The network input is x, the output ŷ; any other node's
output is named after the node (``add_1[2]``). A weight is ``<node>.<param>[i,j]``, or just the
node's name when the node has a single weight (the textbook's w1 and w2). Indices are omitted for
arrays of one value.
"""
from __future__ import annotations

import numpy as np

from .describe import DERIVATIVE_SYMBOLS
from .model import NodeForward, StepTrace
from .text import index_suffix

ACTIVATION_TYPES = ("Activation", "Softmax")


class Symbols:
    def __init__(self, trace: StepTrace):
        self.trace = trace
        self.nodes: dict[str, NodeForward] = {rec.name: rec for rec in trace.forward}
        self.out: dict[str, str] = {}
        self.own_z: dict[str, str] = {}  # Dense layers with an activation: their pre-activation
        layer = 0
        for rec in trace.forward:
            if rec.type == "Input":
                self.out[rec.name] = "x"
            elif rec.type == "Dense":
                layer += 1
                if rec.activation == "linear":
                    self.out[rec.name] = f"z{layer}"
                else:
                    self.own_z[rec.name] = f"z{layer}"
                    self.out[rec.name] = f"a{layer}"
            elif rec.type in ACTIVATION_TYPES:
                producer = self.nodes[rec.inputs[0]]
                if (producer.type == "Dense" and producer.activation == "linear" and len(producer.consumers) == 1
                        and self.out[producer.name].startswith("z")):
                    self.out[rec.name] = "a" + self.out[producer.name][1:]
                else:
                    layer += 1
                    self.out[rec.name] = f"a{layer}"
            else:
                self.out[rec.name] = rec.name
        self.out[trace.output_name] = "ŷ"

    # ---- values --------------------------------------------------------------------------------
    def value(self, node: str, flat: int) -> str:
        """The symbol of element ``flat`` of a node's output."""
        a = self.nodes[node].a
        return self.out[node] + index_suffix(_unravel(flat, a.shape), a.size)

    def z(self, node: str, flat: int) -> str:
        """The pre-activation of an element of a Dense or Activation node (an Activation's z is its input)."""
        rec = self.nodes[node]
        if node in self.own_z:
            return self.own_z[node] + index_suffix(_unravel(flat, rec.a.shape), rec.a.size)
        if rec.type in ACTIVATION_TYPES:
            return self.value(rec.inputs[0], flat)
        return self.value(node, flat)

    def derivative(self, node: str, flat: int) -> str:
        """``σ'(z1)``, ``tanh'(z1[2])``."""
        act = self.nodes[node].activation or "linear"
        return f"{DERIVATIVE_SYMBOLS.get(act, act + chr(39))}({self.z(node, flat)})"

    def meaning(self, node: str, flat: int) -> str:
        rec = self.nodes[node]
        if rec.type == "Input":
            names = self.trace.feature_names
            feature = f" (feature {names[flat]})" if flat < len(names) else ""
            return f"input value {self.value(node, flat)}{feature}"
        return f"output of {node}"

    # ---- weights -------------------------------------------------------------------------------
    def param(self, key: str, index: tuple[int, ...]) -> str:
        node, pname = key.rsplit("/", 1)
        params = self.nodes[node].params
        arr = params[pname]
        if len(params) == 1 and arr.size == 1:
            return node
        return f"{node}.{pname}" + index_suffix(index, arr.size)

    def param_by_flat(self, key: str, flat: int) -> str:
        node, pname = key.rsplit("/", 1)
        return self.param(key, _unravel(flat, self.nodes[node].params[pname].shape))


def _unravel(flat: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(int(i) for i in np.unravel_index(flat, shape)) if shape else ()
