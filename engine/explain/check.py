"""``check_step``: finite differences against backpropagation, on a float64 copy of the network.

Runs ``engine.gradcheck.check_gradients`` (its tolerance rules: a relative test that turns absolute
for gradients too small to measure) on the chosen samples as one batch. The real network is not
touched; a network with a step output gets a "not applicable" result, since the perceptron rule is
not the gradient of anything.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from ..gradcheck import GradCheckRow, check_gradients
from ..network import Network
from .clone import clone_network
from .text import num


@dataclass
class CheckResult:
    applicable: bool
    rows: list[GradCheckRow] = field(default_factory=list)  # one per parameter: key, analytic, numeric, error
    tolerance: float = 1e-5
    samples: int = 0
    reason: str = ""  # why not applicable

    @property
    def passed(self) -> bool | None:
        """All parameters pass (None when the check does not apply)."""
        return all(r.passed for r in self.rows) if self.applicable else None

    @property
    def max_rel_error(self) -> float:
        return max((r.max_rel_error for r in self.rows), default=0.0)

    @property
    def summary(self) -> str:
        if not self.applicable:
            return self.reason
        if not self.rows:
            return "nothing to check: the network has no weights"
        ok = sum(r.passed for r in self.rows)
        verdict = "pass" if ok == len(self.rows) else "FAIL"
        return (f"{verdict}: {ok} of {len(self.rows)} parameters agree with finite differences (largest relative error "
                f"{num(self.max_rel_error, 2)}, tolerance {self.tolerance:g}) on {self.samples} sample"
                f"{'s' if self.samples != 1 else ''}, in float64")


def check_step(net: Network, X: Any, Y: Any, samples: Sequence[int] | None = None, *, eps: float = 1e-6,
               tolerance: float = 1e-5, atol: float = 1e-8) -> CheckResult:
    """Compare backprop with central differences for every parameter, on ``X[samples]`` (all when None).

    ``X``/``Y`` are in the network's input space (e.g. ``Session.X_train``, ``Session.Y_train``), or a
    single sample when ``samples`` is None and ``X`` has the shape of one.
    """
    if net.fusion == "step":
        return CheckResult(False, tolerance=tolerance,
                           reason="not applicable: the output is a step, trained by the perceptron rule, which is not "
                                  "a gradient (the step's derivative is 0), so there is no gradient to compare")
    X = net.prepare_inputs(X)
    Y = np.asarray(Y)
    if len(X) == 1 and (Y.ndim == 0 or Y.shape == net.output_shape):
        Y = Y[None]
    if samples is not None:
        idx = np.asarray(list(samples), dtype=np.int64)
        if idx.size == 0:
            raise ValueError("Choose at least one sample to check")
        if idx.min() < -len(X) or idx.max() >= len(X):
            raise ValueError(f"Sample index out of range: there are {len(X)} samples")
        X, Y = X[idx], Y[idx]
    copy64 = clone_network(net, "float64")
    rows = check_gradients(copy64, X.astype(np.float64), Y, eps=eps, tolerance=tolerance, atol=atol)
    return CheckResult(True, rows, tolerance, len(X))
