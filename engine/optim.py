"""Optimizers: SGD, RMSProp, Adagrad, Adam and AdamW (pure NumPy).

Hyperparameter validation, learning-rate schedules, and gradient clipping and L1/L2 penalties live in
hyperparams.py, schedules.py and regularization.py; this module re-exports their public names.

Speed design: an optimizer bound to parameters keeps all its state in one flat buffer per slot
(e.g. Adam's ``m`` and ``v``). Each step copies the gradients into a flat scratch buffer with a
single ``np.concatenate(..., out=)``, runs the whole update on the flat buffers (a handful of
in-place ufunc calls in total instead of a handful per array), and finally subtracts per-array
views of the flat update from the parameters in place. For tiny networks this is bound by the
per-call overhead of NumPy, so the number of ufunc calls is what matters.

All scalars are Python floats, so float32 parameters and state stay float32 (NEP 50).
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from .hyperparams import HyperParam, _check_kwargs, _lr_param
from .regularization import add_l1_l2_grad, clip_grad_norm, l1_l2_penalty  # noqa: F401 - re-exported
from .schedules import SCHEDULE_PARAMS, SCHEDULES, Schedule, make_schedule  # noqa: F401 - re-exported

_SQ_HELP = "Decay rate of the running mean of squared gradients."
_BETA1 = HyperParam("beta1", float, 0.9, 0.0, 1.0, "Decay rate of the running mean of gradients.",
                    max_open=True)
_BETA2 = HyperParam("beta2", float, 0.999, 0.0, 1.0, _SQ_HELP, max_open=True)
_EPS = HyperParam("eps", float, 1e-7, 0.0, None, "Small constant that keeps the division stable.",
                  min_open=True)
_MOMENTUM = HyperParam("momentum", float, 0.0, 0.0, 1.0, "Fraction of the previous update carried over.",
                       max_open=True)


class Optimizer:
    """Base class. Subclasses declare ``name``, ``PARAMS`` and implement ``_slots``/``_update``.

    Usage: ``opt.bind(params, decay_mask)`` once, then ``opt.step(params, grads)`` every batch with
    the same parameter arrays (updated in place) and gradients of the same shapes (never modified).
    ``step`` binds automatically on first use if ``bind`` was not called.
    """

    name: ClassVar[str] = "optimizer"
    PARAMS: ClassVar[tuple[HyperParam, ...]] = (_lr_param(0.01),)

    def __init__(self, lr: float = 0.01, **hyper: Any) -> None:
        _check_kwargs(self.name, self.PARAMS, {"lr": lr, **hyper})
        values = {"lr": lr, **hyper}
        for p in self.PARAMS:
            setattr(self, p.name, p.validate(values.get(p.name, p.default)))
        self.t = 0
        self._n: int | None = None  # number of bound arrays; None = not bound
        self._shapes: list[tuple[int, ...]] = []
        self._decay_mask: list[bool] = []
        self._buf: dict[str, np.ndarray] = {}
        self._views: dict[str, list[np.ndarray]] = {}

    # -- subclass interface
    def _slots(self) -> tuple[str, ...]:
        """Names of the per-parameter state buffers (they appear in ``state_dict``)."""
        return ()

    def _update(self, g: np.ndarray) -> list[np.ndarray]:
        """Update state from the flat gradient ``g``; return per-array views of the step."""
        raise NotImplementedError

    # -- public API
    def bind(self, params: list[np.ndarray], decay_mask: list[bool] | None = None) -> None:
        """Allocate state for ``params``. ``decay_mask[i]`` marks kernels weight decay applies to."""
        if decay_mask is None:
            decay_mask = [True] * len(params)
        if len(decay_mask) != len(params):
            raise ValueError(f"Expected decay_mask of length {len(params)}, received {len(decay_mask)}")
        for i, p in enumerate(params):
            if not np.issubdtype(p.dtype, np.floating):
                raise ValueError(f"Expected floating-point parameters, parameter {i} has dtype {p.dtype}")
        dtype = np.result_type(*params) if params else np.dtype(np.float64)
        total = sum(p.size for p in params)
        self._n = len(params)
        self._shapes = [p.shape for p in params]
        self._decay_mask = [bool(m) for m in decay_mask]
        # "g" holds the flattened gradients, "tmp" the step; the rest is optimizer state.
        self._buf = {k: np.zeros(total, dtype) for k in ("g", "tmp", *self._slots())}
        self._make_views()
        self.reset()

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """Apply one update in place: ``params[i] -= step[i]``. ``grads`` is left unchanged."""
        if self._n is None:
            self.bind(params)
        if len(params) != self._n or len(grads) != self._n:
            raise ValueError(f"Expected {self._n} parameters and gradients, "
                             f"received {len(params)} and {len(grads)}")
        if not self._n:
            return
        g = self._buf["g"]
        np.concatenate(grads, axis=None, out=g)
        sub = np.subtract
        for w, u in zip(params, self._update(g)):
            sub(w, u, out=w)

    def reset(self) -> None:
        """Clear the state (moments, accumulators, step counter); keeps the binding."""
        self.t = 0
        for k in self._slots():
            if k in self._buf:
                self._buf[k].fill(0.0)

    def state_dict(self) -> dict[str, list[np.ndarray] | int | float]:
        """Copies of the state, one array per parameter, plus ``lr`` and step counter ``t``."""
        d: dict[str, list[np.ndarray] | int | float] = {"lr": float(self.lr), "t": int(self.t)}
        for k in self._slots():
            if k in self._views:
                d[k] = [v.copy() for v in self._views[k]]
        return d

    def load_state_dict(self, d: dict[str, Any]) -> None:
        """Restore a ``state_dict`` (validated fully before anything is changed)."""
        if self._n is None:
            raise RuntimeError("Call bind(params) before load_state_dict()")
        expected = {"lr", "t", *self._slots()}
        if set(d) != expected:
            raise ValueError(f"State dict for {self.name} needs keys {sorted(expected)}, "
                             f"received {sorted(d)}")
        lr = _lr_param(0.01).validate(d["lr"])
        t = HyperParam("t", int, 0, 0, None, "").validate(d["t"])
        for k in self._slots():
            shapes = [np.shape(a) for a in d[k]]
            if shapes != self._shapes:
                raise ValueError(f"State {k!r}: expected arrays of shapes {self._shapes}, received {shapes}")
        for k in self._slots():
            for view, a in zip(self._views[k], d[k]):
                np.copyto(view, a, casting="same_kind")
        self.lr, self.t = lr, t

    def config(self) -> dict[str, Any]:
        """JSON-friendly ``{"name": ..., <hyperparameter>: value, ...}``."""
        return {"name": self.name, **{p.name: getattr(self, p.name) for p in self.PARAMS}}

    def __repr__(self) -> str:
        args = ", ".join(f"{p.name}={getattr(self, p.name)!r}" for p in self.PARAMS)
        return f"{type(self).__name__}({args})"

    # -- internals
    def _make_views(self) -> None:
        self._views = {}
        for k, flat in self._buf.items():
            views, off = [], 0
            for shape in self._shapes:
                size = math.prod(shape)
                views.append(flat[off:off + size].reshape(shape))
                off += size
            self._views[k] = views

    # Views would be pickled/deep-copied as independent arrays, silently detaching them from the
    # flat buffers, so they are dropped and rebuilt.
    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_views"] = {}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        if self._n is not None:
            self._make_views()


class SGD(Optimizer):
    """Stochastic gradient descent, Keras/PyTorch convention.

    * plain (``momentum == 0``): ``w -= lr * g``
    * momentum: ``v = momentum * v + g``; ``w -= lr * v``
    * Nesterov (PyTorch form): ``v = momentum * v + g``; ``w -= lr * (g + momentum * v)``
    """

    name = "sgd"
    PARAMS = (_lr_param(0.01), _MOMENTUM,
              HyperParam("nesterov", bool, False, None, None, "Look ahead along the velocity."))

    def __init__(self, lr: float = 0.01, momentum: float = 0.0, nesterov: bool = False) -> None:
        super().__init__(lr, momentum=momentum, nesterov=nesterov)
        if self.nesterov and self.momentum == 0.0:
            raise ValueError("Nesterov momentum needs momentum > 0")

    def _slots(self) -> tuple[str, ...]:
        return ("velocity",) if self.momentum else ()

    def _update(self, g: np.ndarray) -> list[np.ndarray]:
        buf, mul, mu = self._buf, np.multiply, self.momentum
        tmp = buf["tmp"]
        if mu:
            v = buf["velocity"]
            mul(v, mu, out=v)
            np.add(v, g, out=v)
            if self.nesterov:
                mul(v, mu, out=tmp)
                np.add(tmp, g, out=tmp)
                mul(tmp, self.lr, out=tmp)
            else:
                mul(v, self.lr, out=tmp)
        else:
            mul(g, self.lr, out=tmp)
        self.t += 1
        return self._views["tmp"]


class RMSProp(Optimizer):
    """RMSProp: ``s = rho * s + (1 - rho) * g²``.

    * without momentum: ``w -= lr * g / (sqrt(s) + eps)``
    * with momentum (Keras form, lr inside the buffer):
      ``m = momentum * m + lr * g / (sqrt(s) + eps)``; ``w -= m``
    """

    name = "rmsprop"
    PARAMS = (_lr_param(0.001), HyperParam("rho", float, 0.9, 0.0, 1.0, _SQ_HELP, max_open=True),
              _EPS, _MOMENTUM)

    def __init__(self, lr: float = 0.001, rho: float = 0.9, eps: float = 1e-7,
                 momentum: float = 0.0) -> None:
        super().__init__(lr, rho=rho, eps=eps, momentum=momentum)

    def _slots(self) -> tuple[str, ...]:
        return ("square_avg", "momentum_buffer") if self.momentum else ("square_avg",)

    def _update(self, g: np.ndarray) -> list[np.ndarray]:
        buf, mul = self._buf, np.multiply
        s, tmp = buf["square_avg"], buf["tmp"]
        mul(s, self.rho, out=s)
        mul(g, g, out=tmp)
        mul(tmp, 1.0 - self.rho, out=tmp)
        np.add(s, tmp, out=s)
        np.sqrt(s, out=tmp)
        np.add(tmp, self.eps, out=tmp)
        np.divide(g, tmp, out=tmp)
        mul(tmp, self.lr, out=tmp)
        self.t += 1
        if self.momentum:
            m = buf["momentum_buffer"]
            mul(m, self.momentum, out=m)
            np.add(m, tmp, out=m)
            return self._views["momentum_buffer"]
        return self._views["tmp"]


class Adagrad(Optimizer):
    """Adagrad: ``s += g²``; ``w -= lr * g / (sqrt(s) + eps)``; ``s`` starts at ``initial_accumulator``."""

    name = "adagrad"
    PARAMS = (_lr_param(0.01), _EPS,
              HyperParam("initial_accumulator", float, 0.1, 0.0, None, "Starting sum of squared gradients."))

    def __init__(self, lr: float = 0.01, eps: float = 1e-7, initial_accumulator: float = 0.1) -> None:
        super().__init__(lr, eps=eps, initial_accumulator=initial_accumulator)

    def _slots(self) -> tuple[str, ...]:
        return ("accumulator",)

    def reset(self) -> None:
        super().reset()
        if "accumulator" in self._buf:
            self._buf["accumulator"].fill(self.initial_accumulator)

    def _update(self, g: np.ndarray) -> list[np.ndarray]:
        buf = self._buf
        s, tmp = buf["accumulator"], buf["tmp"]
        np.multiply(g, g, out=tmp)
        np.add(s, tmp, out=s)
        np.sqrt(s, out=tmp)
        np.add(tmp, self.eps, out=tmp)
        np.divide(g, tmp, out=tmp)
        np.multiply(tmp, self.lr, out=tmp)
        self.t += 1
        return self._views["tmp"]


class Adam(Optimizer):
    """Adam. With ``t += 1``, ``m = b1 m + (1 - b1) g`` and ``v = b2 v + (1 - b2) g²``:

        w -= lr * m̂ / (sqrt(v̂) + eps),   m̂ = m / (1 - b1^t),  v̂ = v / (1 - b2^t)

    Computed as ``w -= lr_t * m / (sqrt(v) + eps_hat)`` with ``lr_t = lr sqrt(1 - b2^t) / (1 - b1^t)``
    and ``eps_hat = eps sqrt(1 - b2^t)``: multiplying numerator and denominator of the formula
    above by ``sqrt(1 - b2^t)`` shows both are identical, and this form needs no bias-corrected
    copies of ``m`` and ``v``.
    """

    name = "adam"
    PARAMS = (_lr_param(0.001), _BETA1, _BETA2, _EPS)

    def __init__(self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-7, **hyper: Any) -> None:
        super().__init__(lr, beta1=beta1, beta2=beta2, eps=eps, **hyper)

    def _slots(self) -> tuple[str, ...]:
        return ("m", "v")

    def _update(self, g: np.ndarray) -> list[np.ndarray]:
        buf, mul, add = self._buf, np.multiply, np.add
        m, v, tmp = buf["m"], buf["v"], buf["tmp"]
        b1, b2 = self.beta1, self.beta2
        self.t = t = self.t + 1
        c2 = math.sqrt(1.0 - b2 ** t)
        lr_t = self.lr * c2 / (1.0 - b1 ** t)
        mul(m, b1, out=m)
        mul(g, 1.0 - b1, out=tmp)
        add(m, tmp, out=m)
        mul(v, b2, out=v)
        mul(g, g, out=tmp)
        mul(tmp, 1.0 - b2, out=tmp)
        add(v, tmp, out=v)
        np.sqrt(v, out=tmp)
        add(tmp, self.eps * c2, out=tmp)
        np.divide(m, tmp, out=tmp)
        mul(tmp, lr_t, out=tmp)
        return self._views["tmp"]


class AdamW(Adam):
    """Adam with decoupled weight decay (PyTorch order, same ``lr`` for both parts):

        w -= lr * weight_decay * w      (only arrays whose decay_mask is True)
        then the Adam update of :class:`Adam`.
    """

    name = "adamw"
    PARAMS = (_lr_param(0.001), _BETA1, _BETA2, _EPS,
              HyperParam("weight_decay", float, 0.01, 0.0, None, "Kernel shrink per step, times lr."))

    def __init__(self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-7, weight_decay: float = 0.01) -> None:
        super().__init__(lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay)

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        if self._n is None:
            self.bind(params)
        keep = 1.0 - self.lr * self.weight_decay
        if keep != 1.0 and len(params) == self._n:
            mul = np.multiply
            for w, decay in zip(params, self._decay_mask):
                if decay:
                    mul(w, keep, out=w)
        super().step(params, grads)


OPTIMIZERS: dict[str, type[Optimizer]] = {cls.name: cls for cls in (SGD, RMSProp, Adagrad, Adam, AdamW)}


def make_optimizer(name: str, **kwargs: Any) -> Optimizer:
    """Build an optimizer by (case-insensitive) name; bad names or values raise ValueError."""
    key = name.lower() if isinstance(name, str) else name
    if key not in OPTIMIZERS:
        raise ValueError(f"Unknown optimizer {name!r}. Valid names: {', '.join(OPTIMIZERS)}")
    cls = OPTIMIZERS[key]
    _check_kwargs(key, cls.PARAMS, kwargs)
    return cls(**kwargs)
