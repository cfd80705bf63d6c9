"""The canvas driven like a person would: real mouse, wheel, key and drop events on the view's
viewport (qtbot cannot click graphics items; DESIGN §4), checked against the graph model."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QWheelEvent
from PySide6.QtWidgets import QApplication

from engine.graph import Edge
from gui.document import DocumentModel
from gui.editor.mime import LAYER_MIME
from gui.editor.scene import CanvasScene
from gui.editor.view import MAX_ZOOM, MIN_ZOOM, CanvasView


LEFT = Qt.MouseButton.LeftButton
NO_MOD = Qt.KeyboardModifier.NoModifier


@pytest.fixture
def canvas(qtbot, view_mouse):
    doc = DocumentModel()
    scene = CanvasScene(doc)
    view = CanvasView(scene)
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    qtbot.waitExposed(view)
    view.zoom_reset()
    view.centerOn(400, 150)
    c = SimpleNamespace(doc=doc, scene=scene, view=view, graph=doc.graph, qtbot=qtbot, messages=[],
                        mouse=view_mouse(view))
    scene.statusMessage.connect(c.messages.append)
    yield c
    if view.quick_add_popup.isVisible():
        view.quick_add_popup.close()
    scene.detach()
    doc.close()


# ---- helpers: scene points -> viewport events ---------------------------------------------------
def vp(c, point) -> QPoint:
    return c.mouse.at(point)


def send_move(c, pos: QPoint, buttons=LEFT, modifiers=NO_MOD) -> None:
    c.mouse.move(pos, buttons, modifiers)


def drag(c, start, end, button=LEFT, modifiers=NO_MOD, steps=6) -> None:
    """Press at ``start``, move in steps, release at ``end`` (scene points or viewport QPoints)."""
    c.mouse.drag(start, end, button, modifiers, steps)


def click(c, point, modifiers=NO_MOD) -> None:
    c.mouse.click(point, modifiers)


def port(c, node_id, name, is_input) -> QPointF:
    return c.scene.node_item(node_id).port_scene_pos(name, is_input)


def out_port(c, node_id):
    return port(c, node_id, "out", False)


def in_port(c, node_id, name="in"):
    return port(c, node_id, name, True)


def drop_layer(c, type_name: str, scene_point) -> bool:
    mime = QMimeData()
    mime.setData(LAYER_MIME, type_name.encode())
    return c.mouse.drop(mime, scene_point)


def settle(c) -> None:
    """Let the document emit its coalesced analysis."""
    c.qtbot.wait(1)
    QApplication.processEvents()


def chain(c, *types, y=100.0):
    ids = []
    for i, t in enumerate(types):
        ids.append(c.scene.add_node(t, (100 + 200 * i, y)))
    for a, b in zip(ids, ids[1:]):
        c.graph.connect(a, b)
    return ids


# ---- building a network with the mouse ------------------------------------------------------------
def test_build_network_by_dropping_layers_and_dragging_wires(canvas):
    c = canvas
    assert drop_layer(c, "Input", (150, 150))
    assert drop_layer(c, "Dense", (400, 150))
    assert drop_layer(c, "Loss", (650, 150))
    by_type = {n.type: n for n in c.graph}
    assert set(by_type) == {"Input", "Dense", "Loss"}
    dense = by_type["Dense"]
    # dropped centred on the drop point (and snapped to the grid)
    rect = c.scene.node_item(dense.id).sceneBoundingRect()
    assert abs(rect.center().x() - 400) < 15 and abs(rect.center().y() - 150) < 15
    assert dense.pos[0] % 10 == 0 and dense.pos[1] % 10 == 0

    drag(c, out_port(c, by_type["Input"].id), in_port(c, dense.id))
    drag(c, out_port(c, dense.id), in_port(c, by_type["Loss"].id))
    assert set(c.graph.edges) == {
        Edge(by_type["Input"].id, "out", dense.id, "in"),
        Edge(dense.id, "out", by_type["Loss"].id, "in"),
    }
    assert len(list(c.scene.edge_items())) == 2
    settle(c)
    assert c.scene.node_item(dense.id).shape_text == "(8,)"
    assert c.scene.node_item(dense.id).params_text == "24 params"

    for _ in range(5):  # 3 drops + 2 wires, each one undo step
        c.doc.undo_stack.undo()
    assert len(c.graph) == 0 and not list(c.scene.node_items()) and not list(c.scene.edge_items())


def test_drops_other_than_layers_are_left_to_the_window(canvas):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile("/tmp/network.nnd")])
    enter = QDragEnterEvent(QPoint(100, 100), Qt.DropAction.CopyAction, mime, LEFT, NO_MOD)
    QApplication.sendEvent(canvas.view.viewport(), enter)
    assert not enter.isAccepted()
    assert not drop_layer(canvas, "NoSuchLayer", (0, 0))
    assert len(canvas.graph) == 0 and "Unknown layer type" in canvas.messages[-1]


def test_invalid_connections_are_refused_with_the_reason(canvas):
    c = canvas
    a, b = chain(c, "Input", "Dense")
    d = c.scene.add_node("Dense", (500, 100))
    e = c.scene.add_node("Dense", (300, 300))
    c.graph.connect(b, d)
    before = list(c.graph.edges)
    steps = c.doc.undo_stack.count()

    drag(c, out_port(c, d), in_port(c, b))  # would close a cycle
    assert c.graph.edges == before and c.doc.undo_stack.count() == steps
    assert "cycle" in c.messages[-1]

    drag(c, out_port(c, e), in_port(c, d))  # d's input already has a wire
    assert c.graph.edges == before
    assert "already connected" in c.messages[-1]
    assert c.scene.interaction is None and all(p.state == "normal" for p in c.scene.all_ports())


def test_ports_are_tinted_during_a_wire_drag(canvas):
    c = canvas
    a, b, d = chain(c, "Input", "Dense", "Dense")
    free = c.scene.add_node("Dense", (300, 300))
    viewport = c.view.viewport()
    c.qtbot.mousePress(viewport, LEFT, NO_MOD, vp(c, out_port(c, b)))
    send_move(c, vp(c, (700, 400)))
    item = c.scene.node_item
    assert item(free).port("in", True).state == "valid"
    assert item(a).port("out", False).state == "inactive"
    assert item(b).port("in", True).state == "invalid"   # a cycle
    assert item(d).port("in", True).state == "invalid"   # already wired
    # hovering an invalid port shows why
    send_move(c, vp(c, in_port(c, d)))
    assert "already connected" in c.messages[-1]
    assert "already connected" in item(d).port("in", True).toolTip()
    c.qtbot.keyClick(viewport, Qt.Key.Key_Escape)
    assert c.scene.interaction is None
    assert all(p.state == "normal" for p in c.scene.all_ports())
    c.qtbot.mouseRelease(viewport, LEFT, NO_MOD, vp(c, in_port(c, d)))
    assert len(c.graph.edges) == 2


def test_wire_end_snaps_to_a_port_within_20_pixels(canvas):
    c = canvas
    a = c.scene.add_node("Input", (100, 100))
    b = c.scene.add_node("Dense", (400, 100))
    target = in_port(c, b)
    drag(c, out_port(c, a), target + QPointF(-14, 12))   # ~18 px away: snaps
    assert c.graph.edges == [Edge(a, "out", b, "in")]
    c.doc.undo_stack.undo()

    c.view.set_zoom(2.0)   # the radius is in screen pixels: 18 px on screen is 9 scene units
    c.view.centerOn(target)
    drag(c, out_port(c, a), vp(c, target) + QPoint(-10, 15))
    assert c.graph.edges == [Edge(a, "out", b, "in")]
    c.doc.undo_stack.undo()

    drag(c, out_port(c, a), vp(c, target) + QPoint(-30, 25))  # too far: no wire, quick-add opens
    assert c.graph.edges == []
    assert c.view.quick_add_popup.isVisible()
    c.view.quick_add_popup.close()
    assert c.scene.interaction is None


def start_wire(c):
    """Two nodes, and a wire being drawn from the first one's output (mouse still down)."""
    a = c.scene.add_node("Input", (100, 100))
    b = c.scene.add_node("Dense", (400, 100))
    viewport = c.view.viewport()
    c.qtbot.mousePress(viewport, LEFT, NO_MOD, vp(c, out_port(c, a)))
    send_move(c, vp(c, (300, 200)))
    assert c.scene.interaction is not None
    return a, b, viewport


def test_escape_cancels_a_wire_drag(canvas):
    c = canvas
    a, b, viewport = start_wire(c)
    c.qtbot.keyClick(viewport, Qt.Key.Key_Escape)
    assert c.scene.interaction is None
    c.qtbot.mouseRelease(viewport, LEFT, NO_MOD, vp(c, in_port(c, b)))
    assert c.graph.edges == []
    assert not c.view.quick_add_popup.isVisible()


def test_wire_dropped_on_empty_canvas_adds_a_connected_node(canvas):
    c = canvas
    a = c.scene.add_node("Input", (100, 100))
    steps = c.doc.undo_stack.count()
    drag(c, out_port(c, a), (450, 130))
    popup = c.view.quick_add_popup
    assert popup.isVisible()
    assert all(e.has_inputs() for e in popup.entries())  # only nodes that can take the wire
    assert "Input" not in [e.type_name for e in popup.entries()]
    popup.set_filter_text("relu")
    assert popup.accept_current() == ("Activation", {"function": "relu"})
    assert not popup.isVisible()
    new = [n for n in c.graph if n.id != a]
    assert len(new) == 1 and new[0].type == "Activation" and new[0].params["function"] == "relu"
    assert c.graph.edges == [Edge(a, "out", new[0].id, "in")]
    assert c.scene.selected_node_ids() == [new[0].id]
    landed = in_port(c, new[0].id)   # its input port where the wire was dropped (grid-snapped)
    assert abs(landed.x() - 450) <= 5 and abs(landed.y() - 130) <= 5
    assert c.doc.undo_stack.count() == steps + 1
    c.doc.undo_stack.undo()
    assert len(c.graph) == 1 and c.graph.edges == []
    assert c.scene.interaction is None


def test_wire_from_a_free_input_to_empty_canvas_adds_a_producer(canvas):
    c = canvas
    loss = c.scene.add_node("Loss", (600, 100))
    drag(c, in_port(c, loss), (350, 130))
    popup = c.view.quick_add_popup
    assert popup.isVisible()
    assert "Loss" not in [e.type_name for e in popup.entries()]   # no output
    popup.set_filter_text("fc")
    assert popup.accept_current() == ("Dense", {})
    dense = next(n for n in c.graph if n.type == "Dense")
    assert c.graph.edges == [Edge(dense.id, "out", loss, "in")]
    assert dense.pos[0] < c.graph.node(loss).pos[0]


def test_closing_the_quick_add_popup_leaves_the_graph_alone(canvas):
    c = canvas
    a = c.scene.add_node("Input", (100, 100))
    drag(c, out_port(c, a), (450, 130))
    assert c.view.quick_add_popup.isVisible()
    c.qtbot.keyClick(c.view.quick_add_popup.search, Qt.Key.Key_Escape)
    assert not c.view.quick_add_popup.isVisible()
    assert len(c.graph) == 1 and c.scene.interaction is None
    assert not [i for i in c.scene.items() if type(i).__name__ == "TempWireItem"]


def test_picking_up_a_wire_reroutes_it_in_one_step(canvas):
    c = canvas
    a, b = chain(c, "Input", "Dense")
    other = c.scene.add_node("Dense", (300, 300))
    steps = c.doc.undo_stack.count()
    drag(c, in_port(c, b), in_port(c, other))
    assert c.graph.edges == [Edge(a, "out", other, "in")]
    assert c.doc.undo_stack.count() == steps + 1
    c.doc.undo_stack.undo()
    assert c.graph.edges == [Edge(a, "out", b, "in")]
    # picked up and dropped on empty canvas: disconnected
    drag(c, in_port(c, b), (300, 500))
    assert c.graph.edges == []
    assert not c.view.quick_add_popup.isVisible()
    c.doc.undo_stack.undo()
    assert c.graph.edges == [Edge(a, "out", b, "in")]
    assert c.scene.edge_item(c.graph.edges[0]).isVisible()


# ---- moving, selecting, deleting -------------------------------------------------------------------
def test_dragging_selected_nodes_is_one_move_and_undo_restores(canvas):
    c = canvas
    a, b, d = chain(c, "Input", "Dense", "Loss")
    start = {n.id: n.pos for n in c.graph}
    click(c, c.scene.node_item(a).sceneBoundingRect().center())
    click(c, c.scene.node_item(b).sceneBoundingRect().center(), Qt.KeyboardModifier.ControlModifier)
    assert set(c.scene.selected_node_ids()) == {a, b}
    steps = c.doc.undo_stack.count()
    grip = c.scene.node_item(b).sceneBoundingRect().center()
    drag(c, grip, grip + QPointF(57, 33))
    assert c.doc.undo_stack.count() == steps + 1
    for nid in (a, b):   # moved by the snapped distance, in the model too
        x0, y0 = start[nid]
        assert c.graph.node(nid).pos == (x0 + 60, y0 + 30)
        assert c.scene.node_item(nid).pos() == QPointF(x0 + 60, y0 + 30)
    assert c.graph.node(d).pos == start[d]
    edge = c.scene.edge_item(Edge(b, "out", d, "in"))
    assert edge.path().pointAtPercent(0) == out_port(c, b)
    c.doc.undo_stack.undo()
    for nid in (a, b, d):
        assert c.graph.node(nid).pos == start[nid]
        assert c.scene.node_item(nid).pos() == QPointF(*start[nid])
    assert edge.path().pointAtPercent(0) == out_port(c, b)


def test_ctrl_click_toggles_selection(canvas):
    c = canvas
    a, b = chain(c, "Input", "Dense")
    seen = []
    c.scene.nodeSelectionChanged.connect(seen.append)
    click(c, c.scene.node_item(a).sceneBoundingRect().center())
    click(c, c.scene.node_item(b).sceneBoundingRect().center(), Qt.KeyboardModifier.ControlModifier)
    assert set(c.scene.selected_node_ids()) == {a, b}
    click(c, c.scene.node_item(a).sceneBoundingRect().center(), Qt.KeyboardModifier.ControlModifier)
    assert c.scene.selected_node_ids() == [b]
    assert seen[-1] == [b]


def test_rubber_band_selects_the_nodes_it_touches(canvas):
    c = canvas
    a, b, d = chain(c, "Input", "Dense", "Loss")
    c.scene.clearSelection()
    seen = []
    c.scene.nodeSelectionChanged.connect(seen.append)
    drag(c, (60, 60), (380, 190))   # from empty canvas over the first two nodes
    assert set(c.scene.selected_node_ids()) == {a, b}
    assert set(seen[-1]) == {a, b}
    click(c, (700, 500))             # a click on empty canvas clears it
    assert c.scene.selected_node_ids() == []


def test_delete_key_removes_node_with_wires_then_undo_redo(canvas):
    c = canvas
    a, b, d = chain(c, "Input", "Dense", "Loss")
    edges = list(c.graph.edges)
    click(c, c.scene.node_item(b).sceneBoundingRect().center())
    c.qtbot.keyClick(c.view.viewport(), Qt.Key.Key_Delete)
    assert b not in c.graph and c.graph.edges == []
    assert c.scene.node_item(b) is None and not list(c.scene.edge_items())
    c.doc.undo_stack.undo()
    assert c.graph.edges == edges and len(list(c.scene.edge_items())) == 2
    assert c.scene.node_item(b) is not None
    c.doc.undo_stack.redo()
    assert b not in c.graph and not list(c.scene.edge_items())


def test_click_a_wire_selects_it_and_delete_removes_only_the_wire(canvas):
    c = canvas
    a, b = chain(c, "Input", "Dense")
    edge = c.scene.edge_item(c.graph.edges[0])
    mid = edge.path().pointAtPercent(0.5)
    click(c, mid)
    assert edge.isSelected() and c.scene.selected_node_ids() == []
    c.qtbot.keyClick(c.view.viewport(), Qt.Key.Key_Delete)
    assert c.graph.edges == [] and len(c.graph) == 2
    c.doc.undo_stack.undo()
    assert len(c.graph.edges) == 1


def test_wire_hit_area_is_the_stroke_not_the_area_inside_the_curve(canvas):
    c = canvas
    a = c.scene.add_node("Input", (100, 100))
    b = c.scene.add_node("Dense", (400, 400))
    c.graph.connect(a, b)
    edge = c.scene.edge_item(c.graph.edges[0])
    path, shape = edge.path(), edge.shape()
    assert all(shape.contains(path.pointAtPercent(i / 10)) for i in range(11))
    box = path.boundingRect()
    # points a filled path (QGraphicsPathItem's default shape) would catch, away from the stroke
    bay = [QPointF(box.left() + i * 4, box.top() + j * 4) for i in range(int(box.width() / 4))
           for j in range(int(box.height() / 4))]
    bay = [p for p in bay if path.contains(p)]
    assert bay and not any(shape.contains(p) for p in bay if _distance(path, p) > 8)
    assert sum(1 for p in bay if not shape.contains(p)) > len(bay) // 2
    far = max(bay, key=lambda p: _distance(path, p))
    assert c.view.itemAt(vp(c, far)) is not edge


def _distance(path, point) -> float:
    return min(((path.pointAtPercent(i / 200) - point).manhattanLength()) for i in range(201)) / 1.4142


# ---- view: zoom, pan, keys --------------------------------------------------------------------------
def wheel(c, pos: QPoint, delta: int) -> None:
    viewport = c.view.viewport()
    event = QWheelEvent(QPointF(pos), QPointF(viewport.mapToGlobal(pos)), QPoint(0, 0), QPoint(0, delta),
                        Qt.MouseButton.NoButton, NO_MOD, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(viewport, event)


def test_wheel_zooms_under_the_mouse_and_is_clamped(canvas):
    c = canvas
    pos = QPoint(300, 200)
    anchor = c.view.mapToScene(pos)
    wheel(c, pos, 120)
    assert c.view.zoom_factor() > 1.1
    after = c.view.mapToScene(pos)
    assert abs(after.x() - anchor.x()) < 2 and abs(after.y() - anchor.y()) < 2
    for _ in range(40):
        wheel(c, pos, 120)
    assert c.view.zoom_factor() == pytest.approx(MAX_ZOOM)
    for _ in range(80):
        wheel(c, pos, -120)
    assert c.view.zoom_factor() == pytest.approx(MIN_ZOOM)
    assert c.view.zoom_reset() == 1.0
    for _ in range(20):
        c.view.zoom_in()
    assert c.view.zoom_factor() == pytest.approx(MAX_ZOOM)
    for _ in range(20):
        c.view.zoom_out()
    assert c.view.zoom_factor() == pytest.approx(MIN_ZOOM)


def test_nodes_paint_directly_while_wheel_zooming_and_cache_again_after(canvas):
    c = canvas
    item = c.scene.node_item(c.scene.add_node("Dense", (100, 100)))
    cached = item.cacheMode()
    assert cached != item.CacheMode.NoCache
    wheel(c, QPoint(300, 200), 120)
    assert item.cacheMode() == item.CacheMode.NoCache
    later = c.scene.node_item(c.scene.add_node("Dense", (300, 300)))   # new nodes follow
    assert later.cacheMode() == item.CacheMode.NoCache
    c.qtbot.waitUntil(lambda: item.cacheMode() == cached, timeout=10000)
    assert later.cacheMode() == cached


def test_zoom_fit_shows_every_node(canvas):
    c = canvas
    ids = [c.scene.add_node("Dense", (x, y)) for x, y in ((-2000, -500), (2000, 800))]
    c.view.zoom_fit()
    visible = c.view.mapToScene(c.view.viewport().rect()).boundingRect()
    for nid in ids:
        assert visible.contains(c.scene.node_item(nid).sceneBoundingRect())
    assert MIN_ZOOM <= c.view.zoom_factor() <= 1.0


def test_middle_drag_and_space_drag_pan(canvas):
    c = canvas
    before = c.view.mapToScene(QPoint(500, 350))
    drag(c, QPoint(500, 350), QPoint(400, 300), button=Qt.MouseButton.MiddleButton)
    after = c.view.mapToScene(QPoint(500, 350))
    assert after.x() == pytest.approx(before.x() + 100, abs=2)
    assert after.y() == pytest.approx(before.y() + 50, abs=2)
    viewport = c.view.viewport()
    c.qtbot.keyPress(viewport, Qt.Key.Key_Space)
    drag(c, QPoint(500, 350), QPoint(560, 350))
    c.qtbot.keyRelease(viewport, Qt.Key.Key_Space)
    assert c.view.mapToScene(QPoint(500, 350)).x() == pytest.approx(after.x() - 60, abs=2)
    assert c.scene.selected_node_ids() == [] and len(c.graph) == 0
    sideways = QWheelEvent(QPointF(300, 200), QPointF(viewport.mapToGlobal(QPoint(300, 200))), QPoint(0, 0),
                           QPoint(-120, 0), Qt.MouseButton.NoButton, NO_MOD, Qt.ScrollPhase.NoScrollPhase, False)
    x = c.view.mapToScene(QPoint(500, 350)).x()
    QApplication.sendEvent(viewport, sideways)   # a tilt wheel / touchpad scrolls sideways
    assert c.view.mapToScene(QPoint(500, 350)).x() == pytest.approx(x + 120, abs=2)
    assert c.view.zoom_factor() == 1.0


def test_tab_and_double_click_on_empty_canvas_open_quick_add(canvas):
    c = canvas
    viewport = c.view.viewport()
    c.view.setFocus()
    c.qtbot.keyClick(viewport, Qt.Key.Key_Tab)
    popup = c.view.quick_add_popup
    assert popup.isVisible()
    popup.set_filter_text("sigmoid")
    popup.accept_current()
    node = next(iter(c.graph))
    assert node.type == "Activation" and node.params["function"] == "sigmoid"

    c.qtbot.mouseDClick(viewport, LEFT, NO_MOD, vp(c, (600, 400)))
    assert popup.isVisible()
    c.qtbot.keyClicks(popup.search, "dense")
    c.qtbot.keyClick(popup.search, Qt.Key.Key_Return)
    dense = next(n for n in c.graph if n.type == "Dense")
    centre = c.scene.node_item(dense.id).sceneBoundingRect().center()
    assert abs(centre.x() - 600) <= 40 and abs(centre.y() - 400) <= 40


def test_double_click_on_a_node_activates_it(canvas):
    c = canvas
    a = c.scene.add_node("Dense", (100, 100))
    seen = []
    c.scene.nodeActivated.connect(seen.append)
    c.qtbot.mouseDClick(c.view.viewport(), LEFT, NO_MOD, vp(c, c.scene.node_item(a).sceneBoundingRect().center()))
    assert seen == [a]
    assert not c.view.quick_add_popup.isVisible()


def test_an_undo_during_a_wire_drag_cancels_it(canvas):
    c = canvas
    a, b, viewport = start_wire(c)
    c.doc.undo_stack.undo()            # removes b while the wire is being drawn
    assert c.scene.interaction is None and b not in c.graph
    send_move(c, vp(c, (350, 150)))
    c.qtbot.mouseRelease(viewport, LEFT, NO_MOD, vp(c, (350, 150)))
    assert c.graph.edges == [] and not c.view.quick_add_popup.isVisible()


def test_hover_highlights_wires_nodes_and_ports(canvas):
    c = canvas
    a, b = chain(c, "Input", "Dense")
    edge = c.scene.edge_item(c.graph.edges[0])
    send_move(c, vp(c, edge.path().pointAtPercent(0.5)), Qt.MouseButton.NoButton)
    assert edge._hover
    send_move(c, vp(c, c.scene.node_item(b).sceneBoundingRect().center()), Qt.MouseButton.NoButton)
    assert not edge._hover and c.scene.node_item(b)._hover
    send_move(c, vp(c, in_port(c, b)), Qt.MouseButton.NoButton)
    assert c.scene.node_item(b).port("in", True).hovered
