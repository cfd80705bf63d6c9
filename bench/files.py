"""How long the slow paths of opening files and data take, and how much memory a large dataset needs.

Prints numbers, asserts nothing (timings stay out of the tests). Each case runs in a fresh process so
its peak memory is its own::

    .venv/bin/python bench/files.py                 # every case, about half a minute
    .venv/bin/python bench/files.py --cases idx     # one case
"""
from __future__ import annotations

import argparse
import gzip
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def case_nodes(tmp: Path) -> str:
    """The worst network file the loader accepts: more nodes than the limit, wires listed backwards."""
    from engine.file_sections import MAX_NODES
    from engine.fileformat import FORMAT, loads

    n = MAX_NODES + 10
    nodes = [{"id": f"{i:032x}", "type": "Dense", "name": f"d{i}", "params": {"units": 1}, "pos": [i, 0]}
             for i in range(n)]
    edges = [{"src": f"{i:032x}", "dst": f"{i + 1:032x}"} for i in reversed(range(n - 1))]
    text = json.dumps({"format": FORMAT, "version": 1, "graph": {"nodes": nodes, "edges": edges}})
    seconds, _ = _timed(lambda: loads(text))
    return f"{n:,} nodes, wires against the flow: opened in {seconds:.2f} s"


def case_strings(tmp: Path) -> str:
    """A network file with a 2-million-character name (the fuzz tests' largest string)."""
    from engine.fileformat import FORMAT, FileFormatError, loads

    text = json.dumps({"format": FORMAT, "version": 1, "graph": {"nodes": [
        {"id": "0" * 32, "type": "Input", "name": "é" * 2_000_000, "params": {"shape": [2]}, "pos": [0, 0]}],
        "edges": []}})

    def load() -> str:
        try:
            doc = loads(text)
        except FileFormatError as exc:
            return f"refused ({exc.problems[0][:60]}…)"
        return f"opened with {len(doc.problems)} problem(s)" + (f": {doc.problems[0].message[:60]}…"
                                                               if doc.problems else "")

    seconds, outcome = _timed(load)
    return f"2,000,000-character name: {outcome} in {seconds:.2f} s"


def case_pngs(tmp: Path) -> str:
    """2,000 greyscale 28 × 28 PNGs in ten class folders (the file cache warm: written just before)."""
    from PIL import Image

    from engine.data.images import load_image_folder

    rng = np.random.default_rng(0)
    root = tmp / "pngs"
    for k in range(10):
        (root / str(k)).mkdir(parents=True)
        for i in range(200):
            Image.fromarray(rng.integers(0, 256, (28, 28), dtype=np.uint8), "L").save(root / str(k) / f"{i}.png")
    seconds, _ = _timed(lambda: load_image_folder(root))
    resized, _ = _timed(lambda: load_image_folder(root, size=(14, 14)))
    return f"2,000 PNGs 28 × 28: {seconds:.2f} s; resized to 14 × 14: {resized:.2f} s"


def case_idx(tmp: Path) -> str:
    """An MNIST-sized IDX pair (60,000 × 28 × 28, gzipped): load, split and standardise."""
    from engine.data.spec import prepare

    rng = np.random.default_rng(0)
    n = 60_000
    images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, n, dtype=np.uint8)
    with gzip.open(tmp / "images.gz", "wb", compresslevel=1) as f:
        f.write(bytes([0, 0, 8, 3]) + np.array([n, 28, 28], ">u4").tobytes() + images.tobytes())
    with gzip.open(tmp / "labels.gz", "wb", compresslevel=1) as f:
        f.write(bytes([0, 0, 8, 1]) + np.array([n], ">u4").tobytes() + labels.tobytes())
    spec = {"kind": "idx", "images": str(tmp / "images.gz"), "labels": str(tmp / "labels.gz"),
            "train_ratio": 0.8, "seed": 0}
    seconds, prepared = _timed(lambda: prepare(spec))
    x_seconds, _ = _timed(lambda: prepared.preprocessor.transform(prepared.train.X, np.float32))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return (f"60,000 × 28 × 28 IDX: loaded and split in {seconds:.2f} s, train set standardised into float32 in "
            f"{x_seconds:.2f} s; peak memory {peak:,.0f} MB")


CASES = {"nodes": case_nodes, "strings": case_strings, "pngs": case_pngs, "idx": case_idx}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="*", choices=list(CASES), default=list(CASES))
    parser.add_argument("--one", choices=list(CASES), help=argparse.SUPPRESS)  # a child process's case
    args = parser.parse_args()
    if args.one:
        with tempfile.TemporaryDirectory() as tmp:
            print(CASES[args.one](Path(tmp)))
        return
    for name in args.cases:
        out = subprocess.run([sys.executable, __file__, "--one", name], capture_output=True, text=True)
        print(f"{name:8} {out.stdout.strip() or out.stderr.strip().splitlines()[-1]}")


if __name__ == "__main__":
    main()
