"""A NeuroCanvas document: everything one ``.nnd`` file holds (see docs/file-format.md)."""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .graph import Graph
from .train_config import TrainConfig

if TYPE_CHECKING:
    from .network import Network

DEFAULT_DATASET: dict[str, Any] = {
    "kind": "generator",
    "name": "circle",
    "noise": 0.0,
    "train_ratio": 0.5,
    "seed": 0,
    "features": ["x1", "x2"],
}


@dataclass(eq=False)
class Document:
    """The graph plus training settings, dataset choice, trained weights, history and view.

    ``dataset`` is a plain dict: ``{"kind": "generator", "name": "spiral", "noise": 0.1,
    "train_ratio": 0.5, "seed": 0, "features": [...], "n": 500}`` or ``{"kind": "csv", "path":
    "data.csv", "target": "label", ...}`` (a path relative to the network file); see
    docs/datasets.md. ``preprocessing`` is the fitted ``engine.data.Preprocessor`` as a dict, saved
    with the weights so a trained file predicts from raw features. ``weights`` are keyed
    ``"<node name>/<param>"`` (``Network.get_weights()``); ``history`` holds per-epoch lists
    (NaN where a value was not computed). ``view`` is the editor's free-form state (zoom, scroll…).

    ``path``, ``problems`` (what a tolerant load had to fix or skip) and ``migrated_from`` (the
    format version the file was migrated from, or None) describe the load, not the document:
    ``==`` compares the content only.
    """

    graph: Graph = field(default_factory=Graph)
    training: TrainConfig = field(default_factory=TrainConfig)
    dataset: dict[str, Any] = field(default_factory=lambda: copy.deepcopy(DEFAULT_DATASET))
    preprocessing: dict[str, Any] | None = None
    weights: dict[str, np.ndarray] | None = None
    history: dict[str, list[float]] | None = None
    view: dict[str, Any] = field(default_factory=dict)
    dtype: str = "float32"
    path: str | None = None
    problems: list[str] = field(default_factory=list)
    migrated_from: int | None = None

    @property
    def seed(self) -> int:
        """The seed of the initial weights and of training: ``training.seed``."""
        return self.training.seed

    @seed.setter
    def seed(self, value: int) -> None:
        self.training.seed = value

    @property
    def trained(self) -> bool:
        return bool(self.weights)

    def network(self) -> Network:
        """Compile the graph (initial weights from ``training.seed``) and load the saved weights."""
        from .network import Network

        net = Network(self.graph, seed=self.training.seed, dtype=self.dtype)
        if self.weights:
            net.set_weights(self.weights)
        return net

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Document):
            return NotImplemented
        return (
            self.graph.to_dict() == other.graph.to_dict()
            and self.training.to_dict() == other.training.to_dict()
            and self.dataset == other.dataset
            and self.preprocessing == other.preprocessing
            and _same_weights(self.weights, other.weights)
            and _same_history(self.history, other.history)
            and self.view == other.view
            and self.dtype == other.dtype
        )

    __hash__ = None  # type: ignore[assignment]


def _same_weights(a: dict[str, np.ndarray] | None, b: dict[str, np.ndarray] | None) -> bool:
    """Equal keys, dtypes, shapes and bits (so -0.0 differs from 0.0, as it does in the file)."""
    a, b = a or {}, b or {}
    if set(a) != set(b):
        return False
    for key in a:
        x, y = np.asarray(a[key]), np.asarray(b[key])
        if x.dtype != y.dtype or x.shape != y.shape or x.tobytes() != y.tobytes():
            return False
    return True


def _same_history(a: dict[str, list[float]] | None, b: dict[str, list[float]] | None) -> bool:
    """Equal lists, where NaN equals NaN (a value not computed in both)."""
    a, b = a or {}, b or {}
    if set(a) != set(b):
        return False
    for key in a:
        x, y = list(a[key]), list(b[key])
        if len(x) != len(y) or any(not (u == v or (_nan(u) and _nan(v))) for u, v in zip(x, y)):
            return False
    return True


def _nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)
