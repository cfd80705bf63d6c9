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

The cases and contestants are in bench/cases.py, the measurement harness in bench/harness.py and
the table in bench/report.py.
"""
from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time

try:
    from .cases import CASES, SETTINGS, contestants
    from .harness import Worker, cpu_busy, cpu_model, loadavg, measure, worker
    from .report import print_table
except ImportError:  # run as a script (python bench/engine.py): bench/ itself is on sys.path
    from cases import CASES, SETTINGS, contestants
    from harness import Worker, cpu_busy, cpu_model, loadavg, measure, worker
    from report import print_table


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


if __name__ == "__main__":
    sys.exit(main())
