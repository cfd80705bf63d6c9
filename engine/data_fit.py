"""Does the data fit the network? The Input's shape against the samples' shape, the output layer and
the Loss against the task (classes or numeric targets) — checked without building a session.

``DataFacts`` is what matters of a dataset: the network input shape it gives (after the input
features), the input names, whether it is a classification, its class count and its target width.
``NetworkEnds`` is what matters of a network: its Input and output names and shapes, the task its
Loss implies and the node to change when the output width is wrong. Both come from cheap sources
(a Preprocessor and the training targets; a graph's Analysis, or a compiled Network), so the GUI can
check after every edit what ``engine.session.check_fit`` checks before training, in the same words.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .graph import Graph
from .layers.base import fmt_shape
from .validation import Analysis, Issue

Shape = tuple[int, ...]
DATA_SCOPE = "data"  # the scope of an analysis issue about the data (see with_data_fit)


def task_of(loss_function: str | None, fusion: str | None = None) -> str:
    """The task a Loss trains: "multiclass" (cross_entropy), "binary" (bce, or a step perceptron),
    else "regression" (also with no Loss)."""
    if loss_function is None:
        return "regression"
    if loss_function == "cross_entropy":
        return "multiclass"
    if loss_function == "bce" or fusion == "step":
        return "binary"
    return "regression"


@dataclass(frozen=True)
class DataFacts:
    input_shape: Shape              # one sample as the network sees it, e.g. (2,), (5,) with features, (1, 8, 8)
    input_names: tuple[str, ...]
    classification: bool
    n_classes: int                  # 0 for a regression
    target_width: int               # values per sample of a regression's targets (1 for a classification)

    @classmethod
    def of(cls, pre: Any, y_train: Any) -> "DataFacts":
        """From a fitted Preprocessor and the training targets."""
        classification = bool(pre.is_classification)
        width = 1 if classification or np.ndim(y_train) <= 1 else int(np.shape(y_train)[1])
        return cls(tuple(int(d) for d in pre.network_input_shape), tuple(pre.network_input_names), classification,
                   len(pre.class_names) if classification else 0, width)

    @classmethod
    def of_prepared(cls, prepared: Any) -> "DataFacts":
        """From an ``engine.data.Prepared`` (the split data and its preprocessing)."""
        return cls.of(prepared.preprocessor, prepared.train.y)


@dataclass(frozen=True)
class NetworkEnds:
    input_name: str
    input_shape: Shape
    output_name: str
    output_shape: Shape
    task: str                       # task_of(loss function)
    loss_name: str | None           # the Loss function, e.g. "mse" (None: no Loss)
    input_node: str | None = None   # node ids, for pointing at the node to change (None from a Network)
    output_node: str | None = None
    loss_node: str | None = None
    units_name: str | None = None   # the layer whose units set the output width, when it is not the output
    units_node: str | None = None

    @classmethod
    def of_network(cls, net: Any) -> "NetworkEnds":
        """From a compiled ``engine.Network``."""
        loss = net.loss_fn.name if net.loss_fn is not None else None
        return cls(net.input_name, tuple(net.input_shape), net.output_name, tuple(net.output_shape), net.task, loss)

    @classmethod
    def of_graph(cls, graph: Graph, analysis: Analysis) -> "NetworkEnds | None":
        """From a graph and its analysis; None when the Input's or the output's shape is unknown."""
        a = analysis
        if a.input_node is None or a.output_node is None:
            return None
        in_shape, out_shape = a.shapes.get(a.input_node), a.shapes.get(a.output_node)
        if in_shape is None or out_shape is None:
            return None
        loss = graph.node(a.loss_node).params.get("function") if a.loss_node is not None else None
        units = _units_node(graph, a, a.output_node)
        return cls(graph.node(a.input_node).name, tuple(in_shape), graph.node(a.output_node).name, tuple(out_shape),
                   task_of(loss, a.fusion), loss, a.input_node, a.output_node, a.loss_node,
                   graph.node(units).name if units is not None and units != a.output_node else None, units)


def _units_node(graph: Graph, a: Analysis, node_id: str) -> str | None:
    """The Dense whose units give ``node_id``'s width: itself, or the layer above a Softmax, an
    Activation or a Dropout that keeps the shape (None when there is no such single layer)."""
    seen = 0
    while node_id is not None and seen < 64:
        node = graph.node(node_id)
        if "units" in node.params:
            return node_id
        sources = graph.sources(node)
        if len(sources) != 1 or sources[0] is None or a.shapes.get(sources[0]) != a.shapes.get(node_id):
            return None
        node_id, seen = sources[0], seen + 1
    return None


@dataclass(frozen=True)
class FitProblem:
    where: str                      # "input" | "output" | "loss": which end of the network to change
    problem: str                    # what does not fit, e.g. "The data has 3 classes but dense_2 outputs (10,)"
    fix: str                        # what to do, e.g. "set its units to 3" ("" when the message says it all)
    message: str                    # the whole sentence, as training refuses with it

    def node(self, ends: NetworkEnds) -> str | None:
        """The id of the node to change (from a graph's ends)."""
        if self.where == "input":
            return ends.input_node
        if self.where == "loss":
            return ends.loss_node or ends.output_node
        return ends.units_node or ends.output_node


def _problem(where: str, problem: str, fix: str, sep: str = ": ") -> FitProblem:
    return FitProblem(where, problem, fix, problem + (sep + fix if fix else ""))


def fit_problem(ends: NetworkEnds, data: DataFacts) -> FitProblem | None:
    """The first way ``data`` does not fit the network's ends, or None."""
    want = tuple(data.input_shape)
    if tuple(ends.input_shape) != want:
        names = list(data.input_names)
        listed = ", ".join(names[:8]) + (", …" if len(names) > 8 else "")
        return _problem("input", f"The data gives samples of shape {fmt_shape(want)} ({listed}) but {ends.input_name} "
                                 f"expects {fmt_shape(ends.input_shape)}",
                        f"set {ends.input_name}'s shape to {list(want)}")
    out, task = tuple(ends.output_shape), ends.task
    units = f"set {ends.units_name}'s units to" if ends.units_name else "set its units to"
    if data.classification:
        k = data.n_classes
        if task == "multiclass" and out != (k,):
            return _problem("output", f"The data has {k} classes but {ends.output_name} outputs {fmt_shape(out)}",
                            f"{units} {k}")
        if task == "binary" and out != (1,):
            return _problem("output", f"Two classes need one sigmoid output, but {ends.output_name} outputs "
                                      f"{fmt_shape(out)}", f"{units} 1")
        if task == "regression":
            return _problem("loss", f"The data is a classification ({k} classes) but the Loss is "
                                    f"{ends.loss_name or 'missing'}",
                            "use bce with 1 sigmoid output for 2 classes, cross_entropy with a Softmax for more")
        if task == "binary" and k != 2:
            return _problem("loss", f"The data has {k} classes; bce handles two",
                            f"Use {k} units, a Softmax and cross_entropy", sep=". ")
        return None
    width = data.target_width
    if task != "regression":
        return _problem("loss", "The data is a regression (numeric targets) but the Loss is a classification loss",
                        "use mse, mae or huber")
    if out != (width,):
        return _problem("output", f"The data has {width} target value(s) per sample but {ends.output_name} outputs "
                                  f"{fmt_shape(out)}", "")
    return None


@dataclass(frozen=True)
class DataFitIssue(Issue):
    """An analysis issue about the data (scope "data"), with its problem and fix apart."""
    problem: str = ""
    fix: str = ""


def data_fit_issue(graph: Graph, analysis: Analysis, data: DataFacts | None) -> DataFitIssue | None:
    """The analysis issue for data that does not fit a trainable graph (None: it fits, the data is
    unknown, or the graph has its own errors first — one mistake, one message)."""
    if data is None or not analysis.trainable:
        return None
    ends = NetworkEnds.of_graph(graph, analysis)
    if ends is None:
        return None
    problem = fit_problem(ends, data)
    if problem is None:
        return None
    return DataFitIssue(problem.node(ends), "error", problem.message, DATA_SCOPE, problem.problem, problem.fix)


def with_data_fit(graph: Graph, analysis: Analysis, data: DataFacts | None) -> Analysis:
    """``analysis`` with the data-fit issue added (an error of scope "data": the network can run
    but cannot train on this data), or ``analysis`` itself when there is none."""
    issue = data_fit_issue(graph, analysis, data)
    if issue is None:
        return analysis
    return replace(analysis, issues=[*analysis.issues, issue])


def data_fit_problem(analysis: Analysis) -> DataFitIssue | None:
    """The data-fit issue of an analysis made by ``with_data_fit`` (None when the data fits)."""
    return next((i for i in analysis.issues if isinstance(i, DataFitIssue)), None)
