"""Colours and fonts of the step inspector, from the current (light or dark) palette.

Signs: positive values blue, negative orange (the Playground's colours, as on the canvas); the
phases of a step (forward, loss, backward, update) keep the canvas animation's colours so a card
and the ring on its node read as one thing.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from gui.editor.items.style import mix
from gui.editor.step_highlight import phase_color
from gui.panels.theme import is_dark, muted_color, status_color

MATH_FAMILIES = ("STIX Two Text", "Cambria", "Libertinus Serif", "Linux Libertine O", "TeX Gyre Pagella",
                 "Palatino Linotype", "Noto Serif", "DejaVu Serif", "Georgia", "Liberation Serif", "Times New Roman")


@lru_cache(maxsize=1)
def math_family() -> str:
    """A serif family for formulas (italic variables read as mathematics), the first one installed."""
    families = set(QFontDatabase.families())
    for family in MATH_FAMILIES:
        if family in families:
            return family
    font = QFont()
    font.setStyleHint(QFont.StyleHint.Serif)
    return font.defaultFamily()


def math_font(base: QFont, factor: float = 1.12) -> QFont:
    font = QFont(base)
    font.setFamily(math_family())
    if base.pointSizeF() > 0:
        font.setPointSizeF(base.pointSizeF() * factor)
    else:
        font.setPixelSize(round(base.pixelSize() * factor))
    return font


def number_font(base: QFont) -> QFont:
    """The app font with tabular figures, so columns of numbers line up digit under digit."""
    font = QFont(base)
    font.setFeature(QFont.Tag("tnum"), 1)
    return font


@dataclass(frozen=True)
class Colors:
    dark: bool
    text: QColor
    muted: QColor
    positive: QColor
    negative: QColor
    positive_bar: QColor
    negative_bar: QColor
    zero_line: QColor
    card: QColor
    card_border: QColor
    ok: QColor
    error: QColor
    warning: QColor
    forward: QColor
    loss: QColor
    backward: QColor
    update: QColor
    link: QColor

    def sign(self, value: float) -> QColor:
        return self.negative if value < 0 else self.positive if value > 0 else self.muted

    def phase(self, phase: str) -> QColor:
        return {"forward": self.forward, "loss": self.loss, "backward": self.backward,
                "update": self.update}.get(phase, self.text)


def colors(widget: QWidget | None = None) -> Colors:
    pal = widget.palette() if widget is not None else QApplication.palette()
    dark = is_dark(pal)
    window = pal.color(QPalette.ColorRole.Window)
    base = pal.color(QPalette.ColorRole.Base)
    text = pal.color(QPalette.ColorRole.WindowText)
    card = mix(base, window, 0.35) if not dark else mix(window, QColor("white"), 0.04)
    return Colors(
        dark=dark,
        text=text,
        muted=muted_color(pal),
        positive=QColor("#7fb4ff" if dark else "#1d5fc2"),
        negative=QColor("#ffa35c" if dark else "#b54708"),
        positive_bar=QColor("#4b8fe8" if dark else "#5b9be8"),
        negative_bar=QColor("#f0913a" if dark else "#f5a25d"),
        zero_line=mix(card, text, 0.35),
        card=card,
        card_border=mix(card, text, 0.16 if dark else 0.14),
        ok=status_color(pal, "ok"),
        error=status_color(pal, "error"),
        warning=status_color(pal, "warning"),
        forward=phase_color("forward", dark),
        loss=phase_color("loss", dark),
        backward=phase_color("backward", dark),
        update=phase_color("update", dark),
        link=pal.color(QPalette.ColorRole.Link),
    )
