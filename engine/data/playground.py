"""TensorFlow Playground's six 2-D generators, with its formulas and constants (src/dataset.ts).

Each function takes the number of points, the noise as a fraction (Playground's slider / 100) and
a NumPy generator, and returns (X, y). Playground labels points ±1; here class 1 is its +1
("blue") and class 0 its −1 ("orange"). Regression targets are Playground's, about [−1, 1].
Points come class 1 first, as Playground makes them; ``split`` shuffles. Where Playground makes
n/2 points per class and so one extra point for odd n, these make exactly n (class 1 gets the odd
one). Values are drawn from the same distributions, not Playground's random stream.
"""
from __future__ import annotations

import numpy as np

Generated = tuple[np.ndarray, np.ndarray]

CIRCLE_RADIUS = 5.0
XOR_PADDING = 0.3
SPIRAL_TURNS = 1.75
PLANE_RADIUS = 6.0
GAUSS_CENTRES = np.array([[2.0, 2.0], [-2.0, -2.0]])  # class 1, class 0
# (x, y, sign) of the six bumps of "multi-Gauss"
BUMPS = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]], dtype=float)


def halves(n: int) -> tuple[int, int]:
    """(class 1, class 0) sizes: class 1 gets the odd point."""
    return n - n // 2, n // 2


def polar(r: np.ndarray, angle: np.ndarray) -> np.ndarray:
    """Playground's convention: x = r·sin(angle), y = r·cos(angle)."""
    return np.column_stack([r * np.sin(angle), r * np.cos(angle)])


def gauss_std(noise: float) -> float:
    """Playground maps noise 0..0.5 linearly to a variance of 0.5..4."""
    return float(np.sqrt(0.5 + noise * (4.0 - 0.5) / 0.5))


def circle(n: int, noise: float, rng: np.random.Generator) -> Generated:
    n1, n0 = halves(n)
    r = np.concatenate([rng.uniform(0, CIRCLE_RADIUS * 0.5, n1), rng.uniform(CIRCLE_RADIUS * 0.7, CIRCLE_RADIUS, n0)])
    X = polar(r, rng.uniform(0, 2 * np.pi, n))
    # The label is decided at a jittered position, so noise flips points near the boundary.
    jitter = rng.uniform(-CIRCLE_RADIUS, CIRCLE_RADIUS, (n, 2)) * noise
    y = np.hypot(*(X + jitter).T) < CIRCLE_RADIUS * 0.5
    return X, y.astype(np.int64)


def xor(n: int, noise: float, rng: np.random.Generator) -> Generated:
    X = rng.uniform(-5, 5, (n, 2))
    X += np.where(X > 0, XOR_PADDING, -XOR_PADDING)
    jittered = X + rng.uniform(-5, 5, (n, 2)) * noise
    y = jittered[:, 0] * jittered[:, 1] >= 0
    return X, y.astype(np.int64)


def gauss(n: int, noise: float, rng: np.random.Generator) -> Generated:
    n1, n0 = halves(n)
    y = np.repeat([1, 0], [n1, n0])
    X = GAUSS_CENTRES[1 - y] + rng.normal(0, gauss_std(noise), (n, 2))
    return X, y


def spiral_arms(sizes: list[int], offsets: list[float], turns: float, noise: float,
                rng: np.random.Generator) -> np.ndarray:
    """Arm k: point i of m has r = 5i/m and angle 2π·turns·i/m + offset k; U(−1, 1)·noise jitter."""
    parts = []
    for m, offset in zip(sizes, offsets):
        s = np.arange(m) / max(m, 1)
        parts.append(polar(5 * s, turns * s * 2 * np.pi + offset))
    X = np.concatenate(parts)
    return X + rng.uniform(-1, 1, X.shape) * noise


def spiral(n: int, noise: float, rng: np.random.Generator) -> Generated:
    n1, n0 = halves(n)
    X = spiral_arms([n1, n0], [0.0, np.pi], SPIRAL_TURNS, noise, rng)
    return X, np.repeat([1, 0], [n1, n0])


def jittered_square(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Points uniform in [−6, 6]² and the positions, moved by U(−6, 6)·noise, that set their targets."""
    X = rng.uniform(-PLANE_RADIUS, PLANE_RADIUS, (n, 2))
    return X, X + rng.uniform(-PLANE_RADIUS, PLANE_RADIUS, (n, 2)) * noise


def plane(n: int, noise: float, rng: np.random.Generator) -> Generated:
    X, at = jittered_square(n, noise, rng)
    return X, at.sum(axis=1) / 10.0  # Playground scales x + y from [−10, 10] to [−1, 1], unclamped


def multi_gauss(n: int, noise: float, rng: np.random.Generator) -> Generated:
    X, at = jittered_square(n, noise, rng)
    dist = np.linalg.norm(at[:, None, :] - BUMPS[None, :, :2], axis=2)
    values = BUMPS[:, 2] * np.clip(1 - dist / 2, 0, 1)  # each bump falls from ±1 at its centre to 0 at distance 2
    # The bump largest in absolute value wins; argmax takes the first on ties, as Playground's strict ">" does.
    y = values[np.arange(n), np.abs(values).argmax(axis=1)]
    return X, y + 0.0  # turn −0.0 into 0.0
