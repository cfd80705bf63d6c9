"""Reading the graph section of a network file: nodes, their parameters and wires, each bad one
skipped or repaired with a problem."""
from __future__ import annotations

import math
import uuid
from typing import Any

from . import registry
from .errors import GraphError, NeuroCanvasError
from .file_problems import Problem, Problems, check_keys, key_path, real, show
from .graph import NAME_PATTERN, Graph

MAX_NODES = 4096               # connect() checks for cycles, so reading E wires costs O(E·(V+E))
MAX_EDGES = 4 * MAX_NODES
MAX_SAMPLE_VALUES = 10_000_000  # values in one sample (an Input's shape), or any shape parameter
_ID_NAMESPACE = uuid.UUID("6f1c2b4e-8d0a-4c53-9a77-2e5d3f0b9c41")
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
