"""NeuroCanvas engine: graph model, layer catalogue, NumPy backpropagation, training.

Pure Python + NumPy; never imports Qt. See docs/api.md.
"""
from __future__ import annotations

from . import registry
from .errors import (
    CompileError,
    CycleError,
    DivergenceError,
    DuplicateNameError,
    GraphError,
    InvalidNameError,
    NeuroCanvasError,
    NodeNotFoundError,
    ParamError,
    PortError,
    PortInUseError,
    ShapeError,
    TrainingError,
    UnknownLayerError,
)
from .document import Document
from .fileformat import FileFormatError, dumps, load, loads, save
from .graph import Edge, Graph, Node
from .network import Network
from .optim import make_optimizer, make_schedule
from .trainer import Callback, StepInfo, TrainConfig, Trainer, TrainResult
from .validation import Analysis, Issue, analyze

__all__ = [
    "Analysis", "CompileError", "CycleError", "DivergenceError", "DuplicateNameError", "Edge", "Graph",
    "GraphError", "Issue", "NeuroCanvasError", "Network", "Node", "NodeNotFoundError", "ParamError",
    "PortError", "PortInUseError", "ShapeError", "TrainingError", "UnknownLayerError", "analyze",
    "make_optimizer", "make_schedule", "registry", "Callback", "StepInfo", "TrainConfig", "Trainer",
    "TrainResult", "Document", "FileFormatError", "InvalidNameError", "dumps", "load", "loads", "save",
]
