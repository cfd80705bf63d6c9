"""Crash recovery: unsaved work is auto-saved to a recovery file, removed on save, discard and clean
close, and offered back at the next start after a crash."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication

import engine
from gui import recovery
from gui.app import start
from gui.main_window import MainWindow

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


@pytest.fixture
def dead_pid():
    """The id of a process that has finished (as after a crash)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    assert not recovery.pid_alive(proc.pid)
    return proc.pid


@pytest.fixture
def window(main_window):
    return main_window  # a shown MainWindow with a new, empty network (conftest)


def recovery_files(folder):
    return sorted(p.name for p in Path(folder).glob("*")) if Path(folder).exists() else []


def crash(window, pid):
    """Leave the window's recovery file behind as a crashed process would: owned by a dead pid."""
    window.autosaver.write_now()
    sidecar = window.autosaver.file.with_suffix(".json")
    data = json.loads(sidecar.read_text())
    data["pid"] = pid
    sidecar.write_text(json.dumps(data))
    window.autosaver._file = window.autosaver.file.with_name("moved-on.nnd")  # the "dead" window lets go


def test_unsaved_changes_are_autosaved_after_a_pause(window, qtbot, isolated_user_files):
    folder = isolated_user_files["recovery"]
    window.autosaver._debounce.setInterval(20)
    window.open_example()
    assert recovery_files(folder) == []  # nothing unsaved yet
    window.scene.add_node("Dense", QPointF(300, 200))
    qtbot.waitUntil(lambda: window.autosaver.exists, timeout=10000)
    sidecar = json.loads(window.autosaver.file.with_suffix(".json").read_text())
    assert sidecar["pid"] == os.getpid()
    assert sidecar["title"] == "xor (example)"
    assert sidecar["original_path"] is None
    assert len(engine.load(window.autosaver.file).graph) == 5
    assert recovery.pending() == []  # this process is alive: nothing to offer


def test_recovery_file_removed_on_save(window, qtbot, tmp_path, monkeypatch):
    path = tmp_path / "net.nnd"
    shutil.copy(EXAMPLES / "xor.nnd", path)
    window.open_path(path)
    window.scene.add_node("Dense", QPointF(300, 200))
    window.autosaver.write_now()
    assert window.autosaver.exists
    window.findChild(QAction, "actionSave").trigger()
    assert not window.autosaver.exists
    assert not window.autosaver.file.with_suffix(".json").exists()


def test_recovery_file_removed_on_discard_and_on_undo_to_clean(window, qtbot):
    window.open_example()
    window.scene.add_node("Dense", QPointF(300, 200))
    window.autosaver.write_now()
    assert window.autosaver.exists
    window.findChild(QAction, "actionUndo").trigger()  # back to the saved state: nothing to recover
    assert not window.autosaver.exists

    window.scene.add_node("Dense", QPointF(300, 200))
    window.autosaver.write_now()
    first = window.autosaver.file
    window.findChild(QAction, "actionNew").trigger()  # conftest answers "discard"
    assert not first.exists()


def test_recovery_file_removed_on_clean_close(window, isolated_user_files):
    window.open_example()
    window.scene.add_node("Dense", QPointF(300, 200))
    window.autosaver.write_now()
    assert recovery_files(isolated_user_files["recovery"])
    assert window.close()
    assert recovery_files(isolated_user_files["recovery"]) == []


def test_restore_after_a_crash(window, qtbot, monkeypatch, dead_pid, tmp_path):
    path = tmp_path / "mine.nnd"
    shutil.copy(EXAMPLES / "xor.nnd", path)
    window.open_path(path)
    window.scene.add_node("Dense", QPointF(300, 200))
    window.scene.add_node("Dropout", QPointF(300, 300))
    unsaved = window.document.graph.to_dict()
    crash(window, dead_pid)

    offered = []
    monkeypatch.setattr(MainWindow, "_ask_restore", lambda self, entry: offered.append(entry) or "restore")
    new = start()  # the next start: example first, then the offer
    qtbot.addWidget(new)
    qtbot.waitUntil(lambda: new.isWindowModified())
    assert [e.title for e in offered] == ["mine.nnd"]
    assert offered[0].when.startswith("today at ")
    assert new.document.graph.to_dict() == unsaved
    assert new.document.path == str(path)
    assert new.windowTitle() == "mine.nnd[*] — NeuroCanvas"
    assert not offered[0].file.exists()  # adopted: the new window keeps its own recovery file
    assert new.autosaver.exists

    assert new.save()  # Save writes back to the original file
    assert engine.load(path).graph.to_dict() == unsaved
    assert not new.autosaver.exists


def test_restore_untitled_work_keeps_its_name_and_stays_untitled(window, qtbot, monkeypatch, dead_pid):
    window.open_example()
    window.scene.add_node("Dense", QPointF(300, 200))
    unsaved = window.document.graph.to_dict()
    crash(window, dead_pid)
    monkeypatch.setattr(MainWindow, "_ask_restore", lambda self, entry: "restore")
    second = MainWindow()
    qtbot.addWidget(second)
    second.show()
    assert second.offer_recovery() == 1
    assert second.document.path is None
    assert second.document.graph.to_dict() == unsaved
    assert second.windowTitle() == "xor (example)[*] — NeuroCanvas"
    assert second.isWindowModified()


def test_discarding_the_offer_deletes_the_recovery(window, monkeypatch, dead_pid, isolated_user_files):
    window.open_example()
    window.scene.add_node("Dense", QPointF(300, 200))
    crash(window, dead_pid)
    assert len(recovery.pending()) == 1
    monkeypatch.setattr(MainWindow, "_ask_restore", lambda self, entry: "discard")
    assert window.offer_recovery() == 0
    assert recovery.pending() == []
    assert [p for p in recovery_files(isolated_user_files["recovery"]) if not p.startswith("moved-on")] == []


def test_keeping_the_offer_asks_again_next_time(window, dead_pid):
    window.open_example()
    window.scene.add_node("Dense", QPointF(300, 200))
    crash(window, dead_pid)
    assert window.offer_recovery() == 0  # conftest answers "keep"
    assert len(recovery.pending()) == 1


def test_restore_into_a_new_window_when_this_one_has_work(window, qtbot, monkeypatch, dead_pid):
    window.open_example()
    window.scene.add_node("Dense", QPointF(300, 200))
    crash(window, dead_pid)
    mine = window.document
    monkeypatch.setattr(MainWindow, "_ask_restore", lambda self, entry: "restore")
    assert window.offer_recovery() == 1
    assert window.document is mine
    spawned = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w is not window
               and w.isVisible()]
    assert len(spawned) == 1 and spawned[0].isWindowModified()
    spawned[0].close()


def test_csv_dataset_path_survives_recovery(window, qtbot, monkeypatch, dead_pid, tmp_path):
    folder = tmp_path / "project"
    folder.mkdir()
    shutil.copy(EXAMPLES / "perceptron.nnd", folder / "p.nnd")
    shutil.copy(EXAMPLES / "and.csv", folder / "and.csv")
    window.open_path(folder / "p.nnd")
    window.scene.add_node("Dense", QPointF(300, 200))
    crash(window, dead_pid)
    monkeypatch.setattr(MainWindow, "_ask_restore", lambda self, entry: "restore")
    second = MainWindow()
    qtbot.addWidget(second)
    assert second.offer_recovery() == 1
    assert second.document.doc.dataset["path"] == "and.csv"
    assert second.save()
    assert engine.load(folder / "p.nnd").dataset["path"] == "and.csv"


def test_unreadable_sidecars_are_ignored(isolated_user_files):
    folder = isolated_user_files["recovery"]
    folder.mkdir(parents=True)
    (folder / "x.json").write_text("not json")
    (folder / "y.json").write_text(json.dumps({"format": "neurocanvas.recovery", "pid": 1}))  # no .nnd
    assert recovery.pending() == []


def test_autosave_timers_run_only_while_modified(window):
    saver = window.autosaver
    assert saver._debounce.interval() == recovery.DEBOUNCE_MS == 2_000
    assert saver._periodic.interval() == recovery.INTERVAL_MS == 30_000
    window.open_example()
    assert not saver._debounce.isActive() and not saver._periodic.isActive()
    window.scene.add_node("Dense", QPointF(300, 200))
    assert saver._debounce.isActive() and saver._periodic.isActive()
    window.document.undo_stack.undo()
    assert not saver._debounce.isActive() and not saver._periodic.isActive()
