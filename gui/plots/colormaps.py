"""Colours of the live plots: TF Playground's orange/blue, a qualitative class palette, the heat-map
colouring of decision boundaries and the per-layer colours of the gradient view.

Pure NumPy + QColor (no pyqtgraph): images are coloured here, in one vectorised pass, and handed to
pyqtgraph as RGBA, so every task (binary, multi-class, regression) is drawn the same way and tests
can read the exact colours back.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtGui import QColor

# Playground: d3 scale domain [-1, 0, 1] -> orange, light grey, blue.
ORANGE = "#f59322"
BLUE = "#0877bd"
NEUTRAL_LIGHT = "#e8eaeb"
NEUTRAL_DARK = "#3b4046"

# One colour per class; classes 0 and 1 are Playground's, the rest mid-tone hues that read on the
# pale heat map and on a dark background alike.
CLASS_COLORS = ("#f59322", "#0877bd", "#2e9e48", "#d6404e", "#8e5cc2", "#17a2a8", "#a8652a",
                "#e06fb4", "#8c8c1c", "#6b7280")

# Gradient view: layers from the input (cool) to the output (warm), so depth reads at a glance.
LAYER_RAMP = ("#5b4bd6", "#2f7fd8", "#14a0a0", "#4fa62e", "#d39a00", "#e5532e")

HEAT_STRENGTH = 0.63  # Playground draws its heat map at alpha 160/255 over the page


def rgb(color: str | QColor) -> np.ndarray:
    """A colour as a float array (r, g, b) in 0..255."""
    c = QColor(color)
    return np.array([c.red(), c.green(), c.blue()], dtype=np.float64)


def qcolor(values: np.ndarray, alpha: int = 255) -> QColor:
    r, g, b = (int(round(float(v))) for v in np.clip(values[:3], 0, 255))
    return QColor(r, g, b, alpha)


def class_color(k: int) -> QColor:
    """The colour of class ``k`` (points, legend, boundary)."""
    return QColor(CLASS_COLORS[k % len(CLASS_COLORS)])


def class_colors(n: int) -> list[QColor]:
    return [class_color(k) for k in range(n)]


def layer_colors(n: int) -> list[QColor]:
    """``n`` colours along LAYER_RAMP, first layer first."""
    stops = np.array([rgb(c) for c in LAYER_RAMP])
    if n <= 0:
        return []
    if n == 1:
        return [qcolor(stops[1])]
    positions = np.linspace(0, len(stops) - 1, n)
    out = []
    for p in positions:
        i = min(int(p), len(stops) - 2)
        t = p - i
        out.append(qcolor(stops[i] + (stops[i + 1] - stops[i]) * t))
    return out


@dataclass(frozen=True)
class HeatStyle:
    """How a boundary heat map is tinted on this theme.

    A pixel's colour is ``neutral`` moved towards the winning class colour by the confidence, then
    drawn at ``strength`` over ``paper`` (Playground's translucent map over the white page).
    """

    neutral: np.ndarray
    paper: np.ndarray
    strength: float = HEAT_STRENGTH

    @classmethod
    def for_theme(cls, dark: bool) -> "HeatStyle":
        if dark:
            return cls(rgb(NEUTRAL_DARK), rgb("#1c1f23"), 0.62)
        return cls(rgb(NEUTRAL_LIGHT), rgb("#ffffff"), HEAT_STRENGTH)

    def tint(self, colors: np.ndarray) -> np.ndarray:
        """Full-strength colours (…, 3) -> the heat map's (paler) version."""
        return self.paper + (colors - self.paper) * self.strength

    def heat_color(self, color: str | QColor) -> QColor:
        """How a fully confident pixel of ``color`` looks in the map."""
        return qcolor(self.tint(rgb(color)))


def to_rgba(colors: np.ndarray) -> np.ndarray:
    """Float colours (…, 3) -> uint8 RGBA (…, 4), opaque."""
    out = np.empty(colors.shape[:-1] + (4,), dtype=np.uint8)
    out[..., :3] = np.clip(np.rint(colors), 0, 255)
    out[..., 3] = 255
    return out


def class_probability_rgba(probs: np.ndarray, palette: list[QColor], style: HeatStyle,
                           discretize: bool = False) -> np.ndarray:
    """(K, r, r) class probabilities -> (r, r, 4) RGBA: the winning class's colour, shaded from the
    neutral colour (a tie between all classes) to the full colour (certainty). ``discretize``: every
    pixel in its winner's full colour."""
    k = probs.shape[0]
    winner = np.argmax(probs, axis=0)
    colors = np.array([rgb(c) for c in palette[:k]])
    if discretize:
        shade = np.ones(winner.shape)
    else:
        top = np.take_along_axis(probs, winner[None], axis=0)[0].astype(np.float64)
        shade = np.clip((top - 1.0 / k) / (1.0 - 1.0 / k), 0.0, 1.0)
    mixed = style.neutral + (colors[winner] - style.neutral) * shade[..., None]
    return to_rgba(style.tint(mixed))


def binary_rgba(p1: np.ndarray, palette: list[QColor], style: HeatStyle, discretize: bool = False) -> np.ndarray:
    """(r, r) P(class 1) -> RGBA: orange (class 0) through the neutral colour at 0.5 to blue (class 1)."""
    p1 = np.nan_to_num(np.asarray(p1, dtype=np.float64), nan=0.5)
    return class_probability_rgba(np.stack([1.0 - p1, p1]), palette, style, discretize)


def diverging_rgba(t: np.ndarray, style: HeatStyle, discretize: bool = False, bands: int = 8,
                   low: str = ORANGE, high: str = BLUE, tint: bool = True) -> np.ndarray:
    """Values scaled to [-1, 1] -> RGBA: ``low`` at -1, neutral at 0, ``high`` at +1 (Playground's
    regression map). ``discretize`` cuts the range into ``bands`` flat bands."""
    t = np.clip(np.nan_to_num(np.asarray(t, dtype=np.float64)), -1.0, 1.0)
    if discretize:
        half = bands / 2
        t = np.clip((np.floor(t * half) + 0.5) / half, -1.0, 1.0)
    lo, hi = rgb(low), rgb(high)
    a = np.abs(t)[..., None]
    end = np.where((t < 0)[..., None], lo, hi)
    mixed = style.neutral + (end - style.neutral) * a
    return to_rgba(style.tint(mixed) if tint else mixed)


def value_scale(values: np.ndarray) -> tuple[float, float]:
    """(centre, half range) that maps regression targets onto [-1, 1]: symmetric around 0 when the
    targets straddle 0 (Playground), else around their middle."""
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return 0.0, 1.0
    lo, hi = float(v.min()), float(v.max())
    if lo < 0 < hi:
        half = max(-lo, hi)
        return 0.0, half or 1.0
    centre = (lo + hi) / 2
    return centre, ((hi - lo) / 2) or 1.0
