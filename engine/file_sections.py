"""Tolerant readers for the sections of a network file (see docs/file-format.md).

Each reader takes already-parsed JSON, returns the best value it can build and adds a problem
``"<json path>: <what is wrong> (<what was done>)"`` for everything it had to fix or skip. Readers
never raise: whatever a file holds, the worst outcome of a section is its default.

The limits below keep a hostile or broken file from making the loader allocate gigabytes or run
for minutes; no network a person draws comes near them.
"""
from __future__ import annotations

import base64
import binascii
import json
import math
import re
import uuid
from typing import Any, Callable, Iterable

import numpy as np

from . import registry
from .errors import GraphError, NeuroCanvasError
from .graph import NAME_PATTERN, Graph
from .trainer import TrainConfig

MAX_DEPTH = 64                 # nesting of JSON containers; deeper values are replaced by null
MAX_NODES = 4096               # connect() checks for cycles, so reading E wires costs O(E·(V+E))
MAX_EDGES = 4 * MAX_NODES
MAX_SAMPLE_VALUES = 10_000_000  # values in one sample (an Input's shape), or any shape parameter
MAX_WEIGHT_ELEMENTS = 50_000_000
MAX_LAYER_VALUES = 16_000_000  # per-sample output of one layer: weight_shapes() allocates BatchNorm state
MAX_PROBLEMS = 500
MAX_MESSAGE = 400
WEIGHT_DTYPES = ("float32", "float64")
_ID_NAMESPACE = uuid.UUID("6f1c2b4e-8d0a-4c53-9a77-2e5d3f0b9c41")


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


# ---- graph -----------------------------------------------------------------------------
NODE_KEYS = ("id", "type", "name", "params", "pos")
EDGE_KEYS = ("src", "src_port", "dst", "dst_port")


def read_graph(data: dict[str, Any], problems: Problems, path: str = "graph") -> Graph:
    g = Graph()
    check_keys(data, ("nodes", "edges"), problems, path)
    nodes = _read_list(data.get("nodes", []), problems, f"{path}.nodes", MAX_NODES, "node")
    # Pass 1: the layer type of every node, and the names that stay (so a node that has to be
    # renamed never takes the name of a later one, whose weights are keyed by it).
    specs: list[registry.LayerSpec | Problem] = []
    kept_names: set[str] = set()
    skipped: dict[str, str] = {}
    ids: set[str] = set()
    for i, nd in enumerate(nodes):
        spec = _node_spec(nd, f"{path}.nodes[{i}]")
        specs.append(spec)
        if isinstance(spec, Problem):
            if isinstance(nd, dict) and isinstance(nd.get("id"), str):
                skipped.setdefault(nd["id"], f"{path}.nodes[{i}]")
            continue
        name = nd.get("name")
        if _valid_name(name) and name not in kept_names:
            kept_names.add(name)
    taken_names: set[str] = set()
    for i, (nd, spec) in enumerate(zip(nodes, specs)):
        if isinstance(spec, Problem):
            problems.add(spec.path, spec.message)  # reported here, to keep the file's order
        else:
            ids.add(_read_node(g, nd, spec, ids, (kept_names, taken_names), problems, f"{path}.nodes[{i}]"))
    edges = _read_list(data.get("edges", []), problems, f"{path}.edges", MAX_EDGES, "wire")
    for j, ed in enumerate(edges):
        _read_edge(g, ed, ids, skipped, problems, f"{path}.edges[{j}]")
    return g


def _read_list(data: Any, problems: Problems, path: str, limit: int, what: str) -> list[Any]:
    if not isinstance(data, list):
        problems.add(path, f"expected a list, received {show(data)} (no {what}s were read)")
        return []
    if len(data) > limit:
        problems.add(path, f"{len(data)} {what}s, more than the {limit} a network file may hold "
                           f"(the first {limit} were read)")
        return data[:limit]
    return data


def _valid_name(name: Any) -> bool:
    return isinstance(name, str) and NAME_PATTERN.fullmatch(name) is not None


def _node_spec(nd: Any, path: str) -> registry.LayerSpec | Problem:
    """The node's layer type, or the problem that makes it skipped."""
    if not isinstance(nd, dict):
        return Problem(path, f"expected a node object, received {show(nd)} (node skipped)")
    type_name = nd.get("type")
    if not isinstance(type_name, str):
        return Problem(key_path(path, "type"), f"expected a layer type, received {show(type_name)} (node skipped)")
    try:
        return registry.get(type_name)
    except NeuroCanvasError as exc:
        return Problem(key_path(path, "type"), f"{exc} (node skipped)")


def _read_node(g: Graph, nd: dict[str, Any], spec: registry.LayerSpec, ids: set[str],
               names: tuple[set[str], set[str]], problems: Problems, path: str) -> str:
    """Add one node; returns its id. ``names``: the names that stay, and those given so far."""
    kept_names, taken_names = names
    check_keys(nd, NODE_KEYS, problems, path)
    node_id = nd.get("id")
    if not isinstance(node_id, str) or not 0 < len(node_id) <= 64 or node_id in ids:
        fresh = _fresh_id(ids, path)
        why = "repeats the id of another node" if isinstance(node_id, str) and node_id in ids else \
            "is missing or not an id (text of 1 to 64 characters)"
        problems.add(key_path(path, "id"), f"{show(node_id)} {why} (the new id {fresh} was given; "
                                           "wires to the old id go to the first node that has it)")
        node_id = fresh
    name = nd.get("name")
    if not _valid_name(name) or name in taken_names:
        new = _fresh_name(spec.name_prefix, kept_names | taken_names)
        why = "is used by another node" if _valid_name(name) else \
            "is missing or not a valid name (letters, digits, '_', '-', '.'; at most 64)"
        problems.add(key_path(path, "name"), f"{show(name)} {why} (renamed to {new})")
        name = new
    taken_names.add(name)
    params = _read_params(spec, nd.get("params", {}), problems, key_path(path, "params"))
    pos = nd.get("pos", [0.0, 0.0])
    xy = [real(v) for v in pos] if isinstance(pos, list) and len(pos) == 2 else [None]
    if any(v is None or abs(v) >= 1e9 for v in xy):
        problems.add(key_path(path, "pos"), f"expected [x, y], received {show(pos)} (placed at 0, 0)")
        xy = [0.0, 0.0]
    g.add_node(spec.type, name, pos=(xy[0], xy[1]), node_id=node_id, params=params)
    return node_id


def _fresh_id(ids: set[str], path: str) -> str:
    """A replacement id derived from the node's place in the file, so two loads agree."""
    k = 0
    while True:
        node_id = uuid.uuid5(_ID_NAMESPACE, f"{path}#{k}").hex
        if node_id not in ids:
            return node_id
        k += 1


def _fresh_name(prefix: str, used: set[str]) -> str:
    k = 1
    while f"{prefix}_{k}" in used:
        k += 1
    return f"{prefix}_{k}"


def _read_params(spec: registry.LayerSpec, raw: Any, problems: Problems, path: str) -> dict[str, Any]:
    values = spec.params.defaults()
    if not isinstance(raw, dict):
        problems.add(path, f"expected an object, received {show(raw)} (defaults used)")
        return values
    for key, value in raw.items():
        pspec = spec.params.get(key)
        where = key_path(path, key)
        if pspec is None:
            problems.add(where, f"{spec.type} has no such parameter (ignored)")
            continue
        try:
            coerced = pspec.coerce(value, spec.type)
        except (NeuroCanvasError, TypeError, ValueError, OverflowError) as exc:
            problems.add(where, f"{exc} (the default {show(pspec.default)} is used)")
            continue
        if pspec.kind == "shape" and math.prod(coerced) > MAX_SAMPLE_VALUES:
            problems.add(where, f"{show(coerced)} makes {show(math.prod(coerced))} values, more than the "
                                f"{MAX_SAMPLE_VALUES:,} NeuroCanvas handles (the default {show(pspec.default)} is used)")
            continue
        values[key] = coerced
    try:
        return spec.make_params({}, current=values)
    except NeuroCanvasError as exc:
        problems.add(path, f"{exc} (defaults used)")
        return spec.params.defaults()


def _read_edge(g: Graph, ed: Any, ids: set[str], skipped: dict[str, str], problems: Problems, path: str) -> None:
    if not isinstance(ed, dict):
        problems.add(path, f"expected a wire object, received {show(ed)} (wire skipped)")
        return
    check_keys(ed, EDGE_KEYS, problems, path)
    ends = {"src": ed.get("src"), "dst": ed.get("dst"),
            "src_port": ed.get("src_port", "out"), "dst_port": ed.get("dst_port")}
    for key, value in ends.items():
        if not isinstance(value, str) and not (key == "dst_port" and value is None):
            problems.add(key_path(path, key), f"expected text, received {show(value)} (wire skipped)")
            return
    for key in ("src", "dst"):
        node_id = ends[key]
        if node_id not in ids:
            why = f"was skipped at {skipped[node_id]}" if node_id in skipped else "is not in the file"
            problems.add(key_path(path, key), f"node {show(node_id)} {why} (wire skipped)")
            return
    try:
        g.connect(ends["src"], ends["dst"], ends["src_port"], ends["dst_port"])
    except GraphError as exc:
        problems.add(path, f"{exc} (wire skipped)")


# ---- training settings -----------------------------------------------------------------
FLOAT_SETTINGS = ("learning_rate", "l1", "l2", "clip_norm", "validation_split")
_INT_SETTINGS = ("epochs", "batch_size", "seed", "early_stopping", "eval_every")
_OPTIONAL_SETTINGS = ("clip_norm", "early_stopping")


def read_training(data: Any, problems: Problems, path: str = "training") -> TrainConfig:
    """Settings one by one, in the order of TrainConfig's fields (so an optimizer is known before
    its parameters are checked); a bad one keeps its default."""
    from .optim import make_optimizer, make_schedule

    cfg = TrainConfig()
    data = read_object(data, problems, path, "default settings used")
    if not data:
        return cfg
    defaults = cfg.to_dict()
    check_keys(data, defaults, problems, path, "setting")
    for key in defaults:
        if key not in data:
            continue
        try:
            trial = TrainConfig.from_dict({**cfg.to_dict(), key: _setting(key, data[key])})
            trial.validate()
            if key in ("optimizer", "optimizer_params", "learning_rate"):
                make_optimizer(trial.optimizer, lr=trial.learning_rate, **trial.optimizer_params)
            if key in ("schedule", "schedule_params", "learning_rate"):
                make_schedule(trial.schedule, trial.learning_rate, **trial.schedule_params)
        except (TypeError, ValueError, OverflowError) as exc:
            problems.add(key_path(path, key), f"{exc} (the default {show(defaults[key])} is used)")
            continue
        cfg = trial
    cfg.optimizer, cfg.schedule = cfg.optimizer.lower(), cfg.schedule.lower()
    return cfg


def _setting(key: str, value: Any) -> Any:
    """The value in its Python type; TypeError naming what was expected."""
    if key in _OPTIONAL_SETTINGS and value is None:
        return None
    if key in ("optimizer_params", "schedule_params"):
        if not isinstance(value, dict) or not all(isinstance(v, bool) or real(v) is not None for v in value.values()):
            raise_type(value, "an object of numbers and true/false values")
        return {k: (v if isinstance(v, (bool, int)) else float(v)) for k, v in value.items()}
    if key in ("shuffle", "restore_best"):
        if not isinstance(value, bool):
            raise_type(value, "true or false")
        return value
    if key in _INT_SETTINGS:
        number = whole(value, 0, 2**62)
        if number is None:
            raise_type(value, "a whole number ≥ 0")
        return number
    if key in ("optimizer", "schedule"):
        if not isinstance(value, str):
            raise_type(value, "text")
        return value
    number = real(value)
    if number is None:
        raise_type(value, "a finite number")
    return number


def raise_type(value: Any, expected: str) -> None:
    raise TypeError(f"expected {expected}, received {show(value)}")


# ---- dataset ---------------------------------------------------------------------------
def _check_choice(*choices: Any, optional: bool = False) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if (value is None and optional) or (isinstance(value, str) and value in choices):
            return value
        raise_type(value, "one of " + ", ".join(choices) + (" or null" if optional else ""))
    return check


def _check_bool(optional: bool = False) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if isinstance(value, bool) or (value is None and optional):
            return value
        raise_type(value, "true or false" + (" or null" if optional else ""))
    return check


def _check_dataset_name(value: Any) -> str:
    from .data import dataset_info

    if not isinstance(value, str):
        raise_type(value, "a dataset name")
    dataset_info(value)  # ValueError with a "did you mean"
    return value


def _check_size(value: Any) -> int | None:
    from .data.catalogue import MAX_SAMPLES

    if value is None:
        return None
    number = whole(value, 1, MAX_SAMPLES)
    if number is None:
        raise_type(value, f"a number of samples from 1 to {MAX_SAMPLES:,}, or null")
    return number


def _check_noise(value: Any) -> float:
    from .data.catalogue import MAX_NOISE

    number = real(value)
    if number is None or not 0 <= number <= MAX_NOISE:
        raise_type(value, f"a fraction from 0 to {MAX_NOISE}")
    return number


def _check_ratio(value: Any) -> float:
    from .data.split import check_train_ratio

    number = real(value)
    check_train_ratio(number)  # type: ignore[arg-type]  (None raises too)
    return number  # type: ignore[return-value]


def _check_seed(value: Any) -> int:
    number = whole(value, 0, 2**62)
    if number is None:
        raise_type(value, "a whole number ≥ 0")
    return number


def _check_features(value: Any) -> list[str] | None:
    from .data.features import check_features

    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise_type(value, "a list of feature names, or null")
    return check_features(value)


def _check_text(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise_type(value, "text")
    return value


def _check_target(value: Any) -> str | int | None:
    if value is None or isinstance(value, str):
        return value
    index = whole(value, -10**6, 10**6)
    if index is None:
        raise_type(value, "a column name, a column index or null")
    return index


def _check_delimiter(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and 0 < len(value) <= 4):
        return value
    raise_type(value, "a delimiter such as \",\" or null")


# Every key a dataset spec may have (engine/data/spec.py), in the order the writer puts them.
DATASET_KEYS: dict[str, Callable[[Any], Any]] = {
    "kind": _check_choice("generator", "csv"),
    "name": _check_dataset_name,
    "n": _check_size,
    "noise": _check_noise,
    "flat": _check_bool(),
    "path": _check_text,
    "target": _check_target,
    "task": _check_choice("binary", "multiclass", "classification", "regression", optional=True),
    "delimiter": _check_delimiter,
    "header": _check_bool(optional=True),
    "drop_missing": _check_bool(),
    "train_ratio": _check_ratio,
    "seed": _check_seed,
    "stratify": _check_bool(),
    "features": _check_features,
    "standardize": _check_bool(optional=True),
    "standardize_targets": _check_bool(),
}


def read_dataset(data: Any, problems: Problems, path: str = "dataset") -> dict[str, Any] | None:
    """The dataset spec with every bad or unknown key left out (so its default applies)."""
    data = read_object(data, problems, path, "the default dataset is used")
    if data is None:
        return None
    check_keys(data, DATASET_KEYS, problems, path, "dataset setting")
    out: dict[str, Any] = {}
    for key, check in DATASET_KEYS.items():
        if key not in data:
            continue
        try:
            out[key] = check(data[key])
        except (TypeError, ValueError) as exc:
            problems.add(key_path(path, key), f"{exc} (left out, so the default applies)")
    return out


# ---- preprocessing ---------------------------------------------------------------------
def read_preprocessing(data: Any, problems: Problems, path: str = "preprocessing") -> dict[str, Any] | None:
    """The fitted preprocessing in its canonical form, or None when it is absent or unusable."""
    if data is None:
        return None
    from .data import Preprocessor

    try:
        return Preprocessor.from_dict(data).to_dict()
    except Exception as exc:  # noqa: BLE001 - any failure means the same: it cannot be used
        where, message = path, str(exc)
        field = re.match(r"preprocessing(?: field '([^']*)')?:? *(.*)", message, flags=re.S)
        if field is not None:
            where = key_path(path, field.group(1)) if field.group(1) else path
            message = field.group(2)
        problems.add(where, f"{message} (dropped; a trained network then takes its inputs unscaled)")
        return None


# ---- weights ---------------------------------------------------------------------------
class EntryError(ValueError):
    """A stored array that cannot be used: ``path`` says where, ``message`` what is wrong."""

    def __init__(self, path: str, message: str):
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


# ---- history ---------------------------------------------------------------------------
def read_history(data: Any, problems: Problems, path: str = "history") -> dict[str, list[float]] | None:
    """Per-epoch lists of numbers; null (and any non-finite number) reads as NaN."""
    data = read_object(data, problems, path, "history dropped")
    if data is None:
        return None
    out: dict[str, list[float]] = {}
    for key, values in data.items():
        series = [math.nan if v is None else _history_value(v) for v in values] if isinstance(values, list) else None
        if series is None or any(v is None for v in series):
            bad = values if series is None else values[series.index(None)]
            problems.add(key_path(path, key), f"expected a list of numbers, holding {show(bad)} (dropped)")
            continue
        out[key] = series  # type: ignore[assignment]
    return out


def _history_value(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    if isinstance(v, int) and abs(v) <= 2**53:
        return v  # e.g. epoch numbers stay whole
    try:
        number = float(v)
    except OverflowError:
        return None
    return number if math.isfinite(number) else math.nan


def write_history(history: dict[str, Iterable[Any]]) -> dict[str, list[float | None]]:
    """The lists as JSON: NaN (and any non-finite value) as null, whole numbers as they are."""
    out: dict[str, list[float | None]] = {}
    for key, values in history.items():
        out[key] = [_history_json(v) for v in values]
    return out


def _history_json(v: Any) -> float | None:
    if v is None:
        return None
    if isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)):
        return int(v)
    v = float(v)
    return v if math.isfinite(v) else None
