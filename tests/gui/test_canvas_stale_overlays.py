"""After a structural edit the canvas shows no neuron maps or weight-coloured wires of the old network:
they come back with the next snapshot of the edited one. A training setting (the learning rate) is
not a structural edit and leaves them alone."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QSpinBox, QToolButton

from gui.main_window import EXAMPLES_DIR

LONG = 30000  # ms: generous for a loaded 2-core CI (the worker spawns, imports NumPy); passing waits return at once


def node_id(window, name: str) -> str:
    return next(n.id for n in window.document.graph if n.name == name)


def coloured_wires(scene) -> int:
    return sum(1 for edge in scene.edge_items() if edge.weight_pen is not None)


def test_a_structural_edit_clears_the_maps_until_the_next_snapshot(main_window, qtbot, view_mouse):
    window = main_window
    window.open_example(EXAMPLES_DIR / "spiral.nnd", ask=False)
    scene, controller = window.scene, window.training.controller
    dense = node_id(window, "dense_1")
    # the loaded run's first snapshot puts maps on the nodes and colours the wires
    qtbot.waitUntil(lambda: scene.overlays.map_item(dense) is not None and coloured_wires(scene) > 0, timeout=LONG)
    assert len(scene.overlays.maps["dense_1"]) == 8

    # a training setting changes: the network is the same, the maps stay
    rate = window.findChild(QComboBox, "trainLearningRate")
    rate.setCurrentIndex(rate.findData(0.1))
    rate.activated.emit(rate.currentIndex())
    assert window.document.doc.training.learning_rate == 0.1
    qtbot.wait(50)
    assert scene.overlays.map_item(dense) is not None and coloured_wires(scene) > 0

    # a click on dense_1, then one more unit with the Inspector's spin box: the old maps go at once
    item = scene.node_item(dense)
    view_mouse(window.view).click(item.mapToScene(item.boundingRect().center().x(), 10))
    units = window.inspector.findChild(QSpinBox, "param_units")
    assert units is not None and units.value() == 8
    units.setFocus()
    qtbot.keyClick(units, Qt.Key.Key_Up)
    assert window.document.graph.node(dense).params["units"] == 9
    assert scene.overlays.map_item(dense) is None                   # no maps of the 8-unit layer
    assert all(scene.overlays.map_item(n.id) is None for n in window.document.graph)
    assert coloured_wires(scene) == 0 and scene.overlays.stale

    # Step trains the edited network (loaded first): its snapshot brings the maps back
    with qtbot.waitSignal(controller.runLoaded, timeout=LONG):
        qtbot.mouseClick(window.findChild(QToolButton, "trainStep"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: scene.overlays.map_item(dense) is not None, timeout=LONG)
    assert not scene.overlays.stale
    assert coloured_wires(scene) > 0
    assert controller.trains_current_graph()


def test_removing_a_wire_clears_the_maps_and_undo_brings_them_back(main_window, qtbot):
    window = main_window
    window.open_example(EXAMPLES_DIR / "xor.nnd", ask=False)
    scene = window.scene
    dense = node_id(window, "dense_1")
    qtbot.waitUntil(lambda: scene.overlays.map_item(dense) is not None, timeout=LONG)
    edge = next(e for e in scene.edge_items() if e.dst_item.node_id == dense)
    scene.clearSelection()
    edge.setSelected(True)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert len(list(scene.edge_items())) == len(window.document.graph.edges)
    assert scene.overlays.map_item(dense) is None and scene.overlays.stale
    window.undo()  # the same network as the snapshot's again
    assert scene.overlays.map_item(dense) is not None and not scene.overlays.stale
