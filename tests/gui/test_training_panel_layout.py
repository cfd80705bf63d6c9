"""At the default 1280×800 window the Training panel shows the transport and the settings people
turn most without scrolling; the rest folds into "More training settings", whose heading says what
is inside."""
from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QComboBox, QScrollArea, QToolButton, QWidget

from gui.main_window import EXAMPLES_DIR, MainWindow

IN_VIEW = ["trainPlay", "trainStep", "trainReset", "trainStop", "epochLabel", "trainStatus",
           "trainLearningRate", "trainBatchSize", "trainOptimizer", "trainEpochs", "trainUntilStopped"]


def fully_shown(window: MainWindow, widget: QWidget) -> bool:
    """The whole widget is on screen: visible, not clipped by a scroll area or the dock's edge."""
    if not widget.isVisible():
        return False
    region = widget.visibleRegion().boundingRect()
    dock = window.training.training_dock
    top_left = widget.mapTo(window, QPoint(0, 0))
    in_window = QRect(top_left, widget.size())
    dock_rect = QRect(dock.mapTo(window, QPoint(0, 0)), dock.size())
    return region.size() == widget.size() and dock_rect.contains(in_window)


def test_transport_and_main_settings_are_in_view_at_1280_by_800(main_window, qtbot, tmp_path):
    window = main_window
    window.resize(1280, 800)
    window.open_example(EXAMPLES_DIR / "spiral.nnd", ask=False)
    qtbot.wait(200)  # the first show divides the window between the docks
    window.training.training_dock.raise_()
    qtbot.wait(50)
    window.grab().save(str(tmp_path / "window.png"))
    scroll = window.findChild(QScrollArea, "trainingScroll")
    for name in IN_VIEW:
        widget = window.findChild(QWidget, name)
        assert widget is not None, name
        assert not scroll.isAncestorOf(widget), f"{name} would scroll away"
        assert fully_shown(window, widget), f"{name} is not fully in view at 1280×800"
    # the data section starts in view too (its heading and the dataset picker)
    data_toggle = window.findChild(QToolButton, "trainingDataToggle")
    assert data_toggle.isChecked() and fully_shown(window, data_toggle)


def test_more_settings_fold_and_say_what_they_hold(main_window, qtbot):
    window = main_window
    window.open_example(EXAMPLES_DIR / "spiral.nnd", ask=False)
    toggle = window.findChild(QToolButton, "trainingAdvancedToggle")
    summary = window.findChild(QWidget, "trainingAdvancedSummary")
    schedule = window.findChild(QComboBox, "trainSchedule")
    assert not toggle.isChecked() and not schedule.isVisible()            # folded at first
    assert summary.isVisible() and summary.text() == "Constant schedule · no regularization · weight seed 0"

    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)                   # unfold: the settings are there
    assert toggle.isChecked() and schedule.isVisible() and not summary.isVisible()
    regularization = window.findChild(QComboBox, "trainRegularization")
    regularization.setCurrentIndex(2)
    regularization.activated.emit(2)
    assert window.document.doc.training.l2 == 0.001
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)                   # fold again: the line follows the edit
    assert not schedule.isVisible() and summary.text() == "Constant schedule · L2 0.001 · weight seed 0"

    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    other = MainWindow()                                                   # a person who opened it finds it open
    qtbot.addWidget(other)
    assert other.findChild(QToolButton, "trainingAdvancedToggle").isChecked()
