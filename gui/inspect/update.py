"""The Update page: the optimizer's rule (w ← w − η·∂L/∂w, or momentum's and Adam's state terms),
each weight's update with the numbers, the loss and prediction on this sample before and after the
step, and a sortable table of every weight before, its gradient, after, and the change."""
from __future__ import annotations

import numpy as np

from engine.explain import StepTrace
from engine.explain.symbols import Symbols
from engine.explain.text import num

from .arrays import VectorTable, pretty_symbol
from .cards import Card, Page, figure
from .forward import row_labels
from .style import colors
from .tables import Cell, RowsTable

MAX_WALKTHROUGH = 20   # every weight's update lines up to this many weights, else one per parameter
OPTIMIZER_TITLES = {"sgd": "SGD", "adam": "Adam", "adamw": "AdamW", "rmsprop": "RMSProp", "adagrad": "Adagrad"}


def build_update(page: Page, trace: StepTrace) -> None:
    page.clear()
    up = trace.update
    if up is None:
        page.add_heading("The update", "No optimizer came with this trace, so there is no update to show.")
        page.add(weights_table(trace))
        return
    sym = Symbols(trace)
    title = OPTIMIZER_TITLES.get(up.optimizer, up.optimizer)
    page.add_heading("The update", f"{title}, {up.rule}: every weight moves against its gradient.")
    card = Card(title, f"{up.rule} · step t = {up.t}", phase="update", key="optimizer")
    card.add_formulas(up.formulas, name="updateFormulas")
    for note in up.notes:
        card.add_note(note)
    page.add(card)

    change = up.loss_after - up.loss_before
    card = Card("This sample, before and after the step", phase="update", key="loss")
    card.add_formulas([f"L = {num(up.loss_before)} → {num(up.loss_after)}   "
                       f"(change {'+' if change >= 0 else ''}{num(change)})"], name="updateLoss")
    pred = trace.loss.prediction.reshape(-1)
    after = np.asarray(up.prediction_after, dtype=np.float64).reshape(-1)
    labels = ["L"] + [f"ŷ {label}" for label in row_labels(trace, sym, trace.output_name, pred.size)]
    if pred.size <= 15:
        table = VectorTable([("before", np.concatenate([[up.loss_before], pred])),
                             ("after", np.concatenate([[up.loss_after], after]))], labels, name="updateBeforeAfter")
        card.add_flow([figure("loss and prediction", table)])
    page.add(card)

    every = trace.parameter_count <= MAX_WALKTHROUGH
    for p in up.params:
        indices = list(np.ndindex(p.before.shape)) if every else [(0,) * p.before.ndim]
        for idx in indices:
            symbol = sym.param(p.key, idx)
            where = p.key + (f"[{','.join(map(str, idx))}]" if p.before.size > 1 else "")
            card = Card(pretty_symbol(symbol), where + ("" if every or p.before.size == 1 else " · the first element"),
                        phase="update", key=f"{p.key}:{idx}",
                        badge=f"{num(p.before[idx])} → {num(p.after[idx])}")
            card.add_formulas(p.lines(idx), result=True, name=f"updateLines:{p.key}:{','.join(map(str, idx))}")
            page.add(card)
    page.add(weights_table(trace))


def weights_table(trace: StepTrace) -> Card:
    """Every weight: before, ∂L/∂w, after, change (sortable)."""
    sym = Symbols(trace)
    c = colors()
    up = trace.update
    after = {p.key: p.after for p in up.params} if up is not None else {}
    rows = []
    for key, w in trace.weights.items():
        g = trace.gradients[key]
        for idx in np.ndindex(w.shape):
            cells = [Cell(pretty_symbol(sym.param(key, idx)), numeric=False),
                     Cell(key + (f"[{','.join(map(str, idx))}]" if w.size > 1 else ""), numeric=False),
                     _number(float(w[idx]), c, signed=False), _number(float(g[idx]), c)]
            if key in after:
                new = float(after[key][idx])
                cells += [_number(new, c, signed=False), _number(new - float(w[idx]), c)]
            rows.append(cells)
    headers = ["weight", "parameter", "before", "∂L/∂w"] + (["after", "change"] if up is not None else [])
    card = Card("Every weight", f"{trace.parameter_count:,} values · click a header to sort", phase="update",
                key="weights")
    card.body.addWidget(RowsTable("weightsTable", headers, rows, card))
    return card


def _number(v: float, c, signed: bool = True) -> Cell:
    return Cell(num(v), v, c.sign(v) if signed else None, tooltip=f"{v:.9g}")
