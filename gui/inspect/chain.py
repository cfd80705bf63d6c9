"""The Chain rule page: every weight's gradient as a product of factors with their values, equal to
the engine's gradient (shown beside it with a ✓), for networks of up to about 100 weights.

Each factor is a link: hovering it says what it is and where it lives, and ``factorHovered``
tells the canvas which node to mark. Factors are coloured by kind — where backpropagation starts,
a weight, a forward value, a local derivative — the same colour in the symbols and in the numbers.
"""
from __future__ import annotations

import html
import math

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QCursor
from PySide6.QtWidgets import QLabel, QToolTip, QWidget

from engine.explain import ChainRule, Factor, Product, StepTrace
from engine.explain.text import num, paren

from .cards import Card, Page
from .mathtext import FormulaLabel, math_tokens
from .style import Colors, colors

KIND_NAMES = {"loss": "start of backpropagation", "gradient": "a gradient summed over paths", "weight": "weight",
              "value": "forward value", "derivative": "local derivative", "mask": "Dropout mask",
              "constant": "constant", "backward": "a layer's backward pass"}


def kind_color(c: Colors, kind: str) -> QColor:
    return {"loss": c.loss, "gradient": c.backward, "derivative": c.backward, "value": c.forward,
            "weight": c.text, "mask": c.muted, "constant": c.muted, "backward": c.backward}.get(kind, c.text)


def agrees(value: float, engine: float, dtype: str) -> bool:
    """The product equals the engine's gradient up to the dtype's rounding."""
    rel, abs_ = (1e-9, 1e-12) if dtype == "float64" else (2e-4, 1e-7)
    return math.isclose(value, engine, rel_tol=rel, abs_tol=abs_ * max(1.0, abs(engine)))


class ChainPage(Page):
    factorHovered = Signal(object)  # Factor | None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("stepChainPage", parent)
        self._factors: dict[str, Factor] = {}
        self.rule_labels: dict[tuple[str, tuple[int, ...]], FormulaLabel] = {}

    def build(self, trace: StepTrace) -> None:
        self.clear()
        self._factors = {}
        self.rule_labels = {}
        chain = trace.chain
        c = colors(self)
        self.add_heading("The chain rule, weight by weight",
                         "Each gradient is a product of factors, from the loss back to the weight. Hover a factor to "
                         "see where it lives on the canvas.")
        if chain is None or not chain.available:
            card = Card("Not written out", phase="backward", key="unavailable")
            card.add_note((chain.reason if chain is not None else "The trace has no chain rules.") + ". The Backward "
                          "page has every node's gradients.")
            self.add(card)
            return
        kinds = {f.kind for rule in chain.rules for f in rule.product.factors}
        legend = " · ".join(f'<span style="color:{kind_color(c, k).name()}">{KIND_NAMES[k]}</span>'
                            for k in ("loss", "weight", "value", "derivative", "gradient", "mask") if k in kinds)
        self.add(FormulaLabel(legend, factor=0.95))
        for note in chain.notes:
            self.add(QLabel(note))
        by_key: dict[str, list[ChainRule]] = {}
        for rule in chain.rules:
            by_key.setdefault(rule.key, []).append(rule)
        for key, rules in by_key.items():
            shape = trace.weights[key].shape
            card = Card(key, f"{'×'.join(map(str, shape)) or 'scalar'} · {len(rules)} weight{'s' if len(rules) != 1 else ''}",
                        phase="backward", key=key)
            for rule in rules:
                label = card.add_formulas([" "], name=f"chainRule:{key}:{','.join(map(str, rule.index))}")
                label.setText(self._rule_html(rule, trace.dtype, c))
                label.linkHovered.connect(self._hovered)
                self.rule_labels[(key, rule.index)] = label
            self.add(card)
        if chain.quantities:
            card = Card("where", "gradients that sum over several paths (one term per path)", phase="backward",
                        key="quantities")
            for q in chain.quantities:
                label = card.add_formulas([" "], name=f"chainQuantity:{q.symbol}")
                label.setText(self._quantity_html(q, c))
                label.linkHovered.connect(self._hovered)
            self.add(card)

    # ---- rich text -----------------------------------------------------------------------------
    def _link(self, factor: Factor, text: str, c: Colors) -> str:
        ref = f"f{len(self._factors)}"
        self._factors[ref] = factor
        return (f'<a href="{ref}" style="color:{kind_color(c, factor.kind).name()}; text-decoration:none">'
                f"{text}</a>")

    def _product(self, product: Product, c: Colors) -> tuple[str, str]:
        symbols, numbers = [], []
        for f in product.factors:
            symbols.append(self._link(f, math_tokens(f.symbol), c))
            numbers.append(self._link(f, html.escape(paren(f.value)), c))
        return " · ".join(symbols), "".join(numbers)

    def _rule_html(self, rule: ChainRule, dtype: str, c: Colors) -> str:
        symbols, numbers = self._product(rule.product, c)
        eq = ":=" if rule.perceptron else "="
        ok = agrees(rule.value, rule.engine_value, dtype)
        mark = (f'<span style="color:{c.ok.name()}">✓ engine: {num(rule.engine_value)}</span>' if ok else
                f'<span style="color:{c.error.name()}">≠ engine: {num(rule.engine_value)}</span>')
        return (f"{math_tokens(rule.symbol)} {eq} {symbols}<br>"
                f"&nbsp;&nbsp;&nbsp;&nbsp;= {numbers} = <b>{num(rule.value)}</b>&nbsp;&nbsp;&nbsp;{mark}")

    def _quantity_html(self, q, c: Colors) -> str:
        if not q.terms:
            return f"{math_tokens(q.symbol)} = 0 (no gradient reaches it)"
        lines = [f"{math_tokens(q.symbol)} = Σ over {len(q.terms)} paths = <b>{num(q.value)}</b>"]
        for t in q.terms:
            symbols, numbers = self._product(t, c)
            via = f'<span style="color:{c.muted.name()}">via {html.escape(t.via or "")}</span>&nbsp;&nbsp;'
            lines.append(f"&nbsp;&nbsp;&nbsp;&nbsp;{via}{symbols} = {numbers} = {num(t.value)}")
        return "<br>".join(lines)

    def _hovered(self, ref: str) -> None:
        factor = self._factors.get(ref) if ref else None
        if factor is not None:
            where = f" — on {factor.node}" if factor.node else ""
            QToolTip.showText(QCursor.pos(), f"{factor.symbol} = {factor.value:.9g}\n{factor.meaning}{where}")
        else:
            QToolTip.hideText()
        self.factorHovered.emit(factor)
