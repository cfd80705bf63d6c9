"""The runtime side of a layer: arrays, forward and backward. Specs live in the registry."""
from __future__ import annotations

from typing import Any

import numpy as np

Shape = tuple[int, ...]


class Layer:
    """A compiled layer: owns its parameter arrays and their gradient buffers.

    ``forward(x, training)`` gets one array (or a list for ``arity > 1``) with the batch on axis 0
    and returns the output; ``backward(dy)`` returns the gradient for the input (a list for
    ``arity > 1``; None where ``need_dx`` is False) and fills ``grads``.
    Layers with an activation expose ``z`` after a training forward pass and ``backward_pre(dz)``,
    which the network uses to fuse the output activation with the loss.
    """

    arity = 1
    activation: Any = None
    reuse_inference = False  # the network sets it on layers whose inference output stays internal
    record = False  # keep z and a after an inference pass too (the loss needs the logits)

    def __init__(self, name: str, config: dict[str, Any], in_shapes: list[Shape], out_shape: Shape) -> None:
        self.name = name
        self.config = dict(config)
        self.in_shapes = in_shapes
        self.out_shape = out_shape
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.state: dict[str, np.ndarray] = {}
        self.kernels: tuple[str, ...] = ()
        self.need_dx = True
        self._scratch: dict[tuple[str, tuple[int, ...]], np.ndarray] = {}

    # ---- parameters --------------------------------------------------------------------
    def param_shapes(self) -> dict[str, Shape]:
        return {}

    def initialize(self, rng: np.random.Generator, dtype: np.dtype) -> None:
        """Create parameters (drawn from ``rng``) and zeroed gradient buffers."""
        self.params = {k: np.asarray(v, dtype=dtype) for k, v in self.init_params(rng).items()}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.state = {k: np.asarray(v, dtype=dtype) for k, v in self.init_state().items()}

    def init_params(self, rng: np.random.Generator) -> dict[str, np.ndarray]:
        return {}

    def init_state(self) -> dict[str, np.ndarray]:
        return {}

    def state_shapes(self) -> dict[str, Shape]:
        """Shapes of the non-trainable state arrays (without allocating them)."""
        return {}

    def set_noise(self, rng: np.random.Generator) -> None:
        """Give a stochastic layer (Dropout) its random stream."""

    def get_noise(self) -> np.random.Generator | None:
        """The random stream of a stochastic layer (None for deterministic layers)."""
        return None

    @property
    def parameter_count(self) -> int:
        return int(sum(int(np.prod(s)) for s in self.param_shapes().values()))

    # ---- computation -------------------------------------------------------------------
    def forward(self, x: Any, training: bool) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self, dy: np.ndarray) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def scratch(self, key: str, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        """A buffer this layer reuses from one training step to the next.

        Writing a large batch's activations into fresh arrays every step costs more in page faults
        than the arithmetic itself (measured: 3× for a 1,797 × 128 ReLU layer). Arrays returned from
        the training path are therefore only valid until the next training step.
        """
        key_shape = (key, shape)
        buf = self._scratch.get(key_shape)
        if buf is None or buf.dtype != dtype:
            if len(self._scratch) > 16:
                self._scratch.clear()
            buf = self._scratch[key_shape] = np.empty(shape, dtype)
        return buf

    def out_buffer(self, key: str, shape: tuple[int, ...], dtype: np.dtype, training: bool) -> np.ndarray | None:
        """Where a forward pass may write: a reused buffer in training (and in inference for layers
        whose output never leaves the network), else None (a fresh array)."""
        if training:
            return self.scratch(key, shape, dtype)
        if self.reuse_inference:
            return self.scratch("inference_" + key, shape, dtype)
        return None

    def release(self) -> None:
        """Drop references to the arrays kept from the last forward pass."""
        for attr in ("x", "z", "a", "xs"):
            if hasattr(self, attr):
                setattr(self, attr, None)


def flat_size(shape: Shape) -> int:
    n = 1
    for s in shape:
        n *= s
    return n


def fmt_shape(shape: Shape | None) -> str:
    if shape is None:
        return "?"
    if len(shape) == 1:
        return f"({shape[0]},)"
    return "(" + ", ".join(str(s) for s in shape) + ")"
