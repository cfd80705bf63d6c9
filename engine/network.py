"""Compile a Graph into an executable network: a fixed execution order over preallocated slots.

The hot path (``train_step``) walks precomputed tuples, so a tiny network costs a few dozen NumPy
calls per step and no per-step graph work. The output activation is fused with the loss where it
matters for stability (sigmoid + bce, softmax + cross-entropy) whether it was drawn inside a Dense
node or as a separate node.

Weights (initialisation, get/set, ``weight_shapes``) live in network_weights.py and evaluation and
diagnosis in network_evaluation.py; ``Network`` inherits both and this module re-exports their
public names.
"""
from __future__ import annotations

import copy
from typing import Any, Iterable

import numpy as np

from .errors import CompileError, ShapeError, TrainingError
from .graph import Graph
from .layers.base import Layer, fmt_shape
from .losses import BCE, CrossEntropy, make_loss, perceptron_grad
from .network_evaluation import PREDICT_CHUNK, NetworkEvaluation
from .network_weights import LayerInfo, NetworkWeights, weight_shapes  # noqa: F401 - re-exported
from .optim import Optimizer
from .regularization import add_l1_l2_grad, clip_grad_norm, l1_l2_penalty
from .data_fit import task_of
from .validation import Analysis, analyze


class Network(NetworkWeights, NetworkEvaluation):
    """An executable, trainable copy of a graph.

    ``Network(graph, seed=0, dtype="float32")`` compiles the graph and initialises the weights from
    the seed (each layer draws from its own stream, derived from the seed and its name, so adding a
    layer does not change the others' initial weights).
    """

    def __init__(self, graph: Graph, seed: int = 0, dtype: str | np.dtype = "float32") -> None:
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise CompileError(f"dtype must be float32 or float64, received {self.dtype}")
        self.analysis: Analysis = analyze(graph)
        if not self.analysis.runnable:
            problems = [i.message for i in self.analysis.issues if i.is_error and i.scope == "graph"]
            if not problems:
                problems = ["The network has no output"]
            raise CompileError("The network cannot run:\n- " + "\n- ".join(problems))
        self.seed = int(seed)
        self._build(graph)
        self.initialize(self.seed)

    # ---- compilation -------------------------------------------------------------------
    def _build(self, graph: Graph) -> None:
        a = self.analysis
        out_id = a.output_node
        needed = graph.ancestors(out_id) | {out_id}
        input_node = graph.node(a.input_node)
        self.input_name = input_node.name
        self.input_shape = tuple(a.shapes[input_node.id])
        slot = {input_node.id: 0}
        self.layers: dict[str, Layer] = {}
        self.types: dict[str, str] = {input_node.name: "Input"}
        self.output_shapes: dict[str, tuple[int, ...]] = {input_node.name: self.input_shape}
        steps = []
        for nid in a.order:
            node = graph.node(nid)
            if nid not in needed or node.type in ("Input", "Loss"):
                continue
            ports = node.input_ports
            srcs = [graph.inbound(node, p).src for p in ports]  # type: ignore[union-attr]
            in_shapes = [a.shapes[s] for s in srcs]
            layer = node.spec.factory(node.name, node.params, in_shapes, a.shapes[nid])
            slot[nid] = len(slot)
            self.layers[node.name] = layer
            self.types[node.name] = node.type
            self.output_shapes[node.name] = a.shapes[nid]
            steps.append((layer, tuple(slot[s] for s in srcs), slot[nid], len(srcs)))
        self._n_slots = len(slot)
        for layer, _, out, _ in steps:
            layer.reuse_inference = out != slot[out_id]  # only the output leaves a forward pass
        self.output_name = graph.node(out_id).name
        self.output_shape = tuple(a.shapes[out_id])
        self._out_slot = slot[out_id]
        self._steps = steps
        self._fsteps = [(layer.forward, ins[0], ins, out, arity) for layer, ins, out, arity in steps]
        self._last_use = self._last_uses()

        # Which slots carry a gradient: a layer with weights, or anything downstream of one.
        requires = [False] * self._n_slots
        for layer, ins, out, _ in steps:
            requires[out] = bool(layer.param_shapes()) or any(requires[i] for i in ins)
            layer.need_dx = any(requires[i] for i in ins)
        self._requires = requires
        self._back = [(layer, ins, out, arity) for layer, ins, out, arity in reversed(steps) if requires[out]]

        self.loss_name: str | None = None
        self.loss_fn = None
        self.fusion = a.fusion
        self.train_problems = [i.message for i in a.issues if i.is_error and i.scope == "train"]
        if a.loss_node is not None:
            loss_node = graph.node(a.loss_node)
            self.loss_name = loss_node.name
            self.loss_fn = make_loss(loss_node.params["function"], loss_node.params["delta"])
        self.task = self._task()
        self._producer = self.layers.get(self.output_name)

    def _last_uses(self) -> list[int]:
        last = [-1] * self._n_slots
        for k, (_, ins, _, _) in enumerate(self._steps):
            for i in ins:
                last[i] = k
        return last

    def _task(self) -> str:
        return task_of(self.loss_fn.name if self.loss_fn is not None else None, self.fusion)

    # ---- weights -----------------------------------------------------------------------
    # ---- data checks -------------------------------------------------------------------
    def prepare_inputs(self, X: Any) -> np.ndarray:
        X = np.asarray(X, dtype=self.dtype)
        if X.ndim == len(self.input_shape):
            X = X[None]
        if X.shape[1:] != self.input_shape:
            raise ShapeError(
                f"{self.input_name} expects samples of shape {fmt_shape(self.input_shape)}, "
                f"received {fmt_shape(X.shape[1:])}"
            )
        return X

    def prepare_targets(self, Y: Any, n: int | None = None) -> np.ndarray:
        """Targets as an (N, *output_shape) array; class indices become one-hot for cross-entropy."""
        Y = np.asarray(Y)
        out = self.output_shape
        if self.task == "multiclass" and Y.ndim == 1:
            if not np.issubdtype(Y.dtype, np.integer):
                if not np.all(np.mod(Y, 1) == 0):
                    raise ShapeError("Class labels for cross_entropy must be whole numbers 0, 1, …")
                Y = Y.astype(np.int64)
            k = out[0]
            if Y.size and (Y.min() < 0 or Y.max() >= k):
                raise ShapeError(
                    f"Class label {int(Y.max())} is out of range: {self.output_name} outputs {k} classes (0 to {k - 1})"
                )
            Y = np.eye(k, dtype=self.dtype)[Y]
        Y = np.asarray(Y, dtype=self.dtype)
        if Y.ndim == 1 and out == (1,):
            Y = Y[:, None]
        if Y.shape[1:] != out:
            have = Y.shape[1] if Y.ndim == 2 else fmt_shape(Y.shape[1:])
            raise ShapeError(
                f"The targets have {have} values per sample but {self.output_name} outputs "
                f"{fmt_shape(out)}: make its output match the targets"
            )
        if n is not None and len(Y) != n:
            raise ShapeError(f"{n} input samples but {len(Y)} targets")
        return Y

    def _require_trainable(self) -> None:
        self._require_loss()
        if self.train_problems:
            raise TrainingError("The network cannot be trained:\n- " + "\n- ".join(self.train_problems))

    # ---- forward -----------------------------------------------------------------------
    def predict(self, X: Any, batch_size: int = PREDICT_CHUNK) -> np.ndarray:
        """Inference forward pass (Dropout off, BatchNorm on running statistics)."""
        X = self.prepare_inputs(X)
        if len(X) <= batch_size:
            return self._infer(X)
        return np.concatenate([self._infer(X[i : i + batch_size]) for i in range(0, len(X), batch_size)])

    def _infer(self, X: np.ndarray) -> np.ndarray:
        buf: list[Any] = [None] * self._n_slots
        buf[0] = X
        last = self._last_use
        for k, (fwd, i0, ins, out, arity) in enumerate(self._fsteps):
            buf[out] = fwd(buf[i0], False) if arity == 1 else fwd([buf[i] for i in ins], False)
            for i in ins:
                if last[i] == k and i != self._out_slot:
                    buf[i] = None  # free activations as soon as no later layer needs them
        return buf[self._out_slot]

    def forward_all(self, X: Any, training: bool = False) -> dict[str, np.ndarray]:
        """Every node's output, keyed by node name (copies: for inspection)."""
        X = self.prepare_inputs(X)
        buf = self._forward_train(X) if training else self._forward_keep(X)
        out = {self.input_name: X}
        for layer, _, slot, _ in self._steps:
            out[layer.name] = np.array(buf[slot], copy=True)
        return out

    def _forward_keep(self, X: np.ndarray) -> list[Any]:
        buf: list[Any] = [None] * self._n_slots
        buf[0] = X
        for fwd, i0, ins, out, arity in self._fsteps:
            buf[out] = fwd(buf[i0], False) if arity == 1 else fwd([buf[i] for i in ins], False)
        return buf

    def _forward_train(self, X: np.ndarray) -> list[Any]:
        buf: list[Any] = [None] * self._n_slots
        buf[0] = X
        for fwd, i0, ins, out, arity in self._fsteps:
            buf[out] = fwd(buf[i0], True) if arity == 1 else fwd([buf[i] for i in ins], True)
        return buf

    # ---- loss and backward -------------------------------------------------------------
    def _loss_and_seed(self, a: np.ndarray, Y: np.ndarray) -> tuple[float, np.ndarray, bool]:
        """The loss value and the gradient that starts backprop; the flag says it is ∂L/∂z."""
        fusion = self.fusion
        if fusion == "sigmoid_bce":
            loss, dz = BCE.fused(self._producer.z, a, Y)
            return loss, dz, True
        if fusion == "softmax_ce":
            loss, dz = CrossEntropy.fused(self._producer.z, a, Y)
            return loss, dz, True
        if fusion == "step":
            return self.loss_fn.value(a, Y), perceptron_grad(a, Y), True
        loss, da = self.loss_fn.value_and_grad(a, Y)
        return loss, da, False

    def _backward(self, seed: np.ndarray, pre: bool) -> None:
        d: list[Any] = [None] * self._n_slots
        requires = self._requires
        first = True
        for layer, ins, out, arity in self._back:
            if first:
                first = False
                g = layer.backward_pre(seed) if pre else layer.backward(seed)
            else:
                dy = d[out]
                if dy is None:
                    for g in layer.grads.values():
                        g.fill(0)  # no gradient reached it: do not apply a stale one
                    continue
                g = layer.backward(dy)
            if g is None:
                continue
            if arity == 1:
                i = ins[0]
                if requires[i]:
                    d[i] = g if d[i] is None else d[i] + g
            else:
                for i, gi in zip(ins, g):
                    if requires[i]:
                        d[i] = gi if d[i] is None else d[i] + gi

    def loss_and_backward(self, X: np.ndarray, Y: np.ndarray) -> float:
        """Training-mode forward and backward; fills every layer's ``grads``. Inputs prepared."""
        buf = self._forward_train(X)
        loss, seed, pre = self._loss_and_seed(buf[self._out_slot], Y)
        if self._back:
            self._backward(seed, pre)
        return loss

    def gradients(self, X: Any, Y: Any) -> tuple[float, dict[str, np.ndarray]]:
        """Loss and ∂L/∂w for every parameter (copies), keyed like ``get_weights``.

        A training-mode pass that leaves no trace: BatchNorm's running statistics and the Dropout
        random streams are put back afterwards, so asking for gradients never changes training.
        """
        self._require_trainable()
        X = self.prepare_inputs(X)
        Y = self.prepare_targets(Y, len(X))
        saved = self._save_side_state()
        try:
            for g in self._grads:
                g.fill(0)
            loss = self.loss_and_backward(X, Y)
        finally:
            self._restore_side_state(saved)
        return loss, {k: g.copy() for k, g in zip(self.param_keys, self._grads)}

    def _save_side_state(self) -> list[tuple[Layer, dict[str, np.ndarray], Any]]:
        """What a training-mode pass changes besides gradients: layer state and noise streams."""
        saved = []
        for layer in self.layers.values():
            rng = layer.get_noise()
            saved.append((layer, {k: v.copy() for k, v in layer.state.items()},
                          None if rng is None else copy.deepcopy(rng.bit_generator.state)))
        return saved

    def _restore_side_state(self, saved: list[tuple[Layer, dict[str, np.ndarray], Any]]) -> None:
        for layer, state, rng_state in saved:
            for k, v in state.items():
                np.copyto(layer.state[k], v)
            if rng_state is not None:
                layer.get_noise().bit_generator.state = rng_state

    def train_step(
        self,
        X: np.ndarray,
        Y: np.ndarray,
        optimizer: Optimizer,
        l1: float = 0.0,
        l2: float = 0.0,
        clip_norm: float | None = None,
    ) -> float:
        """One gradient-descent step on a prepared batch; returns the data loss before the step."""
        self.bind_optimizer(optimizer)
        loss = self.loss_and_backward(X, Y)
        self.apply_gradients(optimizer, l1, l2, clip_norm)
        return loss

    def bind_optimizer(self, optimizer: Optimizer) -> None:
        """Attach the optimizer to this network's parameter arrays (once; a no-op afterwards)."""
        if self._bound_optimizer is not optimizer:
            self._require_trainable()
            optimizer.bind(self._params, self._kernel_mask)
            self._bound_optimizer = optimizer

    def apply_gradients(
        self, optimizer: Optimizer, l1: float = 0.0, l2: float = 0.0, clip_norm: float | None = None
    ) -> float | None:
        """Regularize, clip and apply the gradients left by the last backward pass.

        Returns the gradient norm before clipping when clipping is on.
        """
        if l1 or l2:
            add_l1_l2_grad(self._kernels, self._kernel_grads, l1, l2)
        norm = clip_grad_norm(self._grads, clip_norm) if clip_norm else None
        optimizer.step(self._params, self._grads)
        return norm

    def penalty(self, l1: float, l2: float) -> float:
        return l1_l2_penalty(self._kernels, l1, l2) if (l1 or l2) else 0.0

    # ---- access ------------------------------------------------------------------------
    def release(self) -> None:
        """Forget the activations kept from the last training step."""
        for layer in self.layers.values():
            layer.release()

    @property
    def parameters(self) -> list[np.ndarray]:
        return self._params

    @property
    def gradient_buffers(self) -> list[np.ndarray]:
        return self._grads

    def layer(self, name: str) -> Layer:
        return self.layers[name]

    def iter_layers(self) -> Iterable[tuple[str, Layer]]:
        return self.layers.items()
