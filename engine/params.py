"""Typed layer parameters: a schema per parameter, validation with teaching messages."""
from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .errors import ParamError

KINDS = ("int", "float", "bool", "choice", "shape", "str")
MAX_DIMS = 4


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
        """Return ``value`` converted to this parameter's type, or raise ParamError.

        Messages read "<owner>.<param>: expected …, received …" (Keras style).
        """
        if self.kind == "bool":
            if isinstance(value, bool):
                return value
            if _is_numpy_bool(value):
                return bool(value)
            raise self._error(owner, "true or false", repr(value))
        if self.kind == "int":
            if isinstance(value, bool) or not _is_integral(value):
                raise self._error(owner, "an integer", repr(value))
            value = int(value)
            self._check_range(value, owner)
            return value
        if self.kind == "float":
            number = _as_float(value)
            if number is None:
                raise self._error(owner, "a number", repr(value))
            if not math.isfinite(number):
                raise self._error(owner, "a finite number", str(number))
            self._check_range(number, owner)
            return number
        if self.kind == "choice":
            if _hashable(value) and value in self.choices:
                return value
            options = ", ".join(str(c) for c in self.choices)
            hint = _suggest(value, [str(c) for c in self.choices])
            raise self._error(owner, f"one of {options}", repr(value) + hint)
        if self.kind == "shape":
            return self._coerce_shape(value, owner)
        if not isinstance(value, str):
            raise self._error(owner, "text", repr(value))
        return value

    def _coerce_shape(self, value: Any, owner: str) -> list[int]:
        if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            value = [value]
        if not isinstance(value, (list, tuple)) or not value:
            raise self._error(owner, "a list of positive integers such as [2]", repr(value))
        if any(isinstance(v, bool) or not _is_integral(v) or int(v) < 1 for v in value):
            raise self._error(owner, "positive integers", repr(list(value)))
        if len(value) > MAX_DIMS:
            raise self._error(owner, f"at most {MAX_DIMS} dimensions", f"{len(value)} ({list(value)!r})")
        return [int(v) for v in value]

    def _error(self, owner: str, expected: str, received: str) -> ParamError:
        where = f"{owner}.{self.name}" if owner else self.name
        return ParamError(f"{where}: expected {expected}, received {received}", param=self.name, owner=owner or None)

    def _check_range(self, value: float, owner: str) -> None:
        lo, hi = self.minimum, self.maximum
        if lo is not None and (value < lo or (self.exclusive_min and value == lo)):
            op = ">" if self.exclusive_min else "≥"
            raise self._error(owner, f"a value {op} {_fmt(lo)}", _fmt(value))
        if hi is not None and value > hi:
            raise self._error(owner, f"a value ≤ {_fmt(hi)}", _fmt(value))

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"name": self.name, "kind": self.kind, "default": self.default, "help": self.help}
        if self.minimum is not None:
            d["minimum"] = self.minimum
        if self.maximum is not None:
            d["maximum"] = self.maximum
        if self.exclusive_min:
            d["exclusive_min"] = True
        if self.choices:
            d["choices"] = list(self.choices)
        if self.label:
            d["label"] = self.label
        if self.visible_if is not None:
            d["visible_if"] = {"param": self.visible_if[0], "values": list(self.visible_if[1])}
        return d


def _is_integral(value: Any) -> bool:
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, np.integer)


def _is_numpy_bool(value: Any) -> bool:
    return isinstance(value, np.bool_)


def _as_float(value: Any) -> float | None:
    """``value`` as a float if it is a real number (not a bool), else None."""
    if isinstance(value, bool) or _is_numpy_bool(value):
        return None
    if isinstance(value, (int, float)) or (isinstance(value, np.generic) and np.issubdtype(value.dtype, np.number)
                                           and not np.issubdtype(value.dtype, np.complexfloating)):
        return float(value)
    return None


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _suggest(value: Any, options: list[str]) -> str:
    """" (did you mean X?)" for a near miss such as 'Relu' or 'unit', else ""."""
    match = closest(value, options)
    return f" (did you mean {match}?)" if match is not None else ""


def closest(value: Any, options: list[str]) -> str | None:
    """The option that ``value`` most likely misspells (case-insensitive), or None."""
    if not isinstance(value, str) or not options:
        return None
    lowered = {o.lower(): o for o in options}
    key = value.lower()
    if key in lowered:
        return lowered[key]
    close = difflib.get_close_matches(key, list(lowered), n=1)
    return lowered[close[0]] if close else None


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
                hint = _suggest(key, self.names())
                raise ParamError(f"{owner} has no parameter {key!r}{hint}; its parameters are: {known}",
                                 param=key, owner=owner)
            values[key] = spec.coerce(value, owner)
        return values


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value
