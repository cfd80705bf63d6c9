"""Weights as JSON: nested lists with their shapes, plus the layers and the preprocessing."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from ..atomic import atomic_write_text
from .common import ExportError, resolve, target_path
from .plan import Step, plan

FORMAT = "neurocanvas.weights"
VERSION = 1


def to_json_dict(net: Any, preprocessor: Any = None) -> dict[str, Any]:
    """Plain JSON types: the layers in execution order, each weight as ``{"shape", "dtype", "data"}``
    (``data`` nested lists of that shape), the preprocessing dict and the class names."""
    p = plan(net)
    pre = preprocessor
    return {
        "format": FORMAT,
        "version": VERSION,
        "dtype": p.dtype.name,
        "input": {"name": p.input_name, "shape": list(p.input_shape)},
        "output": {"name": p.output_name, "shape": list(p.output_shape)},
        "layers": [_layer(s) for s in p.steps],
        "weights": {
            key: {"shape": list(a.shape), "dtype": a.dtype.name, "data": a.tolist()}
            for key, a in net.get_weights().items()
        },
        "preprocessing": None if pre is None else pre.to_dict(),
        "class_names": None if pre is None or not pre.is_classification else list(pre.class_names),
    }


def _layer(s: Step) -> dict[str, Any]:
    """One layer; Conv2D also gives its zero padding in pixels, [top, left, bottom, right]."""
    out = {"name": s.name, "type": s.type, "inputs": list(s.inputs), "output_shape": list(s.output_shape),
           "config": s.config}
    if s.type == "Conv2D":
        out["pads"] = list(s.pads)
    return out


def export_json(net: Any, path: str | os.PathLike[str], preprocessor: Any = None) -> list[Path]:
    src = resolve(net, preprocessor)
    target = target_path(path, ".json")
    text = json.dumps(to_json_dict(src.net, src.preprocessor), indent=1, ensure_ascii=False, allow_nan=False)
    atomic_write_text(target, text + "\n")
    return [target]


def import_json(path: str | os.PathLike[str], net: Any = None) -> dict[str, np.ndarray]:
    """The weights of an exported JSON file as arrays (dtype and shape as written); with ``net``,
    also set them into that Network. ``json.load(f)["preprocessing"]`` gives the preprocessing,
    for ``Preprocessor.from_dict``."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ExportError(f"Cannot import {p}: the file does not exist") from None
    except (ValueError, OSError) as exc:
        raise ExportError(f"Cannot import {p}: not a JSON file ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ExportError(f"Cannot import {p}: not a NeuroCanvas weights file (format {FORMAT!r})")
    weights = {}
    for key, item in data.get("weights", {}).items():
        try:
            weights[key] = np.asarray(item["data"], dtype=item["dtype"]).reshape(item["shape"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ExportError(f"Cannot import {p}: weight {key!r} is malformed ({exc})") from None
    if net is not None:
        net.set_weights(weights)
    return weights
