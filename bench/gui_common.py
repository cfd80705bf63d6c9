"""Shared by bench/gui_training.py and its parts: the example, the targets, and small timing helpers."""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

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
