"""The issue's "done when", end to end: a person builds the XOR network (Input 2 → Dense 4 tanh →
Dense 1 → Loss bce) with the mouse and keyboard alone, sees its shapes, saves it, closes, reopens it
unchanged, and can undo every step."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QSpinBox

from engine.fileformat import load


def settle(qtbot) -> None:
    qtbot.wait(5)
    QApplication.processEvents()


def node_named(window, type_name, nth=0):
    return [n for n in window.document.graph if n.type == type_name][nth]


def select_by_click(window, mouse, node) -> None:
    item = window.scene.node_item(node.id)
    mouse.click(item.sceneBoundingRect().center())
    assert window.inspector.current_node() == node.id


def type_into_spin(qtbot, spin: QSpinBox, text: str) -> None:
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, text)
    qtbot.keyClick(spin, Qt.Key.Key_Return)


def choose(qtbot, combo: QComboBox, text: str) -> None:
    combo.setFocus()
    index = combo.findText(text)
    assert index >= 0, f"{text!r} not offered"
    while combo.currentIndex() != index:  # arrow keys, as a keyboard user would
        qtbot.keyClick(combo, Qt.Key.Key_Down if combo.currentIndex() < index else Qt.Key.Key_Up)


def test_build_xor_by_hand_save_close_reopen_and_undo_everything(main_window, qtbot, view_mouse, monkeypatch,
                                                                 tmp_path):
    window = main_window
    window.new_document()
    mouse = view_mouse(window.view)
    window.view.zoom_reset()
    window.view.centerOn(450, 100)
    settle(qtbot)

    # 1. Drag four layers from the palette onto the canvas (the palette's own drag data).
    for type_name, x in (("Input", 100), ("Dense", 330), ("Dense", 560), ("Loss", 790)):
        assert mouse.drop(window.palette_panel.mime_for(type_name), (x, 100))
    settle(qtbot)
    graph = window.document.graph
    inp, h, o, loss = (node_named(window, "Input"), node_named(window, "Dense", 0), node_named(window, "Dense", 1),
                       node_named(window, "Loss"))

    # 2. Wire them by dragging from each output port to the next input port.
    for a, b in ((inp, h), (h, o), (o, loss)):
        start = window.scene.node_item(a.id).port_scene_pos("out", False)
        end = window.scene.node_item(b.id).port_scene_pos("in", True)
        mouse.drag(start, end)
    assert len(graph.edges) == 3

    # 3. Set the parameters in the inspector, after selecting each node with a click.
    select_by_click(window, mouse, h)
    type_into_spin(qtbot, window.inspector.editor("units").widget, "4")
    choose(qtbot, window.inspector.editor("activation").widget, "tanh")
    select_by_click(window, mouse, o)
    type_into_spin(qtbot, window.inspector.editor("units").widget, "1")
    choose(qtbot, window.inspector.editor("activation").widget, "sigmoid")
    select_by_click(window, mouse, loss)
    choose(qtbot, window.inspector.editor("function").widget, "bce")
    settle(qtbot)
    assert (h.params["units"], h.params["activation"]) == (4, "tanh")
    assert (o.params["units"], o.params["activation"]) == (1, "sigmoid")
    assert loss.params["function"] == "bce"

    # 4. The shapes show on the canvas and the network is valid.
    assert window.scene.node_item(h.id).shape_text == "(4,)"
    assert window.scene.node_item(o.id).shape_text == "(1,)"
    assert window.document.analysis.trainable
    assert "Ready to train" in window.status_validity.text()

    # 5. Every step can be undone, and redone.
    steps = window.document.undo_stack.count()
    assert steps >= 4 + 3 + 5
    built = graph.to_dict()
    for _ in range(steps):
        qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(graph) == 0 and not window.document.undo_stack.canUndo()
    for _ in range(steps):
        window.document.undo_stack.redo()
    assert graph.to_dict() == built

    # 6. Save (Ctrl+S on an untitled network asks for a name), close, reopen: unchanged.
    target = tmp_path / "xor.nnd"
    monkeypatch.setattr(type(window), "_get_save_path", lambda self, *a: str(target))
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert target.exists() and not window.document.modified
    assert "xor.nnd" in window.windowTitle()
    assert window.close_document()
    assert window.open_path(target)
    assert window.document.graph.to_dict() == built
    assert load(target).graph.to_dict() == built
