"""Copy and paste of graph fragments through the system clipboard (so it works across windows).

The clipboard carries the file format's graph form ({"nodes": [...], "edges": [...]}) as JSON under
our own MIME type, plus the same JSON as text for anyone pasting into an editor.
"""
from __future__ import annotations

import atexit
import json
from typing import Any

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication

from engine.file_sections import Problems, read_graph

MIME_TYPE = "application/x-neurocanvas-fragment"
FORMAT_TAG = "neurocanvas.fragment"


def copy_fragment(fragment: dict[str, Any]) -> None:
    payload = json.dumps({"format": FORMAT_TAG, "graph": fragment}, ensure_ascii=False)
    mime = QMimeData()
    mime.setData(MIME_TYPE, payload.encode("utf-8"))
    mime.setText(payload)
    QGuiApplication.clipboard().setMimeData(mime)
    _clear_at_exit()


_exit_hook_registered = False


def _clear_at_exit() -> None:
    """Empty the clipboard before Python shuts down if it still holds our data.

    PySide6 (seen on 6.11): a QMimeData made in Python and given to the clipboard is deleted by a Qt
    static destructor after the interpreter is gone, and the wrapper's callback then crashes the
    process at exit (SIGSEGV in Shiboken::Object::destroy). Clearing it while Python still runs
    avoids that; the cost is that the copied layers do not outlive the app.
    """
    global _exit_hook_registered
    if not _exit_hook_registered:
        _exit_hook_registered = True
        atexit.register(_clear_if_ours)


def _clear_if_ours() -> None:
    if QGuiApplication.instance() is None:
        return
    clipboard = QGuiApplication.clipboard()
    mime = clipboard.mimeData()
    if mime is not None and mime.hasFormat(MIME_TYPE):
        clipboard.clear()


def paste_fragment() -> dict[str, Any] | None:
    """The fragment on the clipboard, or None when there is none (or it is not ours)."""
    mime = QGuiApplication.clipboard().mimeData()
    if mime is None:
        return None
    if mime.hasFormat(MIME_TYPE):
        raw = bytes(mime.data(MIME_TYPE)).decode("utf-8", errors="replace")
    elif mime.hasText():
        raw = mime.text()
    else:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT_TAG or not isinstance(data.get("graph"), dict):
        return None
    # Read it like a file: anything malformed is skipped, so what we return is always valid.
    graph = read_graph(data["graph"], Problems())
    return graph.to_dict() if len(graph) else None


def has_fragment() -> bool:
    return paste_fragment() is not None
