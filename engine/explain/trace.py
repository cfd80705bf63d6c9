"""``trace_step``: one training step of one sample, recorded node by node, without changing the network.

The trace runs on a private copy of the network (``clone_network``) and calls the layers' own
``forward``/``backward`` in the engine's execution order, accumulating gradients exactly as
``Network._backward`` does — so every number is the engine's own, and the gradients equal
``Network.gradients(x, y)`` to the last bit. The copy keeps the real network's weights, optimizer
state, BatchNorm running statistics, Dropout streams and cached activations untouched.
"""
from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import numpy as np

from ..data import Preprocessor
from ..layers.base import Layer
from ..network import Network
from ..optim import Optimizer
from .chain import MAX_CHAIN_WEIGHTS, chain_rules
from .clone import clone_network
from .describe import FUSION_SEEDS, backward_formulas, forward_formulas, forward_notes, loss_notes
from .model import Contribution, LossTrace, NodeBackward, NodeForward, StepTrace
from .update import explain_update

if TYPE_CHECKING:  # pragma: no cover
    from ..session import Session


def trace_step(
    net: Network,
    x: Any,
    y: Any,
    *,
    optimizer: Optimizer | str | dict[str, Any] | None = None,
    optimizer_state: dict[str, Any] | None = None,
    lr: float | None = None,
    l1: float = 0.0,
    l2: float = 0.0,
    clip_norm: float | None = None,
    preprocessor: Preprocessor | None = None,
    max_chain_weights: int = MAX_CHAIN_WEIGHTS,
    label: str = "",
) -> StepTrace:
    """Trace a training-mode forward and backward pass of one sample on ``net``'s current weights.

    ``x``/``y``: one sample in the network's input space and its target (a value, a vector, or a
    class index / one-hot vector for cross-entropy); with ``preprocessor``, raw features and the
    dataset's own target (e.g. a class label), transformed as in training.

    ``optimizer`` (an Optimizer, whose state is copied; a name like ``"adam"``; or a config dict
    ``{"name": "adam", "lr": 0.01, ...}``) adds the update: the formulas with every number, and the
    weights a real step of that optimizer gives (computed on copies). ``optimizer_state`` is a
    ``state_dict`` to start from (e.g. ``Trainer.state()["optimizer"]``); ``lr`` overrides the
    learning rate; ``l1``, ``l2``, ``clip_norm`` are the trainer's regularisation and clipping.
    The chain rule of every weight is written out when the network has at most
    ``max_chain_weights`` weights.
    """
    net._require_trainable()
    raw_x = raw_y = None
    if preprocessor is not None:
        raw_x, raw_y = np.asarray(x), y
        x = preprocessor.transform(x)
        y = preprocessor.encode_targets(np.asarray(y)[None])
    clone = clone_network(net)
    X = clone.prepare_inputs(x)
    if len(X) != 1:
        raise ValueError(f"trace_step explains one sample; received {len(X)}")
    Y = clone.prepare_targets(_one_target(clone, y), 1)
    noise = {name: copy.deepcopy(layer.get_noise()) for name, layer in clone.layers.items()}
    names = _slot_names(clone)

    for g in clone.gradient_buffers:
        g.fill(0)
    buf, forward = _forward(clone, X, names)
    loss, backward = _backward(clone, buf, Y, names, forward)
    trace = StepTrace(
        input_name=clone.input_name, output_name=clone.output_name, dtype=str(clone.dtype), task=clone.task,
        fusion=clone.fusion, x=X[0].copy(), y=Y[0].copy(), forward=forward, loss=loss, backward=backward,
        weights={k: p.copy() for k, p in zip(clone.param_keys, clone.parameters)},
        gradients={k: g.copy() for k, g in zip(clone.param_keys, clone.gradient_buffers)},
        raw_x=raw_x, raw_y=raw_y, label=label,
    )
    if preprocessor is not None:
        trace.feature_names = preprocessor.network_input_names
        trace.class_names = list(preprocessor.class_names)
    trace.chain = chain_rules(trace, max_chain_weights)
    if optimizer is not None:
        trace.update = explain_update(clone, trace, optimizer, optimizer_state=optimizer_state, lr=lr, l1=l1,
                                      l2=l2, clip_norm=clip_norm, noise=noise, X=X, Y=Y)
    return trace


def trace_session(session: "Session", index: int, split: str = "train", **options: Any) -> StepTrace:
    """``trace_step`` of sample ``index`` of a session's split, with the trainer's optimizer (its current
    state and scheduled learning rate), regularisation and clipping: the step training would take next
    if that sample were the batch. ``options`` go to ``trace_step``. Raises IndexError for a bad index."""
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', received {split!r}")
    data = session.data.train if split == "train" else session.data.test
    n = len(data.X)
    if not 0 <= index < n:
        raise IndexError(f"sample {index} is out of range: the {split} split has {n} samples"
                         + (f" (0 to {n - 1})" if n else ""))
    trainer = session.trainer
    settings = dict(optimizer=trainer.optimizer, lr=trainer.schedule(trainer.progress), l1=trainer.l1,
                    l2=trainer.l2, clip_norm=trainer.clip_norm, label=f"{split} sample {index} of {n}")
    settings.update(options)
    return trace_step(session.network, data.X[index], data.y[index], preprocessor=session.preprocessor, **settings)


def _one_target(net: Network, y: Any) -> np.ndarray:
    """A batch of one target from a value, a vector, a class index or a one-hot vector."""
    Y = np.asarray(y)
    if Y.ndim == 0 or Y.shape == net.output_shape:
        return Y[None]
    return Y


def _slot_names(net: Network) -> list[str]:
    names = [net.input_name] + [""] * (net._n_slots - 1)
    for layer, _, out, _ in net._steps:
        names[out] = layer.name
    return names


# ---- forward -------------------------------------------------------------------------------------
def _forward(net: Network, X: np.ndarray, names: list[str]) -> tuple[list[Any], list[NodeForward]]:
    buf: list[Any] = [None] * net._n_slots
    buf[0] = X
    records = [NodeForward(net.input_name, "Input", [], [], None, X[0].copy(), None, forward_formulas("Input", None),
                           None)]
    consumers: dict[str, list[tuple[str, int]]] = {net.input_name: []}
    for layer, ins, out, arity in net._steps:
        args = buf[ins[0]] if arity == 1 else [buf[i] for i in ins]
        buf[out] = layer.forward(args, True)
        kind = net.types[layer.name]
        records.append(_forward_record(layer, kind, [names[i] for i in ins], [buf[i] for i in ins], buf[out]))
        consumers[layer.name] = []
        for port, i in enumerate(ins):
            consumers[names[i]].append((layer.name, port))
    for rec in records:
        rec.consumers = consumers[rec.name]
    return buf, records


def _forward_record(layer: Layer, kind: str, inputs: list[str], values: list[np.ndarray], out: np.ndarray) -> NodeForward:
    act = getattr(layer, "activation", None)
    z = None
    if act is not None and getattr(layer, "z", None) is not None:
        z = layer.z[0].copy()  # type: ignore[attr-defined]
    extras: dict[str, np.ndarray] = {}
    if kind == "Dropout" and getattr(layer, "mask", None) is not None:
        extras["mask"] = layer.mask[0].copy()  # type: ignore[attr-defined]
    if kind == "BatchNorm":
        extras["batch_mean"] = values[0].mean(axis=layer.axes)  # type: ignore[attr-defined]
        extras["batch_var"] = values[0].var(axis=layer.axes)  # type: ignore[attr-defined]
        extras["x_hat"] = layer.xhat[0].copy()  # type: ignore[attr-defined]
    if act is not None and act.name == "softmax":
        a = out[0].reshape(-1)
        extras["jacobian"] = np.diag(a) - np.outer(a, a)  # ∂a[k]/∂z[j] = a[k]·(δ_kj − a[j])
    return NodeForward(
        name=layer.name, type=kind, inputs=inputs, input_values=[v[0].copy() for v in values], z=z,
        a=out[0].copy(), activation=act.name if act is not None else None,
        formulas=forward_formulas(kind, layer), derivative=act.derivative if act is not None else None,
        params={k: v.copy() for k, v in layer.params.items()}, extras=extras,
        notes=forward_notes(kind, layer, extras),
    )


# ---- loss and backward ---------------------------------------------------------------------------
def _loss(net: Network, a: np.ndarray, Y: np.ndarray) -> tuple[LossTrace, np.ndarray, bool]:
    value, seed, pre = net._loss_and_seed(a, Y)
    fn = net.loss_fn
    n = 1 if fn.name == "cross_entropy" else int(a.size)
    if pre:
        seed_formula, note = FUSION_SEEDS[net.fusion]
        notes = [note]
    else:
        seed_formula, notes = fn.derivative, []
    trace = LossTrace(
        node=net.loss_name or "loss", function=fn.name, formula=fn.formula, derivative=fn.derivative,
        prediction=a[0].copy(), target=Y[0].copy(), value=float(value), n=n, fusion=net.fusion,
        seed=seed[0].copy(), seed_is_z=pre, seed_formula=seed_formula, notes=notes + loss_notes(fn.name, n),
    )
    return trace, seed, pre


def _local(layer: Layer, da: np.ndarray) -> tuple[np.ndarray | None, np.ndarray]:
    """(∂L/∂z, ∂L/∂input(s)) by the layer's own code: as ``layer.backward(da)``, keeping ∂L/∂z."""
    act = getattr(layer, "activation", None)
    if act is not None and hasattr(layer, "backward_pre"):
        dz = da if getattr(layer, "linear", False) else act.backward(layer.z, layer.a, da)  # type: ignore[attr-defined]
        return dz, layer.backward_pre(dz)  # type: ignore[attr-defined]
    return None, layer.backward(da)


def _backward(net: Network, buf: list[Any], Y: np.ndarray, names: list[str],
              forward: list[NodeForward]) -> tuple[LossTrace, list[NodeBackward]]:
    """``Network._backward`` step by step (same order, same sums), recording every node."""
    loss, seed, pre = _loss(net, buf[net._out_slot], Y)
    requires = net._requires
    d: list[Any] = [None] * net._n_slots
    contributions: list[list[Contribution]] = [[] for _ in range(net._n_slots)]
    records = []
    first = True
    for layer, ins, out, arity in net._back:
        kind = net.types[layer.name]
        linear = bool(getattr(layer, "linear", False))
        display_only = False
        if first:
            first = False
            if pre:
                dz, g = seed, layer.backward_pre(seed)  # type: ignore[attr-defined]
                da = None if net.fusion == "step" else net.loss_fn.value_and_grad(buf[out], Y)[1]
                display_only = da is not None
            else:
                da = seed
                dz, g = _local(layer, da)
        else:
            da = d[out]
            if da is None:  # no gradient reached it: the engine zeroes its gradients
                for grad in layer.grads.values():
                    grad.fill(0)
                continue
            dz, g = _local(layer, da)
        sent: list[np.ndarray | None] = [None] * arity
        if g is not None:
            for port, (i, gi) in enumerate(zip(ins, [g] if arity == 1 else g)):
                if requires[i]:
                    sent[port] = gi[0].copy()
                    contributions[i].append(Contribution(layer.name, port, gi[0].copy()))
                    d[i] = gi if d[i] is None else d[i] + gi
        rec = _backward_record(layer, kind, linear, da, display_only, dz, sent, contributions[out])
        if pre and not records:  # the output layer: ∂L/∂z comes from the loss
            rec.formulas = [f"{loss.seed_formula}   (from the loss, fused)"] + [
                f for f in rec.formulas if not f.startswith("∂L/∂z =")]
        records.append(rec)
    return loss, records


def _backward_record(layer: Layer, kind: str, linear: bool, da: np.ndarray | None, display_only: bool,
                     dz: np.ndarray | None, sent: list[np.ndarray | None],
                     contributions: list[Contribution]) -> NodeBackward:
    act = getattr(layer, "activation", None)
    local = None
    if act is not None and not linear and getattr(layer, "z", None) is not None:
        local = act.local_grad(layer.z, layer.a)[0].copy()  # type: ignore[attr-defined]
    notes = []
    if len(contributions) > 1:
        notes.append(f"{layer.name}'s output feeds {len(contributions)} consumers "
                     f"({', '.join(c.consumer for c in contributions)}): ∂L/∂a is the sum of their contributions")
    if display_only:
        notes.append("∂L/∂ŷ is shown for the chain rule; the engine starts at ∂L/∂z (fused with the loss)")
    if act is not None and act.name == "softmax":
        notes.append("softmax mixes its values: ∂L/∂z[i] = a[i]·(∂L/∂a[i] − Σ_j a[j]·∂L/∂a[j]); the local "
                     "derivative shown is only the Jacobian's diagonal ∂a[i]/∂z[i] = a[i]·(1 − a[i])")
    if kind == "BatchNorm" and layer.xhat is not None and layer.xhat.shape[0] == 1:  # type: ignore[attr-defined]
        notes.append("one sample: x̂ = 0, so ∂L/∂γ = 0 and ∂L/∂x = 0 (see the forward pass)")
    return NodeBackward(
        name=layer.name, type=kind, grad_output=None if da is None else da[0].copy(),
        grad_output_display_only=display_only, local_derivative=local,
        grad_z=None if dz is None or act is None else dz[0].copy(), contributions=list(contributions),
        grad_inputs=sent, grad_params={k: v.copy() for k, v in layer.grads.items()},
        formulas=backward_formulas(kind, layer, linear), notes=notes,
    )
