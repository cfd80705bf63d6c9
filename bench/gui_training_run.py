"""The training part of bench/gui_training.py: the headless reference rate, and training in the real
main window (or in pieces wired by the script) with every live view on.
"""
from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

try:
    from .gui_common import TimerLateness, proc_cpu_seconds, spin, wait_until
except ImportError:  # run as a script (python bench/gui_training.py): bench/ itself is on sys.path
    from gui_common import TimerLateness, proc_cpu_seconds, spin, wait_until
try:
    from .harness import cpu_busy
except ImportError:  # run as a script (python bench/gui_training.py): bench/ itself is on sys.path
    from harness import cpu_busy


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
