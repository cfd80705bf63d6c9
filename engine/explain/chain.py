"""The chain rule of every weight, as products of named factors with their values.

A weight of a Dense layer gets ∂L/∂W[i,j] = ∂L/∂z[j] · x[i] and a bias ∂L/∂b[j] = ∂L/∂z[j] · 1.
Then, walking towards the loss,

    ∂L/∂z[j] = ∂L/∂a[j] · f'(z[j])
    ∂L/∂a[j] = Σ over consumers: Σ_k ∂L/∂z_next[k] · W_next[j,k] (Dense), ∂L/∂add[j] (Add), …

A quantity whose expansion is a single product is inlined, recursively, so a pure chain collapses
into one product (the textbook's ∂L/∂w1 = ∂L/∂ŷ · w2 · σ'(z1) · x). A quantity that is a sum over
several paths stays a named factor (kind "gradient"), and its own expansion — a short sum of
products — is listed in ``ChainRules.quantities``. Named factors carry the engine's value, so every
product equals the engine's gradient up to rounding.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .model import StepTrace
from .symbols import ACTIVATION_TYPES, Symbols, _unravel
from .text import DIGITS, index_suffix, num, paren

MAX_CHAIN_WEIGHTS = 100


@dataclass(frozen=True)
class Factor:
    """One factor of a product. ``kind``: "loss" (where backpropagation starts), "gradient" (a named sum,
    see ``ChainRules.quantities``), "weight", "value" (a forward value such as x or a1), "derivative"
    (f'(z)), "mask" (Dropout), "constant", or "backward" (a layer's backward pass as one number)."""

    symbol: str
    value: float
    meaning: str
    kind: str
    node: str | None = None         # the node to highlight
    index: tuple[int, ...] = ()     # the element of that node's array (output, z or weight)


@dataclass
class Product:
    factors: list[Factor]
    via: str | None = None  # in a sum: the consumer this path goes through

    @property
    def value(self) -> float:
        return math.prod(f.value for f in self.factors)

    def symbols(self) -> str:
        return " · ".join(f.symbol for f in self.factors)

    def numbers(self, digits: int = DIGITS) -> str:
        return "".join(paren(f.value, digits) for f in self.factors)


@dataclass
class Quantity:
    """A gradient that is a sum over several paths: ∂L/∂a1[0] = Σ terms."""

    symbol: str
    value: float  # the engine's
    node: str
    index: tuple[int, ...]
    terms: list[Product]

    def text(self, digits: int = DIGITS) -> str:
        if not self.terms:
            return f"{self.symbol} = 0 (no gradient reaches it)"
        total = math.fsum(t.value for t in self.terms)
        return (f"{self.symbol} = {' + '.join(t.symbols() for t in self.terms)} = "
                f"{' + '.join(t.numbers(digits) for t in self.terms)} = {num(total, digits)}")


@dataclass
class ChainRule:
    key: str                  # "w1/W"
    index: tuple[int, ...]    # the element of that parameter
    symbol: str               # "∂L/∂w1"
    product: Product
    engine_value: float       # the engine's ∂L/∂w (the product equals it up to rounding)
    perceptron: bool = False  # True: the perceptron rule's direction (":="), not a derivative

    @property
    def value(self) -> float:
        return self.product.value

    def text(self, digits: int = DIGITS) -> str:
        eq = ":=" if self.perceptron else "="
        return f"{self.symbol} {eq} {self.product.symbols()} = {self.product.numbers(digits)} = {num(self.value, digits)}"


@dataclass
class ChainRules:
    available: bool
    reason: str = ""                                      # why not, e.g. "too large: …"
    rules: list[ChainRule] = field(default_factory=list)  # one per weight, in parameter order
    quantities: list[Quantity] = field(default_factory=list)  # the named sums, nearest the loss first
    notes: list[str] = field(default_factory=list)

    def rule(self, key: str, index: tuple[int, ...] = ()) -> ChainRule:
        for r in self.rules:
            if r.key == key and (r.index == tuple(index) or (not index and len(self.of(key)) == 1)):
                return r
        raise KeyError(f"No chain rule for {key}{list(index) if index else ''}")

    def of(self, key: str) -> list[ChainRule]:
        return [r for r in self.rules if r.key == key]

    def quantity(self, symbol: str) -> Quantity:
        for q in self.quantities:
            if q.symbol == symbol:
                return q
        raise KeyError(f"No named quantity {symbol}")

    def text(self, digits: int = DIGITS) -> str:
        if not self.available:
            return self.reason
        lines = [r.text(digits) for r in self.rules]
        if self.quantities:
            lines += ["", "where"] + [q.text(digits) for q in self.quantities]
        return "\n".join(lines)


def chain_rules(trace: StepTrace, max_weights: int = MAX_CHAIN_WEIGHTS) -> ChainRules:
    """The chain rule of every weight of the traced step (or why not: too many weights)."""
    n = trace.parameter_count
    if n > max_weights:
        return ChainRules(False, f"too large: {n:,} weights (the chain rule is written out for networks of up to "
                                 f"{max_weights:,}); every gradient value is still given (the backward pass, and the report's appendix)")
    return _Builder(trace).build()


class _Builder:
    """Expands ∂L/∂(value) into terms; values are ("z", node, flat) or ("out", node, flat)."""

    def __init__(self, trace: StepTrace):
        self.t = trace
        self.sym = Symbols(trace)
        self.nodes = self.sym.nodes
        self.back = {rec.name: rec for rec in trace.backward}
        self.memo: dict[tuple[str, str, int], list[Factor]] = {}
        self.quantities: list[Quantity] = []
        self.fused = trace.loss.seed_is_z

    def build(self) -> ChainRules:
        rules = []
        for key, w in self.t.weights.items():
            node, pname = key.rsplit("/", 1)
            grad = self.t.gradients[key]
            for index in np.ndindex(w.shape):
                product = Product(self._param(node, pname, index, float(grad[index])))
                rules.append(ChainRule(key, tuple(index), "∂L/∂" + self.sym.param(key, index), product,
                                       float(grad[index]), perceptron=self.t.fusion == "step"))
        notes = []
        if self.t.fusion == "step":
            notes.append("The output is a step: these are the perceptron rule's update directions, not gradients.")
        return ChainRules(True, "", rules, self.quantities, notes)

    # ---- weights -------------------------------------------------------------------------------
    def _param(self, node: str, pname: str, index: tuple[int, ...], engine: float) -> list[Factor]:
        rec = self.nodes[node]
        if rec.type == "Dense" and pname in ("W", "b"):
            j = index[-1]
            factors = self.resolve(self._z_ref(node, j))
            if pname == "b":
                return factors + [Factor("1", 1.0, "∂z/∂b = 1", "constant")]
            i = index[0]
            src = rec.inputs[0]
            return factors + [Factor(self.sym.value(src, i), float(rec.input_values[0].reshape(-1)[i]),
                                     self.sym.meaning(src, i), "value", src, _unravel(i, rec.input_values[0].shape))]
        if rec.type == "BatchNorm" and rec.a.ndim == 1 and pname in ("gamma", "beta"):
            c = index[0]
            factors = self.resolve(("out", node, c))
            if pname == "beta":
                return factors + [Factor("1", 1.0, "∂a/∂β = 1", "constant")]
            return factors + [Factor(f"{node}.x̂" + index_suffix((c,), rec.a.size), float(rec.extras["x_hat"][c]),
                                     "the normalised input x̂", "value", node, (c,))]
        return [Factor("∂L/∂" + self.sym.param(f"{node}/{pname}", index), engine,
                       f"{rec.type}'s backward pass", "backward", node, index)]

    def _z_ref(self, node: str, j: int) -> tuple[str, str, int]:
        return ("z", node, j) if node in self.sym.own_z else ("out", node, j)

    # ---- gradients of values -------------------------------------------------------------------
    def resolve(self, ref: tuple[str, str, int]) -> list[Factor]:
        """∂L/∂(value) as factors: inlined when a single product, else one named factor."""
        if ref in self.memo:
            return self.memo[ref]
        terms = self._terms(ref)
        if len(terms) == 1:
            out = self._flatten(terms[0][1])
        else:
            kind, node, flat = ref
            symbol = "∂L/∂" + (self.sym.z(node, flat) if kind == "z" else self.sym.value(node, flat))
            value = self._engine_grad(ref)
            index = _unravel(flat, self.nodes[node].a.shape)
            products = [Product(self._flatten(items), via) for via, items in terms]
            self.quantities.append(Quantity(symbol, value, node, index, products))
            meaning = f"gradient at {node}, a sum over {len(terms)} paths" if terms else "no gradient reaches it"
            out = [Factor(symbol, value, meaning, "gradient", node, index)]
        self.memo[ref] = out
        return out

    def _flatten(self, items: list) -> list[Factor]:
        out: list[Factor] = []
        for item in items:
            out.extend([item] if isinstance(item, Factor) else self.resolve(item))
        return out

    def _engine_grad(self, ref: tuple[str, str, int]) -> float:
        kind, node, flat = ref
        rec = self.back.get(node)
        arr = None if rec is None else (rec.grad_z if kind == "z" else rec.grad_output)
        return 0.0 if arr is None else float(arr.reshape(-1)[flat])

    def _seed(self, node: str, flat: int, z_symbol: str) -> Factor:
        loss = self.t.loss
        symbol = "(ŷ − y)" if self.t.fusion == "step" else "∂L/∂" + z_symbol
        return Factor(symbol, float(loss.seed.reshape(-1)[flat]), loss.seed_formula, "loss", node,
                      _unravel(flat, self.nodes[node].a.shape))

    def _terms(self, ref: tuple[str, str, int]) -> list[tuple[str | None, list]]:
        """The expansion of ∂L/∂(value) as (via, [Factor | ref, …]) terms."""
        kind, node, flat = ref
        rec = self.nodes[node]
        at_output = node == self.t.output_name
        if kind == "z":  # a Dense layer with an activation
            if at_output and self.fused:
                return [(None, [self._seed(node, flat, self.sym.z(node, flat))])]
            return [(None, [("out", node, flat), self._derivative(node, flat)])]
        if at_output:
            loss = self.t.loss
            return [(None, [Factor("∂L/∂" + self.sym.value(node, flat), float(loss.seed.reshape(-1)[flat]),
                                   loss.seed_formula, "loss", node, _unravel(flat, rec.a.shape))])]
        terms = []
        for consumer, port in rec.consumers:
            terms.extend(self._through(consumer, port, node, flat))
        return terms

    def _through(self, consumer: str, port: int, node: str, flat: int) -> list[tuple[str | None, list]]:
        """The terms of ∂L/∂(node's output)[flat] that come through one consumer."""
        c = self.nodes[consumer]
        if c.type == "Dense":
            W = c.params["W"]
            return [(consumer, [self._z_ref(consumer, k),
                                Factor(self.sym.param(f"{consumer}/W", (flat, k)), float(W[flat, k]),
                                       f"weight {consumer}/W[{flat},{k}]", "weight", consumer, (flat, k))])
                    for k in range(W.shape[1])]
        if c.type in ACTIVATION_TYPES:
            if consumer == self.t.output_name and self.fused:
                return [(consumer, [self._seed(consumer, flat, self.sym.value(node, flat))])]
            if c.activation == "softmax":
                J = c.extras["jacobian"]
                return [(consumer, [("out", consumer, k),
                                    Factor(f"∂{self.sym.value(consumer, k)}/∂{self.sym.value(node, flat)}",
                                           float(J[k, flat]), "softmax Jacobian a[k]·(δ_kj − a[j])", "derivative",
                                           consumer, (k,))])
                        for k in range(c.a.size)]
            return [(consumer, [("out", consumer, flat), self._derivative(consumer, flat)])]
        if c.type == "Dropout":
            mask = c.extras.get("mask")
            if mask is None:
                return [(consumer, [("out", consumer, flat)])]
            return [(consumer, [("out", consumer, flat),
                                Factor(f"{consumer}.mask" + index_suffix(_unravel(flat, mask.shape), mask.size),
                                       float(mask.reshape(-1)[flat]), "Dropout mask: 0 (dropped) or 1/(1 − rate)",
                                       "mask", consumer, _unravel(flat, mask.shape))])]
        if c.type in ("Add", "Flatten"):
            return [(consumer, [("out", consumer, flat)])]
        if c.type == "Concat":
            offset = sum(v.size for v in c.input_values[:port])
            return [(consumer, [("out", consumer, offset + flat)])]
        back = self.back[node]
        value = next((float(x.value.reshape(-1)[flat]) for x in back.contributions
                      if x.consumer == consumer and x.port == port), 0.0)
        return [(consumer, [Factor(f"[{consumer} backward]", value, f"∂L/∂{self.sym.value(node, flat)} through "
                                   f"{consumer}'s backward pass ({c.type})", "backward", consumer, ())])]

    def _derivative(self, node: str, flat: int) -> Factor:
        rec, back = self.nodes[node], self.back[node]
        value = 0.0 if back.local_derivative is None else float(back.local_derivative.reshape(-1)[flat])
        return Factor(self.sym.derivative(node, flat), value, f"{rec.activation} derivative: {rec.derivative}",
                      "derivative", node, _unravel(flat, rec.a.shape))
