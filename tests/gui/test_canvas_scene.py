"""The canvas scene's API and how it mirrors the model: direct graph edits, undo/redo, clipboard,
auto-layout, analysis badges and parameter counts."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QApplication

from engine.graph import Edge
from gui.document import DocumentModel
from gui.editor.scene import CanvasScene
from gui.editor.view import CanvasView


@pytest.fixture
def doc(qtbot):
    document = DocumentModel()
    yield document
    document.close()


@pytest.fixture
def scene(doc):
    s = CanvasScene(doc)
    yield s
    s.detach()


def settle(qtbot) -> None:
    qtbot.wait(1)
    QApplication.processEvents()


def test_scene_mirrors_direct_model_changes(doc, scene):
    g = doc.graph
    a = g.add_node("Input", pos=(0, 0), shape=[2])
    b = g.add_node("Add", pos=(200, 0))
    item = scene.node_item(b.id)
    assert item is not None and item.pos() == QPointF(200, 0)
    assert list(item.inputs) == ["in1", "in2"] and list(item.outputs) == ["out"]
    g.connect(a, b, "out", "in2")
    assert scene.edge_item(Edge(a.id, "out", b.id, "in2")) is not None
    assert item.port("in2", True).connected and not item.port("in1", True).connected

    g.rename(b, "merge")
    assert item.name == "merge"
    g.set_params(b, inputs=4)                      # ports follow the parameters
    assert list(item.inputs) == ["in1", "in2", "in3", "in4"]
    assert item.summary == "Add · 4 inputs"
    edge = scene.edge_item(g.edges[0])
    assert edge.path().pointAtPercent(1) == item.port_scene_pos("in2", True)
    g.set_pos(b, 330.0, 47.0)                      # the model is the truth: no snapping
    assert item.pos() == QPointF(330, 47)
    assert edge.path().pointAtPercent(1) == item.port_scene_pos("in2", True)
    g.remove_node(a)
    assert scene.node_item(a.id) is None and not list(scene.edge_items())
    assert not item.port("in2", True).connected
    g.clear()
    assert scene.is_empty and not scene.items()


def test_scene_follows_undo_and_redo(doc, scene):
    ids = [scene.add_node(t, (200 * i, 0)) for i, t in enumerate(("Input", "Dense", "Loss"))]
    assert scene.selected_node_ids() == [ids[-1]]          # a new node is selected
    stack = doc.undo_stack
    scene.select_nodes(ids[1:2])
    assert scene.delete_selection()
    assert scene.node_item(ids[1]) is None
    stack.undo()
    assert scene.node_item(ids[1]) is not None
    while stack.canUndo():
        stack.undo()
    assert not list(scene.node_items())
    while stack.canRedo():
        stack.redo()
    assert [i.node_id for i in scene.node_items()] == [ids[0], ids[2]]  # the delete was redone too


def test_add_node_snaps_and_add_node_at_centres_without_stacking(doc, scene):
    nid = scene.add_node("Dense", QPointF(13, 27), {"units": 3})
    node = doc.graph.node(nid)
    assert node.pos == (10.0, 30.0) and node.params["units"] == 3
    first = scene.add_node_at("Dense", (500, 500))
    second = scene.add_node_at("Dense", (500, 500))
    third = scene.add_node_at("Dense", (500, 500))
    assert scene.node_item(first).sceneBoundingRect().contains(QPointF(500, 500))
    rects = [scene.node_item(n).sceneBoundingRect() for n in (nid, first, second, third)]
    assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1:])
    for n in (second, third):  # the nearest free spots: right above or below, not far away
        x, y = doc.graph.node(n).pos
        assert abs(x - doc.graph.node(first).pos[0]) <= 10 and abs(y - doc.graph.node(first).pos[1]) < 200


def test_copy_paste_gives_new_ids_names_offset_and_keeps_inner_wires(doc, scene, qtbot):
    g = doc.graph
    a = g.add_node("Input", pos=(0, 0))
    b = g.add_node("Dense", pos=(200, 0))
    c = g.add_node("Loss", pos=(400, 0))
    g.connect(a, b)
    g.connect(b, c)
    scene.select_nodes([a.id, b.id])
    assert scene.copy_selection()
    pasted = scene.paste()
    assert len(pasted) == 2 and not set(pasted) & {a.id, b.id}
    assert sorted(scene.selected_node_ids()) == sorted(pasted)
    new = [g.node(i) for i in pasted]
    assert {n.name for n in new}.isdisjoint({"input_1", "dense_1"})
    assert sorted(n.pos for n in new) == [(30.0, 30.0), (230.0, 30.0)]
    assert Edge(new[0].id, "out", new[1].id, "in") in g.edges
    assert len(g.edges) == 3                      # the wire to the Loss was not copied
    again = scene.paste()                         # pasting again moves further
    assert sorted(g.node(i).pos for i in again) == [(60.0, 60.0), (260.0, 60.0)]
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert len(g) == 3

    at = scene.paste(QPointF(1000, 500))          # at a point (e.g. the mouse)
    assert sorted(g.node(i).pos for i in at) == [(1000.0, 500.0), (1200.0, 500.0)]


def test_cut_and_duplicate(doc, scene):
    g = doc.graph
    a = g.add_node("Input", pos=(0, 0))
    b = g.add_node("Dense", pos=(200, 0))
    g.connect(a, b)
    scene.select_nodes([a.id, b.id])
    dup = scene.duplicate_selection()
    assert len(dup) == 2 and len(g) == 4 and len(g.edges) == 2
    assert sorted(scene.selected_node_ids()) == sorted(dup)
    assert doc.undo_stack.undoText() == "Duplicate"
    assert scene.cut_selection()
    assert len(g) == 2 and doc.undo_stack.undoText() == "Cut"
    back = scene.paste()
    assert len(back) == 2 and len(g) == 4


def test_select_all_and_delete_is_one_step(doc, scene):
    g = doc.graph
    a = g.add_node("Input")
    b = g.add_node("Dense", pos=(200, 0))
    g.connect(a, b)
    seen = []
    scene.nodeSelectionChanged.connect(seen.append)
    scene.select_all()
    assert sorted(seen[-1]) == sorted([a.id, b.id])
    assert all(e.isSelected() for e in scene.edge_items())
    count = doc.undo_stack.count()
    scene.delete_selection()
    assert len(g) == 0 and doc.undo_stack.count() == count + 1
    assert seen[-1] == []
    doc.undo_stack.undo()
    assert len(g) == 2 and len(g.edges) == 1


def test_auto_layout_is_one_undo_step(doc, scene):
    g = doc.graph
    ids = [g.add_node(t, pos=(37 * i, 90 * ((i * 7) % 3))).id for i, t in
           enumerate(("Input", "Dense", "Dense", "Loss"))]
    for a, b in zip(ids, ids[1:]):
        g.connect(a, b)
    before = {n.id: n.pos for n in g}
    count = doc.undo_stack.count()
    assert scene.auto_layout()
    assert doc.undo_stack.count() == count + 1 and doc.undo_stack.undoText() == "Auto-layout"
    xs = [g.node(i).pos[0] for i in ids]
    assert xs == sorted(xs) and len(set(xs)) == 4            # left to right
    assert len({g.node(i).pos[1] for i in ids}) == 1         # a chain is one row
    assert all(scene.node_item(i).pos() == QPointF(*g.node(i).pos) for i in ids)
    doc.undo_stack.undo()
    assert {n.id: n.pos for n in g} == before
    assert not CanvasScene(DocumentModel()).auto_layout()    # nothing to arrange


def test_badges_shapes_and_parameter_counts_follow_the_analysis(doc, scene, qtbot):
    g = doc.graph
    x = g.add_node("Input", pos=(0, 0), shape=[1, 8, 8])
    d = g.add_node("Dense", pos=(200, 0), units=4, activation="sigmoid")
    loss = g.add_node("Loss", pos=(400, 0), function="bce")
    g.connect(x, d)
    g.connect(d, loss)
    settle(qtbot)
    dense = scene.node_item(d.id)
    assert dense.severity == "error" and dense.badge.isVisible()
    assert "Flatten" in dense.badge.toolTip()
    assert dense.shape_text == "?" and dense.params_text == "? params"
    assert scene.node_item(x.id).shape_text == "(1, 8, 8)"

    g.set_params(x, shape=[3])                    # fixed: the badge goes, numbers appear
    settle(qtbot)
    assert dense.severity is None and not dense.badge.isVisible()
    assert dense.shape_text == "(4,)" and dense.params_text == "16 params"
    assert scene.node_item(loss.id).shape_text == "scalar"
    assert scene.node_item(loss.id).params_text == "no params"
    g.set_params(d, use_bias=False)
    settle(qtbot)
    assert dense.params_text == "12 params"

    stray = g.add_node("Dense", pos=(0, 300))    # not wired: a warning
    settle(qtbot)
    assert scene.node_item(stray.id).severity == "warning"
    assert "no input" in scene.node_item(stray.id).badge.toolTip()


def test_analysis_repaints_only_changed_nodes(doc, scene, qtbot):
    g = doc.graph
    prev = g.add_node("Input", pos=(0, 0))
    for i in range(20):
        node = g.add_node("Dense", pos=(200 * (i + 1), 0))
        g.connect(prev, node)
        prev = node
    settle(qtbot)
    changed = []
    for item in scene.node_items():
        original = item.set_analysis

        def spy(*args, _item=item, _original=original):
            result = _original(*args)
            if result:
                changed.append(_item.node_id)
            return result

        item.set_analysis = spy
    g.rename(prev, "last")
    g.set_params(prev, units=3)
    settle(qtbot)
    assert changed == [prev.id]


def test_long_names_are_elided_with_the_full_name_in_the_tooltip(doc, scene):
    node = doc.graph.add_node("Dense", "a_really_long_layer_name_that_does_not_fit")
    item = scene.node_item(node.id)
    assert item._name_elided.endswith("…") and len(item._name_elided) < len(node.name)
    assert node.name in item.toolTip()


def test_empty_hint_follows_the_graph(doc, scene):
    seen = []
    scene.emptyChanged.connect(seen.append)
    assert scene.is_empty
    nid = scene.add_node("Dense", (0, 0))
    assert not scene.is_empty and seen == [False]
    doc.undo_stack.undo()
    assert scene.is_empty and seen == [False, True]
    assert nid not in doc.graph


def test_view_can_switch_documents_and_a_dropped_scene_does_not_break_the_model(qtbot):
    first, second = DocumentModel(), DocumentModel()
    s1 = CanvasScene(first)
    view = CanvasView(s1)
    qtbot.addWidget(view)
    s2 = CanvasScene(second)
    view.set_canvas_scene(s2)
    s1.detach()
    first.graph.add_node("Dense")                 # s1 no longer listens
    assert not list(s1.node_items())
    assert view.objectName() == "canvasView" and view.scene() is s2
    s3 = CanvasScene(second)
    listeners = len(second.graph._listeners)
    del s3                                         # dropped without detach: must not raise
    import gc
    gc.collect()
    second.graph.add_node("Dense")
    assert len(second.graph._listeners) == listeners - 1   # and it stopped listening
    assert len(list(s2.node_items())) == 1
    s2.detach()
    first.close()
    second.close()
