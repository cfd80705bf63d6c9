"""Training failures arrive as visible messages naming the cause, and the app recovers: divergence
(the worker names the node; the last finite weights are kept), data that does not fit the network,
a killed worker process; closing the window mid-training leaves no process or thread behind."""
import multiprocessing
import os
import signal
import threading

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QToolButton

import engine
from engine.document import Document
from gui.app import create_application
from gui.document import DocumentModel
from gui.main_window import EXAMPLES_DIR, MainWindow

LONG = 30000  # ms: generous for a loaded 2-core CI (the worker spawns, imports NumPy); passing waits return at once


@pytest.fixture
def window(main_window):
    return main_window  # a shown MainWindow with a new, empty network (conftest)


def click(window, qtbot, name, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.mouseClick(window.findChild(QToolButton, name), Qt.MouseButton.LeftButton, modifier)


def overflowing_document() -> Document:
    """Input → Dense(relu) → Dense(linear) → mse on Playground's plane: a learning rate of 1e6
    really overflows (float32) within a few steps."""
    g = engine.Graph()
    x = g.add_node("Input", shape=[2])
    h = g.add_node("Dense", units=8, activation="relu")
    o = g.add_node("Dense", units=1)
    loss = g.add_node("Loss", function="mse")
    g.connect(x, h)
    g.connect(h, o)
    g.connect(o, loss)
    doc = Document(graph=g)
    doc.dataset = {"kind": "generator", "name": "plane", "noise": 0.0, "train_ratio": 0.5, "seed": 0,
                   "features": ["x1", "x2"]}
    return doc


def test_divergence_names_the_node_and_keeps_finite_weights(window, qtbot):
    window.set_document(DocumentModel(overflowing_document()))
    combo = window.findChild(QComboBox, "trainLearningRate")
    combo.lineEdit().selectAll()
    qtbot.keyClicks(combo.lineEdit(), "1e6")
    qtbot.keyClick(combo.lineEdit(), Qt.Key.Key_Return)
    assert window.document.doc.training.learning_rate == 1e6
    click(window, qtbot, "trainPlay")
    bar = window.training.message_bar
    qtbot.waitUntil(lambda: bar.isVisible() and "diverged" in bar.text(), timeout=LONG)
    assert "dense_2" in bar.text() and "last finite weights" in bar.text()
    assert bar.level == "error"
    status = window.findChild(object, "trainStatus")
    qtbot.waitUntil(lambda: window.document.doc.weights is not None, timeout=LONG)
    assert "diverged" in status.text()  # the state change after it does not hide the cause
    assert all(np.isfinite(w).all() for w in window.document.doc.weights.values())
    assert window.training.controller.state == "paused"


def test_data_that_does_not_fit_the_network_is_explained(window, qtbot):
    window.open_example(EXAMPLES_DIR / "spiral.nnd", ask=False)
    combo = window.findChild(QComboBox, "datasetCombo")
    combo.setCurrentIndex(combo.findData("iris"))
    combo.activated.emit(combo.currentIndex())
    model = window.document
    assert model.doc.dataset["name"] == "iris"
    inputs = [n for n in model.graph if n.type == "Input"]
    assert inputs[0].params["shape"] == [4]  # the Input follows the data in the same undo step
    status = window.status_validity  # said before Play, in the words Play uses
    qtbot.waitUntil(lambda: status.text() == "✗ Data does not fit: The data has 3 classes; bce handles two")
    click(window, qtbot, "trainPlay")
    bar = window.training.message_bar
    qtbot.waitUntil(lambda: bar.isVisible() and "3 classes" in bar.text(), timeout=LONG)
    assert bar.text().startswith("Cannot train:")
    qtbot.waitUntil(lambda: window.training.controller.state == "idle", timeout=LONG)  # the spiral's load ends
    assert not window.training.controller.is_playing
    model.undo_stack.undo()
    assert inputs[0].params["shape"] == [7] and model.doc.dataset["name"] == "spiral"
    click(window, qtbot, "trainPlay")
    qtbot.waitUntil(lambda: window.training.controller.state == "playing", timeout=LONG)
    assert not bar.isVisible()


def test_a_killed_worker_is_reported_and_play_starts_a_new_one(window, qtbot):
    window.open_example(EXAMPLES_DIR / "xor.nnd", ask=False)
    c = window.training.controller
    click(window, qtbot, "trainPlay")
    qtbot.waitUntil(lambda: c.state == "playing" and c.record.steps > 0, timeout=LONG)
    old = c.supervisor.process
    os.kill(old.pid, signal.SIGKILL)
    bar = window.training.message_bar
    qtbot.waitUntil(lambda: bar.isVisible() and c.state == "crashed", timeout=LONG)
    assert "The training process stopped unexpectedly" in bar.text()
    assert window.findChild(QToolButton, "trainPlay").text() == "Play"
    click(window, qtbot, "trainPlay")
    qtbot.waitUntil(lambda: c.state == "playing" and c.record.steps > 0, timeout=LONG)
    assert c.supervisor.process is not old and c.supervisor.process.is_alive()
    assert not old.is_alive()


def test_closing_mid_training_leaves_no_process_or_thread(qtbot):
    create_application()
    threads = threading.active_count()
    w = MainWindow()
    w.show()
    w.open_example(EXAMPLES_DIR / "spiral.nnd", ask=False)
    c = w.training.controller
    click(w, qtbot, "trainPlay")
    qtbot.waitUntil(lambda: c.state == "playing" and c.record.steps > 0, timeout=LONG)
    process = c.supervisor.process
    assert w.close()  # conftest answers "discard" to the unsaved-changes question
    assert not process.is_alive() and process.exitcode == 0  # asked to shut down, not killed
    assert multiprocessing.active_children() == []
    assert threading.active_count() == threads
    assert not c.supervisor._timer.isActive()
    w.deleteLater()


def test_closing_drains_a_busy_worker_and_shuts_it_down_politely(window, qtbot):
    """Loads answered with snapshots fill the pipe while the GUI does not read it; closing must
    still end the worker by its shutdown command (exit code 0), not by terminating it."""
    supervisor = window.training.controller.supervisor
    qtbot.waitUntil(lambda: supervisor.is_ready, timeout=LONG)
    for name in ("spiral", "circle", "spiral3", "xor", "spiral", "circle"):
        window.open_example(EXAMPLES_DIR / f"{name}.nnd", ask=False)  # no events processed between
    process = supervisor.process
    assert window.close()
    assert not process.is_alive() and process.exitcode == 0
