"""The inspector: typed editors, undo with merged spin-box streaks, inline validation, renaming,
visible_if rows, and following the model (undo/redo) without pushing commands."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit

from engine.document import Document
from engine.graph import Graph
from gui.document import DocumentModel
from gui.editor.commands import RemoveCommand, SetParamsCommand
from gui.panels.inspector import Inspector


@pytest.fixture
def doc():
    g = Graph()
    x = g.add_node("Input", shape=[2])
    h = g.add_node("Dense", units=8, activation="tanh")
    o = g.add_node("Dense", units=1, activation="sigmoid")
    loss = g.add_node("Loss", function="bce")
    g.connect(x, h)
    g.connect(h, o)
    g.connect(o, loss)
    model = DocumentModel(Document(graph=g))
    yield model
    model.close()


@pytest.fixture
def inspector(qtbot, doc):
    widget = Inspector()
    qtbot.addWidget(widget)
    widget.set_document(doc)
    widget.resize(320, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def dense(doc, name="dense_1"):
    return doc.graph.node(name)


def select(inspector, doc, name):
    node = doc.graph.node(name)
    inspector.show_node(node.id)
    return node


def widget(inspector, param):
    return inspector.editor(param).widget


def message(inspector, param):
    return inspector.findChild(QLabel, f"message_{param}")


def type_into(qtbot, field, text):
    """Replace a field's text the way a person does: select all, type, press Enter."""
    field.setFocus()
    line = field if isinstance(field, QLineEdit) else field.lineEdit()
    line.selectAll()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def test_shows_a_dense_nodes_parameters_shape_and_size(inspector, doc, qtbot):
    node = select(inspector, doc, "dense_1")
    assert inspector.findChild(QLineEdit, "inspectorName").text() == "dense_1"
    assert widget(inspector, "units").value() == 8
    assert widget(inspector, "activation").currentText() == "tanh"
    assert widget(inspector, "use_bias").isChecked()
    assert inspector.findChild(QLabel, "inspectorTitle").text() == "Dense"
    assert node.spec.description in inspector.findChild(QLabel, "inspectorDescription").text()
    assert inspector.findChild(QLabel, "inspectorShape").text() == "(8,)"
    assert inspector.findChild(QLabel, "inspectorParamCount").text().startswith("24")  # W 2×8 + b 8
    assert widget(inspector, "units").toolTip() == "Number of neurons (from 1 up to 65536)"


def test_spin_box_change_is_one_undoable_command(inspector, doc, qtbot):
    node = select(inspector, doc, "dense_1")
    spin = widget(inspector, "units")
    type_into(qtbot, spin, "32")
    assert node.params["units"] == 32
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert node.params["units"] == 8
    assert spin.value() == 8  # the editor follows the undo
    assert doc.undo_stack.count() == 1  # ... without pushing anything


def test_a_spin_box_streak_merges_into_one_undo_step(inspector, doc, qtbot):
    node = select(inspector, doc, "dense_1")
    spin = widget(inspector, "units")
    spin.setFocus()
    for _ in range(3):
        qtbot.keyClick(spin, Qt.Key.Key_Up)  # like holding the arrow
    spin.stepUp()
    assert node.params["units"] == 12
    assert doc.undo_stack.count() == 1
    qtbot.keyClick(spin, Qt.Key.Key_Return)  # the streak ends
    qtbot.keyClick(spin, Qt.Key.Key_Up)
    assert node.params["units"] == 13
    assert doc.undo_stack.count() == 2
    doc.undo_stack.undo()
    assert node.params["units"] == 12 and spin.value() == 12
    doc.undo_stack.undo()
    assert node.params["units"] == 8 and spin.value() == 8
    doc.undo_stack.redo()
    assert spin.value() == 12


def test_invalid_cross_parameter_value_shows_a_message_and_keeps_the_model(inspector, doc, qtbot):
    node = select(inspector, doc, "dense_1")
    init = widget(inspector, "initializer")
    init.setCurrentIndex(init.findData("uniform"))
    assert node.params["initializer"] == "uniform"
    low, high = widget(inspector, "init_low"), widget(inspector, "init_high")
    assert low.isVisibleTo(inspector) and high.isVisibleTo(inspector)
    count = doc.undo_stack.count()

    type_into(qtbot, low, "1")
    assert node.params["init_low"] == -0.5  # the model keeps its last valid value
    assert doc.undo_stack.count() == count
    text = message(inspector, "init_low")
    assert text.isVisibleTo(inspector) and "init_low ≤ init_high" in text.text()

    type_into(qtbot, high, "2")  # now both fit: applied together, as one step
    assert (node.params["init_low"], node.params["init_high"]) == (1.0, 2.0)
    assert doc.undo_stack.count() == count + 1
    assert not message(inspector, "init_low").isVisibleTo(inspector)
    doc.undo_stack.undo()
    assert (low.value(), high.value()) == (-0.5, 0.5)


def test_escape_reverts_a_refused_value(inspector, doc, qtbot):
    select(inspector, doc, "dense_1")
    init = widget(inspector, "initializer")
    init.setCurrentIndex(init.findData("uniform"))
    low = widget(inspector, "init_low")
    type_into(qtbot, low, "3")
    assert message(inspector, "init_low").isVisibleTo(inspector)
    qtbot.keyClick(low, Qt.Key.Key_Escape)
    assert low.value() == -0.5
    assert not message(inspector, "init_low").isVisibleTo(inspector)


def test_rename_and_duplicate_name_refusal(inspector, doc, qtbot):
    node = select(inspector, doc, "dense_1")
    name = inspector.findChild(QLineEdit, "inspectorName")
    note = inspector.findChild(QLabel, "inspectorNameMessage")
    type_into(qtbot, name, "hidden")
    assert node.name == "hidden" and doc.undo_stack.count() == 1

    type_into(qtbot, name, "input_1")
    assert node.name == "hidden" and doc.undo_stack.count() == 1
    assert note.isVisibleTo(inspector) and "already" in note.text()
    qtbot.keyClick(name, Qt.Key.Key_Escape)
    assert name.text() == "hidden" and not note.isVisibleTo(inspector)

    name.selectAll()
    qtbot.keyClicks(name, "2 bad")  # the message appears while typing
    assert note.isVisibleTo(inspector) and "letters" in note.text()

    doc.undo_stack.undo()
    assert node.name == "dense_1" and name.text() == "dense_1"


def test_visible_if_rows_follow_the_activation(inspector, doc, qtbot):
    select(inspector, doc, "dense_1")
    form = inspector.form
    assert not form.is_row_visible("negative_slope") and not form.is_row_visible("alpha")
    combo = widget(inspector, "activation")
    combo.setFocus()
    combo.setCurrentIndex(combo.findData("leaky_relu"))
    assert form.is_row_visible("negative_slope") and not form.is_row_visible("alpha")
    assert widget(inspector, "negative_slope").isVisibleTo(inspector)
    combo.setCurrentIndex(combo.findData("elu"))
    assert form.is_row_visible("alpha") and not form.is_row_visible("negative_slope")
    doc.undo_stack.undo()  # back to leaky_relu: the rows follow the model too
    assert form.is_row_visible("negative_slope")
    assert combo.currentText() == "leaky_relu"


def test_changes_from_elsewhere_update_the_fields_without_commands(inspector, doc, qtbot):
    node = select(inspector, doc, "dense_1")
    doc.push(SetParamsCommand(doc.graph, node.id, {"units": 5, "use_bias": False}))
    assert widget(inspector, "units").value() == 5
    assert not widget(inspector, "use_bias").isChecked()
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert widget(inspector, "units").value() == 8 and widget(inspector, "use_bias").isChecked()
    assert doc.undo_stack.count() == 1 and doc.undo_stack.index() == 0


def test_checkbox_and_combo_changes_are_undoable(inspector, doc, qtbot):
    node = select(inspector, doc, "dense_1")
    box = widget(inspector, "use_bias")
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    assert node.params["use_bias"] is False
    qtbot.waitUntil(lambda: inspector.findChild(QLabel, "inspectorParamCount").text().startswith("16"))
    doc.undo_stack.undo()
    assert box.isChecked() and node.params["use_bias"] is True


def test_tiny_floats_show_in_scientific_notation(inspector, doc, qtbot):
    bn = doc.graph.add_node("BatchNorm")
    inspector.show_node(bn.id)
    eps = widget(inspector, "epsilon")
    assert eps.text() == "1e-05"
    eps.setFocus()
    qtbot.keyClick(eps, Qt.Key.Key_Up)
    assert bn.params["epsilon"] == pytest.approx(1e-4) and eps.text() == "0.0001"
    type_into(qtbot, eps, "2e-3")
    assert bn.params["epsilon"] == 0.002 and eps.text() == "0.002"
    type_into(qtbot, eps, "0")  # epsilon must be > 0: the engine's message, the model unchanged
    assert bn.params["epsilon"] == 0.002
    assert "> 0" in message(inspector, "epsilon").text()


def test_shape_field(inspector, doc, qtbot):
    node = select(inspector, doc, "input_1")
    field = widget(inspector, "shape")
    assert field.text() == "2"
    type_into(qtbot, field, "1, 8, 8")
    assert node.params["shape"] == [1, 8, 8]
    type_into(qtbot, field, "3, x")
    assert node.params["shape"] == [1, 8, 8]
    assert message(inspector, "shape").isVisibleTo(inspector)


def test_removing_a_wired_merge_port_is_refused_with_a_message(inspector, doc, qtbot):
    g = doc.graph
    add = g.add_node("Add", inputs=3)
    g.connect("input_1", add, dst_port="in3")
    inspector.show_node(add.id)
    spin = widget(inspector, "inputs")
    spin.setFocus()
    qtbot.keyClick(spin, Qt.Key.Key_Down)
    assert add.params["inputs"] == 3
    assert "still wired" in message(inspector, "inputs").text()


def test_summary_multi_selection_and_removal(inspector, doc, qtbot):
    inspector.show_node(None)
    assert inspector.pages.currentWidget().objectName() == "inspectorSummary"
    assert inspector.findChild(QLabel, "summaryLayers").text() == "4"
    assert inspector.findChild(QLabel, "summaryParams").text() == "33"  # 2·8+8 + 8·1+1
    assert inspector.findChild(QLabel, "summaryStatus").text() == "Ready to train"

    ids = [n.id for n in doc.graph.nodes[:3]]
    inspector.show_node(ids)
    assert inspector.pages.currentWidget().objectName() == "inspectorMulti"
    assert inspector.findChild(QLabel, "multiTitle").text() == "3 nodes selected"

    node = select(inspector, doc, "loss_1")
    doc.push(RemoveCommand(doc.graph, [node.id]))
    assert inspector.pages.currentWidget().objectName() == "inspectorSummary"
    qtbot.waitUntil(lambda: "Can predict" in inspector.findChild(QLabel, "summaryStatus").text())


def focus(qtbot, widget):
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(widget.hasFocus, timeout=10000)


def test_focus_starts_a_new_streak_and_focus_out_applies_a_name(inspector, doc, qtbot):
    inspector.activateWindow()
    qtbot.waitActive(inspector)
    node = select(inspector, doc, "dense_1")
    spin, name = widget(inspector, "units"), inspector.findChild(QLineEdit, "inspectorName")
    focus(qtbot, spin)
    qtbot.keyClick(spin, Qt.Key.Key_Up)
    qtbot.keyClick(spin, Qt.Key.Key_Up)
    focus(qtbot, name)
    focus(qtbot, spin)
    qtbot.keyClick(spin, Qt.Key.Key_Down)
    assert node.params["units"] == 9 and doc.undo_stack.count() == 2

    focus(qtbot, name)
    name.selectAll()
    qtbot.keyClicks(name, "hidden")
    focus(qtbot, spin)  # leaving the field applies a valid name ...
    assert node.name == "hidden" and doc.undo_stack.count() == 3
    focus(qtbot, name)
    name.selectAll()
    qtbot.keyClicks(name, "input_1")
    focus(qtbot, spin)  # ... and reverts a refused one
    assert node.name == "hidden" and name.text() == "hidden"
    assert not inspector.findChild(QLabel, "inspectorNameMessage").isVisibleTo(inspector)


def test_tab_moves_through_the_fields_in_order(inspector, doc, qtbot):
    inspector.activateWindow()
    qtbot.waitActive(inspector)
    select(inspector, doc, "dense_1")
    focus(qtbot, inspector.findChild(QLineEdit, "inspectorName"))
    visited = []
    for _ in range(4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        visited.append(QApplication.focusWidget().objectName())
    assert visited == ["param_units", "param_activation", "param_use_bias", "param_initializer"]


def test_outlives_nothing_it_listens_to(qtbot, doc):
    widget = Inspector()
    widget.set_document(doc)
    widget.show_node(doc.graph.node("dense_1").id)
    widget.deleteLater()
    qtbot.wait(10)  # the widget is gone: editing the graph must not call into it
    doc.graph.set_params("dense_1", units=3)
    other = Inspector()
    qtbot.addWidget(other)
    other.set_document(doc)
    other.set_document(None)
    doc.graph.set_params("dense_1", units=4)
    assert other.findChild(QLabel, "summaryTitle").text() == "No network"
