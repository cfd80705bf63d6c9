"""Runs are kept: Save writes the trained weights, history and preprocessing; reopening the file
shows the same curves and predictions; closing with "save" keeps the run too."""
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from engine.data import prepare
from engine.fileformat import load
from engine.network import Network
from gui.main_window import EXAMPLES_DIR, MainWindow

LONG = 30000  # ms: generous for a loaded 2-core CI (the worker spawns, imports NumPy); passing waits return at once


@pytest.fixture
def window(main_window):
    return main_window  # a shown MainWindow with a new, empty network (conftest)


def train_a_little(window, qtbot, example="circle", epochs=4):
    """Open an example and train it ``epochs`` epochs with Shift+Step (it stays paused: the run is
    in the worker only, not kept in the document yet)."""
    window.open_example(EXAMPLES_DIR / f"{example}.nnd", ask=False)
    c = window.training.controller
    step = window.findChild(QToolButton, "trainStep")
    for epoch in range(1, epochs + 1):
        qtbot.mouseClick(step, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier)
        qtbot.waitUntil(lambda: c.record.epoch == epoch, timeout=LONG)
    return c


def test_save_and_reopen_keeps_predictions_and_curves(window, qtbot, tmp_path, monkeypatch):
    c = train_a_little(window, qtbot)
    assert window.document.doc.weights is None  # not stopped: nothing kept yet
    target = tmp_path / "circle.nnd"
    monkeypatch.setattr(MainWindow, "_get_save_path", lambda self, suggested: str(target))
    window.findChild(object, "actionSave").trigger()
    assert target.exists() and not window.document.modified

    trained = c.supervisor.request("weights", "weights", timeout=30.0)  # returns at the reply
    saved = load(target)
    X = prepare(saved.dataset).preprocessor.transform(np.random.default_rng(0).uniform(-6, 6, (50, 2)))
    net = Network(saved.graph, seed=saved.training.seed, dtype=saved.dtype)
    net.set_weights(trained["weights"])
    np.testing.assert_array_equal(saved.network().predict(X), net.predict(X))
    assert saved.history["epoch"] == trained["history"]["epoch"] and len(saved.history["epoch"]) >= 4
    assert saved.preprocessing == trained["preprocessing"]
    boundary = np.array(window.findChild(object, "boundaryPlot").grid, copy=True)

    # Reopened in a window: the loss plot shows the saved history, the boundary the saved network.
    assert window.open_path(target)
    loss = window.findChild(object, "lossPlot")
    qtbot.waitUntil(lambda: len(loss.epochs()) == len(saved.history["epoch"]), timeout=LONG)
    np.testing.assert_allclose(loss.column("loss"), saved.history["loss"])
    plot = window.findChild(object, "boundaryPlot")
    qtbot.waitUntil(lambda: plot.grid is not None, timeout=LONG)
    np.testing.assert_allclose(plot.grid, boundary, atol=1e-6)
    assert window.findChild(object, "epochLabel").text() == f"Epoch {len(saved.history['epoch']):,}"


def test_closing_with_save_keeps_the_run(window, qtbot, tmp_path, monkeypatch):
    train_a_little(window, qtbot, "xor", epochs=2)
    target = tmp_path / "xor.nnd"
    monkeypatch.setattr(MainWindow, "_ask_save", lambda self: "save")
    monkeypatch.setattr(MainWindow, "_get_save_path", lambda self, suggested: str(target))
    assert window.close()
    saved = load(target)
    assert saved.weights and len(saved.history["epoch"]) >= 2


def test_a_trained_run_counts_as_unsaved_work(window, qtbot, prompts):
    train_a_little(window, qtbot, "xor", epochs=1)
    assert not window.document.modified
    window.findChild(object, "actionNew").trigger()  # asks: the run would be lost otherwise
    assert len(prompts) == 1


def test_a_reopened_trained_file_shows_no_step_count_and_no_empty_batch_entry(window, qtbot, tmp_path):
    """The file keeps epochs and their history, not the steps or the per-batch losses: no "0 steps"
    beside the epoch, and the loss legend names the batch curve only once there is one."""
    import engine
    from gui.plots.replay import trained

    path = tmp_path / "xor-trained.nnd"
    engine.save(trained("xor.nnd", 6), path)
    assert window.open_path(path)
    c = window.training.controller
    loss = window.findChild(object, "lossPlot")
    qtbot.waitUntil(lambda: len(loss.epochs()) == 6 and c.state == "paused", timeout=LONG)
    assert window.findChild(object, "epochLabel").text() == "Epoch 6"
    assert window.findChild(object, "stepsLabel").text() == ""
    assert "batch" not in loss.readout_text() and "train" in loss.readout_text()

    qtbot.mouseClick(window.findChild(QToolButton, "trainStep"), Qt.MouseButton.LeftButton)  # one batch
    qtbot.waitUntil(lambda: c.record.steps == 1, timeout=LONG)
    qtbot.waitUntil(lambda: "batch (smoothed)" in loss.readout_text(), timeout=LONG)
    assert window.findChild(object, "stepsLabel").text() == "1 step"
