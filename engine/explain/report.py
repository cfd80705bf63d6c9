"""``to_markdown``: the whole traced step as Markdown for lecture notes.

Forward pass (every node's formulas, weighted sums written out for small layers, values), loss,
backward pass (∂L/∂a with each consumer's contribution, f'(z), ∂L/∂z, ∂L/∂w), the chain rule of
every weight, the update with the optimizer's formulas and numbers, and optionally a gradient
check. Vectors and small matrices are tables; arrays of more than ``max_values`` values are given
as shape and statistics.
"""
from __future__ import annotations

import numpy as np

from .check import CheckResult
from .model import NodeBackward, NodeForward, StepTrace
from .symbols import Symbols
from .text import DIGITS, num, summary, vector
from .worked import loss_numbers, seed_numbers, weighted_sums

MAX_VALUES = 20     # arrays larger than this are summarised
MAX_WALKTHROUGH = 20  # update lines for every weight up to this many weights, else one per array


def to_markdown(trace: StepTrace, *, check: CheckResult | None = None, title: str | None = None,
                digits: int = DIGITS, max_values: int = MAX_VALUES) -> str:
    r = _Report(trace, digits, max_values)
    r.header(title)
    r.forward()
    r.loss()
    r.backward()
    r.chain()
    r.update()
    if check is not None:
        r.check(check)
    r.appendix()
    return "\n".join(r.out).rstrip() + "\n"


class _Report:
    def __init__(self, trace: StepTrace, digits: int, max_values: int):
        self.t, self.d, self.max = trace, digits, max_values
        self.sym = Symbols(trace)
        self.out: list[str] = []

    # ---- helpers -------------------------------------------------------------------------------
    def w(self, *lines: str) -> None:
        self.out.extend(lines)

    def notes(self, notes: list[str]) -> None:
        """Notes as a quotation, one paragraph each."""
        for note in notes:
            self.w(f"> {note}", "")

    def n(self, v: float) -> str:
        return num(v, self.d)

    def table(self, headers: list[str], rows: list[list[str]]) -> None:
        cell = _cell
        self.w("| " + " | ".join(cell(h) for h in headers) + " |", "|" + "|".join("---" for _ in headers) + "|")
        self.w(*("| " + " | ".join(cell(c) for c in row) + " |" for row in rows))
        self.w("")

    def appendix(self) -> None:
        """Every value of the arrays summarised above: the report holds every parameter's gradient."""
        large = [(k, g) for k, g in self.t.gradients.items() if g.size > self.max]
        if not large:
            return
        self.w("## Appendix: every gradient value", "",
               "Arrays too large for the tables above, in full (rows are the first index).", "")
        for key, g in large:
            self.w(f"### ∂L/∂w for `{key}` ({'×'.join(map(str, g.shape))})", "", "```",
                   np.array2string(np.asarray(g, dtype=np.float64), threshold=np.inf, max_line_width=100,
                                   precision=self.d, separator=" "),
                   "```", "")

    def vectors(self, named: list[tuple[str, np.ndarray | None]]) -> None:
        """Several arrays side by side, one row each (or shape and statistics when large)."""
        named = [(k, np.asarray(v)) for k, v in named if v is not None]
        small = [(k, v) for k, v in named if v.size <= self.max]
        for k, v in named:
            if v.size > self.max:
                self.w(f"- {k}: {summary(v, self.d)}")
        if len(small) < len(named):
            self.w("")
        if not small:
            return
        width = max(v.size for _, v in small)
        if width == 1:
            self.table([k for k, _ in small], [[self.n(v.reshape(-1)[0]) for _, v in small]])
            return
        rows = [[k] + [self.n(x) for x in v.reshape(-1)] + [""] * (width - v.size) for k, v in small]
        self.table([""] + [f"[{i}]" for i in range(width)], rows)

    def matrix(self, label: str, a: np.ndarray) -> None:
        if a.size > self.max or a.ndim > 2:
            self.w(f"- {label}: {summary(a, self.d)}", "")
        elif a.ndim == 2 and a.shape[1] > 1:
            self.w(f"{label}:", "")
            self.table([""] + [f"[{j}]" for j in range(a.shape[1])],
                       [[f"[{i}]"] + [self.n(x) for x in row] for i, row in enumerate(a)])
        else:
            self.w(f"{label} = {vector(a, self.d, self.max) if a.size > 1 else self.n(a.reshape(-1)[0])}", "")

    # ---- sections ------------------------------------------------------------------------------
    def header(self, title: str | None) -> None:
        t = self.t
        self.w(f"# {title or 'One training step, explained'}", "")
        if t.label:
            self.w(f"**Sample:** {t.label}", "")
        names = t.feature_names or [self.sym.value(t.input_name, i) for i in range(t.x.size)]
        rows = [[names[i] if i < len(names) else f"x[{i}]", self.n(t.x.reshape(-1)[i])]
                for i in range(min(t.x.size, self.max))]
        if t.raw_x is not None and t.raw_x.size == t.x.size:
            rows = [row + [self.n(v)] for row, v in zip(rows, t.raw_x.reshape(-1))]
        if t.x.size <= self.max:
            self.table(["input", "x (network input)"] + (["raw"] if rows and len(rows[0]) == 3 else []), rows)
        else:
            self.w(f"- x: {summary(t.x, self.d)}", "")
        target = vector(t.y, self.d, self.max) if t.y.size > 1 else self.n(t.y.reshape(-1)[0])
        label = ""
        if t.class_names and t.raw_y is not None:
            cls = t.raw_y if isinstance(t.raw_y, str) else t.class_names[int(t.raw_y)]
            label = f" (class {cls})"
        self.w(f"**Target:** y = {target}{label}", "")
        self.w(f"**Network:** {self._topology()}; {t.parameter_count:,} weights; {t.dtype}", "")

    def _topology(self) -> str:
        t = self.t
        chain = all(len(r.inputs) <= 1 and len(r.consumers) <= 1 for r in t.forward)
        if chain:
            return " → ".join(f"`{r.name}`" for r in t.forward) + f" → `{t.loss.node}` ({t.loss.function})"
        parts = [f"`{r.name}` ← {', '.join(f'`{i}`' for i in r.inputs)}" for r in t.forward if r.inputs]
        return "; ".join(parts) + f"; loss {t.loss.function} on `{t.output_name}`"

    def forward(self) -> None:
        self.w("## 1. Forward pass", "")
        for rec in self.t.forward:
            self.w(f"### `{rec.name}` — {_describe(rec)}", "")
            self.w(*(f"- `{f}`" for f in rec.formulas), "")
            if rec.type == "Input":
                self.vectors([(self.sym.out[rec.name], rec.a)])
                continue
            if rec.type == "Dense":
                self._sums(rec)
            for pname, arr in rec.params.items():
                self.matrix(f"{pname} ({rec.name}/{pname})", arr)
            named = [(f"input from `{src}`", v) for src, v in zip(rec.inputs, rec.input_values)]
            if rec.z is not None and not (rec.type == "Dense" and rec.activation == "linear"):
                named.append((f"z ({self.sym.z(rec.name, 0).split('[')[0]})", rec.z))
            named += [(k, v) for k, v in rec.extras.items() if k != "jacobian"]
            named.append((f"a ({self.sym.out[rec.name]})", rec.a))
            self.vectors(named)
            self.notes(rec.notes)

    def _sums(self, rec: NodeForward) -> None:
        """z[j] = x[0]·W[0,j] + … + b[j] with the numbers, for small layers."""
        lines = []
        for z_line, a_line in weighted_sums(self.t, rec, self.d, self.sym):
            lines.append(f"- {z_line}")
            if a_line is not None:
                lines.append(f"  - {a_line}")
        if lines:
            self.w(*lines, "")

    def loss(self) -> None:
        loss = self.t.loss
        self.w("## 2. Loss", "")
        self.vectors([("prediction ŷ", loss.prediction), ("target y", loss.target)])
        self.w(f"- `{loss.formula}`", f"- L = {self._loss_numbers()}", "")
        zsym = self.sym.z(self.t.output_name, 0).split("[")[0] if loss.seed_is_z else "ŷ"
        self.w(f"Backpropagation starts with `{loss.seed_formula}`" + (f" (z = {zsym})" if loss.seed_is_z else "")
               + f": {self._seed_numbers()}", "")
        self.notes(loss.notes)

    def _loss_numbers(self) -> str:
        return loss_numbers(self.t, self.d, self.max)

    def _seed_numbers(self) -> str:
        return seed_numbers(self.t, self.d, self.max)

    def backward(self) -> None:
        self.w("## 3. Backward pass", "")
        self.w("The engine runs the nodes from the output back to the input; a node's ∂L/∂a is the sum of what "
               "its consumers send back.", "")
        for rec in self.t.backward:
            self._backward_node(rec)
        self.w("### All gradients ∂L/∂w", "")
        rows = []
        for key, g in self.t.gradients.items():
            shown = (vector(g, self.d, self.max) if g.size > 1 else self.n(g.reshape(-1)[0])) if g.size <= self.max \
                else summary(g, self.d)
            rows.append([f"`{key}`", "×".join(map(str, g.shape)), shown])
        self.table(["parameter", "shape", "∂L/∂w"], rows)

    def _backward_node(self, rec: NodeBackward) -> None:
        fwd = self.t.node(rec.name)
        self.w(f"### `{rec.name}` — {_describe(fwd)}", "")
        self.w(*(f"- `{f}`" for f in rec.formulas), "")
        named: list[tuple[str, np.ndarray | None]] = []
        if len(rec.contributions) > 1:
            named += [(f"from `{c.consumer}`", c.value) for c in rec.contributions]
        label = "∂L/∂a" + (" (sum)" if len(rec.contributions) > 1 else "")
        named.append((label + (" (shown only)" if rec.grad_output_display_only else ""), rec.grad_output))
        if rec.local_derivative is not None:
            named.append(("∂a[i]/∂z[i]" if fwd.activation == "softmax" else "f'(z)", rec.local_derivative))
            named.append(("∂L/∂z", rec.grad_z))
        for src, g in zip(fwd.inputs, rec.grad_inputs):
            if g is not None:
                named.append((f"sent to `{src}`", g))
        self.vectors(named)
        for pname, g in rec.grad_params.items():
            self.matrix(f"∂L/∂{pname} (`{rec.name}/{pname}`)", g)
        self.notes(rec.notes)

    def chain(self) -> None:
        chain = self.t.chain
        self.w("## 4. The chain rule for every weight", "")
        if chain is None or not chain.available:
            self.w(chain.reason if chain is not None else "not computed", "")
            return
        self.w("Each gradient as a product of factors, from the loss back to the weight, with their values; a factor "
               "that sums over several paths is named and expanded below.", "")
        self.w(*(f"- {r.text(self.d)}" for r in chain.rules), "")
        if chain.quantities:
            self.w("where", "")
            self.w(*(f"- {q.text(self.d)}" for q in chain.quantities), "")
        self.notes(chain.notes)

    def update(self) -> None:
        up = self.t.update
        self.w("## 5. The update", "")
        if up is None:
            self.w("No optimizer was given, so the update is not shown.", "")
            return
        self.w(f"**{up.optimizer}**, {up.rule}:", "", "```", *up.formulas, "```", "")
        rows = []
        for p in up.params:
            if p.before.size <= self.max:
                for idx in np.ndindex(p.before.shape):
                    rows.append([self.sym.param(p.key, idx), self.n(p.before[idx]), self.n(p.grad[idx]),
                                 self.n(p.after[idx]), self.n(float(p.after[idx]) - float(p.before[idx]))])
            else:
                rows.append([f"`{p.key}`", summary(p.before, self.d), summary(p.grad, self.d),
                             summary(p.after, self.d), summary(p.after.astype(np.float64) - p.before, self.d)])
        self.table(["weight", "before", "∂L/∂w", "after", "change"], rows)
        every = self.t.parameter_count <= MAX_WALKTHROUGH
        self.w("Step by step" + ("" if every else " (the first element of each parameter)") + ":", "")
        for p in up.params:
            for idx in (np.ndindex(p.before.shape) if every else [(0,) * p.before.ndim]):
                self.w(f"- {self.sym.param(p.key, idx)}:", *(f"  - {line}" for line in p.lines(idx, self.d)))
        self.w("")
        change = up.loss_after - up.loss_before
        self.w(f"**Loss on this sample:** {self.n(up.loss_before)} before → {self.n(up.loss_after)} after "
               f"({'+' if change >= 0 else ''}{self.n(change)}); prediction after: "
               f"{vector(up.prediction_after, self.d, self.max)}", "")
        self.notes(up.notes)

    def check(self, check: CheckResult) -> None:
        self.w("## 6. Gradient check", "")
        if check.applicable and check.rows:
            self.table(["parameter", "largest relative error", "result"],
                       [[f"`{r.key}`", num(r.max_rel_error, 2), "pass" if r.passed else "**FAIL**"] for r in check.rows])
        self.w(check.summary, "")


def _cell(text: str) -> str:
    """A table cell: a literal '|' would end the cell."""
    return str(text).replace("|", "\\|")


def _describe(rec: NodeForward) -> str:
    if rec.type == "Dense":
        units = rec.a.size
        bias = "" if "b" in rec.params else ", no bias"
        return f"Dense ({units} unit{'s' if units != 1 else ''}, {rec.activation}{bias})"
    if rec.type == "Activation":
        return f"Activation ({rec.activation})"
    return rec.type
