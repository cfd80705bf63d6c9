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
    # at the centre, or (the XOR network sits there) the nearest free spot to it
    assert (item.sceneBoundingRect().center() - centre).manhattanLength() < 250
    others = [window.scene.node_item(n).sceneBoundingRect() for n in before]
    assert not any(item.sceneBoundingRect().intersects(r) for r in others)


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


def test_an_empty_network_is_not_an_error_in_the_status_bar(window, qtbot):
    """File → New: the status bar says what to do first, in the neutral text colour (not red)."""
    from gui.panels.theme import status_color

    act(window, "actionNew").trigger()
    assert len(window.document.graph) == 0
    label = window.status_validity
    assert label.text() == "Empty network — add an Input node"
    red = status_color(label.palette(), "error")
    assert label.palette().color(label.foregroundRole()) != red
    assert "Not ready" not in label.text() and "✗" not in label.text()
    window.add_layer_at_centre("Input")  # the first node: the usual validity again
    qtbot.waitUntil(lambda: label.text().startswith("✗"))
    assert label.palette().color(label.foregroundRole()) == red


def test_layers_added_from_the_palette_land_beside_the_network_not_on_it(window, qtbot):
    """Double-clicking palette entries on the XOR example adds each layer near the middle of the view,
    on a free spot: no card covers another."""
    palette = window.palette_panel
    before = set(ids(window))
    pos = palette.tree.visualItemRect(palette.item_for("Dense")).center()
    for _ in range(3):  # press-release, then the double-click, as a mouse delivers them
        qtbot.mouseClick(palette.tree.viewport(), Qt.MouseButton.LeftButton, pos=pos)
        qtbot.mouseDClick(palette.tree.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    added = set(ids(window)) - before
    assert len(added) == 3
    rects = {nid: window.scene.node_item(nid).sceneBoundingRect() for nid in ids(window)}
    overlapping = [(a, b) for a in rects for b in rects if a < b and rects[a].intersects(rects[b])]
    assert overlapping == []
    centre = window.view.visible_center()
    for nid in added:  # near where they were asked for (within a few card heights)
        r = rects[nid]
        assert abs(r.center().x() - centre.x()) < 400 and abs(r.center().y() - centre.y()) < 400


def _in_front(dock) -> bool:
    """A tabbed dock is in front when any of it shows (the others are covered, not hidden)."""
    return dock.isVisible() and not dock.visibleRegion().isEmpty()


def test_clicking_a_node_brings_the_inspector_tab_to_the_front(window, qtbot, view_mouse):
    """The Inspector is tabbed behind Training by default: a click on one node raises it; a selection
    made otherwise (undo, code, a drag of the node, Ctrl+click) leaves the tabs alone."""
    training, inspector = window.training.training_dock, window.inspector_dock
    qtbot.waitUntil(lambda: inspector in window.tabifiedDockWidgets(training))
    training.raise_()
    qtbot.waitUntil(lambda: _in_front(training) and not _in_front(inspector))
    mouse = view_mouse(window.view)
    dense = next(n for n in window.document.graph if n.type == "Dense")
    centre = window.scene.node_item(dense.id).sceneBoundingRect().center()

    window.scene.select_nodes([dense.id])  # selected by code: no tab change
    qtbot.wait(50)
    assert _in_front(training) and not _in_front(inspector)
    window.scene.clearSelection()
    mouse.drag(centre, centre + QPointF(60, 40))  # a drag moves the node: no tab change either
    assert window.document.undo_stack.undoText() == "Move node"
    assert not _in_front(inspector)
    window.document.undo_stack.undo()  # the undo changes nothing about the tabs
    assert not _in_front(inspector)

    window.scene.clearSelection()
    mouse.click(centre)
    qtbot.waitUntil(lambda: _in_front(inspector))
    assert window.scene.selected_node_ids() == [dense.id] and window.inspector.current_node() == dense.id
    assert not _in_front(training)

    training.raise_()
    qtbot.waitUntil(lambda: not _in_front(inspector))
    other = next(n for n in window.document.graph if n.type == "Loss")
    mouse.click(window.scene.node_item(other.id).sceneBoundingRect().center(), Qt.KeyboardModifier.ControlModifier)
    assert len(window.scene.selected_node_ids()) == 2  # Ctrl+click adds to the selection: tabs stay
    qtbot.wait(50)
    assert not _in_front(inspector)


def test_single_key_shortcuts_belong_to_the_canvas(window, qtbot, view_mouse):
    """Delete and F act on the canvas only: with a node selected, Delete pressed in the Layers list
    deletes nothing and F there does not zoom (the list gets the key: its type-ahead); on the canvas
    both work, and Ctrl+0 still fits from anywhere. The menus keep showing the keys."""
    mouse = view_mouse(window.view)
    dense = next(n for n in window.document.graph if n.type == "Dense")
    mouse.click(window.scene.node_item(dense.id).sceneBoundingRect().center())
    assert window.scene.selected_node_ids() == [dense.id]
    window.view.zoom_reset()
    window.view.zoom_in()
    zoom = window.view.zoom_factor()

    tree = window.palette_panel.tree
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualItemRect(tree.topLevelItem(0)).center())
    assert QApplication.focusWidget() is tree
    count = len(window.document.graph)
    qtbot.keyClick(tree, Qt.Key.Key_Delete)
    assert len(window.document.graph) == count and dense.id in window.document.graph
    qtbot.keyClick(tree, Qt.Key.Key_F)
    assert window.view.zoom_factor() == zoom
    assert tree.currentItem().text(0).strip().lower().startswith("f")  # the list's type-ahead had the F
    qtbot.keyClick(tree, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)  # Ctrl+0 fits from anywhere
    assert window.view.zoom_factor() == pytest.approx(window.view.zoom_fit())

    window.view.zoom_in()
    window.view.setFocus()
    zoom = window.view.zoom_factor()
    qtbot.keyClick(window.view, Qt.Key.Key_F)
    assert window.view.zoom_factor() != zoom and window.view.zoom_factor() == pytest.approx(window.view.zoom_fit())
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert dense.id not in window.document.graph and len(window.document.graph) == count - 1

    edit = window.findChild(QMenu, "menuEdit")
    delete = act(window, "actionDelete")
    assert delete in edit.actions() and [k.toString() for k in delete.shortcuts()] == ["Del"]
    assert [k.toString() for k in act(window, "actionZoomFit").shortcuts()] == ["Ctrl+0", "F"]
