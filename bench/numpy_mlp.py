"""A plain hand-written NumPy MLP: the yardstick for what NumPy itself allows on these shapes.

The kind of loop one writes by hand (DESIGN.md §5's "hand-written NumPy"): float32, the output
activation fused with the loss (whose value it returns, as PyTorch's loop and our engine do),
in-place SGD/Adam updates, no graph and no checks. bench/engine.py
runs it beside our engine and PyTorch, so the ratios show how much of a gap is the engine's own
overhead and how much is NumPy's.
"""
from __future__ import annotations

import math

import numpy as np


class NumpyMLP:
    def __init__(self, sizes, hidden: str, output: str, optimizer: str, lr: float, seed: int = 0):
        rng = np.random.default_rng(seed)
        self.W = [rng.uniform(-1, 1, (a, b)).astype(np.float32) * np.float32(math.sqrt(6 / (a + b)))
                  for a, b in zip(sizes, sizes[1:])]
        self.b = [np.zeros(b, np.float32) for b in sizes[1:]]
        self.params = [p for pair in zip(self.W, self.b) for p in pair]
        self.hidden, self.output, self.optimizer, self.lr = hidden, output, optimizer, lr
        self.m = [np.zeros_like(p) for p in self.params]
        self.v = [np.zeros_like(p) for p in self.params]
        self.t = 0

    def step(self, x: np.ndarray, y: np.ndarray) -> float:
        """One step on a batch; returns the loss before it. ``y`` is (n, 1) 0/1 for sigmoid,
        one-hot (n, k) for softmax."""
        hs = [x]
        for W, b in zip(self.W[:-1], self.b[:-1]):
            z = x @ W
            z += b
            x = np.tanh(z) if self.hidden == "tanh" else np.maximum(z, 0.0)
            hs.append(x)
        z = x @ self.W[-1]
        z += self.b[-1]
        n = len(z)
        if self.output == "sigmoid":
            p = 0.5 * (1.0 + np.tanh(0.5 * z))
            loss = float((np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))).mean())
        else:
            s = z - z.max(axis=1, keepdims=True)
            p = np.exp(s)
            total = p.sum(axis=1, keepdims=True)
            p /= total
            loss = float((np.log(total) - (y * s).sum(axis=1, keepdims=True)).mean())
        dz = (p - y) * np.float32(1.0 / (n if self.output == "softmax" else z.size))
        grads = []
        for i in range(len(self.W) - 1, -1, -1):
            grads += [dz.sum(axis=0), hs[i].T @ dz]
            if i:
                dh = dz @ self.W[i].T
                h = hs[i]
                dz = dh * (1.0 - h * h) if self.hidden == "tanh" else dh * (h > 0)
        grads.reverse()  # now W0, b0, W1, b1, ...
        if self.optimizer == "sgd":
            for p, g in zip(self.params, grads):
                p -= self.lr * g
            return loss
        self.t += 1
        b1, b2, eps = 0.9, 0.999, 1e-7
        lr_t = self.lr * math.sqrt(1 - b2 ** self.t) / (1 - b1 ** self.t)
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * (g * g)
            p -= lr_t * m / (np.sqrt(v) + eps)
        return loss
