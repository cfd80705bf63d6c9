"""The layer palette: every type grouped by kind, search with aliases, drag MIME data, adding by
double-click and Enter."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QLineEdit, QTreeWidget

from engine import registry
from gui.editor.mime import LAYER_MIME
from gui.editor.items.style import CATEGORY_COLORS  # the canvas's colours: the palette uses the same
from gui.panels.palette import LayerPalette


@pytest.fixture
def palette(qtbot):
    widget = LayerPalette()
    qtbot.addWidget(widget)
    widget.resize(240, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def search(qtbot, palette, text):
    field = palette.findChild(QLineEdit, "paletteSearch")
    field.clear()
    qtbot.keyClicks(field, text)
    return field


def test_every_layer_type_is_listed_under_its_kind_with_colour_and_tooltip(palette):
    assert palette.objectName() == "layerPalette"
    tree = palette.findChild(QTreeWidget, "paletteTree")
    assert sorted(palette.visible_types()) == sorted(registry.types())
    for spec in registry.specs():
        item = palette.item_for(spec.type)
        assert item.parent().text(0) == spec.category.upper()
        assert spec.description in item.toolTip(0)
        colour = item.icon(0).pixmap(18, 18).toImage().pixelColor(1, 9)  # the badge's edge
        assert colour == QColor(CATEGORY_COLORS[spec.category])
    assert set(CATEGORY_COLORS) == set(registry.CATEGORIES)
    assert [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())] == [
        c.upper() for c in registry.by_category()]


@pytest.mark.parametrize("query, expected, best", [
    ("relu", {"Activation", "Dense", "Conv2D"}, "Activation"),  # Dense and Conv2D: their activation choices
    ("sigmoid", {"Activation", "Dense", "Conv2D"}, "Activation"),
    ("mse", {"Loss"}, "Loss"),
    ("bce", {"Loss"}, "Loss"),
    ("cross-entropy", {"Loss", "Softmax"}, "Loss"),
    ("fc", {"Dense"}, "Dense"),
    ("linear", {"Dense", "Activation", "Conv2D"}, "Dense"),
    ("drop", {"Dropout"}, "Dropout"),
    ("merge", {"Add", "Concat"}, "Add"),
    ("DENSE", {"Dense"}, "Dense"),
])
def test_search_filters_by_name_description_and_aliases(qtbot, palette, query, expected, best):
    search(qtbot, palette, query)
    assert set(palette.visible_types()) == expected
    assert palette.tree.current_type() == best
    hidden_kinds = [h.text(0) for h in palette._headers.values() if h.isHidden()]
    assert hidden_kinds  # kinds without a match are hidden too


def test_search_without_match_says_so_and_escape_clears(qtbot, palette):
    field = search(qtbot, palette, "zzz")
    assert palette.visible_types() == []
    empty = palette.findChild(QLabel, "paletteEmpty")
    assert empty.isVisibleTo(palette) and "zzz" in empty.text()
    qtbot.keyClick(field, Qt.Key.Key_Escape)
    assert field.text() == "" and len(palette.visible_types()) == len(registry.types())


def test_mime_for_carries_the_type_name(palette):
    mime = palette.mime_for("Dense")
    assert mime.hasFormat(LAYER_MIME)
    assert bytes(mime.data(LAYER_MIME)).decode() == "Dense"
    assert mime.formats() == [LAYER_MIME]  # no text/URLs that other drop targets would take
    tree = palette.tree
    assert bytes(tree.mimeData([palette.item_for("Dropout")]).data(LAYER_MIME)) == b"Dropout"
    assert LAYER_MIME in tree.mimeTypes()


def double_click(qtbot, tree, item):
    """Press-release then double-click, as a mouse delivers it (a view ignores a lone double-click)."""
    pos = tree.visualItemRect(item).center()
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def test_double_click_emits_add_requested(qtbot, palette):
    with qtbot.waitSignal(palette.addRequested, timeout=10000) as blocker:
        double_click(qtbot, palette.tree, palette.item_for("Dense"))
    assert blocker.args == ["Dense"]


def test_double_click_on_a_kind_header_adds_nothing(qtbot, palette):
    with qtbot.assertNotEmitted(palette.addRequested):
        double_click(qtbot, palette.tree, palette.tree.topLevelItem(0))


def test_keyboard_search_then_enter_adds_the_best_match(qtbot, palette):
    field = search(qtbot, palette, "sigmoid")
    with qtbot.waitSignal(palette.addRequested) as blocker:
        qtbot.keyClick(field, Qt.Key.Key_Return)
    assert blocker.args == ["Activation"]


def test_arrow_keys_skip_headers_and_enter_adds(qtbot, palette):
    field = search(qtbot, palette, "")
    qtbot.keyClick(field, Qt.Key.Key_Down)  # into the list, on the first entry
    tree = palette.tree
    assert tree.current_type() == "Input"
    qtbot.keyClick(tree, Qt.Key.Key_Down)
    qtbot.keyClick(tree, Qt.Key.Key_Down)  # Loss → (CORE header skipped) → Dense
    assert tree.current_type() == "Dense"
    with qtbot.waitSignal(palette.addRequested) as blocker:
        qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert blocker.args == ["Dense"]
    assert "Fully connected" in palette.findChild(QLabel, "paletteDetails").text()


def test_dragging_an_entry_starts_a_drag_with_the_layer_mime(qtbot, palette, monkeypatch):
    started = []

    class FakeDrag:
        def __init__(self, source):
            self.source = source

        def setMimeData(self, mime):
            self.mime = mime

        def setPixmap(self, pixmap):
            self.pixmap = pixmap

        def setHotSpot(self, point):
            pass

        def exec(self, *actions):
            started.append(self)
            return Qt.DropAction.CopyAction

    monkeypatch.setattr("gui.panels.palette.QDrag", FakeDrag)
    tree = palette.tree
    tree.setCurrentItem(palette.item_for("BatchNorm"))
    tree.startDrag(Qt.DropAction.CopyAction)
    (drag,) = started
    assert bytes(drag.mime.data(LAYER_MIME)) == b"BatchNorm"
    assert not drag.pixmap.isNull()
