"""Data that does not fit the network is shown before Play: the status bar says "✗ Data does not fit"
(the fix in its tooltip), the Issues panel lists an error on the node to change (a click selects it),
and Play refuses in the same words; an edit that fixes it, or undo, brings "✓ Ready to train" back.
No false alarms: the examples, Playground's feature chips, image data."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QToolButton

from gui.main_window import EXAMPLES_DIR

READY = "✓ Ready to train"
MISFIT = "✗ Data does not fit: "


def status(window) -> str:
    return window.status_validity.text()


def issue_rows(window) -> list:
    tree = window.issues.tree
    return [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]


def error_rows(window) -> list:
    return [item for item in issue_rows(window) if item.data(0, Qt.ItemDataRole.UserRole + 1) == "error"]


def click_node(window, view_mouse, name: str) -> None:
    """A person's click on a node's card on the canvas (selects it; the Inspector shows its editors)."""
    node = window.document.graph.node(name)
    item = window.scene.node_item(node.id)
    view_mouse(window.view).click(item.sceneBoundingRect().center())
    assert window.scene.selected_node_ids() == [node.id]


def type_into(qtbot, field, text: str) -> None:
    field.setFocus()
    line = field.lineEdit() if hasattr(field, "lineEdit") and field.lineEdit() is not None else field
    line.selectAll()
    qtbot.keyClicks(line, text)
    qtbot.keyClick(line, Qt.Key.Key_Return)


def pick_dataset(window, key: str) -> None:
    combo = window.findChild(QComboBox, "datasetCombo")
    index = combo.findData(key)
    assert index >= 0, key
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def click_play(window, qtbot) -> None:
    qtbot.mouseClick(window.findChild(QToolButton, "trainPlay"), Qt.MouseButton.LeftButton)


def test_more_units_than_classes_is_shown_before_play_and_play_refuses_alike(main_window, qtbot, view_mouse):
    window = main_window
    window.open_example(EXAMPLES_DIR / "spiral3.nnd", ask=False)  # 3 classes: dense_3 (3) → Softmax → CE
    qtbot.waitUntil(lambda: status(window) == READY)
    click_node(window, view_mouse, "dense_3")
    type_into(qtbot, window.inspector.editor("units").widget, "10")
    assert window.document.graph.node("dense_3").params["units"] == 10

    qtbot.waitUntil(lambda: status(window).startswith(MISFIT))
    assert status(window) == MISFIT + "The data has 3 classes but softmax_1 outputs (10,)"
    assert "set dense_3's units to 3" in window.status_validity.toolTip()
    errors = error_rows(window)
    assert len(errors) == 1 and errors[0].text(0) == "dense_3"  # the layer whose units to change
    assert errors[0].text(1) == "The data has 3 classes but softmax_1 outputs (10,): set dense_3's units to 3"
    assert window.issues.counts()[0] == 1 and "1 error" in window.issues_dock.windowTitle()

    window.scene.clearSelection()
    tree = window.issues.tree
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualItemRect(errors[0]).center())
    assert window.scene.selected_node_ids() == [window.document.graph.node("dense_3").id]

    click_play(window, qtbot)  # Play says the same, and nothing starts
    bar = window.training.message_bar
    qtbot.waitUntil(lambda: bar.isVisible())
    assert bar.text() == "Cannot train: " + errors[0].text(1)
    assert not window.training.controller.is_playing

    window.document.undo_stack.undo()  # 3 units again
    qtbot.waitUntil(lambda: status(window) == READY)
    assert not error_rows(window)
    click_play(window, qtbot)
    qtbot.waitUntil(lambda: window.training.controller.state == "playing", timeout=30000)


def test_choosing_other_data_shows_the_misfit_and_choosing_it_back_clears_it(main_window, qtbot):
    window = main_window
    window.open_example(EXAMPLES_DIR / "iris.nnd", ask=False)  # 4 inputs, 3 classes, softmax of 3
    qtbot.waitUntil(lambda: status(window) == READY)
    pick_dataset(window, "spiral")  # 2 classes: the Input follows the data (x1, x2), the softmax does not
    model = window.document
    assert model.graph.node("input_1").params["shape"] == [2]
    qtbot.waitUntil(lambda: status(window).startswith(MISFIT))
    assert status(window) == MISFIT + "The data has 2 classes but dense_2 outputs (3,)"
    assert "set its units to 2" in window.status_validity.toolTip()
    assert [(r.text(0), r.text(1)) for r in error_rows(window)] == [
        ("dense_2", "The data has 2 classes but dense_2 outputs (3,): set its units to 2")]
    item = window.scene.node_item(model.graph.node("dense_2").id)
    assert any(i.is_error for i in model.analysis.for_node(item.node.id))  # the card shows it too

    pick_dataset(window, "plane")  # a regression: the Loss is the one to change
    qtbot.waitUntil(lambda: "regression" in status(window))
    rows = error_rows(window)
    assert [r.text(0) for r in rows] == ["loss_1"]
    assert rows[0].text(1) == ("The data is a regression (numeric targets) but the Loss is a classification loss: "
                               "use mse, mae or huber")
    assert "use mse, mae or huber" in window.status_validity.toolTip()

    model.undo_stack.undo()
    model.undo_stack.undo()  # iris again
    assert model.doc.dataset["name"] == "iris" and model.graph.node("input_1").params["shape"] == [4]
    qtbot.waitUntil(lambda: status(window) == READY)
    assert not error_rows(window)


def test_an_input_shape_that_is_not_the_datas_names_the_input(main_window, qtbot, view_mouse):
    window = main_window
    window.open_example(EXAMPLES_DIR / "digits_mlp.nnd", ask=False)  # flat 8 × 8 digits: 64 inputs
    qtbot.waitUntil(lambda: status(window) == READY)
    click_node(window, view_mouse, "input_1")
    type_into(qtbot, window.inspector.editor("shape").widget, "1, 8, 8")  # the image shape: Flatten-less MLP
    assert window.document.graph.node("input_1").params["shape"] == [1, 8, 8]
    qtbot.waitUntil(lambda: status(window) != READY)
    # a 3-D input into Dense is the graph's own error first (one mistake, one message)
    assert not status(window).startswith(MISFIT)
    window.document.undo_stack.undo()
    click_node(window, view_mouse, "input_1")
    type_into(qtbot, window.inspector.editor("shape").widget, "32")
    qtbot.waitUntil(lambda: status(window).startswith(MISFIT))
    assert status(window).startswith(MISFIT + "The data gives samples of shape (64,) (px_0_0, px_0_1,")
    assert "input_1 expects (32,)" in status(window)
    assert "set input_1's shape to [64]" in window.status_validity.toolTip()
    rows = error_rows(window)
    assert [r.text(0) for r in rows] == ["input_1"]


def test_no_false_alarms_for_the_examples_features_and_images(main_window, qtbot):
    window = main_window
    for action in window.examples_menu.actions():
        action.trigger()
        assert window.document.data_facts is not None, action.text()  # the data was checked, and fits
        assert status(window).startswith("✓"), (action.text(), status(window))
        assert not error_rows(window), action.text()

    window.open_example(EXAMPLES_DIR / "spiral.nnd", ask=False)  # Playground's features: 7 of them
    chip = window.findChild(QToolButton, "feature_sinx1")
    assert chip.isChecked()
    qtbot.mouseClick(chip, Qt.MouseButton.LeftButton)  # 6 features: the Input follows in the same step
    assert window.document.graph.node("input_1").params["shape"] == [6]
    qtbot.waitUntil(lambda: window.document.data_facts.input_shape == (6,))
    assert status(window) == READY

    window.open_example(EXAMPLES_DIR / "digits_mlp.nnd", ask=False)
    pick_dataset(window, "digits")  # the same data again
    assert status(window) == READY
