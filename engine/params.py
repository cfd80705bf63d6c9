"""Typed layer parameters: a schema per parameter, validation with teaching messages."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from .errors import ParamError

KINDS = ("int", "float", "bool", "choice", "shape", "str")


@dataclass(frozen=True)
class ParamSpec:
    """One parameter of a layer type.

    ``kind`` is one of int, float, bool, choice, shape (a list of positive ints) or str.
    ``minimum``/``maximum`` bound numbers (inclusive unless ``exclusive_min``).
    ``visible_if`` names another parameter and the values for which this one matters (GUI hint).
    """

    name: str
    kind: str
    default: Any
    help: str = ""
    minimum: float | None = None
    maximum: float | None = None
    exclusive_min: bool = False
    choices: tuple[Any, ...] = ()
    label: str = ""
    visible_if: tuple[str, tuple[Any, ...]] | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown parameter kind {self.kind!r}")

    @property
    def title(self) -> str:
        return self.label or self.name.replace("_", " ")

    def coerce(self, value: Any, owner: str = "") -> Any:
        """Return ``value`` converted to this parameter's type, or raise ParamError."""
        where = f"{owner}.{self.name}" if owner else self.name
        if self.kind == "bool":
            if isinstance(value, bool):
                return value
            raise ParamError(f"{where}: expected true or false, received {value!r}")
        if self.kind == "int":
            if isinstance(value, bool) or not _is_integral(value):
                raise ParamError(f"{where}: expected an integer, received {value!r}")
            value = int(value)
            self._check_range(value, where)
            return value
        if self.kind == "float":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                try:
                    import numpy as np

                    if isinstance(value, np.generic) and np.issubdtype(value.dtype, np.number):
                        value = float(value)
                    else:
                        raise TypeError
                except TypeError:
                    raise ParamError(f"{where}: expected a number, received {value!r}") from None
            value = float(value)
            if not math.isfinite(value):
                raise ParamError(f"{where}: expected a finite number, received {value}")
            self._check_range(value, where)
            return value
        if self.kind == "choice":
            if value in self.choices:
                return value
            options = ", ".join(str(c) for c in self.choices)
            raise ParamError(f"{where}: expected one of {options}; received {value!r}")
        if self.kind == "shape":
            if isinstance(value, (int,)) and not isinstance(value, bool):
                value = [value]
            if not isinstance(value, (list, tuple)) or not value:
                raise ParamError(f"{where}: expected a list of positive integers such as [2], received {value!r}")
            out = []
            for v in value:
                if isinstance(v, bool) or not _is_integral(v) or int(v) < 1:
                    raise ParamError(f"{where}: expected positive integers, received {list(value)!r}")
                out.append(int(v))
            if len(out) > 4:
                raise ParamError(f"{where}: at most 4 dimensions are supported, received {len(out)}")
            return out
        if not isinstance(value, str):
            raise ParamError(f"{where}: expected text, received {value!r}")
        return value

    def _check_range(self, value: float, where: str) -> None:
        lo, hi = self.minimum, self.maximum
        if lo is not None and (value < lo or (self.exclusive_min and value == lo)):
            op = ">" if self.exclusive_min else "≥"
            raise ParamError(f"{where}: expected a value {op} {_fmt(lo)}, received {_fmt(value)}")
        if hi is not None and value > hi:
            raise ParamError(f"{where}: expected a value ≤ {_fmt(hi)}, received {_fmt(value)}")

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"name": self.name, "kind": self.kind, "default": self.default, "help": self.help}
        if self.minimum is not None:
            d["minimum"] = self.minimum
        if self.maximum is not None:
            d["maximum"] = self.maximum
        if self.choices:
            d["choices"] = list(self.choices)
        return d


def _is_integral(value: Any) -> bool:
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return value.is_integer()
    try:
        import numpy as np

        return isinstance(value, np.integer)
    except ImportError:  # pragma: no cover
        return False


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


@dataclass
class ParamSchema:
    """The ordered parameters of one layer type."""

    specs: tuple[ParamSpec, ...] = field(default_factory=tuple)

    def __iter__(self):
        return iter(self.specs)

    def names(self) -> list[str]:
        return [s.name for s in self.specs]

    def get(self, name: str) -> ParamSpec | None:
        for s in self.specs:
            if s.name == name:
                return s
        return None

    def defaults(self) -> dict[str, Any]:
        return {s.name: _copy(s.default) for s in self.specs}

    def resolve(self, owner: str, current: dict[str, Any] | None, changes: dict[str, Any]) -> dict[str, Any]:
        """Merge ``changes`` into ``current`` (or the defaults), validating every changed value."""
        values = dict(current) if current is not None else self.defaults()
        for key, value in changes.items():
            spec = self.get(key)
            if spec is None:
                known = ", ".join(self.names()) or "none"
                raise ParamError(f"{owner} has no parameter {key!r}; its parameters are: {known}")
            values[key] = spec.coerce(value, owner)
        return values


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value
