"""The tables bench/gui_training.py prints, and the machine it ran on."""
from __future__ import annotations

import math
import os
import platform
from pathlib import Path
from typing import Any

import numpy as np

try:
    from .gui_common import TARGET_P99_MS, TARGET_RATIO, percentile
except ImportError:  # run as a script (python bench/gui_training.py): bench/ itself is on sys.path
    from gui_common import TARGET_P99_MS, TARGET_RATIO, percentile
try:
    from .harness import cpu_model
except ImportError:  # run as a script (python bench/gui_training.py): bench/ itself is on sys.path
    from harness import cpu_model


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
