"""The network file (``*.nnd``): versioned JSON, migrations, tolerant loading, atomic saving.

Loading parses, checks the format tag and version, migrates older versions one step at a time,
then reads each section, collecting every problem with its JSON path. Problems that leave nothing
to open (not JSON, not a network file, a newer version, no graph) raise one ``FileFormatError``
listing them; the rest end up in ``Document.problems`` and the file opens as far as it could be
read. Loading never raises anything else, and never unpickles: the file is JSON and nothing more.

Saving writes canonical JSON (the same document always gives the same bytes) atomically.
The specification is docs/file-format.md.
"""
from __future__ import annotations

import copy
import json
import math
import os
import uuid
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .atomic import atomic_write_text
from .document import DEFAULT_DATASET, Document
from .errors import NeuroCanvasError
from .file_sections import (
    DATASET_KEYS,
    FLOAT_SETTINGS,
    Problems,
    check_keys,
    encode_array,
    free_json,
    key_path,
    limit_depth,
    read_dataset,
    read_graph,
    read_history,
    read_object,
    read_preprocessing,
    read_training,
    read_weights,
    show,
    whole,
    write_history,
)
from .trainer import TrainConfig

FORMAT = "neurocanvas.network"
VERSION = 1
EXTENSION = ".nnd"
MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_INT_DIGITS = 300  # longer integers are read as floats (then usually refused as out of range)
DTYPES = ("float32", "float64")
TOP_LEVEL_KEYS = ("format", "version", "dtype", "graph", "training", "dataset", "preprocessing", "weights",
                  "history", "view")
NOT_A_NETWORK = "not a NeuroCanvas network file"


class FileFormatError(NeuroCanvasError):
    """The file cannot be opened; ``problems`` lists every reason (``"<json path>: <message>"``)."""

    def __init__(self, problems: list[str], path: str | None = None):
        self.problems = list(problems)
        self.path = path
        where = f"{path}: " if path else ""
        if len(self.problems) == 1:
            super().__init__(f"{where}{self.problems[0]}")
        else:
            super().__init__(f"{where}{len(self.problems)} problems: " + "; ".join(self.problems))


# ---- writing ---------------------------------------------------------------------------
def to_dict(doc: Document) -> dict[str, Any]:
    """The JSON object the file holds (plain JSON types, nothing shared with ``doc``)."""
    return json.loads(dumps(doc))


def dumps(doc: Document) -> str:
    """The file's text: canonical JSON, two-space indent, short objects and number lists on one line."""
    return _encode(_file_dict(doc), 0, "") + "\n"


def _file_dict(doc: Document) -> dict[str, Any]:
    """The file's object, keys in their canonical order (values may still be NumPy scalars)."""
    data: dict[str, Any] = {"format": FORMAT, "version": VERSION, "dtype": doc.dtype,
                            "graph": _graph_dict(doc), "training": _training_dict(doc.training),
                            "dataset": _dataset_dict(doc.dataset)}
    if doc.preprocessing is not None:
        data["preprocessing"] = _sorted(doc.preprocessing)
    if doc.weights:
        data["weights"] = {k: encode_array(doc.weights[k]) for k in sorted(doc.weights)}
    if doc.history:
        data["history"] = _sorted(write_history(doc.history))
    data["view"] = _sorted(doc.view or {})
    return data


def _graph_dict(doc: Document) -> dict[str, Any]:
    nodes = []
    for node in doc.graph.nodes:
        order = node.spec.params.names()
        params = {k: node.params[k] for k in order if k in node.params}
        params.update({k: node.params[k] for k in sorted(node.params) if k not in params})
        nodes.append({"id": node.id, "type": node.type, "name": node.name, "params": params,
                      "pos": [float(node.pos[0]), float(node.pos[1])]})
    return {"nodes": nodes, "edges": [e.to_dict() for e in doc.graph.edges]}


def _training_dict(cfg: TrainConfig) -> dict[str, Any]:
    out = cfg.to_dict()
    for key in FLOAT_SETTINGS:
        if isinstance(out[key], (int, np.integer)) and not isinstance(out[key], bool):
            out[key] = float(out[key])
    out["optimizer_params"] = _sorted(out["optimizer_params"])
    out["schedule_params"] = _sorted(out["schedule_params"])
    return out


def _dataset_dict(spec: dict[str, Any]) -> dict[str, Any]:
    out = {k: spec[k] for k in DATASET_KEYS if k in spec}
    out.update({k: spec[k] for k in sorted(spec) if k not in out})
    return out


def _sorted(value: Any) -> Any:
    """Free-form JSON with the keys of every object sorted (so the output does not depend on the
    order a dict was built in)."""
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, (list, tuple)):
        return [_sorted(v) for v in value]
    return value


WIDTH = 120
_SCALARS = (str, int, float, bool, np.integer, np.floating, np.bool_, type(None))


def _encode(value: Any, level: int, path: str) -> str:
    if level > 2 * 64:
        raise ValueError(f"{path}: nested too deeply to be written to a network file")
    if isinstance(value, _SCALARS):
        return _scalar(value, path)
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        if all(isinstance(v, _SCALARS) for v in value):
            return "[" + ", ".join(_scalar(v, f"{path}[{i}]") for i, v in enumerate(value)) + "]"
        items = [_encode(v, level + 1, f"{path}[{i}]") for i, v in enumerate(value)]
        return _block("[", "]", items, level)
    if isinstance(value, dict):
        parts = []
        for k, v in value.items():
            if not isinstance(k, str):
                raise TypeError(f"{path}: the key {k!r} is not text; a network file's keys are text")
            parts.append(json.dumps(k, ensure_ascii=False) + ": " + _encode(v, level + 1, key_path(path, k)))
        flat = all(isinstance(v, _SCALARS) for v in value.values())
        simple = all(isinstance(v, _SCALARS) or (isinstance(v, list) and all(isinstance(x, _SCALARS) for x in v))
                     for v in value.values())
        inline = "{" + ", ".join(parts) + "}"
        if flat or (simple and len(inline) <= WIDTH):
            return inline
        return _block("{", "}", parts, level)
    raise TypeError(f"{path or 'the document'}: a {type(value).__name__} cannot be written to a network file")


def _block(opening: str, closing: str, items: list[str], level: int) -> str:
    if not items:
        return opening + closing
    inner = "  " * (level + 1)
    return opening + "\n" + ",\n".join(inner + item for item in items) + "\n" + "  " * level + closing


def _scalar(value: Any, path: str) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return json.dumps(value) if math.isfinite(value) else "null"  # NaN/Inf have no JSON form
    return json.dumps(value, ensure_ascii=False)


def save(doc: Document, path: str | os.PathLike[str]) -> None:
    """Write the document atomically: a crash mid-save leaves the old file intact.

    Raises OSError when the file cannot be written (and leaves no temporary file behind), and
    TypeError naming the place when the document holds something JSON cannot (e.g. an object in
    ``view``); nothing is written then.
    """
    rebased = _rebase_csv_path(doc, path)
    old_dataset = doc.dataset
    if rebased is not None:
        doc.dataset = rebased
    try:
        text = dumps(doc)
        atomic_write_text(path, text)
    except BaseException:
        doc.dataset = old_dataset
        raise
    doc.path = str(path)


def _rebase_csv_path(doc: Document, target: str | os.PathLike[str]) -> dict | None:
    """A CSV path is stored relative to the network file: saving elsewhere must re-aim it."""
    spec = doc.dataset
    if not isinstance(spec, dict) or spec.get("kind") != "csv" or not isinstance(spec.get("path"), str):
        return None
    csv_path = Path(spec["path"])
    if not csv_path.is_absolute():
        base = Path(doc.path).resolve().parent if doc.path else Path.cwd()
        csv_path = base / csv_path
    new_dir = Path(target).resolve().parent
    try:
        relative = os.path.relpath(csv_path.resolve(), new_dir)
    except ValueError:  # another drive (Windows): keep it absolute
        relative = str(csv_path.resolve())
    relative = Path(relative).as_posix()
    if relative == spec["path"]:
        return None
    return {**spec, "path": relative}


# ---- reading ---------------------------------------------------------------------------
def load(path: str | os.PathLike[str]) -> Document:
    """Open a network file; raises FileFormatError (never anything else) when it cannot be read."""
    p = str(path)
    try:
        size = os.stat(p).st_size
        if size > MAX_FILE_BYTES:
            raise FileFormatError([f"the file is {size / 2**20:.0f} MB, larger than the "
                                   f"{MAX_FILE_BYTES // 2**20} MB a network file may be"], p)
        raw = Path(p).read_bytes()
    except FileNotFoundError:
        raise FileFormatError(["no such file"], p) from None
    except IsADirectoryError:
        raise FileFormatError(["is a folder, not a file"], p) from None
    except PermissionError:
        raise FileFormatError(["you do not have permission to read it"], p) from None
    except (OSError, ValueError) as exc:
        raise FileFormatError([f"cannot be read: {getattr(exc, 'strerror', None) or exc}"], p) from None
    return loads(raw, path=p)


def loads(text: str | bytes | bytearray, path: str | None = None) -> Document:
    """Parse a network file's text or bytes (tolerant; see the module docstring)."""
    try:
        data = _parse_json(text)
    except FileFormatError as exc:
        raise FileFormatError(exc.problems, path) from None
    return from_dict(data, path=path)


def _parse_json(text: str | bytes | bytearray) -> Any:
    if isinstance(text, (bytes, bytearray, memoryview)):
        raw = bytes(text)
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FileFormatError([f"{NOT_A_NETWORK}: not UTF-8 text (byte {exc.start} is "
                                   f"0x{raw[exc.start]:02x})"]) from None
    elif not isinstance(text, str):
        raise FileFormatError([f"{NOT_A_NETWORK}: expected text, received a {type(text).__name__}"])
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise FileFormatError(["the file is empty"])
    try:
        return json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        raise FileFormatError(
            [f"{NOT_A_NETWORK}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"]) from None
    except RecursionError:
        raise FileFormatError([f"{NOT_A_NETWORK}: nested too deeply"]) from None
    except ValueError as exc:  # pragma: no cover - json raises JSONDecodeError for bad text
        raise FileFormatError([f"{NOT_A_NETWORK}: {exc}"]) from None


def _parse_int(digits: str) -> int | float:
    """JSON integers; absurdly long ones become floats (Python refuses to convert > 4300 digits)."""
    return int(digits) if len(digits) <= MAX_INT_DIGITS else float(digits)


def from_dict(data: Any, path: str | None = None) -> Document:
    """Build a Document from parsed JSON (what ``json.load`` gives); ``data`` is not modified."""
    try:
        return _from_dict(data, path)
    except FileFormatError:
        raise
    except RecursionError:  # pragma: no cover - limit_depth keeps deep values out
        raise FileFormatError(["nested too deeply"], path) from None
    except Exception as exc:  # pragma: no cover - a reader bug must not crash the app
        raise FileFormatError([f"unreadable: an internal error ({type(exc).__name__}: {exc}); "
                               "please report it with the file"], path) from None


def _from_dict(data: Any, path: str | None) -> Document:
    if not isinstance(data, dict):
        raise FileFormatError([f"{NOT_A_NETWORK}: the top level is {show(data)}, not an object"], path)
    problems = Problems()
    version = _check_header(data, problems)
    data = limit_depth(data, problems)
    if version is not None:
        data = migrate(data, version, problems)
        graph_data = data.get("graph")
        if not isinstance(graph_data, dict):
            what = "missing" if graph_data is None else f"expected an object with nodes and edges, received " \
                f"{show(graph_data)}"
            problems.add("graph", f"{what}: there is no network to open")
    if version is None or not isinstance(graph_data, dict):
        raise FileFormatError(problems.result(), path)
    check_keys(data, TOP_LEVEL_KEYS, problems, "", "section")
    doc = Document(graph=read_graph(graph_data, problems), path=path)
    doc.migrated_from = version if version < VERSION else None
    dtype = data.get("dtype", "float32")
    if dtype not in DTYPES:
        problems.add("dtype", f"expected float32 or float64, received {show(dtype)} (float32 used)")
        dtype = "float32"
    doc.dtype = dtype
    doc.training = read_training(data.get("training"), problems)
    dataset = read_dataset(data.get("dataset"), problems)
    doc.dataset = copy.deepcopy(DEFAULT_DATASET) if dataset is None else dataset
    doc.preprocessing = read_preprocessing(data.get("preprocessing"), problems)
    if data.get("weights") is not None:
        doc.weights = read_weights(data["weights"], doc.graph, problems)
    doc.history = read_history(data.get("history"), problems)
    view = read_object(data.get("view"), problems, "view")
    doc.view = free_json(view, problems, "view") if view is not None else {}
    doc.problems = problems.result()
    return doc


def _check_header(data: dict[str, Any], problems: Problems) -> int | None:
    """The file's format version, or None (with fatal problems) when it cannot be read."""
    fmt = data.get("format")
    ok = fmt == FORMAT
    if not ok:
        what = "there is no format tag" if fmt is None else f"its format is {show(fmt)}, not {FORMAT!r}"
        problems.add("format", f"{NOT_A_NETWORK} ({what})")
    raw = data.get("version")
    version = whole(raw, 0, 2**63)
    if version is None:
        problems.add("version", f"expected a whole number ≥ 0, received {show(raw)}")
    elif version > VERSION:
        problems.add("version", f"the file was written by a newer NeuroCanvas (format version {version}; this "
                                f"one reads up to {VERSION}): please update NeuroCanvas to open it")
        ok = False
    return version if ok and version is not None else None


# ---- migrations ------------------------------------------------------------------------
# MIGRATIONS[v] turns the dict of a version-v file into a version-(v + 1) dict. A step never
# raises: what it cannot carry over it reports (with the path in the old file) and leaves out.
Migration = Callable[[dict[str, Any], Problems], dict[str, Any]]
_V0_NAMESPACE = uuid.UUID("0b6b8f0e-3c1e-4f55-8a59-6b1f4c1d2e70")


def _v0_to_v1(data: dict[str, Any], problems: Problems) -> dict[str, Any]:
    """Version 0 (pre-release drafts): ``layers`` (flat objects: name, type, x, y and the
    parameters), ``links`` by layer name (``from``, ``to``, optional input ``port``) and
    ``settings`` (``lr``, ``batch`` and the other training settings under their own names).

    Node ids are derived from the layer's place and name, so migrating a file twice gives the
    same ids.
    """
    layers = data.get("layers", [])
    if not isinstance(layers, list):
        problems.add("layers", f"expected a list, received {show(layers)} (no layers were read)")
        layers = []
    nodes, ids = [], {}
    for i, layer in enumerate(layers):
        if not isinstance(layer, dict):
            problems.add(f"layers[{i}]", f"expected a layer object, received {show(layer)} (skipped)")
            continue
        name = layer.get("name")
        node_id = uuid.uuid5(_V0_NAMESPACE, f"{i}:{name}").hex
        if isinstance(name, str):
            ids.setdefault(name, node_id)
        params = {k: v for k, v in layer.items() if k not in ("name", "type", "x", "y")}
        nodes.append({"id": node_id, "type": layer.get("type"), "name": name, "params": params,
                      "pos": [layer.get("x", 0.0), layer.get("y", 0.0)]})
    links = data.get("links", [])
    if not isinstance(links, list):
        problems.add("links", f"expected a list, received {show(links)} (no links were read)")
        links = []
    edges = []
    for j, link in enumerate(links):
        ends = [link.get(k) if isinstance(link, dict) else None for k in ("from", "to")]
        if not all(isinstance(e, str) and e in ids for e in ends):
            problems.add(f"links[{j}]", f"expected {{\"from\": layer, \"to\": layer}} naming layers of the file, "
                                        f"received {show(link)} (skipped)")
            continue
        port = link.get("port", "in")
        edges.append({"src": ids[ends[0]], "src_port": "out", "dst": ids[ends[1]], "dst_port": port})
    out: dict[str, Any] = {"format": FORMAT, "version": 1, "graph": {"nodes": nodes, "edges": edges}}
    settings = data.get("settings")
    if isinstance(settings, dict):
        renames = {"lr": "learning_rate", "batch": "batch_size"}
        out["training"] = {renames.get(k, k): v for k, v in settings.items()}
    elif settings is not None:
        problems.add("settings", f"expected an object, received {show(settings)} (default settings used)")
    for key in ("dataset", "view"):
        if key in data:
            out[key] = data[key]
    return out


MIGRATIONS: dict[int, Migration] = {0: _v0_to_v1}


def migrate(data: dict[str, Any], version: int, problems: Problems) -> dict[str, Any]:
    """Bring a file's dict from ``version`` up to VERSION, one step at a time."""
    while version < VERSION:
        data = MIGRATIONS[version](data, problems)
        version += 1
    return data
