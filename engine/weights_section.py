"""The weights section of a network file: arrays stored as base64 text, read all or nothing."""
from __future__ import annotations

import base64
import binascii
import math
from typing import Any

import numpy as np

from .file_problems import Problems, key_path, read_object, show, whole
from .graph import Graph

MAX_WEIGHT_ELEMENTS = 50_000_000
MAX_LAYER_VALUES = 16_000_000  # per-sample output of one layer: weight_shapes() allocates BatchNorm state
WEIGHT_DTYPES = ("float32", "float64")


class EntryError(ValueError):
    """A stored array that cannot be used: ``path`` says where, ``message`` what is wrong."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path, self.message = path, message


def encode_array(arr: np.ndarray) -> dict[str, Any]:
    """``{"dtype", "shape", "data"}``: base64 of the little-endian bytes in C order."""
    arr = np.asarray(arr)
    dtype = "float64" if arr.dtype == np.float64 else "float32"
    little = np.ascontiguousarray(arr, dtype=np.dtype(dtype).newbyteorder("<"))
    return {"dtype": dtype, "shape": list(arr.shape), "data": base64.b64encode(little.tobytes()).decode("ascii")}


def decode_array(entry: Any, path: str) -> np.ndarray:
    """One stored array; ValueError naming the JSON path and what is wrong.

    Sizes are checked before anything is decoded, so no entry can make this allocate more than
    its own text's worth of memory.
    """
    if not isinstance(entry, dict):
        raise EntryError(path, f"expected an object with dtype, shape and data, received {show(entry)}")
    dtype, shape, data = entry.get("dtype"), entry.get("shape"), entry.get("data")
    if dtype not in WEIGHT_DTYPES:
        raise EntryError(key_path(path, 'dtype'), f"expected float32 or float64, received {show(dtype)}")
    if not isinstance(shape, list) or len(shape) > 8 or any(whole(s, 0, MAX_WEIGHT_ELEMENTS) is None for s in shape):
        raise EntryError(key_path(path, 'shape'), f"expected a list of sizes, received {show(shape)}")
    shape = [int(s) for s in shape]
    count = math.prod(shape)
    if count > MAX_WEIGHT_ELEMENTS:
        raise EntryError(key_path(path, 'shape'), f"{count:,} values, more than the "
                         f"{MAX_WEIGHT_ELEMENTS:,} NeuroCanvas accepts")
    if not isinstance(data, str):
        raise EntryError(key_path(path, 'data'), f"expected base64 text, received {show(data)}")
    need = count * np.dtype(dtype).itemsize
    if len(data) != 4 * ((need + 2) // 3):
        raise EntryError(key_path(path, 'data'), f"{len(data)} characters of base64, but shape {shape} "
                         f"of {dtype} needs {need} bytes ({4 * ((need + 2) // 3)} characters)")
    try:
        raw = base64.b64decode(data.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise EntryError(key_path(path, 'data'), f"not valid base64") from None
    if len(raw) != need:
        raise EntryError(key_path(path, 'data'), f"{len(raw)} bytes, but shape {shape} of {dtype} needs {need}")
    arr = np.frombuffer(raw, dtype=np.dtype(dtype).newbyteorder("<")).astype(dtype).reshape(shape)
    if not np.isfinite(arr).all():
        raise EntryError(path, f"contains NaN or Inf")
    return arr


def read_weights(data: Any, graph: Graph, problems: Problems, path: str = "weights") -> dict[str, np.ndarray] | None:
    """All weights, or None (with one problem) when any is unreadable or does not fit the graph.

    A graph that cannot run yet keeps its weights unchecked (they are checked when it compiles).
    """
    untrained = "the network opens untrained"
    data = read_object(data, problems, path, untrained)
    if data is None:
        return None
    out: dict[str, np.ndarray] = {}
    try:
        for key, entry in data.items():
            out[key] = decode_array(entry, key_path(path, key))
    except EntryError as exc:
        problems.add(exc.path, f"{exc.message} (all weights dropped: {untrained})")
        return None
    expected = expected_shapes(graph)
    if expected == "too large":
        problems.add(path, f"the network's layers are too large to check the weights against ({untrained})")
        return None
    if expected is not None:
        missing = [k for k in expected if k not in out]
        unknown = [k for k in out if k not in expected]
        wrong = [k for k in expected if k in out and tuple(out[k].shape) != tuple(expected[k])]
        if missing or unknown or wrong:
            parts = []
            if missing:
                parts.append("missing " + _names(missing))
            if unknown:
                parts.append("not in the network " + _names(unknown))
            for k in wrong[:3]:
                parts.append(f"{k} has shape {list(out[k].shape)} but the network needs {list(expected[k])}")
            problems.add(path, "do not fit the network: " + "; ".join(parts) + f" ({untrained})")
            return None
    return out


def expected_shapes(graph: Graph) -> dict[str, tuple[int, ...]] | str | None:
    """``weight_shapes(graph)``, None when the graph cannot run, "too large" when even asking
    would allocate too much (the layers' state arrays are built to learn their shapes)."""
    from .network import weight_shapes
    from .validation import analyze

    analysis = analyze(graph)
    if not analysis.runnable:
        return None
    if any(s is not None and math.prod(s) > MAX_LAYER_VALUES for s in analysis.shapes.values()):
        return "too large"
    return weight_shapes(graph)


def _names(keys: list[str]) -> str:
    return ", ".join(keys[:5]) + (f" and {len(keys) - 5} more" if len(keys) > 5 else "")
