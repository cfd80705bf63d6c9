"""The Gradient check page: finite differences against backpropagation for every parameter on the
chosen samples (engine.explain.CheckResult) — a table of the largest relative error per parameter,
coloured pass/fail, and a summary; "not applicable" for a step output (the perceptron)."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from engine.explain import CheckResult
from engine.explain.text import num
from gui.panels.theme import scaled_font, set_text_color

from .cards import Card, Page
from .style import colors
from .tables import Cell, RowsTable

EXPLANATION = ("Finite differences measure each gradient without backpropagation: nudge one weight by ±ε, run the "
               "network forward, and (L(w + ε) − L(w − ε)) / 2ε is ∂L/∂w. If backpropagation is right, the two agree "
               "to many digits (computed in float64).")


class CheckPage(Page):
    runRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("stepCheckPage", parent)
        self.result: CheckResult | None = None
        self.table: RowsTable | None = None
        self.summary: QLabel | None = None
        self.samples_text = ""
        self.show_result(None)

    def show_result(self, result: CheckResult | None, samples_text: str = "", pending: str = "") -> None:
        """``result`` None: the page before a check (``pending`` says what it would run on)."""
        self.clear()
        self.result = result
        self.table = None
        self.add_heading("Gradient check", EXPLANATION)
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        button = QPushButton("Run gradient check")
        button.setObjectName("stepCheckRun")
        button.setToolTip("Compare backpropagation with finite differences on the selected samples")
        button.clicked.connect(self.runRequested)
        line.addWidget(button)
        hint = QLabel(pending or "on the samples selected in the table (the current one if only one)")
        hint.setWordWrap(True)
        set_text_color(hint, colors(self).muted)
        line.addWidget(hint, 1)
        self.add(row)
        self.summary = QLabel("")
        self.summary.setObjectName("stepCheckSummary")
        self.summary.setWordWrap(True)
        self.summary.setFont(scaled_font(self, 1.05, bold=True))
        self.add(self.summary)
        if result is None:
            self.summary.hide()
            return
        c = colors(self)
        self.summary.setText(result.summary + (f" — {samples_text}" if samples_text else ""))
        tone = c.muted if not result.applicable else c.ok if result.passed else c.error
        set_text_color(self.summary, tone)
        if not result.applicable or not result.rows:
            return
        rows = []
        for r in result.rows:
            err = np.abs(r.analytic - r.numeric)
            k = np.unravel_index(int(np.argmax(err)), r.analytic.shape) if r.analytic.size else ()
            a = float(r.analytic[k]) if r.analytic.size else 0.0
            n = float(r.numeric[k]) if r.numeric.size else 0.0
            where = f"[{','.join(map(str, k))}]" if r.analytic.size > 1 else ""
            rows.append([Cell(r.key, numeric=False), Cell("×".join(map(str, r.analytic.shape)) or "scalar", numeric=False),
                         Cell(f"{num(a, 6)}", a, c.sign(a), tooltip=f"backprop{where} = {a:.12g}"),
                         Cell(f"{num(n, 6)}", n, c.sign(n), tooltip=f"finite difference{where} = {n:.12g}"),
                         Cell(num(r.max_rel_error, 2), r.max_rel_error, c.ok if r.passed else c.error),
                         Cell("✓ pass" if r.passed else "✗ FAIL", int(r.passed), c.ok if r.passed else c.error,
                              numeric=False)])
        card = Card("Per parameter", "the element with the largest disagreement · tolerance "
                    f"{result.tolerance:g}", phase="backward", key="check")
        self.table = RowsTable("stepCheckTable", ["parameter", "shape", "backprop", "finite difference",
                                                  "relative error", "result"], rows, card)
        card.body.addWidget(self.table)
        self.add(card)
