"""The layer catalogue: type name -> LayerSpec (ports, parameter schema, shape rule, factory).

Each module in ``engine.layers`` registers its own specs; ``get`` loads them on first use.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from .errors import ParamError, UnknownLayerError
from .params import ParamSchema, ParamSpec

if TYPE_CHECKING:  # pragma: no cover
    from .layers.base import Layer

Shape = tuple[int, ...]
ShapeRule = Callable[[dict[str, Any], list[Shape]], Shape]
Factory = Callable[[str, dict[str, Any], list[Shape], Shape], "Layer"]

CATEGORIES = ("Input / Output", "Core", "Activation", "Merge", "Regularization", "Normalization", "Reshape")


@dataclass(frozen=True)
class LayerSpec:
    """Everything the engine and the editor need to know about one layer type."""

    type: str
    category: str
    description: str
    params: ParamSchema
    shape_rule: ShapeRule
    factory: Factory | None
    inputs: tuple[str, ...] = ("in",)
    outputs: tuple[str, ...] = ("out",)
    variadic: str | None = None
    name_prefix: str = ""
    check: Callable[[dict[str, Any]], None] | None = None
    has_weights: bool = False
    tags: frozenset[str] = field(default_factory=frozenset)

    def input_ports(self, params: dict[str, Any]) -> list[str]:
        """Input port names; a variadic layer has ``in1`` … ``inN`` with N from its parameter."""
        if self.variadic is not None:
            count = int(params.get(self.variadic, 2))
            return [f"in{i}" for i in range(1, count + 1)]
        return list(self.inputs)

    def make_params(self, changes: dict[str, Any], current: dict[str, Any] | None = None) -> dict[str, Any]:
        values = self.params.resolve(self.type, current, changes)
        if self.check is not None:
            self.check(values)
        return values


_SPECS: dict[str, LayerSpec] = {}
_loaded = False


def register(spec: LayerSpec) -> LayerSpec:
    if spec.category not in CATEGORIES:
        raise ValueError(f"unknown category {spec.category!r}")
    _SPECS[spec.type] = spec
    return spec


def _ensure_loaded() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        from . import layers  # noqa: F401  (registers the catalogue)


def get(type_name: str) -> LayerSpec:
    _ensure_loaded()
    spec = _SPECS.get(type_name)
    if spec is not None:
        return spec
    for name, s in _SPECS.items():
        if isinstance(type_name, str) and name.lower() == type_name.lower():
            return s
    known = sorted(_SPECS)
    hint = difflib.get_close_matches(str(type_name), known, n=1)
    suggestion = f" Did you mean {hint[0]}?" if hint else ""
    raise UnknownLayerError(f"Unknown layer type {type_name!r}.{suggestion} Known types: {', '.join(known)}")


def types() -> list[str]:
    _ensure_loaded()
    return list(_SPECS)


def specs() -> list[LayerSpec]:
    _ensure_loaded()
    return list(_SPECS.values())


def by_category() -> dict[str, list[LayerSpec]]:
    _ensure_loaded()
    out: dict[str, list[LayerSpec]] = {c: [] for c in CATEGORIES}
    for s in _SPECS.values():
        out[s.category].append(s)
    return {c: v for c, v in out.items() if v}


def schema(*specs: ParamSpec) -> ParamSchema:
    return ParamSchema(tuple(specs))


def require(condition: bool, message: str) -> None:
    """Raise ParamError(message) unless ``condition`` holds (cross-parameter rules)."""
    if not condition:
        raise ParamError(message)
