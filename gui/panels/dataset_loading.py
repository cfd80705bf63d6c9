"""Loading the chosen data off the GUI thread, so the window never freezes on a big file.

``DataLoader.get(spec, base_dir)`` answers at once: the cached data, or a generated set made on the
spot (generators take milliseconds), or — for files (CSV, image folder, IDX) — starts a load in a
background thread and returns None. A load that finishes within ``GRACE`` seconds is answered
synchronously (small files: nothing flickers). ``arrived(key)`` then says when a slower load is in
the cache; ``progressed()`` ticks while loads run, for the progress shown in the Data section.

Why a thread and not a process: the engine's loaders spend their time in zlib, NumPy and Pillow,
which release the GIL; measured on an MNIST-sized IDX pair (60,000 × 28 × 28), a 16 ms timer in the
GUI thread fired at worst every ~40 ms while the thread loaded, against a 1.3 s freeze when loading
in the GUI thread. The results (hundreds of MB for big sets) then need no copying between processes.

Each load has a request number; a load nobody waits for any more is cancelled (the engine checks
``cancelled()`` every few files or megabytes) and its result, if it still comes, only goes into the
cache. Loads of the same spec share one thread: a file is never read twice at the same time.
"""
from __future__ import annotations

import itertools
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from engine.data.progress import LoadCancelled

from .dataset_data import DataCache, Loaded, load_data

GRACE = 0.05      # seconds a new file load may take in the GUI thread's wait before it goes to the background
POLL_MS = 30      # how often the GUI thread looks at running loads


def needs_thread(spec: dict[str, Any]) -> bool:
    """Files may be big; generated and bundled sets are made in milliseconds."""
    return spec.get("kind", "generator") != "generator"


class LoadJob:
    """One background load: ``done``/``total`` as the engine reports them (images read, or compressed
    bytes of an IDX images file; 0 of 0 when unknown, e.g. a CSV), ``result`` once finished."""

    def __init__(self, number: int, key: str, spec: dict[str, Any], base_dir: Path | None) -> None:
        self.number, self.key, self.spec, self.base_dir = number, key, dict(spec), base_dir
        self.done = self.total = 0
        self.result: Loaded | None = None
        self.cancelled = False
        self.finished = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"neurocanvas-data-{number}", daemon=True)

    def _run(self) -> None:
        try:
            self.result = load_data(self.spec, self.base_dir, self._progress, lambda: self.cancelled)
        except LoadCancelled:
            self.result = None
        finally:
            self.finished.set()

    def _progress(self, done: int, total: int) -> None:
        self.done, self.total = done, total

    @property
    def reading_done(self) -> bool:
        """The files are read; splitting and scaling remain."""
        return self.total > 0 and self.done >= self.total


class DataLoader(QObject):
    """The cache with background loads in front of it (see the module docstring)."""

    arrived = Signal(str)   # the key of a load that finished (its result, data or error, is cached)
    progressed = Signal()   # while loads run, every POLL_MS

    def __init__(self, cache: DataCache, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cache = cache
        self.jobs: dict[str, LoadJob] = {}   # key -> the live (not cancelled) load of it
        self._running: list[LoadJob] = []    # every thread not yet collected, cancelled ones too
        self._numbers = itertools.count(1)
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._collect)

    def key(self, spec: dict[str, Any], base_dir: Path | None) -> str:
        return self.cache.key(spec, base_dir)

    def peek(self, spec: dict[str, Any], base_dir: Path | None) -> Loaded | None:
        """The cached data of ``spec``, never loading."""
        return self.cache.peek(self.key(spec, base_dir))

    def get(self, spec: dict[str, Any], base_dir: Path | None, start: bool = True) -> Loaded | None:
        """The data of ``spec`` now, or None while it loads in the background (``start``: begin that load)."""
        key = self.key(spec, base_dir)
        hit = self.cache.peek(key)
        if hit is not None:
            return hit
        if not needs_thread(spec):
            return self.cache.load(spec, base_dir)
        job = self.jobs.get(key)
        if job is not None or not start:
            return None
        job = LoadJob(next(self._numbers), key, spec, base_dir)
        self.jobs[key] = job
        self._running.append(job)
        job.thread.start()
        if job.finished.wait(GRACE):
            self._finish(job)
            return job.result
        self._poll.start()
        return None

    def job(self, spec: dict[str, Any], base_dir: Path | None) -> LoadJob | None:
        return self.jobs.get(self.key(spec, base_dir))

    def job_of(self, key: str) -> LoadJob | None:
        return self.jobs.get(key)

    @property
    def busy(self) -> bool:
        return bool(self.jobs)

    def cancel(self, key: str) -> None:
        """Stop loading ``key`` (the thread ends at the engine's next check; a result still cached)."""
        job = self.jobs.pop(key, None)
        if job is not None:
            job.cancelled = True

    def wait(self, timeout: float = 5.0) -> bool:
        """Block until every running load has ended (tests, shutdown); True when none is left."""
        for job in list(self._running):
            job.finished.wait(timeout)
        self._collect()
        return not self._running

    def shutdown(self) -> None:
        for key in list(self.jobs):
            self.cancel(key)
        self.wait(2.0)
        self._poll.stop()

    def _finish(self, job: LoadJob) -> None:
        if job in self._running:
            self._running.remove(job)
        if self.jobs.get(job.key) is job:
            del self.jobs[job.key]
        if job.result is not None:
            self.cache.store(job.key, job.result)

    @Slot()
    def _collect(self) -> None:
        arrived = []
        for job in list(self._running):
            if job.finished.is_set():
                live = not job.cancelled
                self._finish(job)
                if live and job.result is not None:
                    arrived.append(job.key)
        if not self._running:
            self._poll.stop()
        for key in arrived:
            self.arrived.emit(key)
        if self.jobs:
            self.progressed.emit()
