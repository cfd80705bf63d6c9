"""The convolutional flows as a first-time user meets them: the digits CNN example readable at the
fitted zoom, the image layers' icons and search words, the Classification dock for people with a
saved layout, a CNN built on an empty canvas with wires dropped into the quick-add popup, an image
folder of mixed sizes, and File → Export of the trained CNN."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QLabel, QLineEdit, QSpinBox

from engine.data.bundled import digits
from engine.session import predict
from gui import settings
from gui.editor.items.icons import icon_parts
from gui.editor.items.node import LOD_TEXT
from gui.editor.quick_add import default_entries, match_entries
from gui.main_window import EXAMPLES_DIR, MainWindow

LONG = 30000  # ms: generous for a loaded 2-core CI (the worker spawns, imports NumPy); passing waits return at once
IMAGE_LAYERS = ("Conv2D", "MaxPool2D", "AvgPool2D", "GlobalAveragePooling2D", "Reshape")


def open_cnn_example(window) -> None:
    """File → Examples → the digits CNN, in a window of the default 1280 × 800."""
    window.resize(1280, 800)
    QApplication.processEvents()
    action = window.findChild(QAction, "actionExample_digits_cnn")
    assert action is not None and action in window.examples_menu.actions()
    action.trigger()


# ---- the example ---------------------------------------------------------------------------------------------
def test_the_digits_cnn_example_has_a_title_and_reads_at_the_fitted_zoom(main_window, qtbot):
    w = main_window
    open_cnn_example(w)
    assert w.findChild(QAction, "actionExample_digits_cnn").text() == "Digits as images (CNN)"
    qtbot.waitUntil(lambda: w.view._auto_fit and w.view.zoom_factor() < 1.0)
    zoom = w.view.zoom_factor()
    assert zoom >= LOD_TEXT  # the cards show their text (one row of eight fitted at about 0.44: empty cards)
    visible = w.view.mapToScene(w.view.viewport().rect()).boundingRect()
    assert visible.contains(w.scene.nodes_rect())
    for edge in w.scene.edge_items():  # the wire from the conv blocks down to the classifier too
        bounds = edge.mapRectToScene(edge.path().boundingRect())  # straight wires are 0 high
        assert visible.contains(bounds.topLeft()) and visible.contains(bounds.bottomRight())
    ys = sorted({round(n.pos[1]) for n in w.document.graph})
    assert len(ys) == 2  # convolution blocks above, the classifier below


# ---- icons and search ----------------------------------------------------------------------------------------
def test_the_image_layers_have_icons_of_their_own_in_the_palette(main_window):
    palette = main_window.palette_panel
    unknown = icon_parts("NoSuchLayer", {})
    images = {}
    for type_name in IMAGE_LAYERS:
        parts = icon_parts(type_name, {})
        assert parts is not unknown and len(parts) >= 1
        images[type_name] = palette.item_for(type_name).icon(0).pixmap(36, 36).toImage()
    images["Flatten"] = palette.item_for("Flatten").icon(0).pixmap(36, 36).toImage()
    names = list(images)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert images[a] != images[b], f"{a} and {b} draw the same icon"


@pytest.mark.parametrize("query, best", [
    ("reshape", "Reshape"), ("unflatten", "Reshape"), ("kernel", "Conv2D"), ("cnn", "Conv2D"),
    ("feature map", "Conv2D"), ("max pooling", "MaxPool2D"), ("average pooling", "AvgPool2D"),
    ("gap", "GlobalAveragePooling2D"), ("flatten", "Flatten"),
])
def test_palette_search_finds_the_image_layers(main_window, qtbot, query, best):
    palette = main_window.palette_panel
    field = palette.findChild(QLineEdit, "paletteSearch")
    field.clear()
    qtbot.keyClicks(field, query)
    assert palette.tree.current_type() == best


@pytest.mark.parametrize("query, best", [
    ("reshape", "Reshape"), ("view", "Reshape"), ("cnn", "Conv2D"), ("kernel", "Conv2D"),
    ("max pooling", "MaxPool2D"), ("average pooling", "AvgPool2D"), ("mean pool", "AvgPool2D"),
    ("global average", "GlobalAveragePooling2D"), ("downsample", "MaxPool2D"),
])
def test_quick_add_finds_the_image_layers(query, best):
    assert match_entries(query, default_entries())[0].type_name == best
    if query == "reshape":  # Flatten is no longer a "reshape" (Reshape is)
        flatten = next(e for e in default_entries() if e.type_name == "Flatten")
        assert "reshape" not in flatten.keywords


# ---- the saved layout ----------------------------------------------------------------------------------------
def test_a_layout_saved_before_the_classification_dock_shows_it_again(qtbot):
    """Someone who used the app before the Classification dock existed: their saved layout (an older
    state version) is not restored, the docks are laid out afresh, and the dock is in view."""
    from gui.app import create_application

    create_application()
    old = MainWindow()
    qtbot.addWidget(old)
    old.training.classes_dock.hide()  # as in a layout without it
    geometry, state = old.saveGeometry(), old.saveState(settings.STATE_VERSION - 1)
    old.close()  # (closing saves the layout: overwritten below)
    store = settings.settings()
    store.setValue(settings.GEOMETRY_KEY, geometry)
    store.setValue(settings.STATE_KEY, state)
    store.sync()

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    dock = w.training.classes_dock
    qtbot.waitUntil(lambda: dock.isVisible() and w.training.boundary_dock in w.tabifiedDockWidgets(dock))
    assert w.findChild(QAction, "actionShowClasses").isChecked()

    settings.save_window_layout(w)  # the new layout is restored as it is, a hidden dock stays hidden
    dock.close()
    settings.save_window_layout(w)
    again = MainWindow()
    qtbot.addWidget(again)
    assert not again.training.classes_dock.toggleViewAction().isChecked()


# ---- a CNN built by hand -------------------------------------------------------------------------------------
def _issues(window) -> list[str]:
    tree = window.issues.tree
    return [tree.topLevelItem(i).text(1) for i in range(tree.topLevelItemCount())]


def test_a_cnn_built_on_an_empty_canvas_with_wires_and_quick_add(main_window, qtbot, view_mouse):
    w = main_window
    w.resize(1280, 800)
    w.findChild(QAction, "actionNew").trigger()
    mouse = view_mouse(w.view)
    graph = w.document.graph
    w.view.zoom_reset()
    w.view.centerOn(500, 100)
    start = w.view.mapToScene(w.view.viewport().rect().center())
    start = (start.x() - 420, start.y() - 60)
    w.scene.add_node("Input", start)
    inp = next(iter(graph))
    from gui.editor.commands import SetParamsCommand

    w.document.push(SetParamsCommand(graph, inp.id, {"shape": [1, 8, 8]}))

    def add_after(node_id: str, query: str, dx: float = 200, dy: float = 0) -> str:
        item = w.scene.node_item(node_id)
        port = item.port_scene_pos("out", False)
        before = {n.id for n in graph}
        mouse.drag(port, (port.x() + dx - 150 + 30, port.y() + dy))
        popup = w.view.quick_add_popup
        assert popup.isVisible()
        popup.set_filter_text(query)
        popup.accept_current()
        (new,) = {n.id for n in graph} - before
        return new

    conv = add_after(inp.id, "conv")
    pool = add_after(conv, "max pooling")
    dense = add_after(pool, "fc", dx=-400, dy=150)
    assert graph.node(conv).type == "Conv2D" and graph.node(pool).type == "MaxPool2D"
    qtbot.waitUntil(lambda: any(m.startswith("Dense expects") for m in _issues(w)))
    message = next(m for m in _issues(w) if m.startswith("Dense expects"))
    assert "1-D feature vector" in message and "add Flatten" in message  # the way out is named
    soft = add_after(dense, "softmax")
    add_after(soft, "cross entropy")
    assert [n.type for n in graph.topological_order()] == ["Input", "Conv2D", "MaxPool2D", "Dense", "Softmax",
                                                          "Loss"]
    # the fix the message names: Flatten between the pooling and the Dense
    edge = next(e for e in graph.edges if e.src == pool)
    w.scene.clearSelection()
    w.scene.edge_item(edge).setSelected(True)
    w.scene.delete_selection()
    add_after(pool, "flatten", dy=-120)
    flatten = next(n for n in graph if n.type == "Flatten")
    out = w.scene.node_item(flatten.id).port_scene_pos("out", False)
    mouse.drag(out, w.scene.node_item(dense).port_scene_pos("in", True))
    # the graph is right now; the data is still the new document's 2-D points, which the image Input does not take
    qtbot.waitUntil(lambda: not [m for m in _issues(w) if "Dense expects" in m])
    assert [m for m in _issues(w) if "The data gives samples of shape (2,)" in m]

    combo = w.findChild(QComboBox, "datasetCombo")
    combo.setCurrentIndex(combo.findData("digits:images"))
    combo.activated.emit(combo.currentIndex())
    assert inp.params["shape"] == [1, 8, 8] and w.document.doc.dataset.get("flat") is False
    # the images fit the Input now; ten digits need ten outputs, which the status bar says before Play
    (error,) = w.document.analysis.errors
    assert error.node == dense and error.message.endswith("set dense_1's units to 10")
    qtbot.waitUntil(lambda: w.status_validity.text().startswith("✗ Data does not fit: The data has 10 classes"))
    w.document.push(SetParamsCommand(graph, dense, {"units": 10}))
    assert not w.document.analysis.errors
    qtbot.waitUntil(lambda: w.status_validity.text() == "✓ Ready to train")
    w.grab()  # paints every card with its icon


# ---- an image folder of mixed sizes ----------------------------------------------------------------------------
def test_an_image_folder_of_mixed_sizes_proposes_its_usual_size_in_words_of_the_panel(main_window, tmp_path,
                                                                                       monkeypatch, qtbot):
    w = main_window
    w.open_example(EXAMPLES_DIR / "digits_cnn.nnd", ask=False)
    root = tmp_path / "shapes"
    rng = np.random.default_rng(0)
    for k, name in enumerate(["circle", "square", "triangle"]):
        (root / name).mkdir(parents=True)
        for i in range(6):
            size = (12, 10) if i == 0 else (8, 8)
            Image.fromarray((rng.random(size) * 80 + 80 * k).astype(np.uint8), "L").save(root / name / f"{i}.png")
    (root / "triangle" / "broken.png").write_bytes(b"not a png")
    (root / "notes.txt").write_text("not an image")
    section = w.training.panel.data
    monkeypatch.setattr(section, "_ask_image_folder", lambda: str(root))
    combo = w.findChild(QComboBox, "datasetCombo")
    combo.setCurrentIndex(combo.findData("__images__"))
    combo.activated.emit(combo.currentIndex())
    error = w.findChild(QLabel, "datasetError")
    assert "differ in size" in error.text()
    assert '"size"' not in error.text() and 'tick "Resize to"' in error.text()  # the panel's words, not JSON
    height, width = w.findChild(QSpinBox, "datasetImageHeight"), w.findChild(QSpinBox, "datasetImageWidth")
    assert (height.value(), width.value()) == (8, 8)  # the usual size, not 28 × 28
    qtbot.mouseClick(w.findChild(QCheckBox, "datasetImageResize"), Qt.MouseButton.LeftButton)
    assert w.document.doc.dataset["size"] == [8, 8]
    assert "triangle/broken.png: cannot read this image" in error.text()  # the next problem, by name
    (root / "triangle" / "broken.png").unlink()
    section.refresh() if hasattr(section, "refresh") else None
    w.document.undo_stack.undo()
    w.document.undo_stack.redo()
    assert w.document.doc.dataset["size"] == [8, 8]


# ---- File → Export ---------------------------------------------------------------------------------------------
def _load_module(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_export_the_trained_cnn_from_the_file_menu(main_window, qtbot, tmp_path, monkeypatch):
    w = main_window
    open_cnn_example(w)
    asked = []

    def answer(self, fmt, suggested):
        asked.append((fmt, Path(suggested).name))
        return str(tmp_path / {"onnx": "digits.onnx", "numpy": "digits_np", "torch": "digits_torch.py"}[fmt])

    monkeypatch.setattr(MainWindow, "_get_export_path", answer)
    menu = w.findChild(QAction, "actionExport_onnx")
    assert menu is not None and w.export_menu.menuAction() in w.findChild(object, "menuFile").actions()
    for fmt in ("onnx", "numpy", "torch"):
        w.findChild(QAction, f"actionExport_{fmt}").trigger()
    assert asked == [("onnx", "digits_cnn.onnx"), ("numpy", "digits_cnn_predict.py"),
                     ("torch", "digits_cnn_torch.py")]
    assert {p.name for p in tmp_path.iterdir()} >= {"digits.onnx", "digits_np.py", "digits_np.npz",
                                                    "digits_torch.py", "digits_torch.npz"}
    assert w.statusBar().currentMessage() == "Exported digits_torch.py and digits_torch.npz"

    X = digits(flat=False).X[:100].astype(np.float32)
    labels, probs = predict(w.document.doc, X)
    labels = np.asarray(labels).astype(str)
    assert np.array_equal(np.asarray(_load_module(tmp_path / "digits_np.py").predict(X)).astype(str), labels)
    ort = pytest.importorskip("onnxruntime")
    session = ort.InferenceSession(str(tmp_path / "digits.onnx"), providers=["CPUExecutionProvider"])
    got = dict(zip([o.name for o in session.get_outputs()],
                   session.run(None, {session.get_inputs()[0].name: X})))
    assert np.array_equal(got["label"].astype(str), labels)
    np.testing.assert_allclose(got["probabilities"], probs, atol=1e-5)


def test_export_of_a_network_that_cannot_run_says_why_and_asks_nothing(main_window, monkeypatch):
    w = main_window
    w.findChild(QAction, "actionNew").trigger()
    w.scene.add_node("Dense", (0, 0))
    monkeypatch.setattr(MainWindow, "_get_export_path", lambda self, fmt, s: pytest.fail("asked for a file"))
    boxes = []
    monkeypatch.setattr(MainWindow, "show_error", lambda self, title, text, detail="": boxes.append((title, detail)))
    assert w.export_network("onnx") == []
    assert boxes and boxes[0][0] == "Cannot export" and boxes[0][1]
    assert w.statusBar().currentMessage().startswith("Not exported: ")


# ---- the step inspector on a CNN sample -------------------------------------------------------------------------
def test_the_step_inspector_captions_the_input_image_and_its_raw_pixels_apart(main_window, qtbot):
    w = main_window
    open_cnn_example(w)
    qtbot.waitUntil(lambda: w.training.controller.state == "finished", timeout=LONG)
    w.findChild(QAction, "actionInspectStep").trigger()
    inspector = w.step_inspector.inspector

    def captions() -> list[str]:
        return [label.text() for label in inspector.findChildren(QLabel)]

    qtbot.waitUntil(lambda: "the raw sample, before the preprocessing" in captions(), timeout=LONG)
    assert captions().count("the sample, as the network sees it") == 1
