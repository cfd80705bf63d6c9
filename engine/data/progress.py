"""Progress and cancellation for slow data loading, without Qt: a loader takes ``progress(done, total)``
(called now and then; ``total`` 0 when unknown) and ``cancelled()`` (checked every few files or
megabytes; when it returns True the loader raises LoadCancelled). A GUI runs the loader in a thread
and answers both from there."""
from __future__ import annotations

from typing import Callable, Optional

Progress = Optional[Callable[[int, int], None]]
Cancelled = Optional[Callable[[], bool]]
CHECK_EVERY = 32  # files between two progress reports and cancellation checks


class LoadCancelled(Exception):
    """Loading stopped because ``cancelled()`` said so; nothing was loaded."""


def check(cancelled: Cancelled) -> None:
    if cancelled is not None and cancelled():
        raise LoadCancelled("loading cancelled")
