"""Worked numbers: the formulas of a traced step with the sample's values put in.

Shared by the Markdown report and the app's step inspector, so both write the same arithmetic:
``z1 = x·w1 = (1.5)(0.5) = 0.75``, ``a1 = σ(z1) = σ(0.75) = 0.6792``,
``L = [(0.3396 − 0.6)²]/1 = 0.06781``, ``2·(0.3396 − 0.6)/1 = -0.5208``.
"""
from __future__ import annotations

import numpy as np

from .model import NodeForward, StepTrace
from .symbols import Symbols
from .text import DIGITS, num, operand, paren, summary, vector

MAX_SUM_TERMS = 8   # weighted sums are written out term by term up to this many inputs …
MAX_SUM_UNITS = 8   # … and this many units
FUNCTION_SYMBOLS = {"sigmoid": "σ"}


def weighted_sums(trace: StepTrace, rec: NodeForward, digits: int = DIGITS,
                  sym: Symbols | None = None) -> list[tuple[str, str | None]]:
    """``(z line, a line or None)`` per unit of a small Dense layer: z[j] = x[0]·W[0,j] + … + b[j] with
    the numbers, and its activation's value. Empty for other nodes and for larger layers."""
    if rec.type != "Dense" or "W" not in rec.params:
        return []
    W, x = rec.params["W"], rec.input_values[0]
    if W.ndim != 2 or W.shape[0] > MAX_SUM_TERMS or W.shape[1] > MAX_SUM_UNITS:
        return []
    sym = sym or Symbols(trace)
    b = rec.params.get("b")
    src = rec.inputs[0]
    out = []
    for j in range(W.shape[1]):
        zsym = sym.z(rec.name, j)
        syms = [f"{sym.value(src, i)}·{sym.param(rec.name + '/W', (i, j))}" for i in range(W.shape[0])]
        nums = [f"{paren(x[i], digits)}{paren(W[i, j], digits)}" for i in range(W.shape[0])]
        if b is not None:
            syms.append(sym.param(rec.name + "/b", (j,)))
            nums.append(paren(b[j], digits))
        z = rec.z.reshape(-1)[j] if rec.z is not None else rec.a.reshape(-1)[j]
        z_line = f"{zsym} = {' + '.join(syms)} = {' + '.join(nums)} = {num(z, digits)}"
        a_line = None
        if rec.activation != "linear":
            a_line = f"{sym.value(rec.name, j)} = {rec.activation}({zsym}) = {num(rec.a.reshape(-1)[j], digits)}"
        out.append((z_line, a_line))
    return out


def activation_values(trace: StepTrace, rec: NodeForward, digits: int = DIGITS, sym: Symbols | None = None,
                      max_units: int = MAX_SUM_UNITS) -> list[str]:
    """``a1 = σ(z1) = σ(0.75) = 0.6792`` per unit of an elementwise Activation node (not softmax),
    up to ``max_units``; empty otherwise."""
    if rec.type != "Activation" or rec.z is None or rec.activation in (None, "softmax") or rec.a.size > max_units:
        return []
    sym = sym or Symbols(trace)
    f = FUNCTION_SYMBOLS.get(rec.activation, rec.activation)
    z, a = rec.z.reshape(-1), rec.a.reshape(-1)
    return [f"{sym.value(rec.name, j)} = {f}({sym.z(rec.name, j)}) = {f}({num(z[j], digits)}) = {num(a[j], digits)}"
            for j in range(a.size)]


def loss_numbers(trace: StepTrace, digits: int = DIGITS, max_values: int = 20) -> str:
    """The loss with the prediction and target put in: ``[(0.3396 − 0.6)²]/1 = 0.06781``."""
    loss = trace.loss
    p, y = loss.prediction.reshape(-1), loss.target.reshape(-1)
    if p.size > max_values:
        return num(loss.value, digits)
    if loss.function == "mse" and loss.fusion is None:
        terms = " + ".join(f"({num(a, digits)} − {operand(b, digits)})²" for a, b in zip(p, y))
        return f"[{terms}]/{loss.n} = {num(loss.value, digits)}"
    if loss.function == "cross_entropy" and np.count_nonzero(y) == 1:
        k = int(np.flatnonzero(y)[0])
        return f"−ln ŷ[{k}] = −ln({num(p[k], digits)}) = {num(loss.value, digits)}   (y is one-hot: class {k})"
    if loss.function == "bce":
        terms = " + ".join(f"{num(b, digits)}·ln({num(a, digits)}) + (1 − {num(b, digits)})·ln(1 − {num(a, digits)})"
                           for a, b in zip(p, y))
        return f"−[{terms}]/{loss.n} = {num(loss.value, digits)}"
    return num(loss.value, digits)


def seed_numbers(trace: StepTrace, digits: int = DIGITS, max_values: int = 20) -> str:
    """Where backpropagation starts, with the numbers: ``2·(0.3396 − 0.6)/1 = -0.5208``."""
    loss = trace.loss
    p, y, s = loss.prediction.reshape(-1), loss.target.reshape(-1), loss.seed.reshape(-1)
    if s.size > max_values:
        return summary(s, digits)
    if s.size == 1:
        if loss.function == "mse" and not loss.seed_is_z:
            return f"2·({num(p[0], digits)} − {operand(y[0], digits)})/{loss.n} = {num(s[0], digits)}"
        if loss.seed_is_z:
            return f"({num(p[0], digits)} − {operand(y[0], digits)})/{loss.n} = {num(s[0], digits)}"
        return num(s[0], digits)
    return vector(s, digits, max_values)
