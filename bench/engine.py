"""Engine speed beside PyTorch CPU: training steps per second on the same shapes (issue item 10).

    python bench/engine.py                     # or: make bench   (about two minutes)
    python bench/engine.py --rounds 3 --cases digits-full --busy 1

Contestants, all float32 and on the same data and shapes: our engine through ``Trainer.step()``
(with its default per-epoch metrics, and with them off), through ``Network.train_step()``, a plain
hand-written NumPy MLP (bench/numpy_mlp.py, the yardstick for NumPy itself), and PyTorch (a
same-shaped ``nn.Sequential``, ``torch.optim``, the fused ``BCEWithLogitsLoss`` /
``CrossEntropyLoss``, ``torch.set_num_threads`` left at its default). The targets apply to the
Trainer path with its defaults.

Each contestant trains in a worker process of its own, so one's BLAS or OpenMP threads cannot slow
another's; the rounds alternate (in each, every contestant trains ``--seconds`` in turn, after an
idle gap that lets the previous turn's spinning threads go quiet) and the table shows the median
over the rounds. The full-batch case also runs under other process settings, each with PyTorch
under the same setting: OpenBLAS limited to one thread (``OPENBLAS_NUM_THREADS=1``), and glibc's
malloc told to keep freed memory (``MALLOC_TRIM_THRESHOLD_``/``MALLOC_MMAP_THRESHOLD_``) so the
megabyte-sized activations of every step do not page-fault afresh.

Speed targets live here, in a script that prints numbers, never in timed tests.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np  # each worker is a new process: the environment it was started with applies

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


@dataclass(frozen=True)
class Case:
    key: str
    network: str
    sizes: tuple[int, ...]
    hidden: str           # hidden activation
    output: str           # "sigmoid" (with BCE) or "softmax" (with cross-entropy)
    batch: int
    samples: int
    optimizer: str
    lr: float
    target: float | None  # minimum ratio ours (Trainer) / PyTorch
    settings: tuple[str, ...] = ("default",)


_ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1"}
_KEEP_MEMORY = {"MALLOC_TRIM_THRESHOLD_": str(256 << 20), "MALLOC_MMAP_THRESHOLD_": str(32 << 20)}
SETTINGS = {  # name -> environment of the worker processes
    "default": {},
    "BLAS 1 thread": _ONE_THREAD,
    "malloc keeps memory": _KEEP_MEMORY,
    "BLAS 1 thread + malloc": {**_ONE_THREAD, **_KEEP_MEMORY},
}


CASES = (
    Case("small-sgd", "2-8-8-1 tanh, sigmoid+BCE", (2, 8, 8, 1), "tanh", "sigmoid", 10, 250, "sgd", 0.03, 2.5),
    Case("small-adam", "2-8-8-1 tanh, sigmoid+BCE", (2, 8, 8, 1), "tanh", "sigmoid", 10, 250, "adam", 0.01, None),
    Case("digits-32", "64-128-10 ReLU, softmax+CE", (64, 128, 10), "relu", "softmax", 32, 1797, "sgd", 0.01, 2.0),
    Case("digits-full", "64-128-10 ReLU, softmax+CE", (64, 128, 10), "relu", "softmax", 1797, 1797, "sgd", 0.01,
         0.8, settings=tuple(SETTINGS)),
)


# ============================================================================ worker processes
def _data(case: Case):
    """Playground-size 2-D points with XOR labels, or digits-shaped 8×8 images with 10 classes."""
    rng = np.random.default_rng(0)
    if case.sizes[0] == 2:
        X = rng.uniform(-6, 6, (case.samples, 2))
        return X.astype(np.float32), (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    X = rng.integers(0, 17, (case.samples, case.sizes[0])) / 16.0
    return X.astype(np.float32), rng.integers(0, case.sizes[-1], case.samples)


def _batches(X, Y, batch):
    return [(X[i : i + batch], Y[i : i + batch]) for i in range(0, len(X), batch)]


def _ours(case: Case, mode: str):
    """A function ``steps(n)`` that trains n batches with our engine (or the NumPy yardstick)."""
    import engine
    from engine.graph import chain
    from engine.optim import make_optimizer
    from engine.trainer import TrainConfig, Trainer

    X, y = _data(case)
    if mode == "numpy":
        from numpy_mlp import NumpyMLP

        mlp = NumpyMLP(case.sizes, case.hidden, case.output, case.optimizer, case.lr)
        Y = np.eye(case.sizes[-1], dtype=np.float32)[y] if case.output == "softmax" else y[:, None].astype(np.float32)
        batches = _batches(X, Y, case.batch)
        return lambda n: [mlp.step(*batches[i % len(batches)]) for i in range(n)]

    g = engine.Graph()
    nodes = [g.add_node("Input", shape=[case.sizes[0]])]
    nodes += [g.add_node("Dense", units=u, activation=case.hidden) for u in case.sizes[1:-1]]
    nodes.append(g.add_node("Dense", units=case.sizes[-1], activation=case.output))
    nodes.append(g.add_node("Loss", function="bce" if case.output == "sigmoid" else "cross_entropy"))
    chain(g, nodes)
    net = engine.Network(g, seed=0, dtype="float32")
    if mode in ("trainer", "lean"):
        # "lean": per-epoch metrics off (eval_every beyond reach), i.e. the same work as PyTorch's loop.
        config = TrainConfig(epochs=10**9, batch_size=case.batch, optimizer=case.optimizer, learning_rate=case.lr,
                             eval_every=1 if mode == "trainer" else 10**9)
        step = Trainer(net, X, y, config).step
        return lambda n: [step() for _ in range(n)]

    opt = make_optimizer(case.optimizer, lr=case.lr)
    batches = _batches(net.prepare_inputs(X), net.prepare_targets(y, len(X)), case.batch)
    train_step = net.train_step
    return lambda n: [train_step(*batches[i % len(batches)], opt) for i in range(n)]


def _torch(case: Case, metrics: bool = False):
    """PyTorch's loop; with ``metrics``, also what our Trainer does after each epoch: an inference
    pass over all training data computing the loss and the accuracy."""
    import torch

    layers: list = []
    for a, b in zip(case.sizes, case.sizes[1:]):
        layers += [torch.nn.Linear(a, b), torch.nn.Tanh() if case.hidden == "tanh" else torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])  # the last activation is fused into the loss
    X, y = _data(case)
    X = torch.from_numpy(X)
    if case.output == "sigmoid":
        loss_fn, Y = torch.nn.BCEWithLogitsLoss(), torch.from_numpy(y.astype("float32")).reshape(-1, 1)
    else:
        loss_fn, Y = torch.nn.CrossEntropyLoss(), torch.from_numpy(y)
    opt_cls = torch.optim.SGD if case.optimizer == "sgd" else torch.optim.Adam
    opt = opt_cls(model.parameters(), lr=case.lr)
    batches = _batches(X, Y, case.batch)

    def step(xb, yb):
        opt.zero_grad()
        loss_fn(model(xb), yb).backward()
        opt.step()

    def evaluate():
        with torch.no_grad():
            out = model(X)
            loss = float(loss_fn(out, Y))
            hits = (out > 0) == (Y > 0.5) if case.output == "sigmoid" else out.argmax(dim=1) == Y
            return loss, float(hits.float().mean())

    def steps(n):
        for i in range(n):
            step(*batches[i % len(batches)])
            if metrics and (i + 1) % len(batches) == 0:
                evaluate()

    return steps


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
    # This file is bench/engine.py: keep its folder from shadowing the engine package, but let
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
    def __init__(self, kind: str, env: dict[str, str] | None = None):
        self.kind = kind
        self.proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--worker", kind],
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


# Our contestants, as (mode, column title); PyTorch's mode is "torch".
MODES = (
    ("trainer", "ours: Trainer.step()"),
    ("lean", "ours: Trainer.step(), per-epoch metrics off"),
    ("raw", "ours: Network.train_step()"),
    ("numpy", "hand-written NumPy MLP"),
)


def contestants(case: Case, torch_ok: bool) -> list[tuple[str, str]]:
    """(setting, mode) pairs that race on ``case``."""
    modes = [m for m, _ in MODES] + (["torch", "torch-metrics"] if torch_ok else [])
    return [(setting, mode) for setting in case.settings for mode in modes]


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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=7, help="alternating rounds; the median is shown (default 7)")
    ap.add_argument("--seconds", type=float, default=0.25, help="training time per contestant per round")
    ap.add_argument("--gap", type=float, default=0.1, help="idle seconds between two turns")
    ap.add_argument("--cases", nargs="*", default=[c.key for c in CASES], choices=[c.key for c in CASES])
    ap.add_argument("--retries", type=int, default=4,
                    help="repeat a turn up to this often while other processes use the CPU (default 4)")
    ap.add_argument("--busy", type=int, default=0, metavar="N",
                    help="keep N extra processes spinning meanwhile (what BLAS threads face on a busy machine)")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(args.worker)
        return 0

    cases = [c for c in CASES if c.key in args.cases]
    settings = [name for name in SETTINGS if any(name in c.settings for c in cases)]
    busy_before = cpu_busy()
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.busy)]
    workers = {(name, kind): Worker(kind, SETTINGS[name]) for name in settings for kind in ("ours", "torch")}
    try:
        info = {kind: workers["default", kind].ask(cmd="info") for kind in ("ours", "torch")}
        torch_ok = info["torch"]["available"]
        print(f"machine: {cpu_model()}, {os.cpu_count()} logical CPUs, Python {platform.python_version()}, "
              f"{platform.system()} {platform.release()}")
        print(f"numpy {info['ours']['version']}, BLAS {info['ours']['blas']}, {info['ours']['threads']} BLAS threads")
        print(f"torch {info['torch']['version']}, {info['torch']['threads']} torch threads" if torch_ok
              else "torch: not installed (only our figures are shown; the targets need it)")
        beside = f"; {args.busy} spinning process(es) beside" if args.busy else ""
        print(f"before: load average {loadavg()}, CPU {busy_before:.0%} busy; {args.rounds} rounds × "
              f"{args.seconds:g} s per contestant{beside}")
        samples: dict[tuple[str, str, str], list[float]] = {}
        own = [os.getpid()] + [p.pid for p in spinners] + [w.proc.pid for w in workers.values()]
        repeats = 0
        for r in range(args.rounds):
            for case in cases:
                order = contestants(case, torch_ok)
                if r % 2:
                    order.reverse()  # alternate who goes first
                for setting, mode in order:
                    time.sleep(args.gap)
                    w = workers[setting, "torch" if mode.startswith("torch") else "ours"]
                    rate, again = measure(w, own, args.retries, cmd="run", case=case.key, mode=mode,
                                          seconds=args.seconds)
                    repeats += again
                    samples.setdefault((case.key, setting, mode), []).append(rate)
            print(f"round {r + 1}/{args.rounds} done", file=sys.stderr, flush=True)
        load_after = loadavg()
    finally:
        for w in workers.values():
            w.close()
        for p in spinners:
            p.kill()
            p.wait()
    print()
    print_table(cases, samples)
    print(f"after: load average {load_after}; {repeats} turn(s) repeated because other processes used the CPU")
    return 0


def print_table(cases: list[Case], samples: dict[tuple[str, str, str], list[float]]) -> None:
    def med(case: Case, setting: str, mode: str) -> float | None:
        values = samples.get((case.key, setting, mode))
        return statistics.median(values) if values else None

    def cell(rate: float | None, torch_rate: float | None) -> str:
        if rate is None:
            return "n/a"
        return f"{rate:,.0f} ({rate / torch_rate:.2f}×)" if torch_rate else f"{rate:,.0f}"

    print("Steps per second, median over the rounds; in brackets the ratio to the like-for-like PyTorch loop")
    print("in the same row: the Trainer with its per-epoch metrics against PyTorch with the same per-epoch")
    print("evaluation, every other column against PyTorch's bare loop.")
    print()
    print("| network | batch | optimizer | process setting | " + " | ".join(t for _, t in MODES)
          + " | PyTorch | PyTorch + per-epoch metrics | target | result |")
    print("|---|---:|---|---|" + "---:|" * (len(MODES) + 2) + "---|---|")
    verdicts = []
    for case in cases:
        for setting in case.settings:
            torch_rate = med(case, setting, "torch")
            torch_metrics = med(case, setting, "torch-metrics")
            rates = {mode: med(case, setting, mode) for mode, _ in MODES}
            target = case.target if setting == "default" else None
            verdict = ""
            if target is not None and torch_rate and torch_metrics:
                with_metrics = rates["trainer"] / torch_metrics >= target
                bare = rates["lean"] / torch_rate >= target
                verdict = "pass" if with_metrics and bare else "FAIL"
                if not with_metrics:
                    verdict += " (with metrics)"
                if not bare:
                    verdict += " (bare loop)"
                verdicts.append(verdict)
            elif target is not None:
                verdict = "needs torch"
            cells = [cell(rates[m], torch_metrics if m == "trainer" else torch_rate) for m, _ in MODES]
            print(f"| {case.network} | {case.batch:,} | {case.optimizer} | {setting} | " + " | ".join(cells)
                  + f" | {cell(torch_rate, None)} | {cell(torch_metrics, None)}"
                  + f" | {'—' if target is None else f'≥ {target:g}×'} | {verdict} |")
    print()
    small = next((c for c in cases if c.key == "small-sgd"), None)
    if small:
        lean, full = (med(small, "default", "raw") / med(small, "default", m) - 1 for m in ("lean", "trainer"))
        print(f"Trainer overhead per step over Network.train_step ({small.network}, batch {small.batch}): "
              f"{lean * 100:+.1f} % time, {full * 100:+.1f} % with its per-epoch metrics")
    spreads = sorted(((max(v) - min(v)) / statistics.median(v), k) for k, v in samples.items())
    print(f"noise: (max − min) / median over the rounds is {statistics.median(s for s, _ in spreads):.0%} for the "
          f"median contestant, {spreads[-1][0]:.0%} at most ({', '.join(spreads[-1][1])})")
    if verdicts:
        missed = sum(v.startswith("FAIL") for v in verdicts)
        print(f"targets: {missed} of {len(verdicts)} missed" if missed else f"targets: all {len(verdicts)} met")


if __name__ == "__main__":
    sys.exit(main())
