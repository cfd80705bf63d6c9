"""Convolutional training speed beside PyTorch CPU: steps per second of the same CNN on the same shapes.

    python bench/conv.py                         # about a minute
    python bench/conv.py --rounds 3 --cases digits
    python bench/conv.py --threads 1             # one BLAS / torch thread each (steadier on a busy machine)

Cases (float32, batch 64, Adam, softmax + cross-entropy, 10 classes):
  digits   the digits_cnn example: (1, 8, 8) → Conv2D 16 (3 × 3, same, ReLU) → MaxPool 2 → Conv2D 32
           (3 × 3, same, ReLU) → MaxPool 2 → Flatten → Dense 10
  mnist    the same layers on MNIST-sized images: (1, 28, 28), Conv2D 32 and 64

Contestants: our engine through ``Network.train_step()`` (the compiled network and optimizer alone)
and through ``Trainer.step()`` with the per-epoch metrics off, and PyTorch (the same-shaped
``nn.Sequential``, ``torch.optim.Adam``, ``CrossEntropyLoss``; ``zero_grad → forward → backward →
step``) with ``torch.set_num_threads`` set to our BLAS thread count. Each contestant runs in a
worker process of its own, after a warm-up; rounds alternate and the table shows the median. A
turn during which other processes used the CPU is repeated (the harness of bench/engine.py).
Speed targets live here, never in timed tests: ours ≥ 0.5 × PyTorch.
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
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

CASES = {"digits": ((1, 8, 8), 16, 32), "mnist": ((1, 28, 28), 32, 64)}
BATCH = 64
SAMPLES = 1024
MODES = ("ours: Network.train_step()", "ours: Trainer.step(), metrics off", "PyTorch")


# ---- contestants (run inside a worker) -------------------------------------------------------
def _data(shape: tuple[int, ...]):
    import numpy as np

    rng = np.random.default_rng(0)
    return rng.normal(size=(SAMPLES,) + shape).astype(np.float32), rng.integers(0, 10, SAMPLES)


def _graph(shape: tuple[int, ...], f1: int, f2: int):
    from engine import Graph

    g = Graph()
    prev = g.add_node("Input", shape=list(shape))
    for type_name, params in [("Conv2D", {"filters": f1, "padding": "same"}), ("MaxPool2D", {}),
                              ("Conv2D", {"filters": f2, "padding": "same"}), ("MaxPool2D", {}), ("Flatten", {}),
                              ("Dense", {"units": 10, "activation": "softmax"}), ("Loss", {"function": "cross_entropy"})]:
        node = g.add_node(type_name, **params)
        g.connect(prev, node)
        prev = node
    return g


def _ours(case: str, mode: str):
    from engine import Network
    from engine.optim import make_optimizer
    from engine.trainer import TrainConfig, Trainer

    shape, f1, f2 = CASES[case]
    X, y = _data(shape)
    net = Network(_graph(shape, f1, f2), seed=0, dtype="float32")
    Y = net.prepare_targets(y)
    if mode.startswith("ours: Trainer"):
        cfg = TrainConfig(epochs=10**9, batch_size=BATCH, optimizer="adam", learning_rate=0.001, eval_every=10**9)
        trainer = Trainer(net, X, Y, cfg)

        def steps(n: int) -> None:
            for _ in range(n):
                trainer.step()
        return steps
    opt = make_optimizer("adam", lr=0.001)
    batches = [(X[i:i + BATCH], Y[i:i + BATCH]) for i in range(0, SAMPLES, BATCH)]

    def steps(n: int) -> None:
        for i in range(n):
            xb, yb = batches[i % len(batches)]
            net.train_step(xb, yb, opt)
    return steps


def _torch(case: str, threads: int):
    import torch
    from torch import nn

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    (c, h, w), f1, f2 = CASES[case]
    model = nn.Sequential(nn.Conv2d(c, f1, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(f1, f2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(f2 * (h // 4) * (w // 4), 10))
    X, y = _data((c, h, w))
    X, y = torch.from_numpy(X), torch.from_numpy(y)
    batches = [(X[i:i + BATCH], y[i:i + BATCH]) for i in range(0, SAMPLES, BATCH)]
    opt = torch.optim.Adam(model.parameters(), lr=0.001)
    loss_fn = nn.CrossEntropyLoss()

    def steps(n: int) -> None:
        for i in range(n):
            xb, yb = batches[i % len(batches)]
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            loss.item()  # the loss value, as our train_step returns it
    return steps


def worker() -> None:
    """Answer one JSON request per line on stdin: ``info``, or ``run`` a case in a mode."""
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE] + [str(HERE)]
    sys.path.insert(0, str(ROOT))
    from harness import _info, _time_box

    runners: dict = {}
    for line in sys.stdin:
        req = json.loads(line)
        if req["cmd"] == "info":
            answer = {"ours": _info("ours"), "torch": _info("torch")}
        else:
            key = (req["case"], req["mode"])
            if key not in runners:
                if req["mode"] == "PyTorch":
                    runners[key] = _torch(req["case"], req["threads"])
                else:
                    runners[key] = _ours(req["case"], req["mode"])
                _time_box(runners[key], 0.5)  # warm up: caches, allocator, lazy initialisation
            answer = {"steps_per_s": _time_box(runners[key], req["seconds"])}
        print(json.dumps(answer), flush=True)


class Worker:
    def __init__(self, threads: int | None = None) -> None:
        env = dict(os.environ)
        if threads is not None:  # BLAS and OpenMP pools are sized when the libraries load
            env.update({k: str(threads) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")})
        self.proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--worker"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)

    def ask(self, **request) -> dict:
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("a benchmark worker ended unexpectedly")
        return json.loads(line)

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(10)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=5, help="alternating rounds; the median is shown (default 5)")
    ap.add_argument("--seconds", type=float, default=1.0, help="training time per contestant per round")
    ap.add_argument("--cases", nargs="*", default=list(CASES), choices=list(CASES))
    ap.add_argument("--retries", type=int, default=3,
                    help="repeat a turn up to this often while other processes use the CPU (default 3)")
    ap.add_argument("--threads", type=int, default=None,
                    help="BLAS/OpenMP threads for every contestant (default: the libraries' own choice)")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker()
        return 0
    sys.path.insert(0, str(HERE))
    from harness import cpu_busy, cpu_model, loadavg, measure

    busy_before = cpu_busy()
    probe = Worker(args.threads)
    info = probe.ask(cmd="info")
    probe.close()
    torch_ok = info["torch"]["available"]
    threads = int(info["ours"]["threads"]) if str(info["ours"]["threads"]).isdigit() else os.cpu_count() or 1
    modes = [m for m in MODES if torch_ok or m != "PyTorch"]
    print(f"machine: {cpu_model()}, {os.cpu_count()} logical CPUs, Python {platform.python_version()}")
    print(f"numpy {info['ours']['version']}, BLAS {info['ours']['blas']}, {info['ours']['threads']} BLAS threads")
    print(f"torch {info['torch']['version']}, set_num_threads({threads})" if torch_ok
          else "torch: not installed (only our figures are shown)")
    print(f"before: load average {loadavg()}, CPU {busy_before:.0%} busy; {args.rounds} rounds × "
          f"{args.seconds:g} s per contestant, batch {BATCH}, float32")
    workers = {mode: Worker(args.threads) for mode in modes}  # one process each: no shared BLAS/OpenMP threads
    own = [os.getpid()] + [w.proc.pid for w in workers.values()]
    samples: dict[tuple[str, str], list[float]] = {}
    repeats = 0
    try:
        for r in range(args.rounds):
            for case in args.cases:
                order = modes if r % 2 == 0 else modes[::-1]
                for mode in order:
                    time.sleep(0.1)
                    rate, again = measure(workers[mode], own, args.retries, cmd="run", case=case, mode=mode,
                                          seconds=args.seconds, threads=threads)
                    repeats += again
                    samples.setdefault((case, mode), []).append(rate)
            print(f"round {r + 1}/{args.rounds} done", file=sys.stderr, flush=True)
    finally:
        for w in workers.values():
            w.close()
    print()
    print(f"| case | {' | '.join(modes)} |" + (" ours / PyTorch |" if torch_ok else ""))
    print("|---|" + "---:|" * (len(modes) + torch_ok))
    for case in args.cases:
        med = {m: statistics.median(samples[case, m]) for m in modes}
        row = f"| {case} {CASES[case][0]} | " + " | ".join(f"{med[m]:,.0f}" for m in modes) + " |"
        if torch_ok:
            row += f" {med[modes[0]] / med['PyTorch']:.2f}× |"
        print(row)
    print(f"\nsteps/s, median of {args.rounds} rounds; after: load average {loadavg()}; {repeats} turn(s) repeated "
          "because other processes used the CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
