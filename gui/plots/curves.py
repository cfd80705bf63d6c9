"""Curve data: growing NumPy buffers, and drawing at most a few points per pixel column (min/max
decimation of what is in view)."""
from __future__ import annotations

import numpy as np
import numpy.typing as npt
from PySide6.QtGui import QPen

import pyqtgraph as pg

MAX_POINTS = 5000         # points drawn per curve at the most (min/max decimation beyond)
DENSE_POINTS = 600   # a curve with more points is drawn 1 px wide (wider pens cost ~5× more to draw)


def set_curve(curve: pg.PlotDataItem, x: np.ndarray, y: np.ndarray, width: float) -> None:
    """Give ``curve`` its points, drawn ``width`` wide — or 1 px while it is dense (then it reads as
    a band anyway)."""
    want = 1.0 if len(x) > DENSE_POINTS else width
    current = curve.opts["pen"]
    if isinstance(current, QPen) and current.widthF() != want:
        wider = QPen(current)
        wider.setWidthF(want)
        curve.setPen(wider)
    curve.setData(x, y)


class GrowingArray:
    """A 1-D NumPy buffer with amortised O(1) appends; ``data`` is a view of the filled part."""

    def __init__(self, dtype: type = np.float64, capacity: int = 1024) -> None:
        self._buf = np.empty(capacity, dtype=dtype)
        self._n = 0

    def __len__(self) -> int:
        return self._n

    @property
    def data(self) -> np.ndarray:
        return self._buf[: self._n]

    def extend(self, values: npt.ArrayLike) -> None:
        values = np.asarray(values, dtype=self._buf.dtype).ravel()
        need = self._n + values.size
        if need > self._buf.size:
            grown = np.empty(max(need, 2 * self._buf.size), dtype=self._buf.dtype)
            grown[: self._n] = self._buf[: self._n]
            self._buf = grown
        self._buf[self._n: need] = values
        self._n = need

    def append(self, value: float) -> None:
        if self._n == self._buf.size:
            self.extend([value])
        else:
            self._buf[self._n] = value
            self._n += 1

    def last(self, default: float = np.nan) -> float:
        return float(self._buf[self._n - 1]) if self._n else default

    def clear(self) -> None:
        self._n = 0

    def truncate(self, n: int) -> None:
        self._n = max(0, min(self._n, n))


def decimate(x: np.ndarray, y: np.ndarray, max_points: int = MAX_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """At most ``max_points`` points that keep the curve's envelope: each bin of consecutive points
    becomes its minimum and maximum (at the bin's first x). Shorter curves come back unchanged."""
    n = len(x)
    if n <= max_points:
        return x, y
    bins = max_points // 2
    per = -(-n // bins)  # ceil
    full = (n // per) * per
    ys = y[:full].reshape(-1, per)
    lo = np.fmin.reduce(ys, axis=1)   # fmin/fmax skip NaN without warnings
    hi = np.fmax.reduce(ys, axis=1)
    xs = x[:full:per]
    out_x = np.repeat(xs, 2)
    out_y = np.column_stack([lo, hi]).ravel()
    if full < n:
        out_x = np.concatenate([out_x, x[full:]])
        out_y = np.concatenate([out_y, y[full:]])
    return out_x, out_y


def visible_points(x: np.ndarray, y: np.ndarray, vb: pg.ViewBox) -> tuple[np.ndarray, np.ndarray]:
    """What a curve needs to draw in ``vb``: the points within its x range (all of them while it
    auto-ranges), decimated to two per pixel column (min and max: at that resolution the same
    picture) and never more than MAX_POINTS."""
    if len(x) and not vb.autoRangeEnabled()[0]:
        lo, hi = vb.viewRange()[0]
        i0 = max(0, int(np.searchsorted(x, lo)) - 1)
        i1 = min(len(x), int(np.searchsorted(x, hi)) + 1)
        x, y = x[i0:i1], y[i0:i1]
    width = int(vb.width())
    limit = min(MAX_POINTS, 2 * width) if width >= 50 else MAX_POINTS
    return decimate(x, y, limit)
