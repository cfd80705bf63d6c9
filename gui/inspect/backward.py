"""The Backward page: every node in the engine's backward order — ∂L/∂a (for a node with several
consumers, each consumer's contribution and their sum), f'(z) and ∂L/∂z written out, what goes back
along each input wire, and ∂L/∂w of its parameters with the numbers."""
from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QWidget

from engine.explain import NodeBackward, StepTrace
from engine.explain.symbols import Symbols
from engine.explain.text import num, operand, paren
from engine.explain.worked import MAX_SUM_UNITS, seed_numbers

from .arrays import SMALL, array_widget, pretty_symbol
from .cards import Card, Page, figure
from .forward import describe, param_widgets, row_labels


def build_backward(page: Page, trace: StepTrace) -> None:
    page.clear()
    sym = Symbols(trace)
    page.add_heading("Backward pass", "From the loss back to the input, in the engine's order. A node's ∂L/∂a is "
                                      "the sum of what its consumers send back; ∂L/∂z = ∂L/∂a ⊙ f′(z).")
    for rec in trace.backward:
        page.add(_node_card(trace, sym, rec))


def _node_card(trace: StepTrace, sym: Symbols, rec: NodeBackward) -> Card:
    fwd = trace.node(rec.name)
    out = sym.out[rec.name]
    card = Card(rec.name, describe(fwd), phase="backward", key=rec.name, badge=f"∂L/∂{out}")
    card.add_formulas(rec.formulas)
    n = fwd.a.size
    labels = row_labels(trace, sym, rec.name, n)
    figures: list[QWidget] = []
    if len(rec.contributions) > 1:
        card.add_note(f"{rec.name} feeds {len(rec.contributions)} consumers, so its gradient is the sum of what each "
                      "sends back:")
        columns = [(f"from {c.consumer}", c.value) for c in rec.contributions]
        columns.append((f"Σ = ∂L/∂{pretty_symbol(out)}", rec.grad_output))
        figures += [figure("each consumer's contribution and their sum", w)
                    for w in array_widget(columns, labels, name=f"backwardContributions:{rec.name}")]
    card.add_formulas(_worked(trace, sym, rec), result=True, name=f"backwardWorked:{rec.name}")
    columns = []
    if rec.grad_output is not None and len(rec.contributions) <= 1:
        columns.append((f"∂L/∂{pretty_symbol(out)}" + (" (shown)" if rec.grad_output_display_only else ""),
                        rec.grad_output))
    if rec.local_derivative is not None:
        columns.append(("f′ (diagonal)" if fwd.activation == "softmax" else "f′(z)", rec.local_derivative))
    if rec.grad_z is not None and (rec.local_derivative is not None or rec.grad_output is None):
        columns.append(("∂L/∂z", rec.grad_z))  # a linear layer's ∂L/∂z is its ∂L/∂a
    figures += [figure("", w) for w in array_widget(columns, labels, name=f"backwardValues:{rec.name}")]
    for src, g in zip(fwd.inputs, rec.grad_inputs):
        if g is not None:
            figures += [figure(f"sent back to {src}", w) for w in
                        array_widget([(f"∂L/∂{pretty_symbol(sym.out[src])}", g)],
                                     row_labels(trace, sym, src, np.asarray(g).size),
                                     name=f"backwardSent:{rec.name}:{src}")]
    figures += param_widgets(trace, sym, rec.name, rec.grad_params, "∂L/∂w", f"backwardParams:{rec.name}")
    card.add_flow(figures)
    for note in rec.notes:
        card.add_note(note)
    return card


def _worked(trace: StepTrace, sym: Symbols, rec: NodeBackward) -> list[str]:
    """The backward arithmetic of a small node, line by line, with the numbers."""
    fwd = trace.node(rec.name)
    n = fwd.a.size
    lines: list[str] = []
    if n > MAX_SUM_UNITS:
        return lines
    if len(rec.contributions) > 1 and rec.grad_output is not None:
        for j in range(n):
            terms = " + ".join(operand(c.value.reshape(-1)[j]) for c in rec.contributions)
            lines.append(f"∂L/∂{sym.value(rec.name, j)} = {terms} = {num(rec.grad_output.reshape(-1)[j])}")
    if rec.name == trace.output_name and trace.loss.seed_is_z and trace.loss.seed.size <= SMALL:
        lines.append(f"{trace.loss.seed_formula} = {seed_numbers(trace)}")
    elif rec.local_derivative is not None and rec.grad_z is not None and rec.grad_output is not None \
            and fwd.activation != "softmax":
        da, fp, dz = (a.reshape(-1) for a in (rec.grad_output, rec.local_derivative, rec.grad_z))
        for j in range(n):
            lines.append(f"∂L/∂{sym.z(rec.name, j)} = ∂L/∂{sym.value(rec.name, j)} · {sym.derivative(rec.name, j)} = "
                         f"{paren(da[j])}{paren(fp[j])} = {num(dz[j])}")
    if fwd.type == "Dense" and "W" in rec.grad_params and rec.grad_params["W"].size <= SMALL:
        lines += _dense_params(trace, sym, rec)
    return lines


def _dense_params(trace: StepTrace, sym: Symbols, rec: NodeBackward) -> list[str]:
    """∂L/∂W[i,j] = x[i] · ∂L/∂z[j] and ∂L/∂b[j] = ∂L/∂z[j] with the numbers."""
    fwd = trace.node(rec.name)
    src = fwd.inputs[0]
    x = fwd.input_values[0].reshape(-1)
    dz = rec.grad_z if rec.grad_z is not None else (trace.loss.seed if rec.name == trace.output_name
                                                     and trace.loss.seed_is_z else rec.grad_output)
    if dz is None:
        return []
    dz = dz.reshape(-1)
    gW = rec.grad_params["W"]
    lines = []
    for i, j in np.ndindex(gW.shape):
        lines.append(f"∂L/∂{sym.param(rec.name + '/W', (i, j))} = {sym.value(src, i)} · ∂L/∂{sym.z(rec.name, j)} = "
                     f"{paren(x[i])}{paren(dz[j])} = {num(gW[i, j])}")
    gb = rec.grad_params.get("b")
    if gb is not None:
        for j in range(gb.size):
            lines.append(f"∂L/∂{sym.param(rec.name + '/b', (j,))} = ∂L/∂{sym.z(rec.name, j)} = {num(gb.reshape(-1)[j])}")
    return lines
