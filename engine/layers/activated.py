"""The part Dense and Conv2D share: an optional activation on a linear output z.

Both keep ``z`` and ``a`` after a training pass (and after an inference pass when ``record`` is
set), so the network can fuse an output activation with the loss through ``backward_pre(dz)``.
"""
from __future__ import annotations

from typing import Any

import numpy as np


class ActivatedOutput:
    """Mixed into a Layer that sets ``activation``, ``linear`` and implements ``backward_pre``."""

    activation: Any
    linear: bool
    record: bool

    def activate(self, z: np.ndarray, training: bool) -> np.ndarray:
        """a = activation(z), written to a reused buffer in training."""
        if self.linear:
            if training or self.record:
                self.z = self.a = z
            return z
        a = self.activation.forward(z, self.out_buffer("a", z.shape, z.dtype, training))  # type: ignore[attr-defined]
        if training or self.record:
            self.z, self.a = z, a
        return a

    def backward(self, da: np.ndarray) -> np.ndarray | None:
        if self.linear:
            return self.backward_pre(da)  # type: ignore[attr-defined]
        dz = self.activation.backward(self.z, self.a, da, self.scratch("dz", da.shape, da.dtype))  # type: ignore[attr-defined]
        return self.backward_pre(dz)  # type: ignore[attr-defined]
