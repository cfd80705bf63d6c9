"""The Forward page: every node in execution order with its formulas, the weighted sums and
activations written out with the sample's numbers, and its input, z and a; then the loss card with
the prediction, the target, the loss and where backpropagation starts."""
from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QWidget

from engine.explain import NodeForward, StepTrace
from engine.explain.symbols import Symbols
from engine.explain.text import num
from engine.explain.worked import activation_values, loss_numbers, seed_numbers, weighted_sums

from .arrays import SMALL, Heatmap, VectorTable, array_widget, pretty_symbol
from .cards import Card, Page, figure

LOSS_KEY = "__loss__"


def describe(rec: NodeForward) -> str:
    """"Dense · 4 units · tanh", "Activation · sigmoid", "Input · 2 features"."""
    if rec.type == "Input":
        return f"Input · {rec.a.size} value{'s' if rec.a.size != 1 else ''}"
    if rec.type == "Dense":
        units = rec.a.size
        bias = "" if "b" in rec.params else " · no bias"
        return f"Dense · {units} unit{'s' if units != 1 else ''} · {rec.activation}{bias}"
    if rec.type in ("Activation", "Softmax"):
        return f"{rec.type} · {rec.activation}"
    return rec.type


def row_labels(trace: StepTrace, sym: Symbols, node: str, size: int) -> list[str]:
    """Feature names for the input, class names for a classifier's output, else ``[i]``."""
    if node == trace.input_name and len(trace.feature_names) == size:
        return list(trace.feature_names)
    if node == trace.output_name and len(trace.class_names) == size and size > 1:
        return [f"class {c}" if c.isdigit() else c for c in trace.class_names]
    return [f"[{i}]" for i in range(size)]


def value_labels(rec: NodeForward, sym: Symbols) -> tuple[str | None, str]:
    """Headers of a node's weighted sum z (None: not shown) and its output a. A Dense layer has
    symbols of its own (z₁, a₁); a layer named by its node (Conv2D: "conv_1") would get the same
    header twice, so its two panels say which is which: "conv_1 · z (before relu)", "conv_1 · a = relu(z)"."""
    a_label = pretty_symbol(sym.out[rec.name])
    if rec.z is None or (rec.type in ("Dense", "Conv2D") and rec.activation == "linear"):
        return None, a_label
    z_label = pretty_symbol(sym.z(rec.name, 0).split("[")[0])
    if z_label != a_label:
        return z_label, a_label
    act = rec.activation or "f"
    z_label = f"{rec.name} · z (before {act})"
    return z_label, (f"{rec.name} · a = {act}(z)" if a_label == rec.name else f"{a_label} = {act}(z)")


def param_widgets(trace: StepTrace, sym: Symbols, node: str, arrays: dict[str, np.ndarray], header: str,
                  name: str) -> list[QWidget]:
    """Each parameter array: small ones as a labelled column (w1, dense_1.W[0,1], …), else a heatmap."""
    out: list[QWidget] = []
    for pname, arr in arrays.items():
        key = f"{node}/{pname}"
        arr = np.asarray(arr)
        if arr.size <= SMALL:
            labels = [pretty_symbol(sym.param(key, idx)) for idx in np.ndindex(arr.shape)]
            out.append(figure(f"{pname} ({key})", VectorTable([(header, arr)], labels, name=f"{name}:{key}")))
        else:
            label = f"∂L/∂{pname}" if header.startswith("∂") else pname
            out.append(figure(f"{pname} ({key})", Heatmap(arr, name=f"{name}:{key}", label=label)))
    return out


def build_forward(page: Page, trace: StepTrace) -> None:
    page.clear()
    sym = Symbols(trace)
    page.add_heading("Forward pass", "Each node in the order the engine runs them: its formula, then the numbers of "
                                     f"this sample ({trace.label or 'one sample'}).")
    for rec in trace.forward:
        page.add(_node_card(trace, sym, rec))
    page.add(loss_card(trace, sym))


def _node_card(trace: StepTrace, sym: Symbols, rec: NodeForward) -> Card:
    out_symbol = sym.out[rec.name]
    card = Card(rec.name, describe(rec), phase="forward", key=rec.name, badge=f"→ {out_symbol}")
    card.add_formulas(rec.formulas)
    worked = []
    for z_line, a_line in weighted_sums(trace, rec, sym=sym):
        worked.append(z_line)
        if a_line is not None:
            worked.append(a_line)
    worked += activation_values(trace, rec, sym=sym)
    card.add_formulas(worked, result=True, name=f"forwardWorked:{rec.name}")
    labels = row_labels(trace, sym, rec.name, rec.a.size)
    figures: list[QWidget] = []
    if rec.type == "Input":
        columns = [("x", rec.a)]
        if trace.raw_x is not None and np.asarray(trace.raw_x).size == rec.a.size:
            columns.append(("raw", np.asarray(trace.raw_x, dtype=np.float64)))
        widgets = array_widget(columns, labels, name=f"forwardValues:{rec.name}")
        captions = ["the sample, as the network sees it", "the raw sample, before the preprocessing"]
        if len(widgets) != len(columns):  # one table of both columns (features, not images)
            captions = [captions[0]] * len(widgets)
        figures += [figure(caption, w) for caption, w in zip(captions, widgets)]
    else:
        if rec.type not in ("Activation", "Softmax"):
            for src, value in zip(rec.inputs, rec.input_values):
                figures += [figure(f"input from {src}", w) for w in
                            array_widget([(pretty_symbol(sym.out[src]), value)],
                                         row_labels(trace, sym, src, np.asarray(value).size),
                                         name=f"forwardInput:{rec.name}:{src}")]
        columns = []
        z_label, a_label = value_labels(rec, sym)
        if z_label is not None:
            columns.append((z_label, rec.z))
        for extra, value in rec.extras.items():
            if extra != "jacobian" and np.asarray(value).size == rec.a.size:
                columns.append((extra, value))
        columns.append((a_label, rec.a))
        figures += [figure("", w) for w in array_widget(columns, labels, name=f"forwardValues:{rec.name}")]
        figures += param_widgets(trace, sym, rec.name, rec.params, "value", f"forwardParams:{rec.name}")
    card.add_flow(figures)
    for note in rec.notes:
        card.add_note(note)
    return card


def loss_card(trace: StepTrace, sym: Symbols) -> Card:
    loss = trace.loss
    card = Card(loss.node, f"Loss · {loss.function}", phase="loss", key=LOSS_KEY, badge=f"L = {num(loss.value)}")
    card.add_formulas([loss.formula])
    start = f"{loss.seed_formula} = {seed_numbers(trace)}" if loss.seed.size <= SMALL else loss.seed_formula
    card.add_formulas([f"L = {loss_numbers(trace)}", start], result=True, name="lossWorked")
    labels = row_labels(trace, sym, trace.output_name, loss.prediction.size)
    seed_name = "∂L/∂z" if loss.seed_is_z else "∂L/∂ŷ"
    columns = [("ŷ", loss.prediction), ("y", loss.target), (seed_name, loss.seed)]
    card.add_flow([figure("prediction, target and the gradient that starts backpropagation", w)
                   for w in array_widget(columns, labels, name="lossValues")])
    for note in loss.notes:
        card.add_note(note)
    return card
