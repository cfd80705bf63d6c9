"""A network's weights: drawing them from the seed, reading and writing them by name, counting them,
and their shapes without compiling (``weight_shapes``)."""
from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from .graph import Graph
from .layers.base import Layer, fmt_shape
from .optim import Optimizer
from .validation import analyze


@dataclass(frozen=True)
class LayerInfo:
    name: str
    type: str
    output_shape: tuple[int, ...]
    parameters: int


class NetworkWeights:
    """The weights half of ``Network`` (engine/network.py); it works on the network's layers."""

    layers: dict[str, Layer]
    types: dict[str, str]
    output_shapes: dict[str, tuple[int, ...]]
    input_name: str
    input_shape: tuple[int, ...]
    dtype: np.dtype
    seed: int

    def initialize(self, seed: int | None = None) -> None:
        """(Re-)draw every weight from the seed."""
        if seed is not None:
            self.seed = int(seed)
        for name, layer in self.layers.items():
            layer.initialize(self._layer_rng(name), self.dtype)
        self.reseed_noise()
        self._collect_params()
        self._bound_optimizer: Optimizer | None = None

    def _layer_rng(self, name: str, stream: int = 0) -> np.random.Generator:
        return np.random.default_rng([self.seed, zlib.crc32(name.encode()), stream])

    def reseed_noise(self, seed: int | None = None) -> None:
        """Restart the random streams of Dropout layers (same seed -> same masks)."""
        base = self.seed if seed is None else int(seed)
        for name, layer in self.layers.items():
            layer.set_noise(np.random.default_rng([base, zlib.crc32(name.encode()), 1]))

    def _collect_params(self) -> None:
        self._params: list[np.ndarray] = []
        self._grads: list[np.ndarray] = []
        self._kernel_mask: list[bool] = []
        self._kernels: list[np.ndarray] = []
        self._kernel_grads: list[np.ndarray] = []
        self.param_keys: list[str] = []
        for name, layer in self.layers.items():
            for pname, arr in layer.params.items():
                self.param_keys.append(f"{name}/{pname}")
                self._params.append(arr)
                self._grads.append(layer.grads[pname])
                is_kernel = pname in layer.kernels
                self._kernel_mask.append(is_kernel)
                if is_kernel:
                    self._kernels.append(arr)
                    self._kernel_grads.append(layer.grads[pname])

    def get_weights(self) -> dict[str, np.ndarray]:
        """Copies of every parameter and state array, keyed ``<node name>/<param>``."""
        out: dict[str, np.ndarray] = {}
        for name, layer in self.layers.items():
            for pname, arr in layer.params.items():
                out[f"{name}/{pname}"] = arr.copy()
            for sname, arr in layer.state.items():
                out[f"{name}/{sname}"] = arr.copy()
        return out

    def set_weights(self, weights: dict[str, np.ndarray], strict: bool = True) -> None:
        """Copy values into the existing arrays (their identity is kept for the optimizer)."""
        targets: dict[str, np.ndarray] = {}
        for name, layer in self.layers.items():
            for pname, arr in {**layer.params, **layer.state}.items():
                targets[f"{name}/{pname}"] = arr
        unknown = sorted(set(weights) - set(targets))
        missing = sorted(set(targets) - set(weights))
        if strict and (unknown or missing):
            parts = []
            if missing:
                parts.append("missing " + ", ".join(missing))
            if unknown:
                parts.append("unknown " + ", ".join(unknown))
            raise ValueError("Weights do not match the network: " + "; ".join(parts))
        for key, value in weights.items():
            if key not in targets:
                continue
            value = np.asarray(value)
            if value.shape != targets[key].shape:
                raise ValueError(
                    f"Weight {key} has shape {fmt_shape(value.shape)}, the network expects "
                    f"{fmt_shape(targets[key].shape)}"
                )
            if not np.all(np.isfinite(value)):
                raise ValueError(f"Weight {key} contains NaN or Inf")
        for key, value in weights.items():
            if key in targets:
                np.copyto(targets[key], value, casting="unsafe")

    @property
    def parameter_count(self) -> int:
        return int(sum(p.size for p in self._params))

    def summary(self) -> list[LayerInfo]:
        rows = [LayerInfo(self.input_name, "Input", self.input_shape, 0)]
        for name, layer in self.layers.items():
            rows.append(LayerInfo(name, self.types[name], self.output_shapes[name], layer.parameter_count))
        return rows


def weight_shapes(graph: Graph) -> dict[str, tuple[int, ...]] | None:
    """The shape of every weight and state array the compiled graph would have, without allocating
    them; None when the graph cannot run."""
    analysis = analyze(graph)
    if not analysis.runnable:
        return None
    needed = graph.ancestors(analysis.output_node) | {analysis.output_node}
    shapes: dict[str, tuple[int, ...]] = {}
    for nid in analysis.order:
        node = graph.node(nid)
        if nid not in needed or node.spec.factory is None:
            continue
        in_shapes = [analysis.shapes[graph.inbound(node, p).src] for p in node.input_ports]  # type: ignore[union-attr]
        layer = node.spec.factory(node.name, node.params, in_shapes, analysis.shapes[nid])
        for pname, shape in layer.param_shapes().items():
            shapes[f"{node.name}/{pname}"] = tuple(shape)
        for sname, shape in layer.state_shapes().items():
            shapes[f"{node.name}/{sname}"] = tuple(shape)
    return shapes
