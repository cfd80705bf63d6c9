"""Shared pieces of the command-line tools: argument errors as one line, loading, a progress bar."""
from __future__ import annotations

import argparse
import math
import sys
import time
from typing import IO, NoReturn

from ..document import Document
from ..fileformat import FileFormatError, load


class CLIError(Exception):
    """An error whose message is the whole story (main.py prints it as one line)."""


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and an exception, not a printout and exit."""

    def error(self, message: str) -> NoReturn:
        raise CLIError(f"{self.prog}: {message} (try --help)")


def load_document(path: str, strict: bool = False) -> Document:
    """Open a network file; its non-fatal problems are reported on stderr (or fatal with ``strict``)."""
    try:
        doc = load(path)
    except FileFormatError as exc:
        raise CLIError(f"cannot open {path}: " + "; ".join(exc.problems)) from None
    if doc.problems:
        if strict:
            raise CLIError(f"{path} has problems: " + "; ".join(doc.problems))
        for p in doc.problems:
            print(f"warning: {path}: {p}", file=sys.stderr)
    return doc


def check_writable(path: str) -> None:
    """Fail now, with the reason, if ``path`` cannot become a file (missing folder, a folder itself)."""
    import os
    from pathlib import Path

    target = Path(path)
    if target.is_dir():
        raise CLIError(f"cannot write {path}: it is a folder")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise CLIError(f"cannot write {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise CLIError(f"cannot write {path}: no permission to write in {folder}")


def format_duration(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "?"
    if seconds < 10:
        return f"{seconds:.1f}s"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


class ProgressBar:
    """One line, redrawn at most ``hz`` times a second: epoch, bar, loss, time left."""

    def __init__(self, total_epochs: int, stream: IO[str] | None = None, width: int = 24, hz: float = 10.0):
        self.total = max(1, total_epochs)
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.interval = 1.0 / hz
        self.t0 = time.perf_counter()
        self.last = 0.0
        self.start_progress = 0.0
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        if not self.tty:
            self.interval = 5.0  # a log file gets a line every few seconds, not a redraw
        self.drawn = False

    def update(self, progress: float, loss: float, extra: str = "", force: bool = False) -> None:
        now = time.perf_counter()
        if not force and now - self.last < self.interval:
            return
        self.last = now
        done = min(1.0, progress / self.total)
        filled = int(round(done * self.width))
        elapsed = now - self.t0
        rate = (progress - self.start_progress) / elapsed if elapsed > 0 else 0.0
        left = (self.total - progress) / rate if rate > 0 else float("inf")
        bar = "#" * filled + "." * (self.width - filled)
        epoch = min(self.total, int(progress) + (0 if progress == int(progress) else 1))
        text = (f"epoch {epoch:>{len(str(self.total))}}/{self.total} [{bar}] loss {loss:.4g}"
                f"{'  ' + extra if extra else ''}  {format_duration(left)} left")
        end = "\r" if self.tty else "\n"
        self.stream.write(text.ljust(100)[:100].rstrip() + end if self.tty else text + end)
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn and self.tty:
            self.stream.write("\n")
            self.stream.flush()
