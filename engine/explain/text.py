"""Numbers and indices as the explanation writes them: short, copyable, with parentheses around factors."""
from __future__ import annotations

from typing import Any

import numpy as np

DIGITS = 4  # significant digits of a number in formulas and tables


def num(value: Any, digits: int = DIGITS) -> str:
    """``0.1235``, ``-1.5``, ``3e-05``; ``0`` for ±0 (ASCII minus, so numbers paste into a calculator)."""
    v = float(value)
    if v == 0.0:
        return "0"
    return f"{v:.{digits}g}"


def paren(value: Any, digits: int = DIGITS) -> str:
    """A number as a factor in a product: ``(0.5)``, ``(-1.2)``."""
    return f"({num(value, digits)})"


def operand(value: Any, digits: int = DIGITS) -> str:
    """A number as an operand of + and −: parentheses only around a negative one."""
    text = num(value, digits)
    return f"({text})" if text.startswith("-") else text


def index_suffix(index: tuple[int, ...], size: int) -> str:
    """``[2]`` or ``[0,1]``; empty for a value that is the only one of its array."""
    if size == 1:
        return ""
    return "[" + ",".join(str(i) for i in index) + "]"


def vector(values: np.ndarray, digits: int = DIGITS, limit: int = 8) -> str:
    """``[0.1, -0.2, 0.3]`` (at most ``limit`` values, then ``…``)."""
    flat = np.asarray(values).reshape(-1)
    shown = ", ".join(num(v, digits) for v in flat[:limit])
    return "[" + shown + (", …" if flat.size > limit else "") + "]"


def summary(values: np.ndarray, digits: int = DIGITS) -> str:
    """Shape and statistics of an array too large to list."""
    a = np.asarray(values, dtype=np.float64)
    shape = "×".join(str(s) for s in a.shape) or "scalar"
    if a.size == 0:
        return f"shape {shape}, empty"
    return (f"shape {shape}: min {num(a.min(), digits)}, max {num(a.max(), digits)}, "
            f"mean {num(a.mean(), digits)}, mean |·| {num(np.abs(a).mean(), digits)}, "
            f"zeros {int(np.count_nonzero(a == 0))}")
