"""Small widgets of the plots' toolbars and read-outs: tool buttons, the legend/read-out line and its
numbers, placeholders, the export file dialog."""
from __future__ import annotations

from html import escape
from typing import Iterable

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (QFileDialog, QLabel, QLayout, QScrollArea, QSizePolicy, QStackedWidget, QToolButton,
                               QVBoxLayout, QWidget)

from .plot_theme import PlotTheme

def format_value(value: float, percent: bool = False) -> str:
    """A short number for read-outs: 4 significant digits, or a percentage with one decimal."""
    if value is None or not np.isfinite(value):
        return "–"
    if percent:
        return f"{100 * value:.1f} %"
    if value != 0 and (abs(value) < 1e-3 or abs(value) >= 1e5):
        return f"{value:.2e}"
    return f"{value:.4g}"


def legend_html(entries: Iterable[tuple[QColor, str, str, str]], theme: PlotTheme, lead: str = "",
                vertical: bool = False) -> str:
    """``glyph name value`` entries, each glyph in its series colour (a legend that also reads out
    values), on one line or (``vertical``) one per line."""
    parts = []
    if lead:
        parts.append(f"<b>{escape(lead).replace(' ', '&nbsp;')}</b>")
    for color, glyph, name, value in entries:
        text = escape(name).replace(" ", "&nbsp;") + (f"&nbsp;<b>{escape(value).replace(' ', '&nbsp;')}</b>" if value else "")
        parts.append(f"<span style='color:{color.name()}'>{glyph}</span>&nbsp;{text}")
    # entries never break inside; a narrow plot wraps the line between them
    return (f"<span style='color:{theme.text.name()}'>"
            + ("<br>" if vertical else "&nbsp;&nbsp; ").join(parts) + "</span>")


def tool_button(parent: QWidget, name: str, text: str, tip: str, checkable: bool = False) -> QToolButton:
    button = QToolButton(parent)
    button.setObjectName(name)
    button.setText(text)
    button.setToolTip(tip)
    button.setCheckable(checkable)
    button.setAutoRaise(True)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    return button


def readout_label(parent: QWidget, name: str) -> QLabel:
    """A rich-text line for legends and values, a little smaller than the body text."""
    label = QLabel(parent)
    label.setObjectName(name)
    label.setFont(small_font(parent))
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    label.setMinimumWidth(40)
    return label


def small_font(widget: QWidget, factor: float = 0.92) -> QFont:
    font = QFont(widget.font())
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * factor)
    return font


def placeholder_label(parent: QWidget, name: str, text: str = "") -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName(name)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    label.setMargin(16)
    return label


def placeholder_stack(parent: QWidget, name: str, *pages: QWidget) -> tuple[QLabel, QStackedWidget]:
    """A placeholder label (objectName ``name``) and a stack of it and ``pages``: a view shows its
    placeholder until it has something to draw."""
    placeholder = placeholder_label(parent, name)
    stack = QStackedWidget(parent)
    for page in (placeholder, *pages):
        stack.addWidget(page)
    return placeholder, stack


def scrolled(parent: QWidget, content: QWidget) -> QScrollArea:
    scroll = QScrollArea(parent)
    scroll.setWidgetResizable(True)
    scroll.setWidget(content)
    return scroll


def stacked_column(widget: QWidget, *rows: QWidget | QLayout) -> QVBoxLayout:
    """``widget``'s layout: ``rows`` top to bottom without margins, the last one taking the height."""
    layout = QVBoxLayout(widget)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    for i, row in enumerate(rows):
        stretch = 1 if i == len(rows) - 1 else 0
        if isinstance(row, QLayout):
            layout.addLayout(row, stretch)
        else:
            layout.addWidget(row, stretch)
    return layout


def ask_save_path(parent: QWidget, title: str, suggested: str, file_filter: str) -> str:
    path, _ = QFileDialog.getSaveFileName(parent, title, suggested, file_filter)
    return path
