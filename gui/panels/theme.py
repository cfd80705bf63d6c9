"""Colours and icons the panels share, derived from the current (light or dark) palette.

Nothing here hard-codes a background: text colours for errors, warnings and success are picked
to read well on the palette's window colour, and panels re-apply them on a palette change.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPalette
from PySide6.QtWidgets import QLabel, QStyle, QWidget

_LIGHT = {"error": "#c62828", "warning": "#9a6700", "ok": "#1a7f37"}
_DARK = {"error": "#ff7b72", "warning": "#e3b341", "ok": "#56d364"}

PALETTE_EVENTS = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange)


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def status_color(palette: QPalette, kind: str) -> QColor:
    """The text colour of ``kind`` ("error", "warning" or "ok") on this palette's window colour."""
    return QColor((_DARK if is_dark(palette) else _LIGHT)[kind])


def muted_color(palette: QPalette) -> QColor:
    """Secondary text: between the window text and the window colour."""
    fg = palette.color(QPalette.ColorRole.WindowText)
    bg = palette.color(QPalette.ColorRole.Window)
    return QColor(round(fg.red() * 0.62 + bg.red() * 0.38), round(fg.green() * 0.62 + bg.green() * 0.38),
                  round(fg.blue() * 0.62 + bg.blue() * 0.38))


def set_text_color(label: QWidget, color: QColor | None) -> None:
    """Colour a label's text (None: back to the inherited palette)."""
    if color is None:
        label.setPalette(QPalette())  # an empty palette inherits every role again
        return
    pal = QPalette(label.palette())
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        pal.setColor(group, QPalette.ColorRole.WindowText, color)
        pal.setColor(group, QPalette.ColorRole.Text, color)
    label.setPalette(pal)


def scaled_font(widget: QWidget, factor: float = 1.0, bold: bool = False) -> QFont:
    font = QFont(widget.font())
    if factor != 1.0:
        font.setPointSizeF(font.pointSizeF() * factor)
    if bold:
        font.setWeight(QFont.Weight.DemiBold)
    return font


def severity_icon(widget: QWidget, severity: str) -> QIcon:
    """The standard message-box icon of an issue severity ("error", "warning" or "info")."""
    pixmap = {
        "error": QStyle.StandardPixmap.SP_MessageBoxCritical,
        "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
    }.get(severity, QStyle.StandardPixmap.SP_MessageBoxInformation)
    return widget.style().standardIcon(pixmap)


def text_label(parent: QWidget, name: str = "", text: str = "", wrap: bool = False,
               selectable: bool = False) -> QLabel:
    """A QLabel with an objectName, optionally word-wrapped and selectable with the mouse."""
    label = QLabel(text, parent)
    if name:
        label.setObjectName(name)
    label.setWordWrap(wrap)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def plural(n: int, word: str) -> str:
    """"1 error", "2 errors"."""
    return f"{n:,} {word}" + ("" if n == 1 else "s")
