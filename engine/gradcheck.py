"""Finite-difference gradient checks: compare backprop with central differences.

``check_gradients`` checks a whole network, one row per parameter; ``check_layer`` checks one layer
on its own, including ∂L/∂input of every input port. Both are used by the tests, and the network
check by the editor's "Gradient check" button. Run them in float64: in float32 the differences are
dominated by rounding.

A row passes when every element satisfies |a − n| ≤ tolerance·max(|a| + |n|, floor), i.e. a
relative test, which becomes an absolute one (atol·scale) for gradients so small that the
rounding noise of the differences, about 1e-16·|L|/eps, would dominate.

The checks leave the network as they found it: the running statistics of BatchNorm and the random
streams of Dropout are restored afterwards.
"""
from __future__ import annotations

import copy
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import numpy as np

from . import registry
from .errors import TrainingError
from .layers.base import Layer
from .network import Network


@dataclass(frozen=True)
class GradCheckRow:
    key: str
    analytic: np.ndarray
    numeric: np.ndarray
    max_rel_error: float
    passed: bool


def relative_error(a: np.ndarray, n: np.ndarray, floor: float = 1e-8) -> np.ndarray:
    """|a − n| / max(|a| + |n|, floor): symmetric, and tolerant where both are ~0."""
    return np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), floor)


def _row(key: str, analytic: np.ndarray, numeric: np.ndarray, tolerance: float, floor: float) -> GradCheckRow:
    err = relative_error(analytic, numeric, floor)
    worst = float(err.max()) if err.size else 0.0
    return GradCheckRow(key, analytic, numeric, worst, worst <= tolerance)


def central_differences(f: Callable[[], float], arrays: list[np.ndarray], eps: float) -> list[np.ndarray]:
    """∂f/∂a for each array a, by perturbing its elements in place (and restoring them)."""
    out = []
    for arr in arrays:
        grad = np.zeros(arr.shape)
        flat, gflat = arr.reshape(-1), grad.reshape(-1)
        for i in range(flat.size):
            old = flat[i]
            flat[i] = old + eps
            plus = f()
            flat[i] = old - eps
            minus = f()
            flat[i] = old
            gflat[i] = (plus - minus) / (2 * eps)
        out.append(grad)
    return out


@contextmanager
def _preserved(layers: list[Layer]) -> Iterator[None]:
    """Restore the layers' state arrays (running statistics) and random streams on exit."""
    saved = [({k: v.copy() for k, v in layer.state.items()}, copy.deepcopy(layer.get_noise())) for layer in layers]
    try:
        yield
    finally:
        for layer, (state, noise) in zip(layers, saved):
            for k, v in state.items():
                np.copyto(layer.state[k], v)
            if noise is not None:
                layer.set_noise(noise)


# ---- whole network ---------------------------------------------------------------------
def training_loss(net: Network, X: np.ndarray, Y: np.ndarray) -> float:
    """The loss of a training-mode forward pass with the Dropout masks replayed from the seed."""
    net.reseed_noise()
    buf = net._forward_train(X)
    return net._loss_and_seed(buf[net._out_slot], Y)[0]


def _require_gradient(net: Network) -> None:
    if net.fusion == "step":
        raise TrainingError(
            f"{net.output_name} ends in a step, whose derivative is zero: it is trained by the perceptron "
            "rule, not by a gradient, so there is no gradient to check"
        )


def numeric_gradients(
    net: Network, X: Any, Y: Any, eps: float = 1e-6, keys: list[str] | None = None
) -> dict[str, np.ndarray]:
    """Central differences of the training-mode loss for every parameter (or those in ``keys``)."""
    _require_gradient(net)
    X = net.prepare_inputs(X)
    Y = net.prepare_targets(Y, len(X))
    chosen = [(k, p) for k, p in zip(net.param_keys, net.parameters) if keys is None or k in keys]
    with _preserved(list(net.layers.values())):
        grads = central_differences(lambda: training_loss(net, X, Y), [p for _, p in chosen], eps)
    return {k: g for (k, _), g in zip(chosen, grads)}


def check_gradients(
    net: Network, X: Any, Y: Any, eps: float = 1e-6, tolerance: float = 1e-5, atol: float = 1e-8
) -> list[GradCheckRow]:
    """One row per parameter: backprop vs central differences and the largest relative error."""
    _require_gradient(net)
    with _preserved(list(net.layers.values())):
        net.reseed_noise()
        loss, analytic = net.gradients(X, Y)
    numeric = numeric_gradients(net, X, Y, eps)
    floor = atol * max(1.0, abs(loss)) / tolerance
    return [_row(key, analytic[key], numeric[key], tolerance, floor) for key in net.param_keys]


# ---- one layer ---------------------------------------------------------------------------
def make_layer(
    type_name: str,
    in_shapes: list[tuple[int, ...]],
    dtype: str | np.dtype = "float64",
    seed: int = 0,
    name: str | None = None,
    **params: Any,
) -> Layer:
    """A compiled, initialised layer of the catalogue, outside any network (sample shapes, no batch)."""
    spec = registry.get(type_name)
    values = spec.make_params(params)
    shapes = [tuple(s) for s in in_shapes]
    out_shape = tuple(spec.shape_rule(values, shapes))
    layer = spec.factory(name or spec.name_prefix, values, shapes, out_shape)
    layer.initialize(np.random.default_rng(seed), np.dtype(dtype))
    return layer


def check_layer(
    layer: Layer,
    inputs: list[np.ndarray],
    seed: int = 0,
    eps: float = 1e-6,
    tolerance: float = 1e-5,
    atol: float = 1e-8,
) -> list[GradCheckRow]:
    """Check a layer's training-mode backward against L = Σ R ⊙ forward(x) for a fixed random R.

    Rows ``dx`` (or ``dx1`` … for several inputs) compare ∂L/∂input, then one row per parameter.
    A Dropout layer gets the same mask (from ``seed``) at every evaluation.
    """
    xs = [np.array(x, dtype=np.float64) for x in inputs]
    with _preserved([layer]):

        def forward() -> np.ndarray:
            layer.set_noise(np.random.default_rng(seed))
            return layer.forward(xs if layer.arity > 1 else xs[0], True)

        R = np.random.default_rng([seed, 1]).standard_normal(forward().shape)

        def loss() -> float:
            return float(np.sum(R * forward()))

        for g in layer.grads.values():
            g.fill(0)
        scale = abs(loss())
        need_dx, layer.need_dx = layer.need_dx, True
        try:
            dx = layer.backward(R)
        finally:
            layer.need_dx = need_dx
        analytic = dict(zip(_dx_keys(len(xs)), list(dx) if layer.arity > 1 else [dx]))
        analytic.update({k: g.copy() for k, g in layer.grads.items()})
        numeric = dict(zip(_dx_keys(len(xs)), central_differences(loss, xs, eps)))
        numeric.update(zip(layer.params, central_differences(loss, list(layer.params.values()), eps)))
    floor = atol * max(1.0, scale) / tolerance
    return [_row(key, np.asarray(analytic[key]), numeric[key], tolerance, floor) for key in numeric]


def _dx_keys(n: int) -> list[str]:
    return ["dx"] if n == 1 else [f"dx{i}" for i in range(1, n + 1)]


def failures(rows: list[GradCheckRow]) -> list[str]:
    """A readable line for every row that did not pass (empty when all passed)."""
    return [f"{r.key}: max relative error {r.max_rel_error:.3g}\n analytic {r.analytic}\n numeric  {r.numeric}"
            for r in rows if not r.passed]
