"""Colours and fonts of the canvas, derived from the application palette (light or dark).

Category colours are fixed mid-tone hues that carry white text on both palettes; everything else
(card, text, grid, wires) is mixed from the palette so the canvas follows the system theme.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtGui import QColor, QFont, QPalette, QPen
from PySide6.QtWidgets import QApplication

# Header colours per layer category: one harmonious set (similar lightness, spread hues).
CATEGORY_COLORS = {
    "Input / Output": "#16867c",   # teal
    "Core": "#3f6fd1",             # blue
    "Convolution": "#a3790d",      # ochre
    "Activation": "#8a55cc",       # violet
    "Merge": "#c4477f",            # rose
    "Regularization": "#4f8a3a",   # green
    "Normalization": "#b0612a",    # copper
    "Reshape": "#5d6b86",          # slate
}
FALLBACK_CATEGORY = "#6b7280"
ERROR = "#e5484d"
WARNING = "#f0a020"
VALID = "#22a06b"


def mix(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` moved a fraction ``t`` towards ``b``."""
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * t,
        a.greenF() + (b.greenF() - a.greenF()) * t,
        a.blueF() + (b.blueF() - a.blueF()) * t,
        a.alphaF() + (b.alphaF() - a.alphaF()) * t,
    )


def _font(pixels: int, bold: bool = False, family: str | None = None) -> QFont:
    font = QFont(QApplication.font())
    if family:
        font.setFamily(family)
    font.setPixelSize(pixels)  # scene units: the same layout at every DPI and zoom
    font.setBold(bold)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)  # scales smoothly when zoomed
    return font


@dataclass
class CanvasStyle:
    dark: bool
    canvas: QColor
    grid_minor: QColor
    grid_major: QColor
    card: QColor
    card_border: QColor
    shadow: QColor
    text: QColor
    muted: QColor
    shape: QColor
    header_text: QColor
    wire: QColor
    wire_hover: QColor
    selection: QColor
    selection_halo: QColor
    port_fill: QColor
    port_ring: QColor
    valid: QColor
    invalid: QColor
    error: QColor
    warning: QColor
    hint: QColor
    name_font: QFont
    body_font: QFont
    small_font: QFont
    hint_font: QFont
    _pens: dict = field(default_factory=dict, repr=False, compare=False)

    def category_color(self, category: str) -> QColor:
        return QColor(CATEGORY_COLORS.get(category, FALLBACK_CATEGORY))

    def pen(self, color: QColor, width: float = 1.0) -> QPen:
        """A shared pen (painting runs per node per frame while zooming: no allocations there)."""
        key = (color.rgba(), width)
        pen = self._pens.get(key)
        if pen is None:
            pen = self._pens[key] = QPen(color, width)
        return pen

    @classmethod
    def from_palette(cls, palette: QPalette | None = None) -> "CanvasStyle":
        pal = palette if palette is not None else QApplication.palette()
        window = pal.color(QPalette.ColorRole.Window)
        base = pal.color(QPalette.ColorRole.Base)
        text = pal.color(QPalette.ColorRole.Text)
        highlight = pal.color(QPalette.ColorRole.Highlight)
        dark = window.lightness() < 128
        if dark:
            canvas = mix(min(window, base, key=QColor.lightness), QColor("black"), 0.15)
            card = mix(max(window, base, key=QColor.lightness), QColor("white"), 0.06)
            border = mix(card, text, 0.14)
            shadow = QColor(0, 0, 0, 110)
        else:
            canvas = mix(window, text, 0.025)
            card = base
            border = mix(card, text, 0.18)
            shadow = QColor(0, 0, 0, 34)
        muted = mix(text, card, 0.42)
        if highlight.saturationF() < 0.2:  # a grey highlight would not read as "selected"
            highlight = QColor("#3b82f6")
        return cls(
            dark=dark,
            canvas=canvas,
            grid_minor=mix(canvas, text, 0.13 if dark else 0.16),
            grid_major=mix(canvas, text, 0.24 if dark else 0.30),
            card=card,
            card_border=border,
            shadow=shadow,
            text=text,
            muted=muted,
            shape=mix(text, card, 0.22),
            header_text=QColor("white"),
            wire=mix(canvas, text, 0.45 if dark else 0.42),
            wire_hover=mix(highlight, text, 0.15),
            selection=highlight,
            selection_halo=QColor.fromRgbF(highlight.redF(), highlight.greenF(), highlight.blueF(), 0.28),
            port_fill=mix(card, text, 0.55),
            port_ring=mix(card, text, 0.55),
            valid=QColor(VALID),
            invalid=mix(QColor(ERROR), canvas, 0.35),
            error=QColor(ERROR),
            warning=QColor(WARNING),
            hint=mix(canvas, text, 0.5),
            name_font=_font(12, bold=True),
            body_font=_font(11),
            small_font=_font(10),
            hint_font=_font(15),
        )
