"""The layer catalogue: type name -> LayerSpec (ports, parameter schema, shape rule, factory).

Each module in ``engine.layers`` registers its own specs; ``get`` loads them on first use.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from .errors import ParamError, UnknownLayerError
from .params import ParamSchema, ParamSpec, closest

if TYPE_CHECKING:  # pragma: no cover
    from .layers.base import Layer

Shape = tuple[int, ...]
ShapeRule = Callable[[dict[str, Any], list[Shape]], Shape]
Factory = Callable[[str, dict[str, Any], list[Shape], Shape], "Layer"]

CATEGORIES = ("Input / Output", "Core", "Convolution", "Activation", "Merge", "Regularization", "Normalization", "Reshape")


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

    def make_params(
        self, changes: dict[str, Any], current: dict[str, Any] | None = None, owner: str | None = None
    ) -> dict[str, Any]:
        """Validated parameters: ``changes`` over ``current`` (or the defaults), then the layer's
        cross-parameter check. Messages name ``owner`` (default: the layer type)."""
        values = self.params.resolve(owner or self.type, current, changes)
        if self.check is not None:
            self.check(values)
        return values


_SPECS: dict[str, LayerSpec] = {}
_loaded = False


# Names people use for a layer in other tools: only for the "Did you mean" of an unknown type.
ALIASES = {
    "linear": "Dense", "fc": "Dense", "fullyconnected": "Dense", "perceptron": "Dense",
    "concatenate": "Concat", "sum": "Add", "residual": "Add", "skip": "Add",
    "batchnormalization": "BatchNorm", "batchnorm1d": "BatchNorm", "bn": "BatchNorm",
    "reshape": "Reshape", "flat": "Flatten", "data": "Input", "target": "Loss", "criterion": "Loss",
    "relu": "Activation", "sigmoid": "Activation", "tanh": "Activation", "step": "Activation",
    "leakyrelu": "Activation", "gelu": "Activation", "elu": "Activation", "silu": "Activation",
    "softplus": "Activation", "logistic": "Activation", "mse": "Loss", "crossentropy": "Loss",
    "bce": "Loss", "mae": "Loss", "huber": "Loss",
    "conv": "Conv2D", "conv2d": "Conv2D", "convolution": "Conv2D", "convolution2d": "Conv2D", "cnn": "Conv2D",
    "maxpool": "MaxPool2D", "maxpooling": "MaxPool2D", "maxpooling2d": "MaxPool2D", "pool": "MaxPool2D",
    "avgpool": "AvgPool2D", "averagepooling": "AvgPool2D", "averagepooling2d": "AvgPool2D",
    "avgpooling2d": "AvgPool2D", "gap": "GlobalAveragePooling2D", "globalavgpool": "GlobalAveragePooling2D",
    "globalaveragepooling": "GlobalAveragePooling2D", "globalaveragepool": "GlobalAveragePooling2D",
    "adaptiveavgpool2d": "GlobalAveragePooling2D", "view": "Reshape", "unflatten": "Reshape",
}
_PREFIX = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def register(spec: LayerSpec) -> LayerSpec:
    """Add a layer type to the catalogue after checking that the spec is consistent."""
    if spec.category not in CATEGORIES:
        raise ValueError(f"unknown category {spec.category!r}")
    if not spec.name_prefix:
        spec = dataclasses.replace(spec, name_prefix=spec.type.lower())
    if not _PREFIX.match(spec.name_prefix):
        raise ValueError(f"{spec.type}: name_prefix {spec.name_prefix!r} must be lower-case letters, digits and '_'")
    if spec.variadic is not None:
        counter = spec.params.get(spec.variadic)
        if counter is None or counter.kind != "int":
            raise ValueError(f"{spec.type}: variadic parameter {spec.variadic!r} must be an int parameter")
    names = spec.params.names()
    if len(set(names)) != len(names):
        raise ValueError(f"{spec.type}: repeated parameter names {names}")
    for p in spec.params:
        if p.visible_if is not None and p.visible_if[0] not in names:
            raise ValueError(f"{spec.type}.{p.name}: visible_if names unknown parameter {p.visible_if[0]!r}")
    spec.make_params(spec.params.defaults())  # every default must be a valid value (else ParamError)
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
    if isinstance(type_name, str):
        for name, s in _SPECS.items():
            if name.lower() == type_name.lower():
                return s
    known = ", ".join(sorted(_SPECS))
    raise UnknownLayerError(f"Unknown layer type {type_name!r}.{_did_you_mean(type_name)} Known types: {known}")


def _did_you_mean(type_name: object) -> str:
    if not isinstance(type_name, str):
        return ""
    key = re.sub(r"[\s_-]", "", type_name).lower()
    alias = ALIASES.get(key)
    if alias is not None and alias in _SPECS:
        # "ReLU" is Activation(function=relu), "bce" is Loss(function=bce).
        function = _SPECS[alias].params.get("function")
        for choice in function.choices if function is not None else ():
            if str(choice).replace("_", "") == ("sigmoid" if key == "logistic" else key):
                return f" Did you mean {alias} (function={choice})?"
        return f" Did you mean {alias}?"
    hit = closest(type_name, list(_SPECS))
    return f" Did you mean {hit}?" if hit else ""


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


def require(condition: bool, message: str, param: str | None = None) -> None:
    """Raise ParamError(message) unless ``condition`` holds (cross-parameter rules)."""
    if not condition:
        raise ParamError(message, param=param)
