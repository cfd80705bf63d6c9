"""The engine's formula strings rendered as mathematics, in Qt rich text.

``z1 = x·w1 = (1.5)(0.5) = 0.75`` becomes *z*₁ = *x*·*w*₁ = (1.5)(0.5) = **0.75**: one-letter
variables in italics with their numbers as subscripts, ``^`` as a superscript, ``'`` as a prime,
function names upright, node names upright, and explanations after a wide gap muted. Numbers keep
the engine's ASCII minus, so a copied number pastes into a calculator.
"""
from __future__ import annotations

import html
import re

from PySide6.QtGui import QColor, QTextDocumentFragment
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from .style import math_font

_LETTER = r"A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u0370-\u03FF"  # not × or ÷
_TOKEN = re.compile(
    rf"(?P<num>(?<![{_LETTER}0-9_])-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)"
    rf"|(?P<id>[{_LETTER}][{_LETTER}0-9_\u00B2\u0300-\u036F]*)"
    r"|(?P<sup>\^(?:\([^()]*\)|[^\s·,)/]+))"
    r"|(?P<prime>'(?![A-Za-z]))"
    r"|(?P<other>.)",
    re.S,
)
_SUBSCRIPTED = re.compile(rf"^([{_LETTER}][\u0300-\u036F\u00B2]?)(\d+)$")
_UNDERSCORED = re.compile(rf"^([{_LETTER}][\u0300-\u036F\u00B2]*)_([{_LETTER}0-9]+)$")
_SINGLE = re.compile(rf"^[{_LETTER}][\u0300-\u036F\u00B2]?$")
_GAP = re.compile(r" {3,}")


def _variable(letter: str) -> str:
    """Italic, except upright capital Greek (Σ, Δ: operators in the engine's formulas)."""
    if "\u0391" <= letter[:1] <= "\u03A9":
        return html.escape(letter)
    return f"<i>{html.escape(letter)}</i>"


def _identifier(word: str) -> str:
    m = _SUBSCRIPTED.match(word)
    if m:
        return f"{_variable(m.group(1))}<sub>{m.group(2)}</sub>"
    m = _UNDERSCORED.match(word)
    if m and len(m.group(1)) <= 2:
        sub = m.group(2)
        return f"{_variable(m.group(1))}<sub>{_variable(sub) if len(sub) == 1 else html.escape(sub)}</sub>"
    if _SINGLE.match(word):
        return _variable(word)
    return html.escape(word)


def math_tokens(text: str) -> str:
    out = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        tok = m.group()
        if kind == "num":
            out.append(tok)
        elif kind == "id":
            out.append(_identifier(tok))
        elif kind == "sup":
            body = tok[1:]
            if body.startswith("(") and body.endswith(")"):
                body = body[1:-1]
            out.append(f"<sup>{math_tokens(body)}</sup>")
        elif kind == "prime":
            out.append("′")
        elif tok == "'":
            out.append("’")  # an apostrophe in words: "the sample's features"
        else:
            out.append(html.escape(tok))
    return "".join(out)


def _css(color: QColor | None) -> str:
    return f"color:{color.name()};" if color is not None else ""


def math_html(text: str, *, result: QColor | None = None, muted: QColor | None = None, nowrap: bool = False) -> str:
    """One formula line as rich text. ``result``: colour (and bold) the number after the last "=";
    ``muted``: the colour of an explanation that follows three or more spaces; ``nowrap``: keep the
    line in one piece when a label wraps."""
    parts = _GAP.split(text, maxsplit=1)
    main, comment = parts[0], parts[1] if len(parts) > 1 else ""
    head, sep, last = main.rpartition(" = ")
    body = math_tokens(main)
    if result is not None and sep and _TOKEN.fullmatch(last) and re.fullmatch(r"-?\d[\d.e+-]*", last):
        body = f"{math_tokens(head)} = <b style=\"{_css(result)}\">{last}</b>"
    if comment:
        body += f"&nbsp;&nbsp;&nbsp;<span style=\"{_css(muted)}\">{math_tokens(comment)}</span>"
    return f'<span style="white-space:nowrap">{body}</span>' if nowrap else body


def plain_text(widget_or_html: QLabel | str) -> str:
    """What a rich-text label shows, as plain text (tests and copying read numbers from this)."""
    text = widget_or_html.text() if isinstance(widget_or_html, QLabel) else widget_or_html
    return QTextDocumentFragment.fromHtml(text).toPlainText()


class FormulaLabel(QLabel):
    """A formula (or several lines of them) in the math font, selectable, wrapping at spaces."""

    def __init__(self, html_text: str = "", parent: QWidget | None = None, *, name: str = "",
                 factor: float = 1.12) -> None:
        super().__init__(parent)
        if name:
            self.setObjectName(name)
        self.setTextFormat(self.textFormat().RichText)
        self.setWordWrap(True)
        self.setFont(math_font(self.font(), factor))
        self.setTextInteractionFlags(self.textInteractionFlags().TextSelectableByMouse
                                     | self.textInteractionFlags().LinksAccessibleByMouse)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.setText(html_text)

    def plain(self) -> str:
        return plain_text(self)
