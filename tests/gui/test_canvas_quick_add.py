"""Quick add: fuzzy matching with aliases and presets, and the popup's keyboard."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from engine import registry
from gui.editor.quick_add import QuickAddPopup, QuickAddRequest, default_entries, match_entries


@pytest.fixture(scope="module")
def entries():
    return default_entries()


def first(query, entries):
    hit = match_entries(query, entries)[0]
    return hit.type_name, hit.params


@pytest.mark.parametrize("query, expected", [
    ("relu", ("Activation", {"function": "relu"})),
    ("ReLU", ("Activation", {"function": "relu"})),
    ("sigmoid", ("Activation", {"function": "sigmoid"})),
    ("logistic", ("Activation", {"function": "sigmoid"})),
    ("tanh", ("Activation", {"function": "tanh"})),
    ("leaky", ("Activation", {"function": "leaky_relu"})),
    ("softmax", ("Softmax", {})),
    ("fc", ("Dense", {})),
    ("linear", ("Dense", {})),
    ("dense", ("Dense", {})),
    ("dns", ("Dense", {})),               # fuzzy: letters in order
    ("mse", ("Loss", {"function": "mse"})),
    ("bce", ("Loss", {"function": "bce"})),
    ("cross", ("Loss", {"function": "cross_entropy"})),
    ("cross entropy", ("Loss", {"function": "cross_entropy"})),
    ("concatenate", ("Concat", {})),
    ("residual", ("Add", {})),
    ("bn", ("BatchNorm", {})),
    ("flat", ("Flatten", {})),
    ("loss", ("Loss", {})),
])
def test_fuzzy_matching_finds_types_aliases_and_presets(query, expected, entries):
    assert first(query, entries) == expected


def test_every_layer_type_is_offered_and_nonsense_matches_nothing(entries):
    assert {e.type_name for e in match_entries("", entries)} == set(registry.types())
    assert match_entries("zzqx", entries) == []
    for e in entries:  # every preset is valid for its layer
        e.spec.make_params(e.params)


def test_request_filters_by_what_can_take_the_wire(entries):
    from_output = QuickAddRequest(QPointF(), connect_from=("n", "out"))
    into_input = QuickAddRequest(QPointF(), connect_to=("n", "in"))
    assert "Input" not in {e.type_name for e in entries if from_output.accepts(e)}
    assert "Loss" not in {e.type_name for e in entries if into_input.accepts(e)}
    assert "Loss" in {e.type_name for e in entries if from_output.accepts(e)}
    calls = []
    request = QuickAddRequest(QPointF(), finished=lambda: calls.append(1))
    request.finish()
    request.finish()
    assert calls == [1]


def test_popup_keyboard_up_down_enter_escape(qtbot):
    popup = QuickAddPopup()
    qtbot.addWidget(popup)
    chosen = []
    popup.chosen.connect(lambda t, p: chosen.append((t, p)))
    popup.start()
    popup.popup(QPoint(10, 10))
    qtbot.waitExposed(popup)
    qtbot.keyClicks(popup.search, "relu")
    assert popup.current_entry().label == "ReLU"
    qtbot.keyClick(popup.search, Qt.Key.Key_Down)
    second = popup.current_entry()
    assert second is popup.entries()[1]
    qtbot.keyClick(popup.search, Qt.Key.Key_Up)
    qtbot.keyClick(popup.search, Qt.Key.Key_Up)   # wraps around
    assert popup.current_entry() is popup.entries()[-1]
    qtbot.keyClick(popup.search, Qt.Key.Key_Down)
    qtbot.keyClick(popup.search, Qt.Key.Key_Return)
    assert chosen == [("Activation", {"function": "relu"})]
    assert not popup.isVisible()

    popup.start(lambda e: e.type_name != "Dense")
    popup.popup(QPoint(10, 10))
    assert popup.search.text() == ""
    popup.set_filter_text("fc")
    assert all(e.type_name != "Dense" for e in popup.entries())
    qtbot.keyClick(popup.search, Qt.Key.Key_Escape)
    assert not popup.isVisible() and len(chosen) == 1
    popup.set_filter_text("zzqx")
    assert popup.accept_current() is None
