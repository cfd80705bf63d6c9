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

The timing helpers and targets are in bench/gui_common.py, the training part in
bench/gui_training_run.py, the canvas part in bench/gui_canvas_frames.py and the tables in
bench/gui_training_report.py.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.append(str(HERE))  # after ROOT: bench/engine.py must not shadow the engine package

try:  # after the sys.path set-up above
    from .gui_canvas_frames import canvas_part
    from .gui_common import SPIRAL
    from .gui_training_report import canvas_table, machine, training_table
    from .gui_training_run import training_part
    from .harness import loadavg
except ImportError:  # run as a script (python bench/gui_training.py): bench/ itself is on sys.path
    from gui_canvas_frames import canvas_part
    from gui_common import SPIRAL
    from gui_training_report import canvas_table, machine, training_table
    from gui_training_run import training_part
    from harness import loadavg


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
