"""Training speed and GUI responsiveness with every live view on (issue 5, item 5).

    .venv/bin/python bench/gui_training.py                 # about a minute: training, then the canvas
    .venv/bin/python bench/gui_training.py --seconds 20    # a longer training window
    .venv/bin/python bench/gui_training.py --part canvas   # only the canvas frame times

Training part. The real main window (1280 × 800, offscreen) opens the spiral example (set to train
"until stopped": its 500 epochs would be over in a second), Play is pressed through the window's
own ``actionTrainPlay``, and training runs for ``--seconds`` after a warm-up with every live view
showing: the loss plot, the decision boundary, the gradient norms and the selected layer's
histograms (docks that share a tab group are put side by side, so all of them draw), and on the
canvas the neuron maps and weight-coloured wires. Measured meanwhile:

- the worker's training speed, from the snapshots the GUI receives: Δsteps / Δtime between the first
  and the last snapshot of the window (so it counts what the person sees, throttling included);
- the headless ``engine.Trainer`` on the same document (``open_session`` + ``run``), in this
  process before and after the GUI run (the mean of the two), as the 100 % reference;
- how late a 10 ms ``QTimer`` (PreciseTimer) on the GUI thread fires: each interval minus 10 ms,
  p50 / p99 / max, while training and — for reference — with the window idle;
- the CPU time of the GUI process and of the worker process (from /proc), and the snapshots per
  second the GUI took in.

Before measuring, the script waits (up to ``--patience`` seconds) for other processes to leave the
CPUs, and prints how busy they were. If the window has no training controls (or with
``--minimal``), the script wires the pieces itself (the supervisor, the plots and the canvas scene
in one window) and says so in its output.

Canvas part. The canvas view (1280 × 800) with neuron maps on every node: frame times of a pan (the
view scrolled a few pixels and repainted), of a new set of maps arriving, and of a zoom step (items
paint directly while zooming), for the spiral network at 100 % and a 200-node graph at fit-to-view
and at 100 %; with the maps off as the baseline.
"""
from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.append(str(HERE))  # after ROOT: bench/engine.py must not shadow the engine package

import numpy as np  # noqa: E402

from harness import cpu_busy, cpu_model, loadavg  # noqa: E402

SPIRAL = ROOT / "resources" / "examples" / "spiral.nnd"
TIMER_MS = 10
TARGET_RATIO = 0.70
TARGET_P99_MS = 50.0


# ============================================================================ small helpers
def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=np.float64), q)) if values else float("nan")


def proc_cpu_seconds(pid: int) -> float | None:
    """utime + stime of a process, from /proc (None where it cannot be read)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def wait_until(app, condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise SystemExit(f"gui_training: timed out waiting for {what}")
        app.processEvents()
        time.sleep(0.002)


def spin(app, seconds: float) -> None:
    """Run the event loop for ``seconds`` (timers, pipe polls and repaints all happen)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


class TimerLateness:
    """A 10 ms precise timer on the GUI thread; how much later than 10 ms each tick came."""

    def __init__(self, interval_ms: int = TIMER_MS):
        from PySide6.QtCore import QObject, Qt, QTimer

        self.interval = interval_ms / 1000.0
        self.owner = QObject()
        self.timer = QTimer(self.owner)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self.times: list[float] = []

    def _tick(self) -> None:
        self.times.append(time.perf_counter())

    def start(self) -> None:
        self.times = []
        self.timer.start()

    def stop(self) -> dict[str, float]:
        self.timer.stop()
        late = [max(0.0, (b - a) - self.interval) * 1000.0 for a, b in zip(self.times, self.times[1:])]
        return {"ticks": len(late), "p50": percentile(late, 50), "p99": percentile(late, 99),
                "max": max(late) if late else float("nan")}


# ============================================================================ headless reference
def headless_rate(path: Path, seconds: float) -> dict[str, float]:
    """engine.Trainer on the document, open_session + run, for about ``seconds``."""
    import engine
    from engine.session import open_session

    session = open_session(engine.load(path))
    trainer = session.trainer
    trainer.run(epochs=2)                                   # warm-up (caches, first allocations)
    t0, s0 = time.perf_counter(), trainer.steps
    trainer.run(epochs=4)
    rate = (trainer.steps - s0) / (time.perf_counter() - t0)
    per_epoch = max(1, (trainer.steps - s0) // 4)
    epochs = max(1, round(seconds * rate / per_epoch))
    result = trainer.run(epochs=epochs)
    steps = epochs * per_epoch if result.status == "completed" else None
    done = trainer.steps - s0 - 4 * per_epoch if steps is None else steps
    return {"steps": done, "seconds": result.seconds, "rate": done / result.seconds, "status": result.status}


# ============================================================================ the GUI run
class Recorder:
    """What the GUI takes in from the worker, timestamped on arrival."""

    def __init__(self) -> None:
        self.snapshots: list[tuple[float, int, float, bool]] = []  # time, steps, worker's steps/s, has maps

    def on_snapshot(self, snapshot: dict[str, Any]) -> None:
        self.snapshots.append((time.perf_counter(), int(snapshot.get("steps", 0)),
                               float(snapshot.get("steps_per_second", 0.0)),
                               snapshot.get("neuron_maps") is not None))

    def window(self, t0: float, t1: float) -> dict[str, float]:
        inside = [s for s in self.snapshots if t0 <= s[0] <= t1]
        if len(inside) < 2:
            return {"rate": float("nan"), "snapshots_per_s": 0.0, "maps_per_s": 0.0, "worker_rate": float("nan")}
        (ta, sa, *_), (tb, sb, *_) = inside[0], inside[-1]
        span = tb - ta
        return {"rate": (sb - sa) / span, "snapshots_per_s": (len(inside) - 1) / span,
                "maps_per_s": sum(1 for s in inside[1:] if s[3]) / span,
                "worker_rate": statistics.median(s[2] for s in inside if s[2] > 0) if any(s[2] for s in inside)
                else float("nan")}


def _find(window, cls, name: str | None = None):
    return window.findChild(cls, name) if name else window.findChild(cls)


def _dock_of(widget):
    from PySide6.QtWidgets import QDockWidget

    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QDockWidget):
        parent = parent.parentWidget()
    return parent


def _show_all_plots(window, plots: list) -> None:
    """Every plot on screen at once: docks that share a tab group are split side by side (the
    default layout tabs the loss and the gradients, and only the raised tab would draw)."""
    from PySide6.QtCore import Qt

    docks = [d for d in (_dock_of(p) for p in plots) if d is not None]
    for i, a in enumerate(docks):
        for b in docks[i + 1:]:
            if b in window.tabifiedDockWidgets(a):  # move b out of a's tab group, beside it
                area = window.dockWidgetArea(b)
                window.removeDockWidget(b)
                window.addDockWidget(area, b, Qt.Orientation.Horizontal)
    for dock in docks:
        dock.show()
        dock.raise_()


def _select_histogram_layer(plot) -> str | None:
    """Pick a layer in the gradient view's chooser, so the worker also sends histograms."""
    from PySide6.QtWidgets import QComboBox

    for combo in plot.findChildren(QComboBox):
        if combo.count() > 0:
            combo.setCurrentIndex(combo.count() - 1)
            return combo.currentText()
    return None


def gui_window_run(app, path: Path, seconds: float, warmup: float) -> dict[str, Any]:
    """The real main window: open the example, press Play through actionTrainPlay."""
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QWidget

    from gui.main_window import MainWindow
    from gui.workers import TrainingSupervisor

    window = MainWindow()
    window._ask_save = lambda: "discard"  # closing never asks (a modal box would wait forever offscreen)
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    open_until_stopped(window, path)
    play = _find(window, QAction, "actionTrainPlay")
    supervisor = _find(window, TrainingSupervisor)
    if play is None or supervisor is None:
        window.close()
        return {"mode": None}
    notes: list[str] = []
    plots = {name: _find(window, QWidget, name) for name in ("lossPlot", "boundaryPlot", "gradientPlot")}
    for name, plot in plots.items():
        if plot is None:
            notes.append(f"no {name} in the window")
    _show_all_plots(window, [p for p in plots.values() if p is not None])
    wait_until(app, lambda: supervisor.is_ready, 30, "the worker process to start")
    recorder = Recorder()
    supervisor.snapshot.connect(recorder.on_snapshot)
    scene = window.scene
    scene.set_neuron_maps_visible(True)
    scene.set_weight_colouring(True)

    idle = TimerLateness()
    idle.start()
    spin(app, 2.0)
    idle_late = idle.stop()

    play.trigger()
    wait_until(app, lambda: len(recorder.snapshots) >= 2, 30, "the first snapshots")
    if plots.get("gradientPlot") is not None:
        layer = _select_histogram_layer(plots["gradientPlot"])
        if layer is None:
            notes.append("no layer chooser found in the gradient view: histograms off")
    spin(app, warmup)
    if scene.overlays.maps is None:
        notes.append("the window did not feed the canvas overlays: the bench connected them itself")
        supervisor.snapshot.connect(lambda s: _feed_canvas(scene, s))
        spin(app, 0.5)
    figures = _measure(app, supervisor, recorder, seconds)
    controller = getattr(getattr(window, "training", None), "controller", None)
    if controller is None or controller.is_playing:
        play.trigger()                                          # Pause
    spin(app, 0.3)
    figures.update(_overlay_counts(scene), idle_late=idle_late, notes=notes, mode="the main window (actionTrainPlay)")
    window.close()
    app.processEvents()
    supervisor.shutdown()
    return figures


def open_until_stopped(window, path: Path) -> None:
    """Open the example as the window does (an untitled copy), set to train "until stopped" (its
    500 epochs would take under a second)."""
    import engine
    from gui.document import DocumentModel
    from gui.recovery import as_untitled

    doc = engine.load(path)
    doc.training.epochs = 0
    window.set_document(DocumentModel(as_untitled(doc)), untitled_name=f"{path.stem} (example)")


def _overlay_counts(scene) -> dict[str, int]:
    """What the canvas shows at the end: nodes with neuron maps, wires coloured by weight."""
    return {"maps_shown": sum(1 for i in scene.node_items() if scene.overlays.map_item(i.node_id) is not None),
            "wires_coloured": sum(1 for e in scene.edge_items() if e.weight_pen is not None)}


def _feed_canvas(scene, snapshot: dict[str, Any]) -> None:
    if snapshot.get("neuron_maps") is not None:
        scene.set_neuron_maps(snapshot["neuron_maps"])
    if snapshot.get("weights") is not None:
        scene.set_weight_summary(snapshot["weights"])


def gui_minimal_run(app, path: Path, seconds: float, warmup: float, reason: str) -> dict[str, Any]:
    """Fallback without the main window's training controls: supervisor + plots + scene, wired here."""
    from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

    import engine
    from engine.fileformat import to_dict
    from gui.document import DocumentModel
    from gui.editor.scene import CanvasScene
    from gui.editor.view import CanvasView
    from gui.workers import TrainingSupervisor

    notes = [f"{reason}: the bench wired supervisor, plots and canvas itself"]
    doc = engine.load(path)
    model = DocumentModel(doc)
    scene = CanvasScene(model)
    view = CanvasView(scene)
    plots = _make_plots(notes)
    root = QWidget()
    root.resize(1280, 800)
    row = QHBoxLayout(root)
    row.addWidget(view, 3)
    column = QVBoxLayout()
    row.addLayout(column, 2)
    for plot in plots.values():
        column.addWidget(plot)
    root.show()
    supervisor = TrainingSupervisor()
    recorder = Recorder()
    supervisor.snapshot.connect(recorder.on_snapshot)
    supervisor.snapshot.connect(lambda s: _feed_canvas(scene, s))
    for plot in plots.values():
        supervisor.loaded.connect(plot.reset)
        supervisor.snapshot.connect(plot.add_snapshot)
    wait_until(app, lambda: supervisor.is_ready, 30, "the worker process to start")
    idle = TimerLateness()
    idle.start()
    spin(app, 2.0)
    idle_late = idle.stop()
    doc.training.epochs = 0  # until stopped: the example's 500 epochs take under a second
    supervisor.send("load", doc=to_dict(doc), base_dir=str(path.parent), restart=False)
    histogram = next(iter(n.name for n in doc.graph.nodes if n.type == "Dense"), None)
    supervisor.send("view", histogram=histogram)
    supervisor.send("play")
    wait_until(app, lambda: len(recorder.snapshots) >= 2, 30, "the first snapshots")
    spin(app, warmup)
    figures = _measure(app, supervisor, recorder, seconds)
    supervisor.send("pause")
    spin(app, 0.3)
    figures.update(_overlay_counts(scene), idle_late=idle_late, notes=notes,
                   mode="minimal wiring (supervisor + plots + canvas)")
    supervisor.shutdown()
    root.close()
    scene.detach()
    return figures


def _make_plots(notes: list[str]) -> dict[str, Any]:
    """The live plots of gui.plots, whatever of them exists."""
    import importlib

    plots = {}
    for module, cls in (("loss", "LossPlot"), ("boundary", "BoundaryPlot"), ("gradients", "GradientPlot")):
        try:
            plots[cls] = getattr(importlib.import_module(f"gui.plots.{module}"), cls)()
        except (ImportError, AttributeError) as exc:
            notes.append(f"gui.plots.{module}.{cls} unavailable ({exc})")
    return plots


def _measure(app, supervisor, recorder: Recorder, seconds: float) -> dict[str, Any]:
    pid = supervisor.pid
    lateness = TimerLateness()
    gui0, worker0 = time.process_time(), proc_cpu_seconds(pid) if pid else None
    t0 = time.perf_counter()
    lateness.start()
    spin(app, seconds)
    late = lateness.stop()
    t1 = time.perf_counter()
    gui1, worker1 = time.process_time(), proc_cpu_seconds(pid) if pid else None
    out = recorder.window(t0, t1)
    out["late"] = late
    out["wall"] = t1 - t0
    out["gui_cpu"] = (gui1 - gui0) / (t1 - t0)
    out["worker_cpu"] = (worker1 - worker0) / (t1 - t0) if worker0 is not None and worker1 is not None else float("nan")
    return out


def isolate_user_files() -> None:
    """Settings and recovery files in a temporary folder: the default window layout, and nothing of
    the person's touched."""
    import tempfile

    from PySide6.QtCore import QSettings

    from gui import recovery

    folder = Path(tempfile.mkdtemp(prefix="neurocanvas-bench-"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder / "settings"))
    recovery.set_recovery_dir(folder / "recovery")


def wait_for_quiet(limit: float, patience: float) -> float:
    """Wait up to ``patience`` seconds for the other processes to leave the CPUs (busy < ``limit``);
    returns the last share seen (the machine is shared: other people's tests come and go)."""
    deadline = time.monotonic() + patience
    busy = cpu_busy(1.0)
    while busy > limit and time.monotonic() < deadline:
        busy = cpu_busy(2.0)
    return busy


def training_part(args) -> dict[str, Any]:
    from gui.app import create_application

    busy = wait_for_quiet(args.quiet, args.patience)
    before = headless_rate(args.example, args.headless_seconds)
    app = create_application()
    isolate_user_files()
    figures = gui_window_run(app, args.example, args.seconds, args.warmup) if not args.minimal else {"mode": None}
    if figures.get("mode") is None:
        reason = "--minimal" if args.minimal else "the main window has no training controls"
        figures = gui_minimal_run(app, args.example, args.seconds, args.warmup, reason)
    after = headless_rate(args.example, args.headless_seconds)
    headless = (before["rate"] + after["rate"]) / 2
    figures.update(headless=headless, headless_runs=(before["rate"], after["rate"]), busy_before=busy,
                   busy_after=cpu_busy(1.0))
    return figures


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


# ============================================================================ report
def machine() -> str:
    import PySide6
    import pyqtgraph

    mem = ""
    try:
        kb = int(next(line for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")).split()[1])
        mem = f", {kb / 2**20:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    return (f"{cpu_model()}, {os.cpu_count()} logical CPUs{mem}; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}, numpy {np.__version__}, PySide6 {PySide6.__version__}, "
            f"pyqtgraph {pyqtgraph.__version__}; QT_QPA_PLATFORM={os.environ.get('QT_QPA_PLATFORM')}")


def _fmt(value: float, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:,.{digits}f}"


def training_table(f: dict[str, Any], seconds: float) -> str:
    ratio = f["rate"] / f["headless"] if f["headless"] else float("nan")
    late, idle = f["late"], f["idle_late"]
    lines = [
        "| measure | value | target | result |",
        "|---|---:|---|---|",
        f"| headless Trainer (open_session + run), steps/s | {_fmt(f['headless'])} "
        f"({_fmt(f['headless_runs'][0])} before, {_fmt(f['headless_runs'][1])} after) | — | |",
        f"| GUI worker with all live views, steps/s (Δsteps/Δt of the snapshots, {seconds:g} s) | "
        f"{_fmt(f['rate'])} ({ratio:.0%}) | ≥ {TARGET_RATIO:.0%} | {'pass' if ratio >= TARGET_RATIO else 'FAIL'} |",
        f"| worker's own steps/s figure (median of the snapshots) | {_fmt(f['worker_rate'])} | — | |",
        f"| 10 ms GUI timer lateness while training, p50 / p99 / max (ms, {late['ticks']} ticks) | "
        f"{late['p50']:.1f} / {late['p99']:.1f} / {late['max']:.1f} | p99 ≤ {TARGET_P99_MS:g} ms | "
        f"{'pass' if late['p99'] <= TARGET_P99_MS else 'FAIL'} |",
        f"| same with the window idle, p50 / p99 / max (ms) | {idle['p50']:.1f} / {idle['p99']:.1f} / "
        f"{idle['max']:.1f} | — | |",
        f"| snapshots taken in per second (of which with neuron maps) | {f['snapshots_per_s']:.1f} "
        f"({f['maps_per_s']:.1f}) | ≤ ~30 | |",
        f"| CPU: GUI process / worker process (share of one CPU) | {f['gui_cpu']:.0%} / {f['worker_cpu']:.0%} | — | |",
        f"| canvas while training: nodes with maps / coloured wires | {f['maps_shown']} / {f['wires_coloured']} | — | |",
    ]
    return "\n".join(lines)


def canvas_table(rows: list[dict[str, Any]]) -> str:
    def cell(times: list[float]) -> str:
        return f"{percentile(times, 50):.1f} / {percentile(times, 95):.1f}" if times else "—"

    lines = ["| canvas | zoom | neuron maps + wire colours | pan frame, ms (p50 / p95) | new maps + frame, ms | "
             "zoom step frame, ms |", "|---|---:|---|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['case']} | {r['zoom']} | {r['maps']} | {cell(r['pan'])} | {cell(r['maps_update'])} | "
                     f"{cell(r['zoom_step'])} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=("all", "training", "canvas"), default="all")
    parser.add_argument("--example", type=Path, default=SPIRAL)
    parser.add_argument("--seconds", type=float, default=10.0, help="training window measured (default 10)")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--headless-seconds", type=float, default=5.0)
    parser.add_argument("--frames", type=int, default=60, help="frames per canvas measurement")
    parser.add_argument("--minimal", action="store_true", help="skip the main window: wire the pieces here")
    parser.add_argument("--quiet", type=float, default=0.15,
                        help="wait for the CPUs to be less busy than this share before measuring (default 0.15)")
    parser.add_argument("--patience", type=float, default=300.0, help="... for at most this many seconds")
    args = parser.parse_args(argv)

    print(f"Machine: {machine()}")
    print(f"Load average before: {loadavg()}")
    if args.part in ("all", "training"):
        figures = training_part(args)
        print(f"\nTraining: {args.example.name}, through {figures['mode']}; other load on the CPUs: "
              f"{figures['busy_before']:.0%} before, {figures['busy_after']:.0%} right after (of all CPUs)")
        if figures["busy_before"] > args.quiet:
            print("  warning: the machine was busy; the figures are not comparable")
        for note in figures.get("notes", []):
            print(f"  note: {note}")
        print()
        print(training_table(figures, args.seconds))
    if args.part in ("all", "canvas"):
        rows = canvas_part(args)
        print("\nCanvas frame times (1280 × 800 view, offscreen raster):\n")
        print(canvas_table(rows))
    print(f"\nLoad average after: {loadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
