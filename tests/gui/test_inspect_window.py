"""The step inspector in the main window: Train → Inspect Step… pauses training and explains a sample
on the worker's live weights, a click on the decision boundary opens that sample, and the gradient
check runs in the worker too."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QCheckBox, QLabel, QToolButton

from engine.explain.text import num
from gui.inspect.integration import WorkerSource
from gui.main_window import EXAMPLES_DIR

# ms: every wait here is on the worker process (spawn, NumPy import, a trace or a "samples" reply), which
# takes well under a second on an idle machine; a loaded 2-core CI machine can take many times that. A
# passing wait returns as soon as its condition holds, so the generous limit costs nothing.
WORKER = 30000


def test_inspect_step_uses_the_live_weights_and_the_boundary_click(main_window, qtbot) -> None:
    window = main_window
    window.open_example(EXAMPLES_DIR / "xor.nnd", ask=False)
    controller = window.training.controller
    qtbot.waitUntil(lambda: WorkerSource.available(controller), timeout=WORKER)
    ui = window.step_inspector
    inspector = ui.inspector
    action = window.findChild(QAction, "actionInspectStep")
    assert action is not None and window.findChild(QAction, "actionGradientCheck") is not None

    window.findChild(QCheckBox, "trainUntilStopped").click()  # 200 epochs take under a second: never finish first
    controller.play()
    qtbot.waitUntil(lambda: controller.record.steps > 20, timeout=WORKER)
    action.trigger()
    qtbot.waitUntil(lambda: inspector.trace is not None, timeout=WORKER)
    assert controller.state == "paused" and not controller.is_playing  # inspecting pauses training
    assert ui.dock.isVisible() and inspector.source is ui.worker_source
    assert "live weights" in inspector.source_label.text()
    # the step is the one of the weights training has now, not the document's initial ones
    initial = window.document.doc.network().get_weights()
    assert any(not np.array_equal(initial[k], v) for k, v in inspector.trace.weights.items())
    # the samples come from the worker's data; the traced one shows its prediction and loss
    assert inspector.picker.model.rowCount() == controller.record.info["train_size"]

    window.training.boundary_plot.sampleClicked.emit(7, "train")
    qtbot.waitUntil(lambda: inspector.index == 7 and inspector.trace.label.startswith("train sample 7"),
                    timeout=WORKER)
    x_raw = controller.record.info["train_X"][7]
    assert np.allclose(inspector.trace.raw_x, x_raw, atol=1e-6)
    assert inspector.highlighted_node() == "input_1"  # the walk starts at the input, on the canvas

    inspector.check_button.click()
    qtbot.waitUntil(lambda: inspector.check_result is not None, timeout=WORKER)
    assert inspector.check_result.passed
    assert set(inspector.check_page.table.column("result")) == {"✓ pass"}


def open_inspector(window, qtbot):
    """Train → Inspect Step… on the worker's live weights; returns (ui, inspector) once a step is shown."""
    controller = window.training.controller
    qtbot.waitUntil(lambda: WorkerSource.available(controller), timeout=WORKER)
    ui = window.step_inspector
    window.findChild(QAction, "actionInspectStep").trigger()
    qtbot.waitUntil(lambda: ui.inspector.trace is not None, timeout=WORKER)
    return ui, ui.inspector


def test_the_sample_table_shows_the_training_rows_with_predictions_to_pick_a_misclassified_one(main_window, qtbot):
    window = main_window
    window.open_example(EXAMPLES_DIR / "iris.nnd", ask=False)  # tabular data, initial weights: many wrong
    ui, inspector = open_inspector(window, qtbot)
    assert inspector.source is ui.worker_source
    info = window.training.controller.record.info
    picker = inspector.picker
    data = picker.samples["train"]
    # every sample's prediction and loss arrive from the worker's "samples" reply
    qtbot.waitUntil(lambda: data.misclassified() is not None, timeout=WORKER)
    table, model = picker.table, picker.table.model()
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["#", "true", "predicted", "loss", *info["input_names"]] and len(info["input_names"]) == 4
    assert model.rowCount() == info["train_size"]
    features = np.asarray(info["train_features"])
    assert [model.index(5, c).data() for c in (4, 7)] == [num(float(features[5, 0])), num(float(features[5, 3]))]
    truth = [info["class_names"][int(k)] for k in info["train_y"]]
    wrong = 0
    for row in range(model.rowCount()):
        predicted = model.index(row, headers.index("predicted")).data()
        assert model.index(row, headers.index("true")).data() == truth[row]
        label = predicted[2:].split(" (")[0]  # a traced row also shows its probability: "virginica (0.647)"
        assert label in info["class_names"]
        right = label == truth[row]
        assert predicted.startswith("✓ " if right else "✗ ")
        wrong += not right
        assert float(model.index(row, headers.index("loss")).data()) > 0
    assert wrong > 0 and f"{wrong:,} of {info['train_size']:,} misclassified" in picker.summary.text()

    # only the misclassified ones, and a click on the first explains that sample's step
    only = window.findChild(QCheckBox, "stepOnlyMisclassified")
    assert only.isVisible() and only.isEnabled()
    qtbot.mouseClick(only, Qt.MouseButton.LeftButton)
    assert model.rowCount() == wrong
    first = model.index(0, 0)
    index = int(first.data())
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(first).center())
    qtbot.waitUntil(lambda: inspector.index == index and inspector.trace.label.startswith(f"train sample {index}"),
                    timeout=WORKER)
    assert model.index(0, headers.index("predicted")).data().startswith("✗")
    qtbot.mouseClick(only, Qt.MouseButton.LeftButton)
    assert model.rowCount() == info["train_size"]

    # training moves on: after a pause the table has the new weights' predictions
    before = data.loss.copy()
    controller = window.training.controller
    qtbot.mouseClick(window.findChild(QToolButton, "trainPlay"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.record.epoch >= 5, timeout=WORKER)
    qtbot.mouseClick(window.findChild(QToolButton, "trainPlay"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.state in ("paused", "finished") and not np.array_equal(data.loss, before),
                    timeout=WORKER)
    assert data.loss.mean() < before.mean()


def test_the_inspector_follows_file_new_and_open(main_window, qtbot, monkeypatch):
    window = main_window
    window.open_example(EXAMPLES_DIR / "xor.nnd", ask=False)
    ui, inspector = open_inspector(window, qtbot)
    old_scene = window.scene
    assert inspector.highlighted_node() == "input_1" and inspector.picker.model.rowCount() > 0

    window.findChild(QAction, "actionNew").trigger()  # File → New: nothing of xor stays
    assert window.scene is not old_scene
    assert inspector.trace is None and inspector.check_result is None and inspector.index is None
    assert inspector.picker.model.rowCount() == 0 and inspector.source is None
    assert inspector.scene is window.scene and inspector.highlighted_node() is None
    assert any("Nothing traced yet" in label.text() for label in inspector.forward_page.findChildren(QLabel))
    assert "xor" not in inspector.summary.text().lower() and "sample" not in inspector.source_label.text()
    assert not inspector.export_button.isEnabled() and not inspector.check_button.isEnabled()

    # File → Open of another network while the inspector is in view: it reads the new one's rows
    monkeypatch.setattr(type(window), "_get_open_path", lambda self: str(EXAMPLES_DIR / "iris.nnd"))
    window.findChild(QAction, "actionOpen").trigger()
    assert ui.dock.isVisible() and inspector.trace is None
    qtbot.waitUntil(lambda: inspector.picker.model.columnCount() == 8 and inspector.picker.model.rowCount() > 0,
                    timeout=WORKER)
    names = inspector.picker.samples["train"].feature_names
    assert inspector.picker.model.headers == ["#", "true", "predicted", "loss", *names] and len(names) == 4
    inspector.picker.select(3, emit=True)
    qtbot.waitUntil(lambda: inspector.trace is not None and inspector.index == 3, timeout=WORKER)
    assert inspector.trace.class_names == ["setosa", "versicolor", "virginica"]
    assert inspector.highlighted_node() in {n.name for n in window.document.graph}
