"""Live training overlays on the canvas: neuron maps under the nodes, weight-coloured wires."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication, QGraphicsItem

import engine
from engine.session import open_session
from engine.snapshots import PlaneGrid, neuron_maps, weight_summary
from gui.document import DocumentModel
from gui.editor import overlays
from gui.editor.items.edge import WIRE_WIDTH
from gui.editor.items.node import NodeItem
from gui.editor.overlays import MAX_UNITS, NEGATIVE, POSITIVE, WIDTH_MAX, WIDTH_MIN, ZERO, NeuronMapsItem
from gui.editor.scene import CanvasScene
from gui.editor.view import CanvasView

R = 12  # map resolution in these tests


@pytest.fixture
def net(qtbot):
    """input_1 (2 features) -> dense_1 (3, tanh) -> dense_2 (10, relu) -> dense_3 (1, sigmoid) -> loss_1."""
    document = DocumentModel()
    g = document.graph
    x = g.add_node("Input", pos=(0, 0), shape=[2])
    h1 = g.add_node("Dense", pos=(200, 0), units=3, activation="tanh")
    h2 = g.add_node("Dense", pos=(400, 0), units=10, activation="relu")
    o = g.add_node("Dense", pos=(600, 0), units=1, activation="sigmoid")
    loss = g.add_node("Loss", pos=(800, 0), function="bce")
    for a, b in ((x, h1), (h1, h2), (h2, o), (o, loss)):
        g.connect(a, b)
    document.doc.dataset["features"] = ["x1", "x2"]
    scene = CanvasScene(document)
    QApplication.processEvents()
    scene.ids = {n.name: n.id for n in g.nodes}
    yield scene
    scene.detach()
    document.close()


def item(scene, name) -> NodeItem:
    return scene.node_item(scene.ids[name])


def maps_of(scene, name) -> NeuronMapsItem | None:
    return scene.overlays.map_item(scene.ids[name])


def constant(*values) -> np.ndarray:
    return np.stack([np.full((R, R), v, dtype=np.float32) for v in values])


def example_maps() -> dict[str, np.ndarray]:
    ramp = np.linspace(-6, 6, R, dtype=np.float32)
    x1, x2 = np.meshgrid(ramp, ramp)  # row 0 = lowest x2, as the worker sends them
    return {
        "input_1": np.stack([x1, x2]),
        "dense_1": constant(-1.0, 0.0, 1.0),
        "dense_2": np.concatenate([constant(0.0, 2.0, 4.0), np.zeros((5, R, R), np.float32)]),  # 8 of 10 units
        "dense_3": constant(0.5),
        "loss_1": constant(0.3),
    }


def close(a: QColor, b: str | QColor, tol: int = 3) -> bool:
    b = QColor(b)
    return all(abs(x - y) <= tol for x, y in zip(a.getRgb()[:3], b.getRgb()[:3]))


def table_colour(t: float) -> QColor:
    """The colour scale at ``t`` in -1…1."""
    return QColor.fromRgb(int(overlays.COLOUR_TABLE[int(round(t * 127.5 + 127.5))]) & 0xFFFFFF)


def render(scene, rect: QRectF) -> QImage:
    image = QImage(int(rect.width()), int(rect.height()), QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    scene.render(painter, QRectF(image.rect()), rect)
    painter.end()
    return image


def cell_colour(scene, name, unit, where=QPointF(0.5, 0.5)) -> QColor:
    """The colour painted on the canvas inside ``unit``'s map (``where``: fraction of the cell)."""
    maps = maps_of(scene, name)
    cell = maps._cells[unit]
    point = maps.mapToScene(QPointF(cell.left() + cell.width() * where.x(), cell.top() + cell.height() * where.y()))
    image = render(scene, QRectF(point.x() - 1, point.y() - 1, 3, 3))
    return image.pixelColor(1, 1)


# ---- neuron maps ----------------------------------------------------------------------------------
def test_maps_appear_under_the_right_nodes_with_one_cell_per_unit(net):
    before = {name: item(net, name).boundingRect() for name in net.ids}
    net.set_neuron_maps(example_maps())
    assert maps_of(net, "input_1").units == 2 and maps_of(net, "input_1").labels == ["x₁", "x₂"]
    assert maps_of(net, "dense_1").units == 3
    assert maps_of(net, "dense_2").units == MAX_UNITS          # at most 8, with "+2" and a tooltip note
    assert "first 8 of 10" in maps_of(net, "dense_2").tooltip_for(0)
    assert maps_of(net, "dense_2").height == overlays.footer_height(8, False, more=True)   # "+2 more"
    assert maps_of(net, "dense_3").units == 1
    assert maps_of(net, "loss_1") is None                      # the Loss node shows nothing
    for name in ("input_1", "dense_1", "dense_2", "dense_3"):
        node, maps = item(net, name), maps_of(net, name)
        assert node.footer is maps and maps.parentItem() is node
        assert maps.pos() == QPointF(0, node.body_height)      # hangs under the body
        assert node.boundingRect().height() == pytest.approx(before[name].height() + maps.height)
        assert node.shape().boundingRect().height() == pytest.approx(node.body_height + maps.height)
    assert item(net, "loss_1").boundingRect() == before["loss_1"]
    # two rows of four for 8 units, one row for 3
    assert maps_of(net, "dense_2").height > maps_of(net, "dense_1").height


def test_map_pixels_follow_the_values_in_playground_colours(net):
    net.set_neuron_maps(example_maps())
    # tanh: fixed -1 orange, 0 white, +1 blue (read from the canvas as painted)
    assert close(cell_colour(net, "dense_1", 0), NEGATIVE)
    assert close(cell_colour(net, "dense_1", 1), ZERO)
    assert close(cell_colour(net, "dense_1", 2), POSITIVE)
    # sigmoid: 0.5 is white
    assert close(cell_colour(net, "dense_3", 0), ZERO)
    # relu: scaled per layer by its largest value (4): 0 white, 2 half-way to blue, 4 blue
    assert close(cell_colour(net, "dense_2", 0), ZERO)
    assert close(cell_colour(net, "dense_2", 2), POSITIVE)
    assert close(cell_colour(net, "dense_2", 1), table_colour(0.5))
    # the Input's x2 map: row 0 of the data is the lowest x2 and is drawn at the bottom
    x2 = maps_of(net, "input_1")
    assert close(x2.image.pixelColor(0, R + 0), POSITIVE)          # top row of unit 2's image
    assert close(x2.image.pixelColor(0, 2 * R - 1), NEGATIVE)      # bottom row
    assert close(cell_colour(net, "input_1", 1, QPointF(0.5, 0.1)), POSITIVE, tol=40)
    assert close(cell_colour(net, "input_1", 1, QPointF(0.5, 0.9)), NEGATIVE, tol=40)
    # x1 runs left (orange) to right (blue)
    assert close(cell_colour(net, "input_1", 0, QPointF(0.1, 0.5)), NEGATIVE, tol=40)
    assert close(cell_colour(net, "input_1", 0, QPointF(0.9, 0.5)), POSITIVE, tol=40)


def test_value_modes_scale_each_kind_of_output():
    v = np.array([[[0.0, 0.25, 1.0]]], np.float32)
    assert overlays.scaled(v, overlays.PROBABILITY).tolist() == [[[-1.0, -0.5, 1.0]]]
    assert overlays.scaled(v * 3, overlays.PER_LAYER).max() == pytest.approx(1.0)
    two = np.stack([np.full((2, 2), 10.0), np.full((2, 2), -0.5)]).astype(np.float32)
    per_unit = overlays.scaled(two, overlays.PER_UNIT)
    assert per_unit[0].max() == pytest.approx(1.0) and per_unit[1].min() == pytest.approx(-1.0)
    assert overlays.scaled(two, overlays.PER_LAYER)[1].min() == pytest.approx(-0.05)
    bad = overlays.map_pixels(np.array([[[np.nan, np.inf], [0.0, 1.0]]], np.float32), overlays.PER_LAYER)
    grey = int(QColor(overlays.INVALID).rgb()) & 0xFFFFFF
    assert (int(bad[1, 0]) & 0xFFFFFF) == grey and (int(bad[1, 1]) & 0xFFFFFF) == grey   # flipped rows
    assert bad.dtype == np.uint32 and bad.flags.c_contiguous


def test_ports_and_wires_do_not_move_when_maps_come_and_go(net):
    def geometry():
        ports = {(name, p.name, p.is_input): item(net, name).port_scene_pos(p.name, p.is_input)
                 for name in net.ids for p in item(net, name).ports()}
        wires = [(e.path().pointAtPercent(0), e.path().pointAtPercent(1)) for e in net.edge_items()]
        return ports, wires

    plain = geometry()
    net.set_neuron_maps(example_maps())
    assert geometry() == plain
    net.set_neuron_maps_visible(False)
    assert geometry() == plain
    net.set_neuron_maps_visible(True)
    net.set_neuron_maps({"dense_1": constant(0.1, 0.2, 0.3, 0.4, 0.5)})  # a wider layer after a restart
    assert geometry() == plain


def test_toggle_and_clear_return_to_the_plain_card(net):
    plain = {name: item(net, name).boundingRect() for name in net.ids}
    net.set_neuron_maps(example_maps())
    net.set_neuron_maps_visible(False)
    assert all(maps_of(net, name) is None for name in net.ids)
    assert {name: item(net, name).boundingRect() for name in net.ids} == plain
    net.set_neuron_maps_visible(True)                          # the last maps come back
    assert maps_of(net, "dense_1") is not None and maps_of(net, "dense_1").units == 3
    net.set_neuron_maps({"dense_1": constant(0.0, 0.0, 0.0)})  # maps for fewer nodes: the others go
    assert maps_of(net, "input_1") is None and item(net, "input_1").footer is None
    net.set_neuron_maps(None)
    assert all(maps_of(net, name) is None and item(net, name).footer is None for name in net.ids)
    assert {name: item(net, name).boundingRect() for name in net.ids} == plain


def test_maps_survive_graph_edits_and_follow_caching(net):
    net.set_neuron_maps(example_maps())
    graph = net.graph
    graph.remove_node(graph.node(net.ids["dense_2"]))
    net.set_neuron_maps(example_maps())                        # a map for a node that is gone: ignored
    assert maps_of(net, "dense_1") is not None
    graph.rename(graph.node(net.ids["dense_1"]), "hidden")
    net.set_neuron_maps({"hidden": constant(1.0, 1.0, 1.0)})
    assert maps_of(net, "dense_1").units == 3                  # keyed by the node's current name
    net.set_item_caching(False)
    assert maps_of(net, "dense_1").cacheMode() == QGraphicsItem.CacheMode.NoCache
    net.set_item_caching(True)
    assert maps_of(net, "dense_1").cacheMode() == QGraphicsItem.CacheMode.DeviceCoordinateCache


def test_new_maps_repaint_the_maps_not_the_node_cards(net, qtbot):
    view = CanvasView(net)
    qtbot.addWidget(view)
    view.resize(1000, 400)
    view.show()
    qtbot.waitExposed(view)
    net.set_neuron_maps(example_maps())
    QApplication.processEvents()
    changed: list[QRectF] = []
    net.changed.connect(changed.extend)
    maps = example_maps()
    maps["dense_1"] = constant(0.3, -0.2, 0.9)                 # same shapes, new values
    net.set_neuron_maps(maps)
    QApplication.processEvents()
    assert changed
    strips = [maps_of(net, n).sceneBoundingRect() for n in ("input_1", "dense_1", "dense_2", "dense_3")]
    for rect in changed:                                       # only the maps were invalidated
        assert any(strip.adjusted(-1, -1, 1, 1).contains(rect) for strip in strips), rect
    view.viewport().repaint()
    assert close(cell_colour(net, "dense_1", 1), table_colour(-0.2))


def test_real_neuron_maps_of_the_spiral_example():
    doc = engine.load("resources/examples/spiral.nnd")
    session = open_session(doc)
    for _ in range(20):
        session.trainer.step()
    maps = neuron_maps(session.network, session.preprocessor, PlaneGrid.square((-6, 6, -6, 6), 28))
    model = DocumentModel(doc)
    scene = CanvasScene(model)
    try:
        scene.set_neuron_maps(maps)
        scene.set_weight_summary(weight_summary(session.network))
        by_name = {i.node.name: i for i in scene.node_items()}
        shown = {name for name, i in by_name.items() if scene.overlays.map_item(i.node_id) is not None}
        assert shown == {"input_1", "dense_1", "dense_2", "dense_3"}
        inputs = scene.overlays.map_item(by_name["input_1"].node_id)
        assert inputs.units == 7 and inputs.labels[:3] == ["x₁", "x₂", "x₁²"]
        coloured = {e.dst_item.node.name for e in scene.edge_items() if e.weight_pen is not None}
        assert coloured == {"dense_1", "dense_2", "dense_3"}
    finally:
        scene.detach()
        model.close()


# ---- wires ----------------------------------------------------------------------------------------
def wire_into(scene, name):
    target = item(scene, name)
    return next(e for e in scene.edge_items() if e.dst_item is target)


def hue_is(colour: QColor, expected: str) -> bool:
    """Blue-ish (b > r) or orange-ish (r > b)."""
    return (colour.blue() > colour.red()) if expected == "blue" else (colour.red() > colour.blue())


def test_wires_follow_the_weight_summary(net):
    summary = {"dense_1": {"mean": 0.4, "mean_abs": 0.4},      # all positive, the largest
               "dense_2": {"mean": -0.05, "mean_abs": 0.2},    # mostly cancelling, half as large
               "dense_3": {"mean": -0.1, "mean_abs": 0.1}}     # all negative, the smallest
    net.set_weight_summary(summary)
    w1, w2, w3 = (wire_into(net, n).weight_pen for n in ("dense_1", "dense_2", "dense_3"))
    assert w1.widthF() == pytest.approx(WIDTH_MAX)
    assert w2.widthF() == pytest.approx(WIDTH_MIN + (WIDTH_MAX - WIDTH_MIN) * 0.5, abs=0.01)
    assert w3.widthF() == pytest.approx(WIDTH_MIN + (WIDTH_MAX - WIDTH_MIN) * 0.25, abs=0.01)
    assert hue_is(w1.color(), "blue") and hue_is(w2.color(), "orange") and hue_is(w3.color(), "orange")
    assert close(w1.color(), POSITIVE) and close(w3.color(), NEGATIVE)      # full agreement: full colour
    assert not close(w2.color(), NEGATIVE, tol=20)                         # weak agreement: paler
    assert wire_into(net, "loss_1").weight_pen is None                     # no weights into the loss
    assert "mean +0.4" in wire_into(net, "dense_1").toolTip()
    # the painted wire: sample the canvas in the middle of the wire into dense_1
    edge = wire_into(net, "dense_1")
    mid = edge.path().pointAtPercent(0.5)
    image = render(net, QRectF(mid.x() - 1, mid.y() - 1, 3, 3))
    assert hue_is(image.pixelColor(1, 1), "blue")


def test_colouring_toggle_and_clearing_restore_plain_wires(net):
    net.set_weight_summary({"dense_1": {"mean": -0.3, "mean_abs": 0.3}})
    edge = wire_into(net, "dense_1")
    assert edge.weight_pen is not None
    net.set_weight_colouring(False)
    assert all(e.weight_pen is None for e in net.edge_items())
    mid = edge.path().pointAtPercent(0.5)
    plain = render(net, QRectF(mid.x() - 1, mid.y() - 1, 3, 3)).pixelColor(1, 1)
    assert close(plain, net.style.wire, tol=30)
    net.set_weight_colouring(True)
    assert edge.weight_pen is not None and hue_is(edge.weight_pen.color(), "orange")
    net.set_weight_summary(None)
    assert all(e.weight_pen is None and e.toolTip() == "" for e in net.edge_items())
    assert WIRE_WIDTH < WIDTH_MAX


def test_a_rewired_layer_waits_for_the_next_snapshot_and_an_undo_brings_its_colour_back(net):
    """The summary belongs to the network it was computed for: a rewired layer's weights are not
    known until the next snapshot; wiring it back as it was shows the colour again at once."""
    net.set_weight_summary({"dense_2": {"mean": 0.2, "mean_abs": 0.2}})
    graph = net.graph
    old = wire_into(net, "dense_2").edge
    graph.disconnect(old)
    graph.connect(graph.node(net.ids["input_1"]), graph.node(net.ids["dense_2"]))
    assert wire_into(net, "dense_2").weight_pen is None and net.overlays.stale
    graph.disconnect(wire_into(net, "dense_2").edge)
    graph.connect(graph.node(net.ids["dense_1"]), graph.node(net.ids["dense_2"]))
    assert wire_into(net, "dense_2").weight_pen is not None and not net.overlays.stale
    graph.disconnect(wire_into(net, "dense_2").edge)
    graph.connect(graph.node(net.ids["input_1"]), graph.node(net.ids["dense_2"]))
    net.set_weight_summary({"dense_2": {"mean": -0.3, "mean_abs": 0.3}})  # the next snapshot
    assert wire_into(net, "dense_2").weight_pen is not None and not net.overlays.stale


def test_a_dropped_scene_is_freed_at_once(qtbot):
    """No reference cycle through the overlays: a scene freed only by a later garbage collection
    could be deleted in the middle of another test's event processing."""
    import gc
    import weakref

    model = DocumentModel(engine.load("resources/examples/spiral.nnd"))
    gc.collect()
    gc.disable()
    try:
        scene = CanvasScene(model)
        scene.set_neuron_maps(example_maps() | {"dense_1": constant(0.0, 1.0, 0.5, 0.1, 0.2, 0.3, 0.4, 0.5)})
        scene.set_weight_summary({"dense_1": {"mean": 0.1, "mean_abs": 0.2}})
        ref = weakref.ref(scene)
        scene.detach()
        del scene
        assert ref() is None
    finally:
        gc.enable()
        model.close()
