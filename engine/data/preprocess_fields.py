"""Checked reads from a JSON object, with errors that name the field (for ``Preprocessor.from_dict``)."""
from __future__ import annotations

import numbers
from typing import Any, Sequence

import numpy as np

_REQUIRED = object()


class Fields:
    def __init__(self, data: Any, where: str = "preprocessing"):
        self.where = where
        if not isinstance(data, dict):
            raise ValueError(f"{where}: expected an object, received {type(data).__name__}")
        self.data = data

    def bad(self, key: str, message: str) -> ValueError:
        return ValueError(f"{self.where} field {key!r}: {message}")

    def get(self, key: str, default: Any = _REQUIRED) -> Any:
        if key in self.data:
            return self.data[key]
        if default is _REQUIRED:
            raise self.bad(key, "missing")
        return default

    def _expected(self, key: str, what: str, value: Any) -> ValueError:
        return self.bad(key, f"expected {what}, received {value!r}")

    def integer(self, key: str, default: Any = _REQUIRED) -> int:
        value = self.get(key, default)
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise self._expected(key, "a whole number", value)
        return int(value)

    def boolean(self, key: str, default: Any = _REQUIRED) -> bool:
        value = self.get(key, default)
        if not isinstance(value, bool):
            raise self._expected(key, "true or false", value)
        return value

    def choice(self, key: str, choices: Sequence[str]) -> str:
        value = self.get(key)
        if value not in choices:
            raise self._expected(key, "one of " + ", ".join(choices), value)
        return value

    def strings(self, key: str, default: Any = _REQUIRED) -> list[str]:
        value = self.get(key, default)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self._expected(key, "a list of strings", value)
        return list(value)

    def shape(self, key: str) -> list[int]:
        value = self.get(key)
        if (not isinstance(value, list) or not value
                or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)):
            raise self._expected(key, "a non-empty list of positive whole numbers", value)
        return value

    def numbers(self, key: str, size: int | None = None, positive: bool = False) -> np.ndarray:
        """A number or a flat list of ``size`` finite numbers (> 0 when ``positive``) as float64."""
        value = self.get(key)
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in items) or (
                size is not None and (not isinstance(value, list) or len(items) != size)):
            what = f"a list of {size} numbers" if size is not None else "a number or a list of numbers"
            raise self._expected(key, what, value)
        array = np.asarray(value, dtype=np.float64)
        if not np.isfinite(array).all() or (positive and not (array > 0).all()):
            raise self.bad(key, "values must be finite" + (" and greater than 0" if positive else ""))
        return array
