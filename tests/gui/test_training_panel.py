"""The training panel's data and settings controls: every change lands in the document (undoable,
marking it modified); input features change the Input's shape in the same undo step."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QPushButton, QSlider, QSpinBox, QToolButton, QWidget

from engine.data import DATASETS
from gui.main_window import EXAMPLES_DIR
from tests.gui.dataset_helpers import input_shape, pick


@pytest.fixture
def window(main_window):
    main_window.open_example(EXAMPLES_DIR / "spiral.nnd", ask=False)
    return main_window




def test_the_picker_lists_every_dataset_grouped_and_a_csv_file(window):
    combo = window.findChild(QComboBox, "datasetCombo")
    entries = [combo.itemData(i) for i in range(combo.count())]
    assert set(DATASETS) <= set(entries) and "__csv__" in entries
    titles = [combo.itemText(i) for i in range(combo.count())]
    for header in ("Classification", "Regression", "Real data"):
        assert header in titles
    assert titles.index("Regression") < titles.index("   Plane") < titles.index("Real data") < titles.index("   Iris")
    assert combo.currentData() == "spiral"
    assert window.findChild(QWidget, "trainingPanel").isVisible()


def test_choosing_data_is_undoable_and_the_preview_follows(window, qtbot):
    combo, preview = window.findChild(QComboBox, "datasetCombo"), window.findChild(QWidget, "datasetPreview")
    qtbot.waitUntil(lambda: preview.point_count == 500)
    pick(combo, "blobs3")
    doc = window.document.doc
    assert doc.dataset["name"] == "blobs3" and len(doc.dataset["features"]) == 7  # 2-D to 2-D: features stay
    qtbot.waitUntil(lambda: preview.point_count == 600)
    assert window.document.modified
    window.document.undo_stack.undo()
    assert doc.dataset["name"] == "spiral" and combo.currentData() == "spiral"
    pick(combo, "sine")
    assert "features" not in doc.dataset and input_shape(window) == [1]
    assert not window.findChild(QToolButton, "feature_x1").isEnabled()


def test_feature_chips_change_the_input_shape_in_one_undo_step(window, qtbot):
    chip = window.findChild(QToolButton, "feature_sinx1")
    assert chip.isChecked() and input_shape(window) == [7]
    qtbot.mouseClick(chip, Qt.MouseButton.LeftButton)
    doc = window.document.doc
    assert "sin(x1)" not in doc.dataset["features"] and input_shape(window) == [6]
    assert "6 inputs" in window.findChild(QWidget, "featuresHint").text()
    assert window.document.undo_stack.undoText() == "Change input features"
    window.document.undo_stack.undo()
    assert input_shape(window) == [7] and "sin(x1)" in doc.dataset["features"] and chip.isChecked()


def test_noise_split_seed_and_regenerate(window, qtbot):
    doc = window.document.doc
    window.findChild(QSlider, "datasetNoise").setValue(20)
    window.findChild(QSlider, "datasetRatio").setValue(70)
    assert doc.dataset["noise"] == 0.2 and doc.dataset["train_ratio"] == 0.7
    seed = doc.dataset["seed"]
    qtbot.mouseClick(window.findChild(QPushButton, "datasetRegenerate"), Qt.MouseButton.LeftButton)
    assert doc.dataset["seed"] == seed + 1
    pick(window.findChild(QComboBox, "datasetCombo"), "iris")
    assert input_shape(window) == [4]
    assert not window.findChild(QSlider, "datasetNoise").isEnabled()
    assert not window.findChild(QPushButton, "datasetRegenerate").isEnabled()


def test_a_csv_file_and_its_target_column(window, monkeypatch):
    section = window.training.panel.data
    monkeypatch.setattr(section, "_ask_csv_path", lambda: str(EXAMPLES_DIR / "and.csv"))
    pick(window.findChild(QComboBox, "datasetCombo"), "__csv__")
    spec = window.document.doc.dataset
    assert spec["kind"] == "csv" and spec["path"] == str((EXAMPLES_DIR / "and.csv").resolve())
    assert input_shape(window) == [2]
    target = window.findChild(QComboBox, "datasetTarget")
    assert [target.itemText(i) for i in range(target.count())] == ["x1", "x2", "y"]
    assert target.currentText() == "y" and target.isVisible()
    pick(target, "x1")
    assert window.document.doc.dataset["target"] == "x1"
    data, base = window.training.controller.worker_document()
    assert data["dataset"]["path"] == spec["path"]


def test_optimizer_and_schedule_show_their_hyperparameters(window, qtbot):
    pick(window.findChild(QComboBox, "trainOptimizer"), "adam")
    cfg = window.document.doc.training
    assert cfg.optimizer == "adam" and cfg.optimizer_params == {}
    beta1 = window.findChild(QWidget, "optimizer_beta1")
    assert beta1 is not None and window.findChild(QWidget, "optimizer_eps") is not None
    beta1.setValue(0.8)
    assert cfg.optimizer_params == {"beta1": 0.8}
    pick(window.findChild(QComboBox, "trainSchedule"), "step")
    assert cfg.schedule == "step"
    window.findChild(QSpinBox, "schedule_step_size").setValue(25)
    assert cfg.schedule_params == {"step_size": 25}


def test_learning_rate_takes_the_list_or_any_positive_number(window, qtbot):
    combo = window.findChild(QComboBox, "trainLearningRate")
    rates = [combo.itemText(i) for i in range(combo.count())]
    assert rates == ["1e-05", "0.0001", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "3", "10"]
    cfg = window.document.doc.training
    pick(combo, 0.3)
    assert cfg.learning_rate == 0.3
    combo.lineEdit().selectAll()
    qtbot.keyClicks(combo.lineEdit(), "0.0005")
    qtbot.keyClick(combo.lineEdit(), Qt.Key.Key_Return)
    assert cfg.learning_rate == 0.0005
    combo.lineEdit().selectAll()
    qtbot.keyClicks(combo.lineEdit(), "0")
    qtbot.keyClick(combo.lineEdit(), Qt.Key.Key_Return)
    assert cfg.learning_rate == 0.0005 and "learning rate > 0" in window.findChild(QWidget, "trainSettingsError").text()
    assert combo.currentText() == "0.0005"


def test_epochs_batch_size_regularization_and_seed(window):
    cfg, model = window.document.doc.training, window.document
    window.findChild(QSpinBox, "trainEpochs").setValue(50)
    window.findChild(QSpinBox, "trainBatchSize").setValue(32)
    window.findChild(QSpinBox, "trainSeed").setValue(7)
    assert (cfg.epochs, cfg.batch_size, cfg.seed) == (50, 32, 7)
    window.findChild(QCheckBox, "trainUntilStopped").click()
    assert cfg.epochs == 0 and not window.findChild(QSpinBox, "trainEpochs").isEnabled()
    kind = window.findChild(QComboBox, "trainRegularization")
    kind.setCurrentIndex(1)
    kind.activated.emit(1)
    assert cfg.l1 == 0.001 and cfg.l2 == 0.0
    rate = window.findChild(QComboBox, "trainRegularizationRate")
    pick(rate, 0.03)
    assert cfg.l1 == 0.03
    assert model.modified
    while model.undo_stack.canUndo():
        model.undo_stack.undo()
    assert (cfg.epochs, cfg.batch_size, cfg.seed, cfg.l1) == (500, 10, 0, 0.0)



def test_a_network_on_a_csv_file_opens_with_its_data(main_window, qtbot, tmp_path, monkeypatch):
    """File → Open of a network whose CSV sits beside it (a relative path): the data section reads the
    file at once, from the new document's folder, not the previous document's (no refresh needed)."""
    import shutil

    from PySide6.QtGui import QAction

    for name in ("textbook.nnd", "textbook.csv"):
        shutil.copy(EXAMPLES_DIR / name, tmp_path / name)
    assert main_window.document.untitled_name == "Untitled"  # the previous document has no folder
    monkeypatch.setattr(type(main_window), "_get_open_path", lambda self: str(tmp_path / "textbook.nnd"))
    main_window.findChild(QAction, "actionOpen").trigger()
    assert main_window.document.doc.dataset == {**main_window.document.doc.dataset, "kind": "csv",
                                                "path": "textbook.csv"}
    error = main_window.findChild(QWidget, "datasetError")
    assert error.text() == "" and error.isHidden()
    target = main_window.findChild(QComboBox, "datasetTarget")
    assert target.count() >= 2 and target.isVisible()
    preview = main_window.findChild(QWidget, "datasetPreview")
    qtbot.waitUntil(lambda: preview.point_count > 0)
