"""What the live plots share, gathered here from the modules that hold it: the palette-derived theme
(plot_theme), the coalesced redraw (live_plot), growing NumPy buffers and min/max decimation
(curves), and a few small widgets: toolbar buttons, the legend/read-out line (plot_widgets).
"""
from __future__ import annotations

import os

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

from .curves import DENSE_POINTS, MAX_POINTS, GrowingArray, decimate, set_curve, visible_points  # noqa: E402
from .live_plot import REDRAW_INTERVAL_MS, LivePlot  # noqa: E402
from .plot_theme import DecadeAxis, PlotTheme, pen, style_plot_item, style_view, with_alpha  # noqa: E402
from .plot_widgets import (  # noqa: E402
    ask_save_path,
    format_value,
    legend_html,
    placeholder_label,
    readout_label,
    small_font,
    tool_button,
)

__all__ = [
    "DENSE_POINTS", "MAX_POINTS", "REDRAW_INTERVAL_MS", "DecadeAxis", "GrowingArray", "LivePlot", "PlotTheme",
    "ask_save_path", "decimate", "format_value", "legend_html", "pen", "placeholder_label", "readout_label",
    "set_curve", "small_font", "style_plot_item", "style_view", "tool_button", "visible_points", "with_alpha",
]
