"""What live views show of a network in training: decision boundaries, neuron maps, gradient and
weight statistics. Pure NumPy; the training worker computes these and sends them to the GUI.

Grids are laid out for image display: ``grid[row, col]`` with row 0 at the *lowest* x2 value (the
plot flips nothing; pyqtgraph's ImageItem draws row 0 at the bottom when given the transposed
array, see gui.plots).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .data import Preprocessor
from .network import Network

Extent = tuple[float, float, float, float]  # x1_min, x1_max, x2_min, x2_max


@dataclass(frozen=True)
class PlaneGrid:
    """Raw input points on a regular grid over a 2-D extent (or a 1-D range)."""

    extent: Extent
    resolution: int
    points: np.ndarray  # (resolution², 2) or (resolution, 1), raw feature space

    @classmethod
    def square(cls, extent: Extent, resolution: int = 100) -> "PlaneGrid":
        x1 = np.linspace(extent[0], extent[1], resolution)
        x2 = np.linspace(extent[2], extent[3], resolution)
        g1, g2 = np.meshgrid(x1, x2)  # rows follow x2, columns x1
        return cls(extent, resolution, np.column_stack([g1.ravel(), g2.ravel()]))

    @classmethod
    def line(cls, low: float, high: float, resolution: int = 200) -> "PlaneGrid":
        return cls((low, high, 0.0, 0.0), resolution, np.linspace(low, high, resolution)[:, None])

    def reshape(self, values: np.ndarray) -> np.ndarray:
        """(resolution², …) outputs -> (…, resolution, resolution) images."""
        r = self.resolution
        values = np.asarray(values)
        if values.ndim == 1:
            return values.reshape(r, r)
        return np.moveaxis(values.reshape(r, r, -1), -1, 0)


def data_extent(X_raw: np.ndarray, margin: float = 0.1, default: Extent | None = None) -> Extent:
    """The square-ish box around 2-D raw data, with a margin (Playground: a fixed ±6 box)."""
    if default is not None:
        return default
    lo, hi = X_raw.min(axis=0), X_raw.max(axis=0)
    span = np.maximum(hi - lo, 1e-9)
    lo, hi = lo - margin * span, hi + margin * span
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])


def plane_outputs(net: Network, pre: Preprocessor, grid: PlaneGrid) -> np.ndarray:
    """The network's output at every grid point, float32.

    Binary: P(class 1) as (r, r); multi-class: class probabilities (K, r, r); regression: the value in
    the data's units, (r, r) — or, for a 1-D input, (r,) along the line.
    """
    out = net.predict(pre.transform(grid.points))
    if grid.points.shape[1] == 1:
        values, _ = pre.decode(out)
        return np.asarray(values, dtype=np.float32).reshape(grid.resolution, -1)[:, 0]
    if pre.is_classification:
        if out.shape[1] == 1:
            return grid.reshape(out[:, 0]).astype(np.float32)
        return grid.reshape(out).astype(np.float32)
    values, _ = pre.decode(out)
    values = np.asarray(values, dtype=np.float32)
    return grid.reshape(values if values.ndim == 1 else values[:, 0])


def neuron_maps(net: Network, pre: Preprocessor, grid: PlaneGrid, max_units: int = 8) -> dict[str, np.ndarray]:
    """Each layer's output over the input plane (Playground's neuron maps): {name: (units, r, r)}.

    Only the first ``max_units`` units of a wide layer are kept. The Input node shows the network's
    input features (after the feature map), one map per feature.
    """
    outputs = net.forward_all(pre.transform(grid.points))
    maps: dict[str, np.ndarray] = {}
    for name, values in outputs.items():
        if values.ndim != 2:
            continue
        units = values[:, :max_units]
        maps[name] = grid.reshape(units).astype(np.float32)
    return maps


def gradient_norms(net: Network) -> dict[str, float]:
    """‖∂L/∂θ‖ of each layer with parameters, from the last backward pass (Frobenius over all of
    the layer's parameters)."""
    out: dict[str, float] = {}
    for name, layer in net.iter_layers():
        if layer.grads:
            out[name] = float(np.sqrt(sum(float(np.vdot(g, g)) for g in layer.grads.values())))
    return out


def weight_summary(net: Network) -> dict[str, dict[str, float]]:
    """Per layer with a kernel: mean weight and mean |weight| (the canvas colours and thickens its
    incoming wire by these)."""
    out: dict[str, dict[str, float]] = {}
    for name, layer in net.iter_layers():
        for kernel in layer.kernels:
            w = layer.params.get(kernel)
            if w is not None and w.size:
                out[name] = {"mean": float(w.mean()), "mean_abs": float(np.abs(w).mean())}
    return out


def histograms(net: Network, layer_name: str, bins: int = 30) -> dict[str, Any] | None:
    """Histograms of one layer's weights and last gradients (all its parameters together)."""
    layer = net.layers.get(layer_name)
    if layer is None or not layer.params:
        return None
    out: dict[str, Any] = {"layer": layer_name}
    for kind, arrays in (("weights", layer.params.values()), ("gradients", layer.grads.values())):
        values = np.concatenate([np.asarray(a, dtype=np.float64).ravel() for a in arrays])
        values = values[np.isfinite(values)]
        if values.size == 0:
            continue
        lo, hi = float(values.min()), float(values.max())
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
        counts, edges = np.histogram(values, bins=bins, range=(lo, hi))
        out[kind] = {"counts": counts.astype(np.int64), "edges": edges.astype(np.float64)}
    return out
