"""The measurement harness of bench/engine.py: worker processes that time a contestant on request,
their handle, and the CPU figures that tell whether a turn was disturbed."""
from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np  # each worker is a new process: the environment it was started with applies

try:
    from .cases import CASES, _ours, _torch
except ImportError:  # run as a script (python bench/engine.py): bench/ itself is on sys.path
    from cases import CASES, _ours, _torch

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SCRIPT = HERE / "engine.py"  # its --worker flag runs worker() below


# ============================================================================ worker processes
def _blas_threads() -> str:
    """OpenBLAS's thread count, asked from the library NumPy loaded."""
    try:
        from threadpoolctl import threadpool_info

        infos = [i for i in threadpool_info() if i.get("user_api") == "blas"]
        if infos:
            return str(infos[0]["num_threads"])
    except ImportError:
        pass
    import ctypes
    import glob

    for lib in glob.glob(os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs", "*openblas*")):
        handle = ctypes.CDLL(lib)
        for name in ("scipy_openblas_get_num_threads64_", "scipy_openblas_get_num_threads",
                     "openblas_get_num_threads64_", "openblas_get_num_threads"):
            if hasattr(handle, name):
                return str(getattr(handle, name)())
    return "unknown"


def _info(kind: str) -> dict:
    if kind == "torch":
        try:
            import torch
        except ImportError:
            return {"available": False}
        return {"available": True, "version": torch.__version__, "threads": torch.get_num_threads()}
    try:  # NumPy ≥ 1.26
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        name = f"{blas.get('name')} {blas.get('version')}"
    except (TypeError, KeyError):
        name = "unknown"
    return {"available": True, "version": np.__version__, "blas": name, "threads": _blas_threads()}


def _time_box(steps, seconds: float) -> float:
    """Steps per second of ``steps`` over about ``seconds`` (after one untimed chunk)."""
    n = 1
    while True:  # calibrate a chunk of about 10 ms
        t = time.perf_counter()
        steps(n)
        if time.perf_counter() - t > 0.01:
            break
        n *= 2
    done, t0 = 0, time.perf_counter()
    while True:
        steps(n)
        done += n
        elapsed = time.perf_counter() - t0
        if elapsed >= seconds:
            return done / elapsed


def worker(kind: str) -> None:
    """Answer one JSON request per line on stdin: ``info`` or ``run`` a case in a mode."""
    # The script is bench/engine.py: keep its folder from shadowing the engine package, but let
    # numpy_mlp be found.
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE] + [str(HERE)]
    sys.path.insert(0, str(ROOT))
    runners: dict = {}
    for line in sys.stdin:
        req = json.loads(line)
        if req["cmd"] == "info":
            answer = _info(kind)
        else:
            case = next(c for c in CASES if c.key == req["case"])
            key = (case.key, req["mode"])
            if key not in runners:
                if kind == "torch":
                    runners[key] = _torch(case, metrics=req["mode"] == "torch-metrics")
                else:
                    runners[key] = _ours(case, req["mode"])
                _time_box(runners[key], 0.2)  # warm up: caches, allocator, lazy initialisation
            answer = {"steps_per_s": _time_box(runners[key], req["seconds"])}
        print(json.dumps(answer), flush=True)


# ============================================================================ orchestration
class Worker:
    def __init__(self, kind: str, env: dict[str, str] | None = None) -> None:
        self.kind = kind
        self.proc = subprocess.Popen([sys.executable, str(SCRIPT), "--worker", kind],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     env={**os.environ, **(env or {})})

    def ask(self, **request) -> dict:
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the {self.kind} worker ended unexpectedly")
        return json.loads(line)

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(10)


def process_ticks(pids: list[int]) -> int:
    """CPU time (clock ticks, user + system) the processes have used so far."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, ValueError, IndexError):
            pass
    return total


def system_busy_ticks() -> int:
    """Non-idle clock ticks of all CPUs so far (0 where /proc/stat is missing)."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0
    return sum(values) - values[3] - values[4]


def measure(worker: Worker, own: list[int], retries: int, **request) -> tuple[float, int]:
    """Steps/s of one turn, repeated (up to ``retries`` times) while other processes took more
    than 10 % of a CPU during it; returns the rate and the number of repeats."""
    hz = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for attempt in range(retries + 1):
        busy0, own0, t0 = system_busy_ticks(), process_ticks(own), time.perf_counter()
        rate = worker.ask(**request)["steps_per_s"]
        others = (system_busy_ticks() - busy0) - (process_ticks(own) - own0)
        if others <= 0.1 * hz * (time.perf_counter() - t0) + 2:
            break
    return rate, attempt



def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def cpu_busy(seconds: float = 1.0) -> float:
    """Share of all CPUs busy over ``seconds`` (from /proc/stat; 0 where it is missing)."""
    def sample():
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return sum(values), values[3] + values[4]  # total, idle + iowait

    try:
        total0, idle0 = sample()
        time.sleep(seconds)
        total1, idle1 = sample()
    except (OSError, ValueError, IndexError):
        return 0.0
    return 1.0 - (idle1 - idle0) / max(total1 - total0, 1)
