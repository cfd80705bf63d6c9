"""Typed errors of the engine. Every message says what is wrong and, where it can, how to fix it."""
from __future__ import annotations


class NeuroCanvasError(Exception):
    """Base class of every error the engine raises on purpose."""


class GraphError(NeuroCanvasError):
    """A graph edit that cannot be made."""


class UnknownLayerError(GraphError):
    """The layer type is not in the catalogue."""


class NodeNotFoundError(GraphError):
    """No node has that id or name."""


class InvalidNameError(GraphError, ValueError):
    """A node name does not follow the naming rule (letters, digits, '_', '-', '.')."""


class DuplicateNameError(GraphError):
    """Another node already uses that name."""


class PortError(GraphError):
    """A port name does not exist on the node, or the direction is wrong."""


class PortInUseError(PortError):
    """The input port already has a wire; inputs take exactly one. ``existing`` is that wire."""

    def __init__(self, message: str, existing: object = None):
        super().__init__(message)
        self.existing = existing


class CycleError(GraphError):
    """The connection would close a loop; networks must be acyclic. ``path`` lists the node ids."""

    def __init__(self, message: str, path: tuple[str, ...] = ()):
        super().__init__(message)
        self.path = tuple(path)


class ParamError(GraphError, ValueError):
    """A layer parameter has a bad value.

    ``param`` names the parameter when one is to blame (None for a rule between parameters) and
    ``owner`` the layer type or node name, so an inspector can highlight the field.
    """

    def __init__(self, message: str, param: str | None = None, owner: str | None = None):
        super().__init__(message)
        self.param = param
        self.owner = owner


class ShapeError(NeuroCanvasError):
    """A layer cannot accept the shapes of its inputs."""


class CompileError(NeuroCanvasError):
    """The graph cannot be turned into an executable network."""


class TrainingError(NeuroCanvasError):
    """The network cannot be trained as it is, or training failed."""


class DivergenceError(TrainingError):
    """Training produced NaN or Inf values."""

    def __init__(self, message: str, node: str | None = None):
        super().__init__(message)
        self.node = node
