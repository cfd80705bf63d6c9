"""What every section reader of a network file shares: the problems it collects, JSON paths for them,
short renderings of values, and the checks of JSON numbers and objects.
"""
from __future__ import annotations

import json
import math
import re
from typing import Any, Iterable

MAX_DEPTH = 64                 # nesting of JSON containers; deeper values are replaced by null
MAX_PROBLEMS = 500
MAX_MESSAGE = 400


# ---- problems and JSON paths -----------------------------------------------------------
class Problem(str):
    """One problem: the text ``"<path>: <message>"``, with ``path`` and ``message`` apart."""

    path: str
    message: str

    def __new__(cls, path: str, message: str) -> "Problem":
        if len(message) > MAX_MESSAGE:
            message = message[: MAX_MESSAGE - 1] + "…"
        self = super().__new__(cls, f"{path}: {message}" if path else message)
        self.path, self.message = path, message
        return self


class Problems(list):
    """The problems of one load, in the order found; at most MAX_PROBLEMS plus a count of the rest."""

    def __init__(self) -> None:
        super().__init__()
        self.more = 0

    def add(self, path: str, message: str) -> None:
        if len(self) < MAX_PROBLEMS:
            self.append(Problem(path, message))
        else:
            self.more += 1

    def result(self) -> list[str]:
        out: list[str] = list(self)
        if self.more:
            out.append(Problem("", f"… and {self.more} more problems"))
        return out


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def key_path(path: str, key: Any) -> str:
    """``path.key``, or ``path["key"]`` when the key is not a plain identifier."""
    text = key if isinstance(key, str) else str(key)
    if _IDENTIFIER.match(text) and len(text) <= 40:
        return f"{path}.{text}" if path else text
    if len(text) > 40:
        text = text[:39] + "…"
    return f"{path}[{json.dumps(text, ensure_ascii=False)}]"


def show(value: Any, level: int = 0) -> str:
    """A short JSON-like rendering of a value for messages (bounded, whatever its size)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if value.bit_length() > 100:
            return f"a {int(value.bit_length() * 0.30103) + 1}-digit number"
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        return repr(value) if math.isfinite(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, str):
        return json.dumps(value if len(value) <= 40 else value[:39] + "…", ensure_ascii=False)
    if isinstance(value, (list, dict)):
        if not value:
            return "[]" if isinstance(value, list) else "{}"
        if level >= 2:
            return "[…]" if isinstance(value, list) else "{…}"
        if isinstance(value, list):
            parts = [show(v, level + 1) for v in value[:4]]
        else:
            parts = [f"{show(k, 2)}: {show(v, level + 1)}" for k, v in list(value.items())[:3]]
        if len(value) > len(parts):
            parts.append(f"… {len(value)} items")
        text = ", ".join(parts)
        return f"[{text}]" if isinstance(value, list) else f"{{{text}}}"
    return type(value).__name__


def real(value: Any) -> float | None:
    """``value`` as a finite float when it is a JSON number (not a bool) that fits one, else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def whole(value: Any, low: int, high: int) -> int | None:
    """``value`` as an int in [low, high] when it is a whole JSON number, else None."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return None
    return value


def limit_depth(value: Any, problems: Problems, max_depth: int = MAX_DEPTH) -> Any:
    """A copy of parsed JSON in which containers nested deeper than ``max_depth`` are null.

    Iterative, so no input can exhaust the stack here, and nothing after it meets deep nesting.
    """
    if not isinstance(value, (dict, list)):
        return value
    holder: list[Any] = [None]
    stack: list[tuple[Any, Any, Any, int, tuple[Any, ...]]] = [(holder, 0, value, 1, ())]
    while stack:
        parent, slot, source, depth, keys = stack.pop()
        if depth > max_depth:
            problems.add(_join(keys), f"nested more than {max_depth} levels deep (null used)")
            parent[slot] = None
            continue
        if isinstance(source, dict):
            copy: Any = dict(source)
            items: Iterable[tuple[Any, Any]] = source.items()
        else:
            copy = list(source)
            items = enumerate(source)
        parent[slot] = copy
        for k, v in items:
            if isinstance(v, (dict, list)):
                stack.append((copy, k, v, depth + 1, keys + (k,)))
    return holder[0]


def _join(keys: tuple[Any, ...]) -> str:
    path = ""
    for k in keys:
        path = f"{path}[{k}]" if isinstance(k, int) else key_path(path, k)
    return path


def check_keys(data: dict[str, Any], known: Iterable[str], problems: Problems, path: str,
               what: str = "key") -> None:
    known = set(known)
    for key in data:
        if key not in known:
            problems.add(key_path(path, key), f"unknown {what} (ignored)")


def read_object(data: Any, problems: Problems, path: str, what: str = "ignored") -> dict[str, Any] | None:
    """``data`` when it is an object; None (with a problem unless it is absent) otherwise."""
    if data is None or isinstance(data, dict):
        return data
    problems.add(path, f"expected an object, received {show(data)} ({what})")
    return None


def free_json(data: Any, problems: Problems, path: str) -> Any:
    """A free-form JSON value (the view): non-finite numbers become null, each with a problem."""
    if isinstance(data, float) and not math.isfinite(data):
        problems.add(path, f"{show(data)} is not a number a network file can hold (null used)")
        return None
    if isinstance(data, dict):
        return {k: free_json(v, problems, key_path(path, k)) for k, v in data.items()}
    if isinstance(data, list):
        return [free_json(v, problems, f"{path}[{i}]") for i, v in enumerate(data)]
    return data


def raise_type(value: Any, expected: str) -> None:
    raise TypeError(f"expected {expected}, received {show(value)}")
