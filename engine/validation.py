"""Graph analysis: topological order, output shape of every node, and issues that teach the rule.

Errors with scope "graph" stop the network from running at all; errors with scope "train" still
allow prediction but not training. Warnings never block anything.

The *active* network is what the prediction (and the loss) depend on: the Loss, its producer (the
output node) and the producer's ancestors. A problem that concerns only a node outside it (a layer
just dropped on the canvas, a dead branch) is reported as a warning, so work in progress elsewhere
on the canvas does not stop a working network. A node whose shape cannot be inferred has shape
None, and its descendants silently get None too: one mistake gives one message.

``analyze`` is O(V + E) plus a few traversals; the editor calls it after every edit.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .errors import ShapeError
from .graph import Graph, Node
from .layers.base import fmt_shape

Shape = tuple[int, ...]

STEP_FIX = ("Use sigmoid or tanh here; step only works as the output of a single-layer perceptron, "
            "which is trained with the perceptron rule")


@dataclass(frozen=True)
class Issue:
    node: str | None  # node id, or None for the whole network
    severity: str  # "error" | "warning"
    message: str
    scope: str = "graph"  # "graph" | "train"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


@dataclass
class Analysis:
    order: list[str]
    shapes: dict[str, Shape | None]
    issues: list[Issue] = field(default_factory=list)
    input_node: str | None = None
    loss_node: str | None = None
    output_node: str | None = None
    fusion: str | None = None  # "sigmoid_bce" | "softmax_ce" | "step" | None
    active: frozenset[str] = frozenset()  # ids of the nodes the prediction and the loss depend on

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if not i.is_error]

    @property
    def runnable(self) -> bool:
        """The network can compute predictions."""
        return not any(i.is_error and i.scope == "graph" for i in self.issues) and self.output_node is not None

    @property
    def trainable(self) -> bool:
        return self.runnable and not self.errors and self.loss_node is not None

    def for_node(self, node_id: str) -> list[Issue]:
        return [i for i in self.issues if i.node == node_id]

    def messages(self, severity: str = "error") -> list[str]:
        return [i.message for i in self.issues if i.severity == severity]


def output_activation(node: Node) -> str:
    """The function applied at the end of a node: the activation of Dense/Conv2D/Activation, else linear."""
    if node.type in ("Dense", "Conv2D"):
        return node.params["activation"]
    if node.type == "Activation":
        return node.params["function"]
    if node.type == "Softmax":
        return "softmax"
    return "linear"


class _Checker:
    """One analysis run: the graph, the result being built and per-node facts computed once."""

    def __init__(self, graph: Graph, order: list[Node]):
        self.graph = graph
        self.order = order
        self.result = Analysis(order=[n.id for n in order], shapes={})
        self.nodes = graph.nodes  # insertion order: "the first Input" is the one added first
        self.sources = {n.id: graph.sources(n) for n in order}
        self.weighted = {n.id: n.spec.has_weights for n in order}
        # weighted_above[id]: some ancestor has trainable weights (one pass in topological order).
        above: dict[str, bool] = {}
        for n in order:
            above[n.id] = any(s is not None and (self.weighted[s] or above[s]) for s in self.sources[n.id])
        self.weighted_above = above

    def add(self, node: Node | None, message: str, severity: str = "error", scope: str = "graph") -> None:
        self.result.issues.append(Issue(node.id if node else None, severity, message, scope))

    def add_local(self, node: Node, message: str, scope: str = "graph") -> None:
        """An error about one node's own computation: a warning if the node is not in use."""
        r = self.result
        outside = r.output_node is not None and node.id not in r.active
        self.add(node, message, "warning" if outside else "error", scope)


def analyze(graph: Graph) -> Analysis:
    """Check the graph and infer every node's output shape (batch axis excluded)."""
    order = graph.topological_order()
    c = _Checker(graph, order)
    result = c.result
    if not order:
        c.add(None, "The network is empty: add an Input node to start", "warning")
        return result

    inputs = [n for n in c.nodes if n.type == "Input"]
    losses = [n for n in c.nodes if n.type == "Loss"]
    if not inputs:
        c.add(None, "The network needs an Input node where the data enters")
    else:
        result.input_node = inputs[0].id
        for extra in inputs[1:]:
            c.add(extra, f"Only one Input node is supported: remove {extra.name} or feed it from {inputs[0].name}")

    wired_losses = [n for n in losses if c.sources[n.id][0] is not None]
    loss = wired_losses[0] if wired_losses else (losses[0] if losses else None)
    for extra in losses:
        if extra is not loss:
            c.add(extra, f"Only one Loss node is supported: remove {extra.name}", scope="train")
    producer = c.sources[loss.id][0] if loss is not None else None
    if loss is not None:
        result.loss_node = loss.id
    result.output_node = producer if producer is not None else _pick_sink(c, inputs)
    if result.output_node is not None:
        active = graph.ancestors(result.output_node) | {result.output_node}
        if loss is not None:
            active.add(loss.id)
        result.active = frozenset(active)

    _infer_shapes(c)

    if producer is not None:
        _check_loss_pairing(c, loss, graph.node(producer))  # type: ignore[arg-type]
        reach = result.active
        for n in c.nodes:
            if n.type not in ("Loss", "Input") and n.id not in reach:
                c.add(n, f"{n.name} does not lead to the Loss, so it is not trained", "warning", "train")
        if not any(c.weighted[nid] for nid in reach):
            c.add(loss, "Nothing to train yet: add a Dense layer between the Input and the Loss", "warning", "train")
    elif loss is None and len(graph) > 1:
        c.add(None, "Add a Loss node after the output layer to train the network", "warning", "train")
    if producer is None and result.output_node is not None:
        out = graph.node(result.output_node)
        for n in _sinks(c):
            if n is not out:
                c.add(n, f"{n.name} leads nowhere; the prediction is taken from {out.name}", "warning")

    _check_steps(c)
    return result


def _sinks(c: _Checker) -> list[Node]:
    """Layers whose output goes nowhere (candidates for the prediction when no Loss is wired)."""
    return [n for n in c.nodes if n.type not in ("Input", "Loss") and not c.graph.out_edges(n)]


def _pick_sink(c: _Checker, inputs: list[Node]) -> str | None:
    """The output when no Loss is wired: the last-added sink fed by the Input, else any sink."""
    sinks = _sinks(c)
    if inputs:
        fed = c.graph.descendants(inputs[0])
        reachable = [n for n in sinks if n.id in fed]
        if reachable:
            return reachable[-1].id
    if sinks:
        return sinks[-1].id
    return inputs[0].id if inputs else None


def _infer_shapes(c: _Checker) -> None:
    shapes = c.result.shapes
    for node in c.order:
        nid = node.id
        srcs = c.sources[nid]
        scope = "train" if node.type == "Loss" else "graph"
        if None in srcs:
            ports = node.input_ports
            if len(ports) == 1:
                hint = " from the output layer" if node.type == "Loss" else ""
                c.add_local(node, f"{node.name} has no input: draw a wire into it{hint}", scope)
            else:
                free = ", ".join(p for p, s in zip(ports, srcs) if s is None)
                c.add_local(node, f"{node.name} needs all {len(ports)} inputs connected: {free} free", scope)
            shapes[nid] = None
            continue
        in_shapes = [shapes[s] for s in srcs]  # type: ignore[index]
        if any(s is None for s in in_shapes):
            shapes[nid] = None  # an upstream problem, reported there
            continue
        try:
            shapes[nid] = tuple(node.spec.shape_rule(node.params, in_shapes))  # type: ignore[arg-type]
        except ShapeError as exc:
            c.add_local(node, str(exc), scope)
            shapes[nid] = None


def _check_loss_pairing(c: _Checker, loss: Node, producer: Node) -> None:
    fn = loss.params["function"]
    act = output_activation(producer)
    shape = c.result.shapes.get(producer.id)
    if act == "softmax" and fn != "cross_entropy":
        c.add(loss, f"Softmax must feed a cross-entropy loss: set {loss.name}'s function to cross_entropy "
                    f"(it is {fn})", scope="train")
    elif fn == "cross_entropy" and act != "softmax":
        c.add(loss, f"cross_entropy expects class probabilities: add a Softmax between {producer.name} and "
                    f"{loss.name}", scope="train")
    elif fn == "bce" and act not in ("sigmoid", "step"):
        c.add(loss, f"bce expects probabilities in (0, 1): end {producer.name} with a sigmoid", scope="train")
    if fn == "cross_entropy" and shape is not None and len(shape) == 1 and shape[0] < 2:
        c.add(loss, "cross_entropy needs at least 2 classes; for two classes you can use 1 sigmoid unit with bce",
              scope="train")
    if act == "sigmoid" and fn == "bce":
        c.result.fusion = "sigmoid_bce"
    elif act == "softmax" and fn == "cross_entropy":
        c.result.fusion = "softmax_ce"
    elif act == "step":
        c.result.fusion = "step"


def _check_steps(c: _Checker) -> None:
    """step's derivative is zero: it may only be the output of a single-layer perceptron."""
    graph = c.graph
    for node in c.order:
        if output_activation(node) != "step":
            continue
        if node.id == c.result.output_node:
            _check_perceptron(c, node)
        elif c.weighted_above[node.id]:
            before = _names(graph, _nearest_weighted(c, node))
            c.add_local(node, f"step has zero derivative wherever it is defined, so backpropagation cannot pass "
                              f"through {node.name} back to {before}. {STEP_FIX}", "train")
        elif c.weighted[node.id]:
            c.add_local(node, f"step has zero derivative wherever it is defined, so backpropagation cannot pass "
                              f"through {node.name} and its weights get no gradient. {STEP_FIX}", "train")


def _check_perceptron(c: _Checker, out: Node) -> None:
    """The output step: the perceptron rule needs z linear in one layer of weights."""
    graph = c.graph
    ancestors = graph.ancestors(out)
    trained = [a for a in ancestors if c.weighted[a]]
    # Weighted layers that feed other weighted layers are what makes the network multi-layer.
    deep = trained if c.weighted[out.id] else [a for a in trained if c.weighted_above[a]]
    if deep:
        if c.weighted[out.id]:
            hidden = trained
        else:
            hidden = sorted({b for d in deep for b in graph.ancestors(d) if c.weighted[b]})
        c.add_local(out, f"The perceptron rule trains a single layer only; {_names(graph, hidden)} would get "
                         f"no gradient through the step of {out.name} (step has zero derivative). Use a sigmoid "
                         f"output with bce to train several layers", "train")
        return
    if c.weighted[out.id]:
        return
    # Activation(step) after the weighted layer(s): nothing between z and the step may bend z.
    for n in c.order:
        if n.id in ancestors and (c.weighted[n.id] or c.weighted_above[n.id]) and output_activation(n) != "linear":
            c.add_local(out, f"The perceptron thresholds a linear z, but {n.name} applies "
                             f"{output_activation(n)} before {out.name}: set it to linear", "train")
            return


def _nearest_weighted(c: _Checker, node: Node) -> set[str]:
    """The trainable layers closest above ``node`` (the search stops at each one it finds)."""
    found: set[str] = set()
    seen: set[str] = set()
    stack = [s for s in c.sources[node.id] if s is not None]
    while stack:
        nid = stack.pop()
        if nid in seen:
            continue
        seen.add(nid)
        if c.weighted[nid]:
            found.add(nid)
        elif c.weighted_above[nid]:
            stack.extend(s for s in c.sources[nid] if s is not None)
    return found


def _names(graph: Graph, ids: list[str] | set[str]) -> str:
    """Node names in graph order, e.g. "dense_1 and dense_2"."""
    wanted = set(ids)
    names = [n.name for n in graph.nodes if n.id in wanted]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def describe_shape(shape: Shape | None) -> str:
    return fmt_shape(shape)
