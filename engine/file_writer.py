"""Writing a network file: canonical JSON (the same document always gives the same bytes), saved
atomically."""
from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from .atomic import atomic_write_text
from .dataset_section import DATASET_KEYS
from .document import Document
from .file_problems import key_path
from .file_versions import FORMAT, VERSION
from .history_section import write_history
from .train_config import TrainConfig
from .training_section import FLOAT_SETTINGS
from .weights_section import encode_array


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
    """Dataset paths (a CSV file, an image folder, IDX files) are stored relative to the network
    file: saving elsewhere must re-aim them. None when nothing changes."""
    from .data.spec import path_keys

    spec = doc.dataset
    keys = path_keys(spec)
    if not keys:
        return None
    base = Path(doc.path).resolve().parent if doc.path else Path.cwd()
    new_dir = Path(target).resolve().parent
    out = dict(spec)
    for key in keys:
        data_path = Path(spec[key])
        if not data_path.is_absolute():
            data_path = base / data_path
        try:
            relative = os.path.relpath(data_path.resolve(), new_dir)
        except ValueError:  # another drive (Windows): keep it absolute
            relative = str(data_path.resolve())
        out[key] = Path(relative).as_posix()
    return None if out == spec else out
