"""Crash recovery: unsaved work is auto-saved to a recovery folder and offered back after a crash.

While a document has unsaved changes, ``Autosaver`` writes it (debounced: ``DEBOUNCE_MS`` after the
last change, and at least every ``INTERVAL_MS`` while it stays modified) to ``<id>.nnd`` in
``recovery_dir()`` (through ``engine.fileformat.save``, so the write is atomic), with a sidecar
``<id>.json``: the original path, the window's title, the time and the process id. Both files are
removed when the document is saved, discarded or closed cleanly; after a crash they stay, and the
next start offers every recovery whose process is no longer alive (``pending()``).

The folder is ``QStandardPaths.AppDataLocation/recovery``; ``set_recovery_dir`` (or the
environment variable ``NEUROCANVAS_RECOVERY_DIR``) points it elsewhere, e.g. at a test's temp dir.
"""
from __future__ import annotations

import copy
import json
import os
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, QStandardPaths, QTimer, Signal

from engine.atomic import atomic_write_text
from engine.data.spec import path_keys
from engine.document import Document
from engine.fileformat import FileFormatError, _rebase_csv_path, load, save
from gui.document import DocumentModel

ENV_VAR = "NEUROCANVAS_RECOVERY_DIR"
DEBOUNCE_MS = 2_000
INTERVAL_MS = 30_000
SIDECAR_TAG = "neurocanvas.recovery"

_override: Path | None = None


def set_recovery_dir(folder: str | Path | None) -> None:
    """Use ``folder`` for recovery files (None: back to the default)."""
    global _override
    _override = Path(folder) if folder is not None else None


def recovery_dir() -> Path:
    if _override is not None:
        return _override
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    if not base:  # pragma: no cover - no writable location on this system
        base = str(Path.home() / ".neurocanvas")
    return Path(base) / "recovery"


def pid_alive(pid: int) -> bool:
    """Whether a process with this id is running (a recovery of a live process is not offered)."""
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # pragma: no cover - os.kill(pid, 0) would terminate it there
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        ok = kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return bool(ok) and code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, owned by someone else
    except OSError:
        return False
    return True


@dataclass
class RecoveryEntry:
    """One recovery file and its sidecar."""

    file: Path
    sidecar: Path
    original_path: str | None
    title: str
    time: float
    pid: int

    @property
    def when(self) -> str:
        """The time of the last auto-save, for people (local time)."""
        moment = datetime.fromtimestamp(self.time)
        today = datetime.now().date()
        if moment.date() == today:
            return f"today at {moment:%H:%M}"
        return f"{moment:%Y-%m-%d %H:%M}"

    def load(self) -> Document:
        """The unsaved document, with its original path (None when it never had one).

        Raises engine.FileFormatError when the recovery file cannot be read."""
        doc = load(self.file)
        # A CSV dataset path was stored relative to the recovery folder: aim it from the original.
        if self.original_path:
            rebased = _rebase_csv_path(doc, self.original_path)
            if rebased is not None:
                doc.dataset = rebased
            doc.path = self.original_path
        else:
            as_untitled(doc)
        doc.problems = []
        return doc

    def discard(self) -> None:
        _delete(self.file, self.sidecar)


def _delete(*paths: Path) -> None:
    for p in paths:
        try:
            p.unlink()
        except OSError:
            pass


def as_untitled(doc: Document) -> Document:
    """Detach ``doc`` from its file (an example opened as a copy, an untitled recovery): the path
    becomes None, and a CSV dataset's path, stored relative to the file, becomes absolute."""
    spec = doc.dataset
    if doc.path:  # a CSV file, an image folder or IDX files: their paths are relative to the file
        folder = Path(doc.path).resolve().parent
        changed = {key: str((folder / spec[key]).resolve()) for key in path_keys(spec)
                   if not Path(spec[key]).is_absolute()}
        if changed:
            doc.dataset = {**spec, **changed}
    doc.path = None
    return doc


def read_entry(sidecar: Path) -> RecoveryEntry | None:
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != SIDECAR_TAG:
        return None
    file = sidecar.with_suffix(".nnd")
    original = data.get("original_path")
    try:
        return RecoveryEntry(file=file, sidecar=sidecar,
                             original_path=original if isinstance(original, str) and original else None,
                             title=str(data.get("title") or "Untitled"), time=float(data.get("time", 0.0)),
                             pid=int(data.get("pid", 0)))
    except (TypeError, ValueError):
        return None


def pending(folder: Path | None = None) -> list[RecoveryEntry]:
    """Recoveries left behind by processes that are gone (newest first)."""
    folder = folder or recovery_dir()
    if not folder.is_dir():
        return []
    entries = []
    for sidecar in folder.glob("*.json"):
        entry = read_entry(sidecar)
        if entry is None or not entry.file.is_file():
            continue
        if not pid_alive(entry.pid):
            entries.append(entry)
    return sorted(entries, key=lambda e: e.time, reverse=True)


def write_recovery(doc: Document, file: Path, title: str) -> None:
    """Write ``doc`` to ``file`` (atomically) and its sidecar beside it; ``doc`` is not changed."""
    file.parent.mkdir(parents=True, exist_ok=True)
    snapshot = copy.copy(doc)  # shallow: save() re-aims the snapshot's path and dataset, not doc's
    save(snapshot, file)
    sidecar = {"format": SIDECAR_TAG, "original_path": doc.path, "title": title, "time": time.time(),
               "pid": os.getpid()}
    atomic_write_text(file.with_suffix(".json"), json.dumps(sidecar, ensure_ascii=False, indent=2) + "\n")


class Autosaver(QObject):
    """Keeps a recovery copy of one window's document while it has unsaved changes."""

    failed = Signal(str)  # why an auto-save could not be written (shown once per document)

    def __init__(self, title: Callable[[], str], parent: QObject | None = None,
                 debounce_ms: int = DEBOUNCE_MS, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._title = title
        self._model: DocumentModel | None = None
        self._connections: list = []
        self._file = recovery_dir() / f"{uuid.uuid4().hex}.nnd"
        self._reported = False
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(debounce_ms)
        self._debounce.timeout.connect(self.write_now)
        self._periodic = QTimer(self)
        self._periodic.setInterval(interval_ms)
        self._periodic.timeout.connect(self.write_now)

    @property
    def file(self) -> Path:
        return self._file

    @property
    def exists(self) -> bool:
        return self._file.is_file()

    def set_document(self, model: DocumentModel | None) -> None:
        """Follow another document; the recovery of the previous one is removed."""
        for c in self._connections:
            QObject.disconnect(c)
        self._connections = []
        self.remove()
        self._model = model
        self._reported = False
        if model is not None:
            self._connections = [model.modifiedChanged.connect(self._changed),
                                 model.graphChanged.connect(self._changed)]
            self._changed()

    def _changed(self, *_: object) -> None:
        model = self._model
        if model is None or not model.modified:
            self.remove()
            return
        self._debounce.start()
        if not self._periodic.isActive():
            self._periodic.start()

    def write_now(self) -> None:
        model = self._model
        if model is None or not model.modified:
            return
        self._debounce.stop()
        try:
            write_recovery(model.doc, self._file, self._title())
        except (OSError, TypeError, ValueError, FileFormatError) as exc:
            if not self._reported:
                self._reported = True
                self.failed.emit(f"Auto-save for crash recovery failed: {exc}")

    def remove(self) -> None:
        """Stop auto-saving and delete the recovery files (after a save, a discard or a clean close)."""
        self._debounce.stop()
        self._periodic.stop()
        _delete(self._file, self._file.with_suffix(".json"))
