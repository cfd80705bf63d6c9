"""The update of a traced step: the optimizer's formulas with every number, and the real result.

Two computations that must agree: the formulas of ``engine.optim`` written out in float64 (what the
report shows, quantity by quantity), and a real step of a copy of the optimizer — same
hyperparameters, a copy of its state via ``state_dict`` — on the traced copy of the network
(what ``after`` holds). Neither touches the real network or optimizer.
"""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..network import Network
from ..optim import Optimizer, make_optimizer
from .model import StepTrace
from .text import DIGITS, num, operand

Operand = float | np.ndarray


@dataclass
class UpdateQuantity:
    """One line of the update: ``symbol`` ← right-hand side, elementwise over the parameter array."""

    symbol: str                    # "v", "m̂", "w"
    formula: str                   # "v ← μ·v + g"
    pattern: str                   # the right-hand side with {operand} placeholders: "{mu}·{v} + {g}"
    operands: dict[str, Operand]   # scalars, or arrays shaped like the parameter
    value: np.ndarray              # the result (float64)

    def substituted(self, index: tuple[int, ...], digits: int = DIGITS) -> str:
        """The right-hand side with the numbers of one element: ``0.9·0 + (-0.04)``."""
        shown = {name: operand(v[index] if isinstance(v, np.ndarray) else v, digits)
                 for name, v in self.operands.items()}
        return self.pattern.format(**shown)

    def line(self, index: tuple[int, ...], digits: int = DIGITS) -> str:
        result = num(self.value[index], digits)
        shown = self.substituted(index, digits)
        if shown.strip("()") == result:  # "g = ∂L/∂w = -0.17", not "= (-0.17) = -0.17"
            return f"{self.formula} = {result}"
        return f"{self.formula} = {shown} = {result}"


@dataclass
class ParamUpdate:
    key: str
    before: np.ndarray
    grad: np.ndarray                # ∂L/∂w from backpropagation
    quantities: list[UpdateQuantity]  # in order; the last one is the new w
    after: np.ndarray               # what the optimizer produced (on a copy)

    @property
    def expected(self) -> np.ndarray:
        """The new weights by the formulas (float64): equal to ``after`` up to the dtype's rounding."""
        return self.quantities[-1].value

    def lines(self, index: tuple[int, ...] = (), digits: int = DIGITS) -> list[str]:
        index = tuple(index) if index else (0,) * self.before.ndim
        return [q.line(index, digits) for q in self.quantities]


@dataclass
class UpdateTrace:
    optimizer: str                  # "sgd", "adam", …
    hyper: dict[str, Any]           # its hyperparameters, with the learning rate used
    t: int                          # the optimizer's step count after this step
    rule: str                       # "gradient descent" | "perceptron rule"
    formulas: list[str]             # the update in general form
    params: list[ParamUpdate]
    loss_before: float              # training-mode loss of the sample, same Dropout mask
    loss_after: float
    prediction_after: np.ndarray
    notes: list[str] = field(default_factory=list)

    def param(self, key: str) -> ParamUpdate:
        return next(p for p in self.params if p.key == key)


def copy_optimizer(optimizer: Optimizer | str | dict[str, Any], lr: float | None = None) -> Optimizer:
    """A new, unbound optimizer with the same hyperparameters."""
    if isinstance(optimizer, Optimizer):
        cfg = optimizer.config()
    elif isinstance(optimizer, str):
        cfg = {"name": optimizer, **({"lr": float(lr)} if lr is not None else {})}
    else:
        cfg = dict(optimizer)
    return make_optimizer(cfg.pop("name"), **cfg)


def explain_update(clone: Network, trace: StepTrace, optimizer: Optimizer | str | dict[str, Any], *,
                   optimizer_state: dict[str, Any] | None, lr: float | None, l1: float, l2: float,
                   clip_norm: float | None, noise: dict[str, Any], X: np.ndarray, Y: np.ndarray) -> UpdateTrace:
    """Apply one real step of a copy of ``optimizer`` to ``clone`` (whose gradients the trace filled)."""
    opt = copy_optimizer(optimizer, lr)
    clone.bind_optimizer(opt)
    state = optimizer_state
    if state is None and isinstance(optimizer, Optimizer):
        state = optimizer.state_dict()
    if state is not None and set(opt.state_dict()) <= set(state):  # an unbound optimizer has no slots yet
        try:
            opt.load_state_dict({k: state[k] for k in opt.state_dict()})
        except ValueError as exc:
            raise ValueError(f"The optimizer state does not fit this network: {exc}") from None
    if lr is not None:
        opt.lr = float(lr)
    start = opt.state_dict()
    kernels = [key.rsplit("/", 1)[1] in clone.layers[key.rsplit("/", 1)[0]].kernels for key in clone.param_keys]
    clone.apply_gradients(opt, l1, l2, clip_norm)
    after = [p.copy() for p in clone.parameters]

    g_all, reg_notes = _effective_gradients(trace, kernels, l1, l2, clip_norm)
    formulas, steps = _RULES[opt.name](opt, start)
    params = []
    for i, key in enumerate(clone.param_keys):
        w = trace.weights[key].astype(np.float64)
        quantities = [_gradient_quantity(trace.gradients[key], g_all[i], w, kernels[i], l1, l2, clip_norm)]
        quantities += steps(i, w, g_all[i], kernels[i])
        params.append(ParamUpdate(key, trace.weights[key], trace.gradients[key], quantities, after[i]))
    rule = "gradient descent"
    notes = list(reg_notes)
    if trace.fusion == "step":
        rule = "perceptron rule"
        _perceptron(trace, opt, params, l1 or l2 or clip_norm, formulas, notes)

    for name, layer in clone.layers.items():  # replay the same Dropout masks
        if noise.get(name) is not None:
            layer.set_noise(copy.deepcopy(noise[name]))
    buf = clone._forward_train(X)
    loss_after = clone._loss_and_seed(buf[clone._out_slot], Y)[0]
    hyper = {p.name: getattr(opt, p.name) for p in opt.PARAMS}
    return UpdateTrace(opt.name, hyper, opt.t, rule, formulas, params, trace.loss.value, float(loss_after),
                       buf[clone._out_slot][0].copy(), notes)


# ---- the gradient the optimizer sees -------------------------------------------------------------
def _effective_gradients(trace: StepTrace, kernels: list[bool], l1: float, l2: float,
                         clip_norm: float | None) -> tuple[list[np.ndarray], list[str]]:
    """∂L/∂w plus the L1/L2 terms (kernels only), then clipped to the global norm, as the engine does."""
    gs = []
    for (key, g), kernel in zip(trace.gradients.items(), kernels):
        g = g.astype(np.float64)
        w = trace.weights[key].astype(np.float64)
        if kernel and l1:
            g = g + l1 * np.sign(w)
        if kernel and l2:
            g = g + l2 * w
        gs.append(g)
    notes = []
    if l1 or l2:
        notes.append(f"Regularisation adds l1·sign(w) + l2·w to the gradient of every kernel (l1 = {l1:g}, l2 = {l2:g}).")
    if clip_norm:
        norm = math.sqrt(sum(float(np.vdot(g, g)) for g in gs))
        if norm > clip_norm and math.isfinite(norm):
            gs = [g * (clip_norm / norm) for g in gs]
            notes.append(f"Clipping: the gradient's norm {num(norm)} exceeds {clip_norm:g}, so every g is scaled by "
                         f"{num(clip_norm / norm)}.")
        else:
            notes.append(f"Clipping: the gradient's norm {num(norm)} is within {clip_norm:g}; nothing is scaled.")
    return gs, notes


def _gradient_quantity(grad: np.ndarray, g: np.ndarray, w: np.ndarray, kernel: bool, l1: float, l2: float,
                       clip_norm: float | None) -> UpdateQuantity:
    grad = grad.astype(np.float64)
    if not (kernel and (l1 or l2)) and not clip_norm:
        return UpdateQuantity("g", "g = ∂L/∂w", "{grad}", {"grad": grad}, g)
    formula = "g = ∂L/∂w" + (" + l1·sign(w)" if kernel and l1 else "") + (" + l2·w" if kernel and l2 else "")
    if clip_norm:
        formula += ", then clipped"
    return UpdateQuantity("g", formula, "{grad} → {g}", {"grad": grad, "g": g}, g)


# ---- one rule per optimizer ---------------------------------------------------------------------
def _state(start: dict[str, Any], slot: str, i: int) -> np.ndarray:
    return np.asarray(start[slot][i], dtype=np.float64)


def _sgd(opt: Any, start: dict[str, Any]):
    lr, mu = opt.lr, opt.momentum
    if not mu:
        formulas = [f"w ← w − η·g   (η = {lr:g})"]

        def steps(i, w, g, kernel):
            return [UpdateQuantity("w", "w ← w − η·g", "{w} − {lr}·{g}", {"w": w, "lr": lr, "g": g}, w - lr * g)]
        return formulas, steps
    last = ("w ← w − η·(g + μ·v)", "{w} − {lr}·({g} + {mu}·{v})") if opt.nesterov else ("w ← w − η·v", "{w} − {lr}·{v}")
    formulas = ["v ← μ·v + g", last[0] + ("   (Nesterov)" if opt.nesterov else ""), f"η = {lr:g}, μ = {mu:g}"]

    def steps(i, w, g, kernel):
        v0 = _state(start, "velocity", i)
        v = mu * v0 + g
        new = w - lr * (g + mu * v) if opt.nesterov else w - lr * v
        return [UpdateQuantity("v", "v ← μ·v + g", "{mu}·{v} + {g}", {"mu": mu, "v": v0, "g": g}, v),
                UpdateQuantity("w", last[0], last[1], {"w": w, "lr": lr, "g": g, "mu": mu, "v": v}, new)]
    return formulas, steps


def _rmsprop(opt: Any, start: dict[str, Any]):
    lr, rho, eps, mu = opt.lr, opt.rho, opt.eps, opt.momentum
    formulas = ["s ← ρ·s + (1 − ρ)·g²"]
    formulas += ["m ← μ·m + η·g/(√s + ε)", "w ← w − m"] if mu else ["w ← w − η·g/(√s + ε)"]
    formulas.append(f"η = {lr:g}, ρ = {rho:g}, ε = {eps:g}" + (f", μ = {mu:g}" if mu else ""))

    def steps(i, w, g, kernel):
        s0 = _state(start, "square_avg", i)
        s = rho * s0 + (1.0 - rho) * g * g
        out = [UpdateQuantity("s", "s ← ρ·s + (1 − ρ)·g²", "{rho}·{s} + {c}·{g}²", {"rho": rho, "s": s0, "c": 1.0 - rho, "g": g}, s)]
        step = lr * g / (np.sqrt(s) + eps)
        ops = {"w": w, "lr": lr, "g": g, "s": s, "eps": eps}
        if not mu:
            return out + [UpdateQuantity("w", "w ← w − η·g/(√s + ε)", "{w} − {lr}·{g}/(√{s} + {eps})", ops, w - step)]
        m0 = _state(start, "momentum_buffer", i)
        m = mu * m0 + step
        return out + [UpdateQuantity("m", "m ← μ·m + η·g/(√s + ε)", "{mu}·{m} + {lr}·{g}/(√{s} + {eps})",
                                     {"mu": mu, "m": m0, **ops}, m),
                      UpdateQuantity("w", "w ← w − m", "{w} − {m}", {"w": w, "m": m}, w - m)]
    return formulas, steps


def _adagrad(opt: Any, start: dict[str, Any]):
    lr, eps = opt.lr, opt.eps
    formulas = ["s ← s + g²", "w ← w − η·g/(√s + ε)",
                f"η = {lr:g}, ε = {eps:g}, s starts at {opt.initial_accumulator:g}"]

    def steps(i, w, g, kernel):
        s0 = _state(start, "accumulator", i)
        s = s0 + g * g
        return [UpdateQuantity("s", "s ← s + g²", "{s} + {g}²", {"s": s0, "g": g}, s),
                UpdateQuantity("w", "w ← w − η·g/(√s + ε)", "{w} − {lr}·{g}/(√{s} + {eps})",
                               {"w": w, "lr": lr, "g": g, "s": s, "eps": eps}, w - lr * g / (np.sqrt(s) + eps))]
    return formulas, steps


def _adam(opt: Any, start: dict[str, Any]):
    lr, b1, b2, eps = opt.lr, opt.beta1, opt.beta2, opt.eps
    t = int(start["t"]) + 1
    c1, c2 = 1.0 - b1 ** t, 1.0 - b2 ** t
    wd = getattr(opt, "weight_decay", 0.0)
    formulas = []
    if wd:
        formulas.append("w ← w − η·λ·w   (decoupled weight decay, kernels only, before the Adam step)")
    formulas += ["m ← β1·m + (1 − β1)·g", "v ← β2·v + (1 − β2)·g²",
                 "m̂ = m/(1 − β1^t),  v̂ = v/(1 − β2^t)   (bias corrections)", "w ← w − η·m̂/(√v̂ + ε)",
                 f"η = {lr:g}, β1 = {b1:g}, β2 = {b2:g}, ε = {eps:g}" + (f", λ = {wd:g}" if wd else "") +
                 f", t = {t} (this step: 1 − β1^t = {num(c1)}, 1 − β2^t = {num(c2)})"]

    def steps(i, w, g, kernel):
        out = []
        if wd and kernel:
            decayed = w - lr * wd * w
            out.append(UpdateQuantity("w'", "w' = w − η·λ·w", "{w} − {lr}·{wd}·{w}", {"w": w, "lr": lr, "wd": wd}, decayed))
            w = decayed
        m0, v0 = _state(start, "m", i), _state(start, "v", i)
        m = b1 * m0 + (1.0 - b1) * g
        v = b2 * v0 + (1.0 - b2) * g * g
        mh, vh = m / c1, v / c2
        last = "w ← w' − η·m̂/(√v̂ + ε)" if wd and kernel else "w ← w − η·m̂/(√v̂ + ε)"
        return out + [
            UpdateQuantity("m", "m ← β1·m + (1 − β1)·g", "{b1}·{m} + {c}·{g}", {"b1": b1, "m": m0, "c": 1.0 - b1, "g": g}, m),
            UpdateQuantity("v", "v ← β2·v + (1 − β2)·g²", "{b2}·{v} + {c}·{g}²", {"b2": b2, "v": v0, "c": 1.0 - b2, "g": g}, v),
            UpdateQuantity("m̂", "m̂ = m/(1 − β1^t)", "{m}/{c1}", {"m": m, "c1": c1}, mh),
            UpdateQuantity("v̂", "v̂ = v/(1 − β2^t)", "{v}/{c2}", {"v": v, "c2": c2}, vh),
            UpdateQuantity("w", last, "{w} − {lr}·{mh}/(√{vh} + {eps})",
                           {"w": w, "lr": lr, "mh": mh, "vh": vh, "eps": eps}, w - lr * mh / (np.sqrt(vh) + eps)),
        ]
    return formulas, steps


_RULES = {"sgd": _sgd, "rmsprop": _rmsprop, "adagrad": _adagrad, "adam": _adam, "adamw": _adam}


def _perceptron(trace: StepTrace, opt: Optimizer, params: list[ParamUpdate], regularised: Any,
                formulas: list[str], notes: list[str]) -> None:
    """Write plain SGD on a step output as the perceptron rule w ← w + η·(y − ŷ)·x."""
    plain = opt.name == "sgd" and not opt.momentum and not regularised
    if not plain:
        notes.append(f"The output is a step: {opt.name} is applied to the perceptron rule's direction (ŷ − y)·x in "
                     "place of a gradient.")
        return
    formulas[:] = ["w ← w + η·(y − ŷ)·x,   b ← b + η·(y − ŷ)   (the perceptron rule)", f"η = {opt.lr:g}"]
    y, yhat = trace.y.astype(np.float64), trace.loss.prediction.astype(np.float64)
    out = trace.output_name
    rec = trace.node(out)
    dense = rec if rec.type == "Dense" else trace.node(rec.inputs[0])
    x = dense.input_values[0].astype(np.float64)
    lr = opt.lr
    for p in params:
        if p.key == f"{dense.name}/W":
            ops = {"w": p.before.astype(np.float64), "lr": lr, "y": np.broadcast_to(y, p.before.shape),
                   "yh": np.broadcast_to(yhat, p.before.shape), "x": np.broadcast_to(x[:, None], p.before.shape)}
            pattern = "{w} + {lr}·({y} − {yh})·{x}"
        elif p.key == f"{dense.name}/b":
            ops = {"w": p.before.astype(np.float64), "lr": lr, "y": y, "yh": yhat}
            pattern = "{w} + {lr}·({y} − {yh})"
        else:  # pragma: no cover - a perceptron has only these
            continue
        value = ops["w"] + lr * (ops["y"] - ops["yh"]) * (ops["x"] if "x" in ops else 1.0)
        p.quantities[-1] = UpdateQuantity("w", "w ← w + η·(y − ŷ)·x" if "x" in ops else "b ← b + η·(y − ŷ)", pattern,
                                          ops, value)
