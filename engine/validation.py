"""Graph analysis: topological order, output shape of every node, and issues that teach the rule.

Errors with scope "graph" stop the network from running at all; errors with scope "train" still
allow prediction but not training. Warnings never block anything.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .errors import ShapeError
from .graph import Graph, Node
from .layers.base import fmt_shape

Shape = tuple[int, ...]


@dataclass(frozen=True)
class Issue:
    node: str | None
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
    """The function applied at the end of a node: the activation of Dense/Activation, else linear."""
    if node.type == "Dense":
        return node.params["activation"]
    if node.type == "Activation":
        return node.params["function"]
    if node.type == "Softmax":
        return "softmax"
    return "linear"


def analyze(graph: Graph) -> Analysis:
    """Check the graph and infer every node's output shape (batch axis excluded)."""
    order = [n.id for n in graph.topological_order()]
    result = Analysis(order=order, shapes={})
    issues = result.issues

    def add(node: Node | None, message: str, severity: str = "error", scope: str = "graph") -> None:
        issues.append(Issue(node.id if node else None, severity, message, scope))

    if not len(graph):
        add(None, "The network is empty: add an Input node to start")
        return result

    inputs = [n for n in graph if n.type == "Input"]
    losses = [n for n in graph if n.type == "Loss"]
    if not inputs:
        add(None, "The network needs an Input node where the data enters")
    else:
        result.input_node = inputs[0].id
        for extra in inputs[1:]:
            add(extra, f"Only one Input node is supported: remove {extra.name} or feed it from {inputs[0].name}")

    _infer_shapes(graph, result, add)

    if len(losses) > 1:
        for extra in losses[1:]:
            add(extra, f"Only one Loss node is supported: remove {extra.name}", scope="train")
    loss = losses[0] if losses else None
    if loss is not None:
        result.loss_node = loss.id
        feeders = graph.predecessors(loss)
        if feeders:
            result.output_node = feeders[0].id
            _check_loss_pairing(graph, loss, feeders[0], result, add)
        reach = graph.ancestors(loss)
        for n in graph:
            if n.type not in ("Loss",) and n.id not in reach and n.type != "Input":
                add(n, f"{n.name} does not lead to the Loss, so it is not trained", "warning", "train")
        if not any(graph.node(nid).spec.has_weights for nid in reach):
            add(loss, "Nothing to train yet: add a Dense layer between the Input and the Loss", "warning", "train")
    else:
        sinks = [n for n in graph if n.type != "Input" and not graph.out_edges(n)]
        if len(graph) > 1:
            add(None, "Add a Loss node after the output layer to train the network", "warning", "train")
        if sinks:
            result.output_node = sinks[-1].id
            for extra in sinks[:-1]:
                add(extra, f"{extra.name} leads nowhere; the prediction is taken from {sinks[-1].name}", "warning")
        elif inputs:
            result.output_node = inputs[0].id

    _check_steps(graph, result, add)
    return result


def _infer_shapes(graph: Graph, result: Analysis, add) -> None:
    for nid in result.order:
        node = graph.node(nid)
        spec = node.spec
        ports = spec.input_ports(node.params)
        free = [p for p in ports if graph.inbound(node, p) is None]
        if free:
            if len(ports) == 1:
                add(node, f"{node.name} has no input: draw a wire into it")
            else:
                add(node, f"{node.name} needs all {len(ports)} inputs connected: {', '.join(free)} free")
            result.shapes[nid] = None
            continue
        in_shapes = [result.shapes.get(graph.inbound(node, p).src) for p in ports]  # type: ignore[union-attr]
        if any(s is None for s in in_shapes):
            result.shapes[nid] = None
            continue
        try:
            result.shapes[nid] = tuple(spec.shape_rule(node.params, in_shapes))  # type: ignore[arg-type]
        except ShapeError as exc:
            add(node, str(exc))
            result.shapes[nid] = None


def _check_loss_pairing(graph: Graph, loss: Node, producer: Node, result: Analysis, add) -> None:
    fn = loss.params["function"]
    act = output_activation(producer)
    shape = result.shapes.get(producer.id)
    if act == "softmax" and fn != "cross_entropy":
        add(loss, f"Softmax must feed a cross-entropy loss: set {loss.name}'s function to cross_entropy "
                  f"(it is {fn})", scope="train")
    elif fn == "cross_entropy" and act != "softmax":
        add(loss, f"cross_entropy expects class probabilities: add a Softmax between {producer.name} and "
                  f"{loss.name}", scope="train")
    elif fn == "bce" and act not in ("sigmoid", "step"):
        add(loss, f"bce expects probabilities in (0, 1): end {producer.name} with a sigmoid", scope="train")
    if fn == "cross_entropy" and shape is not None and len(shape) == 1 and shape[0] < 2:
        add(loss, "cross_entropy needs at least 2 classes; for two classes you can use 1 sigmoid unit with bce",
            scope="train")
    if act == "sigmoid" and fn == "bce":
        result.fusion = "sigmoid_bce"
    elif act == "softmax" and fn == "cross_entropy":
        result.fusion = "softmax_ce"
    elif act == "step":
        result.fusion = "step"


def _check_steps(graph: Graph, result: Analysis, add) -> None:
    producer = result.output_node if result.loss_node else None
    for node in graph:
        if output_activation(node) != "step":
            continue
        weighted_above = [graph.node(a) for a in graph.ancestors(node) if graph.node(a).spec.has_weights]
        if node.id != producer:
            if weighted_above or node.spec.has_weights:
                add(node, f"step has zero derivative wherever it is defined, so backpropagation cannot pass "
                          f"through {node.name}. Use sigmoid or tanh here; step can only be the output of a "
                          f"single-layer perceptron, trained with the perceptron rule", scope="train")
            continue
        # The output perceptron: exactly one weighted layer may compute its z.
        owner = node if node.spec.has_weights else None
        if owner is None:
            before = graph.predecessors(node)
            owner = before[0] if before and before[0].spec.has_weights else None
        extra = [n for n in weighted_above if owner is None or n.id != owner.id]
        if extra:
            names = ", ".join(n.name for n in extra)
            add(node, f"The perceptron rule trains a single layer only; {names} would get no gradient through "
                      f"the step. Use a sigmoid output with bce for a multi-layer network", scope="train")


def describe_shape(shape: Shape | None) -> str:
    return fmt_shape(shape)
