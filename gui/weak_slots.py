"""Signal connections that do not keep, or outlive, their receiver.

PySide6 (seen on 6.11) raises "AttributeError: Slot 'CanvasScene::' not found" from the event loop
when a signal reaches a bound method of a QObject that is half torn down (its Python wrapper is being
collected, or the C++ object is gone while a long-lived sender still fires). A plain function that
looks the receiver up through a weak reference, and checks that the C++ side is still valid, makes
such a late signal a no-op instead.
"""
from __future__ import annotations

import weakref
from typing import Any, Callable

import shiboken6


def connect_weak(signal: Any, receiver: object, method: str) -> Callable[..., None]:
    """Connect ``signal`` to ``receiver.<method>`` without a strong reference; returns the slot
    (pass it to ``signal.disconnect`` to undo)."""
    ref = weakref.ref(receiver)

    def slot(*args: Any) -> None:
        target = ref()
        if target is None or not shiboken6.isValid(target):
            return
        getattr(target, method)(*args)

    signal.connect(slot)
    return slot
