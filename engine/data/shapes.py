"""More generated shapes: two moons, a three-arm spiral, three blobs (multi-class) and a 1-D sine.

The 2-D shapes are scaled to Playground's [−6, 6] view so the same plots and feature maps apply.
"""
from __future__ import annotations

import numpy as np

from .playground import Generated, gauss_std, spiral_arms

MOONS_SCALE = 3.0
SPIRAL3_TURNS = 1.0
BLOBS_RADIUS = 3.5
SINE_RANGE = 6.0


def thirds(n: int) -> list[int]:
    """Sizes of three near-equal classes; the first ones get the remainder."""
    return [n // 3 + (k < n % 3) for k in range(3)]


def moons(n: int, noise: float, rng: np.random.Generator) -> Generated:
    """scikit-learn's two moons (random angles), centred and scaled by 3; Gaussian noise of std 3·noise."""
    n0, n1 = n - n // 2, n // 2
    t = rng.uniform(0, np.pi, n)
    y = np.repeat([0, 1], [n0, n1])
    outer = np.column_stack([np.cos(t), np.sin(t)])
    inner = np.column_stack([1 - np.cos(t), 0.5 - np.sin(t)])
    X = np.where(y[:, None] == 0, outer, inner) - [0.5, 0.25]
    X = MOONS_SCALE * (X + rng.normal(0, noise, (n, 2)))
    return X, y


def spiral3(n: int, noise: float, rng: np.random.Generator) -> Generated:
    """Three arms 120° apart, one turn each, built like Playground's spiral."""
    sizes = thirds(n)
    X = spiral_arms(sizes, [2 * np.pi * k / 3 for k in range(3)], SPIRAL3_TURNS, noise, rng)
    return X, np.repeat([0, 1, 2], sizes)


def blobs3(n: int, noise: float, rng: np.random.Generator) -> Generated:
    """Three Gaussian blobs on a circle of radius 3.5, their spread growing with noise like Playground's Gauss."""
    sizes = thirds(n)
    y = np.repeat([0, 1, 2], sizes)
    angles = np.pi / 2 + 2 * np.pi * np.arange(3) / 3
    centres = np.column_stack([np.cos(angles), np.sin(angles)]) * BLOBS_RADIUS
    return centres[y] + rng.normal(0, gauss_std(noise), (n, 2)), y


def sine(n: int, noise: float, rng: np.random.Generator) -> Generated:
    """x ~ U(−6, 6), target sin(x) + N(0, noise²)."""
    x = rng.uniform(-SINE_RANGE, SINE_RANGE, n)
    return x[:, None], np.sin(x) + rng.normal(0, noise, n)
