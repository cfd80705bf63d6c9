"""``info FILE.nnd``: a summary of the network — layers, output shapes, parameters, totals."""
from __future__ import annotations

import sys

from ..data import dataset_info
from ..layers.base import fmt_shape
from ..validation import analyze
from .common import Parser, load_document


def info(args: list[str]) -> int:
    parser = Parser(prog="neurocanvas info", description="Summarise a network file.")
    parser.add_argument("file", help="the network file (.nnd)")
    opts = parser.parse_args(args)
    doc = load_document(opts.file)
    graph = doc.graph
    analysis = analyze(graph)
    rows = []
    total = 0
    from ..network import weight_shapes

    shapes = weight_shapes(graph) or {}
    for nid in analysis.order:
        node = graph.node(nid)
        count = sum(_size(s) for k, s in shapes.items() if k.startswith(node.name + "/") and _trainable(k))
        total += count
        rows.append((node.name, _describe(node), fmt_shape(analysis.shapes.get(nid)) if nid in analysis.shapes
                     else "?", f"{count:,}" if count else "-"))
    headers = ("name", "type", "output shape", "parameters")
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    out = sys.stdout
    out.write("  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for r in rows:
        out.write("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() + "\n")
    out.write(f"\n{len(rows)} layers, {total:,} trainable parameters\n")
    out.write(f"dataset: {_dataset(doc.dataset)}\n")
    t = doc.training
    out.write(f"training: {t.optimizer}, learning rate {t.learning_rate:g}, batch {t.batch_size}, "
              f"{t.epochs} epochs, seed {t.seed}\n")
    if doc.weights:
        epochs = len((doc.history or {}).get("epoch", []))
        out.write(f"trained: yes ({epochs} epochs recorded)" + _last_metrics(doc.history) + "\n")
    else:
        out.write("trained: no\n")
    for issue in analysis.issues:
        where = graph.node(issue.node).name + ": " if issue.node else ""
        out.write(f"{issue.severity}: {where}{issue.message}\n")
    return 0


def _size(shape) -> int:
    n = 1
    for s in shape:
        n *= s
    return n


def _trainable(key: str) -> bool:
    return not key.endswith(("/running_mean", "/running_var"))


def _describe(node) -> str:
    p = node.params
    if node.type == "Dense":
        return f"Dense({p['units']}, {p['activation']})"
    if node.type == "Activation":
        return f"Activation({p['function']})"
    if node.type == "Loss":
        return f"Loss({p['function']})"
    if node.type == "Dropout":
        return f"Dropout({p['rate']:g})"
    return node.type


def _dataset(spec: dict) -> str:
    kind = spec.get("kind")
    if kind == "csv":
        return f"CSV {spec.get('path')} (target {spec.get('target') or 'last column'})"
    if kind == "images":
        size = spec.get("size")
        return (f"image folder {spec.get('path')} ({spec.get('color') or 'automatic'} colour, "
                f"{'resized to ' + ' × '.join(map(str, size)) if size else 'own size'}), "
                f"train ratio {spec.get('train_ratio', 0.5):g}")
    if kind == "idx":
        limit = spec.get("limit")
        return (f"IDX images {spec.get('images')}, labels {spec.get('labels')}"
                f"{f', first {limit:,} samples' if limit else ''}, train ratio {spec.get('train_ratio', 0.5):g}")
    name = spec.get("name", "?")
    try:
        title = dataset_info(name).title
    except (KeyError, ValueError):
        title = name
    if spec.get("flat") is False:
        title += " as images"
    return f"{title}, noise {spec.get('noise', 0):g}, train ratio {spec.get('train_ratio', 0.5):g}"


def _last_metrics(history) -> str:
    if not history:
        return ""
    parts = []
    for key in ("loss", "val_loss", "accuracy", "val_accuracy", "r2", "val_r2"):
        values = history.get(key)
        if values:
            label = key.replace("val_", "test ")
            v = values[-1]
            parts.append(f"{label} {v:.2%}" if "accuracy" in key else f"{label} {v:.4g}")
    return "; " + ", ".join(parts) if parts else ""
