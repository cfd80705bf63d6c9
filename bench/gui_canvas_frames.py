"""The canvas part of bench/gui_training.py: frame times of pans, new neuron maps and zoom steps."""
from __future__ import annotations

import time
from typing import Any, Callable

import numpy as np

try:
    from .gui_common import SPIRAL
except ImportError:  # run as a script (python bench/gui_training.py): bench/ itself is on sys.path
    from gui_common import SPIRAL


# ============================================================================ the canvas part
def _grid_graph(columns: int = 20, rows: int = 10):
    """A 200-node graph: ``rows`` chains of Dense(8, tanh) layers side by side, all fed by one Input
    (which takes the first chain's first place)."""
    import engine

    doc = engine.load(SPIRAL)
    g = doc.graph
    g.clear()
    first = g.add_node("Input", pos=(0.0, 0.0), shape=[2])
    names = [first.name]
    for r in range(rows):
        prev = first
        for c in range(1 if r == 0 else 0, columns):
            node = g.add_node("Dense", pos=(200.0 * c, 220.0 * r), units=8, activation="tanh")
            g.connect(prev, node)
            names.append(node.name)
            prev = node
    return doc, names


def _frames(app, view, action: Callable[[int], None], n: int) -> list[float]:
    times = []
    for i in range(n):
        t = time.perf_counter()
        action(i)
        view.viewport().repaint()
        times.append((time.perf_counter() - t) * 1000.0)
    return times


def canvas_case(app, label: str, doc, names: list[str], zoom: str, frames: int) -> list[dict[str, Any]]:
    from gui.document import DocumentModel
    from gui.editor.scene import CanvasScene
    from gui.editor.view import CanvasView

    model = DocumentModel(doc)
    scene = CanvasScene(model)
    view = CanvasView(scene)
    view.resize(1280, 800)
    view.show()
    app.processEvents()
    if zoom == "fit":
        view.zoom_fit()
    else:
        view.zoom_reset()
        view.centerOn(scene.nodes_rect().center())
    rng = np.random.default_rng(0)
    units = {i.node.name: (8 if i.node.type == "Dense" else 2) for i in scene.node_items()}
    sets = [{name: np.tanh(rng.normal(size=(min(units.get(name, 1), 8), 28, 28))).astype(np.float32)
             for name in names} for _ in range(4)]
    summary = {name: {"mean": float(rng.normal()), "mean_abs": float(rng.uniform(0.1, 1))} for name in names}
    h = view.horizontalScrollBar()

    def pan(i: int) -> None:
        h.setValue(h.value() + (4 if (i // 20) % 2 == 0 else -4))

    def new_maps(i: int) -> None:
        scene.set_neuron_maps(sets[i % len(sets)])

    def zoom_step(i: int) -> None:
        scene.set_item_caching(False)
        view.set_zoom(view.zoom_factor() * (1.02 if (i // 10) % 2 == 0 else 1 / 1.02))

    rows = []
    for maps_on in (False, True):
        if maps_on:
            scene.set_neuron_maps(sets[0])
            scene.set_weight_summary(summary)
        else:
            scene.set_neuron_maps(None)
            scene.set_weight_summary(None)
        view.zoom_fit() if zoom == "fit" else None
        app.processEvents()
        view.viewport().repaint()
        row = {"case": label, "zoom": f"{view.zoom_factor():.0%}", "maps": "on" if maps_on else "off",
               "pan": _frames(app, view, pan, frames)}
        row["maps_update"] = _frames(app, view, new_maps, frames) if maps_on else []
        row["zoom_step"] = _frames(app, view, zoom_step, frames)
        scene.set_item_caching(True)
        rows.append(row)
    view.close()
    scene.detach()
    model.close()
    return rows


def canvas_part(args) -> list[dict[str, Any]]:
    import engine
    from gui.app import create_application

    app = create_application()
    spiral = engine.load(SPIRAL)
    rows = canvas_case(app, "spiral (5 nodes)", spiral, [n.name for n in spiral.graph.nodes], "100", args.frames)
    big, names = _grid_graph()
    rows += canvas_case(app, f"{len(names)}-node graph", big, names, "fit", args.frames)
    big, names = _grid_graph()
    rows += canvas_case(app, f"{len(names)}-node graph", big, names, "100", args.frames)
    return rows
