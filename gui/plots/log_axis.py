"""A log-scale axis that stays readable: labels only where they fit, in one short notation.

pyqtgraph's own log ticks label every 2…9 inside a decade as soon as the range is under two decades
(0.06, 0.07, 0.08, 0.09, 0.1 pile up into one smudge) and mix notations (0.0001 beside 10⁻⁵ and
10¹). ``DecadeAxis`` instead picks, for the axis's length in pixels, the densest of these that
leaves a label's height (or width) between neighbours:

    every 1…9 per decade  →  1, 2, 5  →  1, 3  →  decades  →  every 2nd, 3rd, 5th, 10th… decade

and draws the next finer level as unlabelled minor ticks (the 2…9 of each decade when there is
room, or the decades between labelled ones). Labels are plain numbers from 0.01 to 999 and
``1e-3``-style beyond (``1e-5``, ``2e-4``, ``1e3``). A range narrower than a decade that holds fewer
than two of those marks (a loss sitting at 0.6931…) gets evenly spaced plain numbers instead.

On a linear scale the axis is pyqtgraph's, without SI-prefix scaling.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
from PySide6.QtGui import QFont, QFontMetricsF

import pyqtgraph as pg

MANTISSAS = ((1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 2, 5), (1, 3), (1,))   # dense → sparse, every decade
DECADE_STEPS = (2, 3, 5, 10, 20, 50, 100, 200, 500, 1000)           # then every n-th decade
MINOR_ALL_PX = 90.0      # pixels per decade from which the minor ticks are all of 2…9
MINOR_SOME_PX = 30.0     # … from which they are 2 and 5
MINOR_DECADES_PX = 6.0   # … from which unlabelled decades are drawn between labelled ones
NICE = (1.0, 2.0, 5.0)


def decade_text(mantissa: int, exponent: int) -> str:
    """``mantissa·10^exponent`` as a tick label: 0.01 … 900 plainly, ``1e-3``/``2e3`` beyond."""
    if -2 <= exponent <= 2:
        return f"{mantissa * 10.0 ** exponent:.{max(0, -exponent)}f}"
    return f"{mantissa}e{exponent}"


def plain_text(value: float, step: float) -> str:
    """A value on an evenly spaced scale of ``step``, with just the digits that tell ticks apart."""
    if value == 0:
        return "0"
    digits = int(math.floor(math.log10(abs(value))) - math.floor(math.log10(step))) + 1
    text = format(value, f".{max(digits, 1)}g")
    return text.replace("e-0", "e-").replace("e+0", "e").replace("e+", "e")


class DecadeAxis(pg.AxisItem):
    """An axis whose log scale is labelled with decades (and 1-2-5 marks when zoomed in) that never
    overlap; see the module docstring. ``last_labels`` holds the labels of the last tick layout."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.enableAutoSIPrefix(False)
        self._labels: dict[float, str] = {}
        self.last_labels: list[str] = []

    # ---- layout ------------------------------------------------------------------------------
    def label_gap(self) -> float:
        """Pixels two labels need between their positions along the axis."""
        font = self.style.get("tickFont") or self.font() or QFont()
        metrics = QFontMetricsF(font)
        if self.orientation in ("left", "right"):
            return metrics.height() * 1.5
        return metrics.horizontalAdvance("2e-10") + 12.0

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[float | None, list[float]]]:  # noqa: N802, N803
        if not self.logMode:
            self._labels = {}
            return super().tickValues(minVal, maxVal, size)
        lo, hi = sorted((float(minVal), float(maxVal)))
        self._labels = {}
        if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo or size <= 0:
            self.last_labels = []
            return []
        levels = self.decade_ticks(lo, hi, size, self.label_gap())
        self.last_labels = [self._labels[_key(v)] for v in levels[0][1]] if levels else []
        return levels

    def decade_ticks(self, lo: float, hi: float, size: float, gap: float) -> list[tuple[float | None, list[float]]]:
        """Tick levels for the log10 range ``lo``…``hi`` drawn over ``size`` pixels: labelled ticks
        at least ``gap`` pixels apart, then unlabelled minor ticks."""
        per_decade = size / (hi - lo)
        eps = (hi - lo) * 1e-9
        k0, k1 = math.floor(lo) - 1, math.ceil(hi) + 1

        def marks(mantissas: tuple[int, ...], step: int = 1) -> list[tuple[float, int, int]]:
            return [(k + math.log10(m), m, k) for k in range(k0, k1 + 1) if k % step == 0 for m in mantissas
                    if lo - eps <= k + math.log10(m) <= hi + eps]

        chosen: tuple[tuple[int, ...], int] | None = None
        for mantissas in MANTISSAS:
            spacing = min(np.diff(np.log10([*mantissas, 10]))) if len(mantissas) > 1 else 1.0
            if spacing * per_decade >= gap:
                chosen = (mantissas, 1)
                break
        if chosen is None:
            step = next((s for s in DECADE_STEPS if s * per_decade >= gap), DECADE_STEPS[-1])
            chosen = ((1,), step)
        mantissas, step = chosen
        major = marks(mantissas, step)
        if len(major) < 2 and hi - lo < 1.0:
            return self._even_ticks(lo, hi, size, gap)
        for value, m, k in major:
            self._labels[_key(value)] = decade_text(m, k)
        if step > 1:
            minor = marks((1,)) if per_decade >= MINOR_DECADES_PX else []
        elif per_decade >= MINOR_ALL_PX:
            minor = marks(MANTISSAS[0])
        elif per_decade >= MINOR_SOME_PX:
            minor = marks((1, 2, 5))
        else:
            minor = []
        taken = {_key(v) for v, _, _ in major}
        minor_values = [v for v, _, _ in minor if _key(v) not in taken]
        return [(float(step), [v for v, _, _ in major]), (None, minor_values)]

    def _even_ticks(self, lo: float, hi: float, size: float, gap: float) -> list[tuple[float | None, list[float]]]:
        """Less than a decade with too few 1-2-5 marks: plain numbers at a 1-2-5 step."""
        vmin, vmax = 10.0 ** lo, 10.0 ** hi
        per_decade = size / (hi - lo)
        exponent = math.floor(math.log10(vmax - vmin)) - 3
        for _ in range(12):
            for nice in NICE:
                step = nice * 10.0 ** exponent
                first = math.ceil(vmin / step) * step
                values = first + step * np.arange(int((vmax - first) / step) + 1)
                values = values[(values >= vmin) & (values <= vmax)]
                if len(values) >= 2:
                    logs = np.log10(values)
                    if np.min(np.diff(logs)) * per_decade < gap:
                        continue
                for v in values:
                    self._labels[_key(math.log10(v))] = plain_text(float(v), step)
                return [(step, [math.log10(v) for v in values]), (None, [])]
            exponent += 1
        return []

    # ---- labels ------------------------------------------------------------------------------
    def tickStrings(self, values: list[float], scale: float, spacing: float | None) -> list[str]:  # noqa: N802
        if not self.logMode:
            return super().tickStrings(values, scale, spacing)
        return [self._labels.get(_key(v), "") for v in values]  # minor ticks: no label


def _key(value: float) -> float:
    return round(float(value), 9)
