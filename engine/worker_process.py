"""The GUI-side handle of the training worker process: start it, talk to it, shut it down.

The loop that runs inside the process, and the protocol, are in engine/worker.py.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import sys
from typing import Any


class WorkerProcess:
    """The GUI-side handle of a worker process (Qt-free; gui.workers wraps it in signals)."""

    def __init__(self) -> None:
        from .worker import worker_main  # imported here: engine.worker re-exports this class

        ctx = mp.get_context("spawn")
        self.conn, child = ctx.Pipe(duplex=True)
        self._child = child
        self.process = ctx.Process(target=worker_main, args=(child,), daemon=True, name="neurocanvas-training")

    def start(self) -> None:
        # One BLAS thread: the GUI process needs the other core (bench/README.md: two spinning
        # OpenBLAS threads collapse when another process is busy).
        saved = {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
        # spawn re-runs the parent's main script in the child; a main that is no file (a script
        # piped to python, an embedding host) would make the child fail, and it needs none of it.
        main = sys.modules.get("__main__")
        main_file = getattr(main, "__file__", None)
        hide_main = main_file is not None and not os.path.isfile(main_file)
        try:
            for k in saved:
                os.environ[k] = "1"
            if hide_main:
                del main.__file__
            self.process.start()
        finally:
            if hide_main:
                main.__file__ = main_file
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        self._child.close()

    @property
    def alive(self) -> bool:
        return self.process.is_alive()

    def send(self, cmd: str, **payload: Any) -> bool:
        try:
            self.conn.send({"cmd": cmd, **payload})
            return True
        except (BrokenPipeError, EOFError, OSError):
            return False

    def receive(self, timeout: float = 0.0, limit: int = 1000) -> list[dict[str, Any]]:
        """Every message waiting (at most ``limit``), waiting up to ``timeout`` for the first."""
        out: list[dict[str, Any]] = []
        try:
            while len(out) < limit and self.conn.poll(timeout if not out else 0):
                out.append(self.conn.recv())
        except (EOFError, OSError):
            pass
        return out

    def shutdown(self, timeout: float = 3.0) -> None:
        """Ask the worker to finish, then make sure it has (terminate, then kill)."""
        if self.process.is_alive():
            self.send("shutdown")
            self.process.join(timeout)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(1.0)
        if self.process.is_alive():  # pragma: no cover - last resort
            self.process.kill()
            self.process.join(1.0)
        try:
            self.conn.close()
        except OSError:
            pass
