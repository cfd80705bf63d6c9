"""Gradient clipping and L1/L2 penalties on the kernels, in place on NumPy arrays."""
from __future__ import annotations

import math

import numpy as np


def clip_grad_norm(grads: list[np.ndarray], max_norm: float) -> float:
    """Scale ``grads`` in place so their global L2 norm is at most ``max_norm``.

    Returns the norm before clipping. A non-finite norm is returned without touching the
    gradients, so the caller's NaN guard sees it.
    """
    if not (max_norm > 0 and math.isfinite(max_norm)):
        raise ValueError(f"Expected max_norm > 0, received {max_norm}")
    norm = math.sqrt(sum(float(np.vdot(g, g)) for g in grads))
    if norm > max_norm and math.isfinite(norm):
        scale = max_norm / norm
        for g in grads:
            np.multiply(g, scale, out=g)
    return norm


def _check_l1_l2(l1: float, l2: float) -> None:
    # Cheap on purpose: the training step calls add_l1_l2_grad every batch.
    if not (l1 >= 0.0 and l2 >= 0.0 and math.isfinite(l1) and math.isfinite(l2)):
        raise ValueError(f"Expected l1 >= 0 and l2 >= 0 (finite), received l1={l1}, l2={l2}")


def l1_l2_penalty(kernels: list[np.ndarray], l1: float, l2: float) -> float:
    """``l1 * Σ|w| + (l2 / 2) * Σ w²`` over all kernels (the ½ makes the L2 gradient ``l2 * w``)."""
    _check_l1_l2(l1, l2)
    total = 0.0
    for w in kernels:
        if l1:
            total += l1 * float(np.abs(w).sum())
        if l2:
            total += 0.5 * l2 * float(np.vdot(w, w))
    return total


def add_l1_l2_grad(kernels: list[np.ndarray], grads: list[np.ndarray], l1: float, l2: float) -> None:
    """In place ``grads[i] += l1 * sign(w) + l2 * w`` (gradient of :func:`l1_l2_penalty`).

    ``sign(0) = 0`` is used as the L1 subgradient at 0.
    """
    _check_l1_l2(l1, l2)
    if len(kernels) != len(grads):
        raise ValueError(f"Expected as many gradients as kernels ({len(kernels)}), received {len(grads)}")
    for w, g in zip(kernels, grads):
        if l1:
            np.add(g, np.multiply(np.sign(w), l1), out=g)
        if l2:
            np.add(g, np.multiply(w, l2), out=g)
