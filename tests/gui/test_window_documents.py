"""Documents in the main window: New, Open, Save, Save As, Close, the unsaved-changes prompt, load
problems, drops, recent files and the remembered window layout."""

import json
import os
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDockWidget, QMessageBox

import engine
from gui import settings
from gui.dialogs.problems import LoadProblemsDialog
from gui.main_window import MainWindow

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"
REAL_ASK_SAVE = MainWindow._ask_save  # conftest patches it for every test; one test uses the real one


@pytest.fixture
def xor_file(tmp_path):
    path = tmp_path / "xor.nnd"
    shutil.copy(EXAMPLES / "xor.nnd", path)
    return path


@pytest.fixture
def window(main_window):
    return main_window  # a shown MainWindow with a new, empty network (conftest)


def trigger(window, name):
    window.findChild(QAction, name).trigger()


def edit(window, kind="Dense"):
    """One undoable change through the canvas, as a person's edit would make it."""
    return window.scene.add_node(kind, QPointF(300, 200))


def answer(monkeypatch, reply, asked=None):
    def ask(self):
        if asked is not None:
            asked.append(self.windowTitle())
        return reply

    monkeypatch.setattr(MainWindow, "_ask_save", ask)


def save_to(monkeypatch, path):
    monkeypatch.setattr(MainWindow, "_get_save_path", lambda self, suggested: None if path is None else str(path))


# ---- open, edit, save -----------------------------------------------------------------------
def test_open_edit_save_reopen_gives_the_same_graph(window, monkeypatch, xor_file, qtbot):
    monkeypatch.setattr(MainWindow, "_get_open_path", lambda self: str(xor_file))
    trigger(window, "actionOpen")
    assert window.windowTitle() == "xor.nnd[*] — NeuroCanvas"
    assert not window.isWindowModified()
    assert len(window.document.graph) == 4

    edit(window)
    qtbot.waitUntil(lambda: window.status_nodes.text() == "5 nodes")
    assert window.isWindowModified()
    edited = window.document.graph.to_dict()

    trigger(window, "actionSave")
    assert not window.isWindowModified()
    assert engine.load(xor_file).graph.to_dict() == edited

    trigger(window, "actionClose")
    assert len(window.document.graph) == 0
    assert window.open_path(xor_file)
    assert window.document.graph.to_dict() == edited
    assert not window.isWindowModified()


def test_save_on_untitled_goes_to_save_as_and_adds_the_extension(window, monkeypatch, tmp_path, qtbot):
    edit(window, "Input")
    qtbot.waitUntil(window.isWindowModified)
    asked = []
    monkeypatch.setattr(MainWindow, "_get_save_path", lambda self, suggested: asked.append(suggested) or
                        str(tmp_path / "mine"))
    trigger(window, "actionSave")
    assert asked and asked[0].endswith("Untitled.nnd")
    assert (tmp_path / "mine.nnd").is_file()
    assert window.document.path == str(tmp_path / "mine.nnd")
    assert window.windowTitle() == "mine.nnd[*] — NeuroCanvas"
    assert not window.isWindowModified()
    assert settings.recent_files() == [str((tmp_path / "mine.nnd").resolve())]


def test_example_is_an_untitled_copy(window, monkeypatch, tmp_path):
    before = (EXAMPLES / "xor.nnd").read_bytes()
    window.findChild(QAction, "actionExample_xor").trigger()
    assert window.document.path is None
    assert window.windowTitle().startswith("xor")
    edit(window)
    save_to(monkeypatch, tmp_path / "copy.nnd")
    assert window.save()
    assert (tmp_path / "copy.nnd").is_file()
    assert (EXAMPLES / "xor.nnd").read_bytes() == before


def test_every_example_opens_without_problems(window):
    menu = window.examples_menu
    assert len(menu.actions()) >= 5
    for action in menu.actions():
        action.trigger()
        assert len(window.document.graph) > 0, action.text()
        assert window.document.problems == []
        assert window.status_validity.text().startswith("✓"), action.text()


def test_example_with_a_csv_dataset_keeps_finding_its_data(window, tmp_path, monkeypatch):
    window.open_example(EXAMPLES / "perceptron.nnd")
    csv = Path(window.document.doc.dataset["path"])
    assert csv.is_absolute() and csv.is_file()
    save_to(monkeypatch, tmp_path / "p.nnd")
    edit(window)
    assert window.save()
    saved = engine.load(tmp_path / "p.nnd").dataset["path"]
    assert (tmp_path / saved).resolve() == csv.resolve()


def test_save_error_keeps_the_document_modified(window, monkeypatch, tmp_path, qtbot):
    edit(window)
    qtbot.waitUntil(window.isWindowModified)
    save_to(monkeypatch, tmp_path / "no such folder" / "x.nnd")
    assert not window.save()
    assert window.isWindowModified() and window.document.modified
    box = window.findChild(QMessageBox, "errorBox")
    assert box is not None and "x.nnd" in box.text()
    box.close()


def test_cancelled_save_as_changes_nothing(window, monkeypatch, qtbot):
    edit(window)
    qtbot.waitUntil(window.isWindowModified)
    save_to(monkeypatch, None)
    trigger(window, "actionSaveAs")
    assert window.document.path is None and window.isWindowModified()


# ---- the unsaved-changes prompt -----------------------------------------------------------------
@pytest.mark.parametrize("action", ["actionNew", "actionOpen", "actionClose", "window close"])
def test_prompt_cancel_keeps_everything(window, monkeypatch, qtbot, action, xor_file):
    monkeypatch.setattr(MainWindow, "_get_open_path", lambda self: str(xor_file))
    edit(window)
    qtbot.waitUntil(window.isWindowModified)
    asked = []
    answer(monkeypatch, "cancel", asked)
    model = window.document
    if action == "window close":
        assert not window.close()
        assert window.isVisible()
    else:
        trigger(window, action)
    assert asked == ["Untitled[*] — NeuroCanvas"]
    assert window.document is model and len(model.graph) == 1 and window.isWindowModified()


@pytest.mark.parametrize("action", ["actionNew", "actionOpen", "actionClose", "window close"])
def test_prompt_discard_goes_on_without_saving(window, monkeypatch, qtbot, action, xor_file):
    monkeypatch.setattr(MainWindow, "_get_open_path", lambda self: str(xor_file))
    window.open_path(xor_file)
    edit(window)
    qtbot.waitUntil(window.isWindowModified)
    asked = []
    answer(monkeypatch, "discard", asked)
    if action == "window close":
        assert window.close()
        assert not window.isVisible()
    else:
        trigger(window, action)
        assert not window.isWindowModified()
    assert asked == ["xor.nnd[*] — NeuroCanvas"]
    assert len(engine.load(xor_file).graph) == 4  # the file was not touched


@pytest.mark.parametrize("action", ["actionNew", "actionOpen", "actionClose", "window close"])
def test_prompt_save_writes_then_goes_on(window, monkeypatch, qtbot, action, xor_file):
    monkeypatch.setattr(MainWindow, "_get_open_path", lambda self: str(EXAMPLES / "spiral.nnd"))
    window.open_path(xor_file)
    edit(window)
    qtbot.waitUntil(window.isWindowModified)
    answer(monkeypatch, "save")
    if action == "window close":
        assert window.close()
    else:
        trigger(window, action)
        assert not window.isWindowModified()
    assert len(engine.load(xor_file).graph) == 5


def test_prompt_save_on_untitled_asks_for_a_name_and_cancel_cancels(window, monkeypatch, qtbot):
    edit(window)
    qtbot.waitUntil(window.isWindowModified)
    answer(monkeypatch, "save")
    save_to(monkeypatch, None)
    assert not window.close()
    assert window.isVisible() and window.isWindowModified()


def test_no_prompt_without_changes(window, prompts, xor_file):
    window.open_path(xor_file)
    trigger(window, "actionNew")
    window.open_example()
    assert window.close()
    assert prompts == []


def test_real_prompt_dialog_discard(window, monkeypatch, qtbot):
    """The actual QMessageBox: Save, Discard and Cancel buttons, Discard answered by a click."""
    monkeypatch.setattr(MainWindow, "_ask_save", REAL_ASK_SAVE)
    edit(window)
    qtbot.waitUntil(window.isWindowModified)
    seen = {}

    def click_discard():
        box = QApplication.activeModalWidget()
        seen["box"] = box.objectName()
        seen["buttons"] = box.standardButtons()
        seen["text"] = box.text()
        box.button(QMessageBox.StandardButton.Discard).click()

    QTimer.singleShot(0, click_discard)
    trigger(window, "actionNew")
    assert seen["box"] == "unsavedChangesBox"
    assert "Untitled" in seen["text"]
    buttons = QMessageBox.StandardButton
    assert seen["buttons"] == buttons.Save | buttons.Discard | buttons.Cancel
    assert len(window.document.graph) == 0 and not window.isWindowModified()


# ---- files that do not load -----------------------------------------------------------------------
def test_broken_file_lists_each_problem(window, tmp_path):
    bad = tmp_path / "bad.nnd"
    bad.write_text(json.dumps({"format": "something.else", "version": "x", "graph": {}}))
    model = window.document
    assert not window.open_path(bad)
    assert window.document is model
    dialog = window.findChild(LoadProblemsDialog)
    assert dialog is not None and dialog.isVisible()
    problems = dialog.problems()
    assert len(problems) == 2
    assert any(p.startswith("format:") for p in problems)
    assert any(p.startswith("version:") for p in problems)
    assert dialog.list.count() == 2  # one row each, not one long line
    assert "bad.nnd" in dialog.windowTitle()
    dialog.close()


def test_partly_readable_file_opens_with_its_problems_listed(window, tmp_path, qtbot):
    data = json.loads((EXAMPLES / "xor.nnd").read_text())
    data["graph"]["edges"].append({"src": "nope", "src_port": "out", "dst": "gone", "dst_port": "in"})
    data["dtype"] = "float16"
    path = tmp_path / "partly.nnd"
    path.write_text(json.dumps(data))
    assert window.open_path(path)
    problems = window.document.problems
    assert len(problems) == 2
    assert len(window.document.graph) == 4
    assert "2 problems" in window.statusBar().currentMessage()
    dock = window.findChild(QDockWidget, "issuesDock")
    assert dock.isVisible()
    assert dock.windowTitle() == "Issues (2 warnings)"  # the panel counts load problems as warnings
    tree = window.issues.tree
    group = next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
                 if tree.topLevelItem(i).childCount())
    listed = [group.child(j).toolTip(1) for j in range(group.childCount())]
    assert listed == problems

    window.save()  # what was read is written back whole: the problems are gone
    assert window.document.problems == []
    assert dock.windowTitle() == "Issues"
    assert engine.load(path).problems == []


# ---- drops ---------------------------------------------------------------------------------------
def _drop(target, paths, qtbot):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = QPointF(target.width() / 2, target.height() / 2)
    enter = QDragEnterEvent(pos.toPoint(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, enter)
    drop = QDropEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, drop)
    return enter.isAccepted(), drop.isAccepted()


def test_dropping_a_network_file_on_the_window_opens_it(window, xor_file, qtbot, prompts):
    edit(window)
    qtbot.waitUntil(window.isWindowModified)
    assert _drop(window, [xor_file], qtbot) == (True, True)
    qtbot.waitUntil(lambda: window.document.path == str(xor_file))
    assert prompts == ["Untitled[*] — NeuroCanvas"]  # asked first: the edit was unsaved


def test_dropping_on_the_canvas_reaches_the_window(window, xor_file, qtbot):
    viewport = window.view.viewport()
    enter_ok, drop_ok = _drop(viewport, [xor_file], qtbot)
    assert enter_ok and drop_ok
    qtbot.waitUntil(lambda: window.document.path == str(xor_file))


def test_other_drops_are_refused(window, tmp_path, qtbot):
    other = tmp_path / "notes.txt"
    other.write_text("hi")
    assert _drop(window, [other], qtbot) == (False, False)


# ---- recent files, layout -------------------------------------------------------------------------
def test_recent_files_persist_newest_first_and_are_pruned(window, tmp_path, qtbot, isolated_user_files):
    files = []
    for i in range(12):
        p = tmp_path / f"net{i}.nnd"
        shutil.copy(EXAMPLES / "xor.nnd", p)
        files.append(p)
        assert window.open_path(p)
    recent = settings.recent_files()
    assert recent == [str(p.resolve()) for p in reversed(files)][: settings.MAX_RECENT]
    assert any(isolated_user_files["settings"].rglob("*.ini"))  # in the test's folder, not the user's

    os.remove(files[11])
    window.rebuild_recent_menu()
    labels = [a.text() for a in window.recent_menu.actions() if a.data()]
    assert labels[0] == "&1 net10.nnd"
    assert len(labels) == settings.MAX_RECENT - 1
    window.recent_menu.actions()[0].trigger()
    assert window.document.path == str(files[10].resolve())

    window.findChild(QAction, "actionClearRecent").trigger()
    assert settings.recent_files() == []
    window.rebuild_recent_menu()
    assert [a.text() for a in window.recent_menu.actions() if not a.isSeparator()][0] == "No Recent Files"


def test_missing_recent_file_is_removed_when_opened(window, tmp_path):
    p = tmp_path / "gone.nnd"
    shutil.copy(EXAMPLES / "xor.nnd", p)
    window.open_path(p)
    p.unlink()
    assert not window.open_path(p)
    assert settings.recent_files() == []
    window.findChild(LoadProblemsDialog).close()


def test_geometry_and_dock_layout_are_remembered(qtbot):
    first = MainWindow()
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    first.resize(700, 520)
    first.findChild(QDockWidget, "issuesDock").hide()
    qtbot.wait(10)
    assert first.close()

    second = MainWindow()
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    assert (second.width(), second.height()) == (700, 520)
    assert not second.findChild(QDockWidget, "issuesDock").isVisible()
    assert second.findChild(QDockWidget, "paletteDock").isVisible()
    toggle = second.findChild(QAction, "actionShowIssues")
    toggle.trigger()
    assert second.findChild(QDockWidget, "issuesDock").isVisible()


def test_new_window_and_copy_paste_across_windows(window, qtbot):
    window.open_example()
    other = window.findChild(QAction, "actionNewWindow")
    other.trigger()
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
    second = next(w for w in windows if w is not window)
    try:
        assert len(second.document.graph) == 0
        window.scene.select_all()
        trigger(window, "actionCopy")
        assert second.action_paste.isEnabled()
        second.action_paste.trigger()
        assert len(second.document.graph) == 4
        assert {n.type for n in second.document.graph} == {"Input", "Dense", "Loss"}
        assert second.isWindowModified() and not window.isWindowModified()
    finally:
        second.close()
