"""The issues panel: errors first, load problems in their own group, clicking asks for the node,
the empty state, counts for the dock title, and updates after edits."""

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTreeWidget

import engine
from engine.document import Document
from engine.file_sections import Problem
from engine.graph import Graph
from gui.document import DocumentModel
from gui.editor.commands import AddNodeCommand, SetParamsCommand
from gui.panels.issues import READY_TEXT, IssuesPanel

XOR = Path(__file__).resolve().parents[2] / "resources" / "examples" / "xor.nnd"


def image_network():
    """An 8 × 8 image straight into Dense: a shape error on dense_1; a dangling Dropout."""
    g = Graph()
    x = g.add_node("Input", shape=[1, 8, 8])
    h = g.add_node("Dense", units=4, activation="tanh")
    o = g.add_node("Dense", units=1, activation="sigmoid")
    loss = g.add_node("Loss", function="bce")
    g.connect(x, h)
    g.connect(h, o)
    g.connect(o, loss)
    g.add_node("Dropout")
    return g


@pytest.fixture
def panel(qtbot):
    widget = IssuesPanel()
    qtbot.addWidget(widget)
    widget.resize(900, 180)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def open_doc(panel, graph, problems=()):
    doc = DocumentModel(Document(graph=graph, problems=list(problems)))
    panel.set_document(doc)
    return doc


def rows(panel):
    tree = panel.findChild(QTreeWidget, "issuesTree")
    return [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]


def test_lists_a_shape_error_first_and_clicking_requests_its_node(qtbot, panel):
    doc = open_doc(panel, image_network())
    items = rows(panel)
    kinds = [item.data(0, Qt.ItemDataRole.UserRole + 1) for item in items]
    assert kinds == sorted(kinds, key=lambda k: k != "error") and kinds[0] == "error"
    first = items[0]
    assert first.text(0) == "dense_1" and "Dense expects a 1-D feature vector" in first.text(1)
    assert any(i.text(0) == "dropout_1" and "no input" in i.text(1) for i in items)
    assert panel.counts() == (1, 2) and panel.title() == "Issues (1 error, 2 warnings)"

    tree = panel.tree
    with qtbot.waitSignal(panel.nodeRequested, timeout=10000) as blocker:
        qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualItemRect(first).center())
    assert blocker.args == [doc.graph.node("dense_1").id]


def test_follows_edits_and_reports_counts(qtbot, panel):
    doc = open_doc(panel, image_network())
    with qtbot.waitSignal(panel.countChanged, timeout=10000) as blocker:
        doc.push(AddNodeCommand(doc.graph, "Flatten", (0, 0), connect_from=(doc.graph.node("input_1").id, "out")))
        doc.push(SetParamsCommand(doc.graph, doc.graph.node("input_1").id, {"shape": [2]}))
    assert blocker.args[0] == 0  # the shape error is gone
    assert not any(i.data(0, Qt.ItemDataRole.UserRole + 1) == "error" for i in rows(panel))


def test_load_problems_have_their_own_group(panel):
    problems = [Problem("graph.nodes[4].params.rate", "expected a value ≤ 0.95, received 2 (0.5 used)"),
                Problem("training.optimizer", "unknown optimizer 'adamw' (adam used)")]
    open_doc(panel, image_network(), problems)
    group = rows(panel)[-1]
    assert "opened with 2 problems" in group.text(0)
    assert [group.child(i).text(0) for i in range(group.childCount())] == [
        "graph.nodes[4].params.rate", "training.optimizer"]
    assert "adamw" in group.child(1).text(1)
    assert group.isExpanded()
    assert panel.counts() == (1, 4)


def test_clean_network_shows_the_empty_state(qtbot, panel):
    doc = DocumentModel(engine.load(XOR))
    panel.set_document(doc)
    assert rows(panel) == []
    empty = panel.findChild(QLabel, "issuesEmptyText")
    assert empty.isVisibleTo(panel) and empty.text() == READY_TEXT
    assert panel.counts() == (0, 0) and panel.title() == "Issues"
    panel.set_document(None)
    assert empty.text() == "No network open"


def test_network_wide_issue_requests_nothing(qtbot, panel):
    open_doc(panel, Graph())  # "The network is empty"
    (item,) = rows(panel)
    assert item.text(0) == "Network"
    with qtbot.assertNotEmitted(panel.nodeRequested):
        qtbot.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton,
                         pos=panel.tree.visualItemRect(item).center())


def test_enter_on_an_issue_requests_its_node(qtbot, panel):
    doc = open_doc(panel, image_network())
    tree = panel.tree
    tree.setFocus()
    tree.setCurrentItem(rows(panel)[0])
    with qtbot.waitSignal(panel.nodeRequested, timeout=10000) as blocker:
        qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert blocker.args == [doc.graph.node("dense_1").id]
