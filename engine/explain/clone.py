"""A private copy of a compiled network, so explaining a step never touches the real one.

Weights, gradient buffers, BatchNorm running statistics and Dropout random streams are copied; the
activations a layer keeps from its last pass and its scratch buffers are not (the copy starts
without them), and neither is the optimizer the network is bound to (the copy is unbound).
"""
from __future__ import annotations

import copy

import numpy as np

from ..network import Network

CACHES = ("x", "z", "a", "xs", "mask", "xhat", "inv_std")  # what layers keep from their last pass


def clone_network(net: Network, dtype: str | np.dtype | None = None) -> Network:
    """A deep copy of ``net``; with ``dtype`` its arrays are converted (e.g. float64 for a gradient check).

    The Dropout streams of the copy continue from where the original's are, so the copy draws the
    masks the original's next training step would draw.
    """
    memo: dict[int, object] = {id(net.analysis): net.analysis}  # read-only: shared, not copied
    bound = getattr(net, "_bound_optimizer", None)
    if bound is not None:
        memo[id(bound)] = None
    for layer in net.layers.values():  # scratch buffers and kept activations are not worth copying
        memo[id(layer._scratch)] = {}
        for attr in CACHES:
            value = getattr(layer, attr, None)
            if isinstance(value, np.ndarray):
                memo[id(value)] = None
    clone = copy.deepcopy(net, memo)
    clone._bound_optimizer = None
    if dtype is not None and np.dtype(dtype) != clone.dtype:
        noise = {name: layer.get_noise() for name, layer in clone.layers.items()}
        clone.dtype = np.dtype(dtype)
        clone.initialize()  # fresh arrays of the new dtype (and fresh noise streams) ...
        clone.set_weights(net.get_weights())  # ... holding the original's values
        for name, rng in noise.items():
            if rng is not None:
                clone.layers[name].set_noise(rng)
    return clone
