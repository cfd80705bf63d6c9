"""Live training plots (pyqtgraph): loss, decision boundary, gradients and weights.

Each plot is a QWidget fed from the GUI thread: ``reset(loaded)`` when a run is loaded,
``add_snapshot(snapshot)`` per worker snapshot (cheap: appends only), ``clear()`` when the weights
are reset; drawing happens in a coalesced redraw at most ~30 times a second.
"""
from __future__ import annotations

from .boundary import BoundaryPlot
from .gradients import GradientPlot
from .loss import LossPlot

__all__ = ["BoundaryPlot", "GradientPlot", "LossPlot"]
