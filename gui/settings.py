"""Persistent user settings: recent files, window geometry and dock layout (QSettings, INI format).

Everything goes through ``settings()``, an INI file in the user scope. Its folder follows
``QSettings.setPath(IniFormat, UserScope, folder)``, which the test suite points at a temporary
folder so tests never touch the real user settings.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMainWindow

ORGANIZATION = "NeuroCanvas"
APPLICATION = "NeuroCanvas"
MAX_RECENT = 10
RECENT_KEY = "recentFiles"
GEOMETRY_KEY = "mainWindow/geometry"
STATE_KEY = "mainWindow/state"
# Bump when the docks or toolbars change, so an old layout is not restored: the window then lays its
# docks out as on a first start (a dock missing from an old layout would stay hidden). 2: the
# Classification dock.
STATE_VERSION = 2


def settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


# ---- recent files ------------------------------------------------------------------------
def _read_list(store: QSettings, key: str) -> list[str]:
    value = store.value(key, [])
    if value is None:
        return []
    if isinstance(value, str):  # QSettings gives a bare string for a one-item list
        return [value] if value else []
    return [str(v) for v in value if v]


def recent_files() -> list[str]:
    """Recently opened or saved files, newest first; files that no longer exist are pruned."""
    store = settings()
    paths = _read_list(store, RECENT_KEY)
    alive = [p for p in paths if Path(p).is_file()]
    if alive != paths:
        store.setValue(RECENT_KEY, alive)
    return alive


def add_recent_file(path: str | Path) -> None:
    path = str(Path(path).resolve())
    store = settings()
    paths = [p for p in _read_list(store, RECENT_KEY) if p != path]
    store.setValue(RECENT_KEY, [path, *paths][:MAX_RECENT])


def remove_recent_file(path: str | Path) -> None:
    path = str(Path(path).resolve())
    store = settings()
    store.setValue(RECENT_KEY, [p for p in _read_list(store, RECENT_KEY) if p != path])


def clear_recent_files() -> None:
    settings().setValue(RECENT_KEY, [])


# ---- window layout -----------------------------------------------------------------------
def save_window_layout(window: QMainWindow) -> None:
    store = settings()
    store.setValue(GEOMETRY_KEY, window.saveGeometry())
    store.setValue(STATE_KEY, window.saveState(STATE_VERSION))


def restore_window_layout(window: QMainWindow) -> bool:
    """Restore the last saved geometry and dock/toolbar layout; False when the layout was not restored
    (none saved, or saved by a version with other docks): the window then arranges its docks."""
    store = settings()
    geometry = store.value(GEOMETRY_KEY)
    state = store.value(STATE_KEY)
    restored = bool(geometry) and window.restoreGeometry(geometry)
    state_restored = bool(state) and window.restoreState(state, STATE_VERSION)
    return restored and state_restored


# ---- last folder ------------------------------------------------------------------------
def last_folder() -> str:
    value = settings().value("lastFolder", "")
    return str(value) if value and Path(str(value)).is_dir() else ""


def set_last_folder(folder: str | Path) -> None:
    settings().setValue("lastFolder", str(folder))
