"""Edit, View and Help actions of the main window: enabled states, undo texts, keyboard shortcuts,
the status bar, and the wiring between canvas, palette, inspector and issues."""

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QApplication, QMenu

from gui.dialogs.shortcuts import ShortcutsDialog
from gui.editor.commands import MoveNodesCommand
from gui.main_window import MainWindow


@pytest.fixture
def window(main_window, qtbot):
    """The main window on the XOR example, active, the canvas focused (for keyboard shortcuts)."""
    w = main_window
    w.open_example()
    w.activateWindow()
    qtbot.waitActive(w)
    w.view.setFocus()
    return w


def act(window, name) -> QAction:
    return window.findChild(QAction, name)


def ids(window):
    return [n.id for n in window.document.graph]


def key(qtbot, window, k, mods=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(window.view, k, mods)


def test_undo_redo_follow_the_stack(window, qtbot):
    undo, redo = act(window, "actionUndo"), act(window, "actionRedo")
    assert not undo.isEnabled() and not redo.isEnabled()
    assert undo.text() == "&Undo"
    graph = window.document.graph
    first = graph.nodes[0]
    window.document.push(MoveNodesCommand(graph, {first.id: (first.pos, (first.pos[0] + 40, first.pos[1]))}))
    assert undo.isEnabled() and not redo.isEnabled()
    assert undo.text().replace("&", "") == "Undo Move node"
    assert window.isWindowModified()

    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert graph.nodes[0].pos == (0.0, 0.0)
    assert not undo.isEnabled() and redo.isEnabled()
    assert redo.text().replace("&", "") == "Redo Move node"
    assert not window.isWindowModified()

    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert graph.nodes[0].pos == (40.0, 0.0)
    undo.trigger()
    key(qtbot, window, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert graph.nodes[0].pos == (40.0, 0.0)
    assert undo.isEnabled() and not redo.isEnabled()


def test_selection_actions_need_a_selection(window, qtbot):
    names = ("actionCut", "actionCopy", "actionDelete", "actionDuplicate")
    assert not any(act(window, n).isEnabled() for n in names)
    window.scene.select_nodes(ids(window)[1:2])
    assert all(act(window, n).isEnabled() for n in names)
    assert window.inspector.current_node() == ids(window)[1]

    act(window, "actionDuplicate").trigger()
    assert len(window.document.graph) == 5
    key(qtbot, window, Qt.Key.Key_Delete)
    assert len(window.document.graph) == 4
    window.scene.select_nodes([])
    assert not any(act(window, n).isEnabled() for n in names)

    key(qtbot, window, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert sorted(window.scene.selected_node_ids()) == sorted(ids(window))
    key(qtbot, window, Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier)
    assert len(window.document.graph) == 0
    assert not act(window, "actionSelectAll").isEnabled()
    assert not act(window, "actionAutoLayout").isEnabled()
    assert act(window, "actionPaste").isEnabled()
    key(qtbot, window, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert len(window.document.graph) == 4
    assert len(window.document.graph.edges) == 3


def test_paste_follows_the_clipboard(window):
    paste = act(window, "actionPaste")
    QGuiApplication.clipboard().setMimeData(QMimeData())
    assert not paste.isEnabled()
    window.scene.select_nodes(ids(window)[:2])
    act(window, "actionCopy").trigger()
    assert paste.isEnabled()
    QGuiApplication.clipboard().setText("just text")
    assert not paste.isEnabled()


def test_zoom_and_layout_actions(window, qtbot):
    view = window.view
    key(qtbot, window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom_factor() == pytest.approx(1.0)
    key(qtbot, window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom_factor() > 1.0
    key(qtbot, window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    key(qtbot, window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom_factor() < 1.0
    act(window, "actionZoomFit").trigger()
    assert view.zoom_factor() == pytest.approx(view.zoom_fit())

    graph = window.document.graph
    window.document.push(MoveNodesCommand(graph, {n.id: (n.pos, (n.pos[0], i * 90.0)) for i, n in enumerate(graph)}))
    key(qtbot, window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.document.undo_stack.undoText() == "Auto-layout"
    assert len({n.pos[1] for n in graph}) == 1  # a chain: one row again


def test_status_bar_counts_and_validity(window, qtbot):
    assert window.status_nodes.text() == "4 nodes"
    assert window.status_params.text() == "17 parameters"
    assert window.status_validity.text() == "✓ Ready to train"
    loss = next(n.id for n in window.document.graph if n.type == "Loss")
    window.scene.select_nodes([loss])
    act(window, "actionDelete").trigger()
    qtbot.waitUntil(lambda: window.status_nodes.text() == "3 nodes")
    assert window.status_validity.text() == "✗ Not ready to train"
    assert "Loss" in window.status_validity.toolTip()

    window.document.undo_stack.undo()
    hidden = next(n.id for n in window.document.graph if n.type == "Dense")
    window.scene.select_nodes([hidden])
    act(window, "actionDelete").trigger()  # the output layer loses its input
    qtbot.waitUntil(lambda: "error" in window.status_validity.text())
    errors = len(window.document.analysis.errors)
    assert window.status_validity.text() == f"✗ {errors} error{'s' if errors > 1 else ''}"
    assert window.status_params.text() == "? parameters"  # the output layer's input size is unknown
    assert window.issues_dock.windowTitle().startswith(f"Issues ({errors} error")


def test_scene_messages_reach_the_status_bar(window):
    window.scene.statusMessage.emit("That port is taken")
    assert window.statusBar().currentMessage() == "That port is taken"


def test_palette_adds_at_the_centre_and_selects(window, qtbot):
    before = set(ids(window))
    window.palette_panel.addRequested.emit("Dropout")
    (new,) = set(ids(window)) - before
    assert window.document.graph.node(new).type == "Dropout"
    assert window.scene.selected_node_ids() == [new]
    assert window.inspector.current_node() == new
    item = window.scene.node_item(new)
    centre = window.view.mapToScene(window.view.viewport().rect().center())
    assert item.sceneBoundingRect().contains(centre)


def test_clicking_an_issue_selects_and_centres_its_node(window, qtbot):
    dense = next(n.id for n in window.document.graph if n.type == "Dense")
    window.view.zoom_reset()
    window.view.centerOn(5000, 5000)
    window.issues.nodeRequested.emit(dense)
    assert window.scene.selected_node_ids() == [dense]
    centre = window.view.mapToScene(window.view.viewport().rect().center())
    assert window.scene.node_item(dense).sceneBoundingRect().adjusted(-5, -5, 5, 5).contains(centre)


def test_title_follows_modified(window):
    assert window.windowTitle() == "xor (example)[*] — NeuroCanvas"
    assert not window.isWindowModified()
    window.scene.add_node("Dense", QPointF(0, 300))
    assert window.isWindowModified()
    window.document.undo_stack.undo()
    assert not window.isWindowModified()


def test_shortcuts_dialog_lists_every_action(window, qtbot):
    key(qtbot, window, Qt.Key.Key_F1)
    dialog = window.findChild(ShortcutsDialog, "shortcutsDialog")
    assert dialog is not None and dialog.isVisible()
    rows = dialog.rows()
    assert list(rows)[:5] == ["File", "Edit", "View", "Train", "Help"]
    assert ("Save", "Ctrl+S") in rows["File"]
    assert ("Undo", "Ctrl+Z") in rows["Edit"]
    assert ("Redo", "Ctrl+Shift+Z or Ctrl+Y") in rows["Edit"]
    assert ("Zoom to Fit", "Ctrl+0 or F") in rows["View"]
    assert ("Keyboard Shortcuts", "F1 or Ctrl+/") in rows["Help"]
    listed = {label for group in rows.values() for label, _ in group}
    for action in window.findChildren(QAction):
        if action.objectName().startswith("action") and action.shortcuts():
            assert (action.data() or action.text().replace("&", "").rstrip("…")) in listed, action.objectName()
    dialog.filter.setText("paste")
    visible = [dialog.tree.topLevelItem(i) for i in range(dialog.tree.topLevelItemCount())
               if not dialog.tree.topLevelItem(i).isHidden()]
    assert [g.text(0) for g in visible] == ["Edit"]
    dialog.close()


def test_dock_toggles(window):
    for dock_name, toggle in (("paletteDock", "actionShowPalette"), ("inspectorDock", "actionShowInspector"),
                              ("issuesDock", "actionShowIssues")):
        dock = getattr(window, {"paletteDock": "palette_dock", "inspectorDock": "inspector_dock",
                                "issuesDock": "issues_dock"}[dock_name])
        act(window, toggle).trigger()
        assert not dock.isVisible()
        act(window, toggle).trigger()
        assert dock.isVisible()


def test_new_window_action(window, qtbot):
    act(window, "actionNewWindow").trigger()
    others = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w is not window
              and w.isVisible()]
    assert len(others) == 1
    assert others[0].windowTitle() == "Untitled[*] — NeuroCanvas"
    assert others[0].testAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    others[0].close()


def test_delete_is_enabled_for_a_selected_wire(window):
    delete = act(window, "actionDelete")
    edge_item = next(iter(window.scene.edge_items()))
    edge_item.setSelected(True)
    window.findChild(QMenu, "menuEdit").aboutToShow.emit()
    assert delete.isEnabled()
    delete.trigger()
    assert len(window.document.graph.edges) == 2
    assert window.document.undo_stack.undoText() == "Delete wire"
