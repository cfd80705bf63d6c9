"""The classification dock in the main window: the digits CNN shown live by the worker process, the
canvas selection followed, and nothing stale after the document changes."""
from __future__ import annotations

from PySide6.QtGui import QAction

from gui.main_window import EXAMPLES_DIR

LONG = 30000  # ms: generous for a loaded 2-core CI (the worker spawns, imports NumPy); passing waits return at once


def test_the_dock_shows_the_cnn_follows_the_canvas_and_forgets_it_on_new(main_window, qtbot):
    w = main_window
    ui = w.training
    views = ui.class_views
    action = w.findChild(QAction, "actionShowClasses")
    assert action is not None and action in w.view_menu.actions() and w.findChild(object, "classesDock")
    w.open_example(EXAMPLES_DIR / "digits_cnn.nnd", ask=False)
    ui.classes_dock.show()
    ui.classes_dock.raise_()
    qtbot.waitUntil(lambda: views.confusion.counts is not None and views.filters.layers == ["conv_1", "conv_2"],
                    timeout=LONG)
    assert len(views.samples.grid.images) == ui.controller.record.info["test_size"]
    assert views.confusion.counts.trace() / views.confusion.counts.sum() > 0.9  # the example is trained

    graph = w.document.graph
    w.scene.select_nodes([graph.find("conv_2").id])
    assert views.filters.layer == "conv_2"

    views.tabs.setCurrentWidget(views.features)
    views.features.spin.setValue(5)
    # the sections are drawn on the next redraw after the sample arrives
    qtbot.waitUntil(lambda: views.features.shown_sample == ("test", 5) and "conv_2" in views.features.sections,
                    timeout=LONG)

    w.findChild(QAction, "actionNew").trigger()
    qtbot.waitUntil(lambda: ui.controller.record.info is None, timeout=LONG)
    assert views.samples.stack.currentWidget() is views.samples.placeholder
    assert "Press Play to train" in views.samples.placeholder.text()
    assert views.confusion.counts is None and views.filters.layers == [] and not views.features.sections
