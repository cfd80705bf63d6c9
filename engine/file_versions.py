"""The network file's format tag and version, and the migrations that bring an older file up to it.

To change the format: bump ``VERSION`` and add ``MIGRATIONS[old] = _v<old>_to_v<new>`` (see
docs/file-format.md and tests/data/regenerate.py).
"""
from __future__ import annotations

import uuid
from typing import Any, Callable

from .file_problems import Problems, show

FORMAT = "neurocanvas.network"
VERSION = 1


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
