"""Automatic left-to-right layout of a graph (Qt-free; the editor turns it into one undo step).

Layered drawing in the Sugiyama style, kept small: each node's column is the length of the longest
path from a source, nodes within a column are ordered by the mean row of their inputs (a few sweeps
to reduce crossings), and columns are centred vertically on the same axis.
"""
from __future__ import annotations

from .graph import Graph

COLUMN_GAP = 220.0
ROW_GAP = 110.0


def auto_layout(graph: Graph, column_gap: float = COLUMN_GAP, row_gap: float = ROW_GAP,
                origin: tuple[float, float] = (0.0, 0.0)) -> dict[str, tuple[float, float]]:
    """New positions ``{node id: (x, y)}`` for every node; the graph itself is not changed."""
    order = graph.topological_order()
    if not order:
        return {}
    preds = {n.id: [p.id for p in graph.predecessors(n)] for n in order}
    succs = {n.id: [s.id for s in graph.successors(n)] for n in order}
    column: dict[str, int] = {}
    for node in order:
        column[node.id] = max((column[p] + 1 for p in preds[node.id]), default=0)
    # Sinks such as the Loss sit right after their input, not at the far end of a long branch.
    for node in reversed(order):
        if not succs[node.id] and preds[node.id]:
            column[node.id] = max(column[p] for p in preds[node.id]) + 1
    columns: list[list[str]] = [[] for _ in range(max(column.values()) + 1)]
    for node in order:
        columns[column[node.id]].append(node.id)

    row = {nid: float(i) for col in columns for i, nid in enumerate(col)}
    for _ in range(4):
        for col in columns[1:]:
            _sort_by_neighbours(col, preds, row)
        for col in reversed(columns[:-1]):
            _sort_by_neighbours(col, succs, row)

    x0, y0 = origin
    positions: dict[str, tuple[float, float]] = {}
    for c, col in enumerate(columns):
        top = -(len(col) - 1) / 2.0
        for i, nid in enumerate(col):
            positions[nid] = (x0 + c * column_gap, y0 + (top + i) * row_gap)
    return positions


def _sort_by_neighbours(col: list[str], neighbours: dict[str, list[str]], row: dict[str, float]) -> None:
    def key(nid: str) -> float:
        linked = [row[n] for n in neighbours[nid] if n in row]
        return sum(linked) / len(linked) if linked else row[nid]

    col.sort(key=key)
    for i, nid in enumerate(col):
        row[nid] = float(i)
