"""The step inspector in the main window: Train → Inspect Step… pauses training and explains a sample
on the worker's live weights, a click on the decision boundary opens that sample, and the gradient
check runs in the worker too."""
from __future__ import annotations

import numpy as np
from PySide6.QtGui import QAction

from gui.inspect.integration import WorkerSource
from gui.main_window import EXAMPLES_DIR


def test_inspect_step_uses_the_live_weights_and_the_boundary_click(main_window, qtbot) -> None:
    window = main_window
    window.open_example(EXAMPLES_DIR / "xor.nnd", ask=False)
    controller = window.training.controller
    qtbot.waitUntil(lambda: WorkerSource.available(controller), timeout=30000)
    ui = window.step_inspector
    inspector = ui.inspector
    action = window.findChild(QAction, "actionInspectStep")
    assert action is not None and window.findChild(QAction, "actionGradientCheck") is not None

    controller.play()
    qtbot.waitUntil(lambda: controller.record.steps > 20, timeout=20000)
    action.trigger()
    qtbot.waitUntil(lambda: inspector.trace is not None, timeout=10000)
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
                    timeout=10000)
    x_raw = controller.record.info["train_X"][7]
    assert np.allclose(inspector.trace.raw_x, x_raw, atol=1e-6)
    assert inspector.highlighted_node() == "input_1"  # the walk starts at the input, on the canvas

    inspector.check_button.click()
    qtbot.waitUntil(lambda: inspector.check_result is not None, timeout=20000)
    assert inspector.check_result.passed
    assert set(inspector.check_page.table.column("result")) == {"✓ pass"}
