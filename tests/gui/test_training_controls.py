"""Live training through the real controls: Play, Pause, Step (Shift: one epoch), Reset, Stop, the
loss and boundary plots, live settings, and a structural edit while playing.

One window (and one worker process) trains the spiral example for the whole module; each test
leaves it paused. The example is set to train "until stopped" first, so it never finishes early.
"""
import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QPushButton, QToolButton

from engine.network import Network
from gui import recovery
from gui.app import create_application
from gui.editor.commands import MoveNodesCommand, SetParamsCommand
from gui.main_window import EXAMPLES_DIR, MainWindow

LONG = 30000  # ms: generous for a loaded 2-core CI (the worker spawns, imports NumPy); passing waits return at once


@pytest.fixture(scope="module")
def window(tmp_path_factory):
    folder = tmp_path_factory.mktemp("training_controls")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder / "settings"))
    recovery.set_recovery_dir(folder / "recovery")
    create_application()
    w = MainWindow()
    w._ask_save = lambda: "discard"
    w.show()
    w.open_example(EXAMPLES_DIR / "spiral.nnd", ask=False)
    w.findChild(QCheckBox, "trainUntilStopped").click()
    yield w
    w.close()
    w.deleteLater()


def button(window, name):
    return window.findChild(QToolButton, name)


def controller(window):
    return window.training.controller


def play(window, qtbot, epochs=3):
    """Click Play and wait until a few more epochs are trained."""
    c = controller(window)
    start = c.record.epoch
    qtbot.mouseClick(button(window, "trainPlay"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: c.state == "playing" and c.record.epoch >= start + epochs, timeout=LONG)


def pause(window, qtbot):
    c = controller(window)
    if c.is_playing:
        qtbot.mouseClick(button(window, "trainPlay"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: c.state == "paused", timeout=LONG)


def worker_weights(window):
    reply = controller(window).supervisor.request("weights", "weights", timeout=30.0)  # returns at the reply
    assert reply is not None
    return reply["weights"]


def test_play_trains_and_the_loss_plot_receives_points(window, qtbot):
    loss = window.findChild(object, "lossPlot")
    play(window, qtbot, epochs=5)
    assert button(window, "trainPlay").text() == "Pause"
    assert window.findChild(object, "actionTrainPlay").text() == "&Pause"
    qtbot.waitUntil(lambda: len(loss.epochs()) >= 5 and len(loss.batch_series()[0]) > 0, timeout=LONG)
    qtbot.waitUntil(lambda: "steps/s" in window.findChild(object, "stepsLabel").text(), timeout=LONG)
    assert window.findChild(object, "epochLabel").text().startswith("Epoch ")
    record = controller(window).record
    assert record.epochs_recorded >= 5 and np.isfinite(record.history["loss"]).all()
    pause(window, qtbot)
    assert button(window, "trainPlay").text() == "Play"


def test_pause_stops_the_steps(window, qtbot):
    play(window, qtbot, epochs=1)
    pause(window, qtbot)
    steps = controller(window).record.steps
    qtbot.wait(300)
    assert controller(window).record.steps == steps


def test_step_is_one_batch_and_shift_step_one_epoch(window, qtbot):
    pause(window, qtbot)
    c, step = controller(window), button(window, "trainStep")
    steps = c.record.steps
    qtbot.mouseClick(step, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: c.record.steps == steps + 1, timeout=LONG)
    qtbot.wait(150)
    assert c.record.steps == steps + 1 and c.state == "paused"

    per_epoch = 25  # 250 training points in batches of 10
    epoch = c.record.epoch
    qtbot.mouseClick(step, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: c.record.epoch == epoch + 1, timeout=LONG)
    assert c.record.steps == (epoch + 1) * per_epoch
    assert window.findChild(object, "epochLabel").text() == f"Epoch {epoch + 1:,}"



def test_shift_click_on_the_toolbar_step_trains_one_epoch(window, qtbot):
    """The toolbar's Step icon honours Shift like the panel's button: a plain click is one batch,
    Shift+click trains to the end of the epoch."""
    pause(window, qtbot)
    c = controller(window)
    action = window.findChild(object, "actionTrainStep")
    tool = window.toolbar.widgetForAction(action)
    assert tool is not None and tool.isVisible()
    steps = c.record.steps
    qtbot.mouseClick(tool, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: c.record.steps == steps + 1, timeout=LONG)

    per_epoch = 25
    epoch = c.record.epoch
    qtbot.mouseClick(tool, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: c.record.epoch == epoch + 1, timeout=LONG)
    qtbot.wait(100)
    assert c.record.steps == (epoch + 1) * per_epoch and c.state == "paused"

def test_the_boundary_image_changes_with_training(window, qtbot):
    boundary = window.findChild(object, "boundaryPlot")
    qtbot.waitUntil(lambda: boundary.grid is not None, timeout=LONG)
    before = np.array(boundary.grid, copy=True)
    assert before.shape == (100, 100)
    play(window, qtbot, epochs=10)
    pause(window, qtbot)
    qtbot.waitUntil(lambda: not np.allclose(boundary.grid, before, atol=1e-3), timeout=LONG)


def test_reset_goes_back_to_epoch_0_with_new_weights(window, qtbot):
    play(window, qtbot, epochs=2)
    pause(window, qtbot)
    trained = worker_weights(window)
    c = controller(window)
    qtbot.mouseClick(button(window, "trainReset"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: c.record.epoch == 0 and c.record.steps == 0, timeout=LONG)
    assert window.findChild(object, "epochLabel").text() == "Epoch 0"
    fresh = worker_weights(window)
    doc = window.document.doc
    initial = Network(doc.graph, seed=doc.training.seed, dtype=doc.dtype).get_weights()
    assert all(np.array_equal(fresh[k], initial[k]) for k in initial)
    assert any(not np.array_equal(fresh[k], trained[k]) for k in trained)
    qtbot.waitUntil(lambda: len(window.findChild(object, "lossPlot").epochs()) == 0, timeout=LONG)


def test_stop_keeps_the_run_in_the_document(window, qtbot):
    play(window, qtbot, epochs=3)
    model = window.document
    model.doc.weights = None
    qtbot.mouseClick(button(window, "trainStop"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: model.doc.weights is not None and controller(window).state == "paused", timeout=LONG)
    record = controller(window).record
    assert len(model.doc.history["epoch"]) == record.epochs_recorded >= 3
    assert model.modified
    kept = worker_weights(window)
    assert all(np.array_equal(model.doc.weights[k], kept[k]) for k in kept)
    assert "kept" in window.statusBar().currentMessage()


def test_learning_rate_and_regularization_apply_live(window, qtbot, monkeypatch):
    sent = []
    supervisor = controller(window).supervisor
    real_send = supervisor.send
    monkeypatch.setattr(supervisor, "send", lambda cmd, **kw: (sent.append((cmd, kw)), real_send(cmd, **kw))[1])
    combo = window.findChild(QComboBox, "trainLearningRate")
    assert [combo.itemText(i) for i in range(combo.count())][:3] == ["1e-05", "0.0001", "0.001"]
    combo.lineEdit().selectAll()
    qtbot.keyClicks(combo.lineEdit(), "0.07")
    qtbot.keyClick(combo.lineEdit(), Qt.Key.Key_Return)
    assert window.document.doc.training.learning_rate == pytest.approx(0.07)
    assert ("set", {"learning_rate": 0.07, "l1": 0.0, "l2": 0.0, "batch_size": 10, "epochs": None}) in sent
    kind = window.findChild(QComboBox, "trainRegularization")
    kind.setCurrentIndex(2)
    kind.activated.emit(2)  # as a click in the list does
    assert window.document.doc.training.l2 > 0 and sent[-1][1]["l2"] == window.document.doc.training.l2
    window.document.undo_stack.undo()
    assert window.document.doc.training.l2 == 0 and sent[-1][1]["l2"] == 0


def test_moving_a_node_does_not_interrupt_training(window, qtbot):
    play(window, qtbot, epochs=1)
    model = window.document
    node = next(n for n in model.graph if n.type == "Dense")
    old = node.pos
    model.push(MoveNodesCommand(model.graph, {node.id: (old, (old[0] + 40, old[1] + 25))}))
    epoch = controller(window).record.epoch
    qtbot.waitUntil(lambda: controller(window).record.epoch > epoch + 2, timeout=LONG)
    assert controller(window).state == "playing"
    assert not window.training.message_bar.isVisible()
    pause(window, qtbot)


def test_a_structural_edit_while_playing_pauses_and_offers_a_restart(window, qtbot):
    play(window, qtbot, epochs=1)
    model, c = window.document, controller(window)
    node = next(n for n in model.graph if n.name == "dense_2")
    model.push(SetParamsCommand(model.graph, node.id, {"activation": "relu"}))
    qtbot.waitUntil(lambda: c.state == "paused", timeout=LONG)
    bar = window.training.message_bar
    assert bar.isVisible() and "network changed" in bar.text()
    restart = bar.findChild(QPushButton, "restartTraining")
    with qtbot.waitSignal(c.runLoaded, timeout=LONG) as loaded:
        qtbot.mouseClick(restart, Qt.MouseButton.LeftButton)
    assert loaded.args[0]["epoch"] == 0 and not loaded.args[0]["history"]["epoch"]
    qtbot.waitUntil(lambda: c.state == "playing" and c.record.epoch > 0, timeout=LONG)
    assert not bar.isVisible()
    pause(window, qtbot)


def test_new_input_features_while_playing_start_a_new_run_without_pausing(window, qtbot):
    play(window, qtbot, epochs=1)
    c, model = controller(window), window.document
    with qtbot.waitSignal(c.runLoaded, timeout=LONG) as loaded:
        qtbot.mouseClick(window.findChild(QToolButton, "feature_sinx2"), Qt.MouseButton.LeftButton)
    assert loaded.args[0]["epoch"] == 0
    assert next(n for n in model.graph if n.type == "Input").params["shape"] == [6]
    qtbot.waitUntil(lambda: c.state == "playing" and c.record.epoch > 0, timeout=LONG)
    assert not window.training.message_bar.isVisible()
    pause(window, qtbot)


def test_train_menu_and_toolbar_actions(window, qtbot):
    actions = {name: window.findChild(object, name) for name in
               ("actionTrainPlay", "actionTrainStep", "actionTrainStepEpoch", "actionTrainReset", "actionTrainStop")}
    assert actions["actionTrainPlay"].shortcut().toString() == "Ctrl+Return"
    assert actions["actionTrainStep"].shortcut().toString() == "F10"
    assert actions["actionTrainStepEpoch"].shortcut().toString() == "Shift+F10"
    menu = window.findChild(object, "menuTrain")
    assert all(a in menu.actions() for a in actions.values())
    assert actions["actionTrainPlay"] in window.toolbar.actions()
    c = controller(window)
    steps = c.record.steps
    actions["actionTrainStep"].trigger()
    qtbot.waitUntil(lambda: c.record.steps == steps + 1, timeout=LONG)
    actions["actionTrainPlay"].trigger()
    qtbot.waitUntil(lambda: c.state == "playing", timeout=LONG)
    actions["actionTrainPlay"].trigger()
    qtbot.waitUntil(lambda: c.state == "paused", timeout=LONG)
