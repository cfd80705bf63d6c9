"""The data section with images: digits as 8 × 8 images, an image folder with its colour and size
options, IDX files; the Input follows in the same undo step, errors show under the picker."""
from __future__ import annotations

import gzip
import os
import struct
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QPushButton, QSpinBox, QWidget

from gui.main_window import EXAMPLES_DIR
from tests.gui.dataset_helpers import input_shape, pick

SHOTS = os.environ.get("NEUROCANVAS_SHOTS")  # a folder: the tests also save PNGs of the panel there


@pytest.fixture
def window(main_window):
    main_window.open_example(EXAMPLES_DIR / "spiral.nnd", ask=False)
    return main_window




def shot(window, name: str) -> None:
    if SHOTS:
        from PySide6.QtWidgets import QApplication

        window.resize(1500, 1100)
        QApplication.processEvents()
        section = window.training.panel.data
        section._update_preview()
        section.grab().save(str(Path(SHOTS) / f"{name}.png"))


def make_folder(root: Path, sizes=((8, 8), (8, 8)), rgb: bool = False) -> Path:
    rng = np.random.default_rng(0)
    for k, name in enumerate(["cats", "dogs"]):
        (root / name).mkdir(parents=True)
        for i in range(6):
            h, w = sizes[k]
            a = (rng.random((h, w, 3) if rgb else (h, w)) * 120 + 120 * k).astype(np.uint8)
            Image.fromarray(a, "RGB" if rgb else "L").save(root / name / f"{i}.png")
    return root


def test_digits_as_images_sets_the_input_to_1_8_8_in_one_undo_step(window, qtbot):
    combo = window.findChild(QComboBox, "datasetCombo")
    titles = [combo.itemText(i).strip() for i in range(combo.count())]
    assert "Handwritten digits (8 × 8 images)" in titles
    assert {"Image folder…", "IDX files…", "CSV file…"} <= set(titles)
    pick(combo, "digits:images")
    doc = window.document.doc
    assert doc.dataset["name"] == "digits" and doc.dataset["flat"] is False and input_shape(window) == [1, 8, 8]
    assert combo.currentData() == "digits:images"
    assert "shaped (1, 8, 8)" in window.findChild(QLabel, "datasetDescription").text()
    assert "images of 1 × 8 × 8" in window.findChild(QLabel, "featuresHint").text()
    preview = window.findChild(QWidget, "datasetPreview")
    qtbot.waitUntil(lambda: preview.image_count == 16)
    assert "1,797 images" in preview.note
    shot(window, "digits_images")
    window.document.undo_stack.undo()
    assert doc.dataset["name"] == "spiral" and input_shape(window) == [7] and combo.currentData() == "spiral"
    pick(combo, "digits")
    assert input_shape(window) == [64] and "flat" not in doc.dataset


def test_an_image_folder_with_colour_and_resize_options(window, qtbot, tmp_path, monkeypatch):
    folder = make_folder(tmp_path / "pets", sizes=((8, 8), (10, 6)))
    section = window.training.panel.data
    monkeypatch.setattr(section, "_ask_image_folder", lambda: str(folder))
    pick(window.findChild(QComboBox, "datasetCombo"), "__images__")
    doc = window.document.doc
    assert doc.dataset["kind"] == "images" and doc.dataset["path"] == str(folder.resolve())
    error = window.findChild(QLabel, "datasetError")
    assert error.isVisible() and "images differ in size: pets/cats/0.png is 8 × 8" in error.text()
    assert window.findChild(QComboBox, "datasetCombo").currentText().strip() == "Images: pets"
    shot(window, "image_folder_error")
    resize = window.findChild(QCheckBox, "datasetImageResize")
    assert resize.isVisible() and not resize.isChecked()
    height, width = window.findChild(QSpinBox, "datasetImageHeight"), window.findChild(QSpinBox, "datasetImageWidth")
    height.setValue(12)
    width.setValue(9)
    qtbot.mouseClick(resize, Qt.MouseButton.LeftButton)
    assert doc.dataset["size"] == [12, 9] and input_shape(window) == [1, 12, 9]
    assert error.isHidden()
    color = window.findChild(QComboBox, "datasetImageColor")
    pick(color, "rgb")
    assert doc.dataset["color"] == "rgb" and input_shape(window) == [3, 12, 9]
    preview = window.findChild(QWidget, "datasetPreview")
    qtbot.waitUntil(lambda: preview.image_count > 0)
    shot(window, "image_folder")
    window.document.undo_stack.undo()
    assert "color" not in doc.dataset and input_shape(window) == [1, 12, 9]
    assert not window.findChild(QWidget, "datasetIdxLimit").isVisible()


def test_a_cancelled_folder_choice_changes_nothing(window, monkeypatch):
    section = window.training.panel.data
    monkeypatch.setattr(section, "_ask_image_folder", lambda: None)
    before = dict(window.document.doc.dataset)
    pick(window.findChild(QComboBox, "datasetCombo"), "__images__")
    assert window.document.doc.dataset == before and not window.document.modified
    assert window.findChild(QComboBox, "datasetCombo").currentData() == "spiral"


def test_a_bad_folder_shows_the_error_and_loses_nothing(window, tmp_path, monkeypatch):
    folder = tmp_path / "one"
    make_folder(folder)
    (folder / "dogs" / "broken.png").write_bytes(b"not a png")
    section = window.training.panel.data
    monkeypatch.setattr(section, "_ask_image_folder", lambda: str(folder))
    nodes = len(list(window.document.graph))
    pick(window.findChild(QComboBox, "datasetCombo"), "__images__")
    error = window.findChild(QLabel, "datasetError")
    assert "one/dogs/broken.png: cannot read this image" in error.text()
    assert len(list(window.document.graph)) == nodes and input_shape(window) == [7]  # the Input keeps its shape
    window.document.undo_stack.undo()
    assert window.document.doc.dataset["name"] == "spiral" and error.isHidden()


def idx_pair(folder: Path) -> tuple[Path, Path]:
    rng = np.random.default_rng(2)
    y = np.array([0, 1, 2] * 6, dtype=np.uint8)
    X = rng.integers(0, 256, (18, 7, 5), dtype=np.uint8)
    images, labels = folder / "train-images-idx3-ubyte.gz", folder / "train-labels-idx1-ubyte.gz"
    images.write_bytes(gzip.compress(struct.pack(">BBBBIII", 0, 0, 8, 3, 18, 7, 5) + X.tobytes()))
    labels.write_bytes(gzip.compress(struct.pack(">BBBBI", 0, 0, 8, 1, 18) + y.tobytes()))
    return images, labels


def test_idx_files_and_their_sample_limit(window, qtbot, tmp_path, monkeypatch):
    from gui.panels.dataset_images import guess_labels

    images, labels = idx_pair(tmp_path)
    assert guess_labels(images) == labels
    section = window.training.panel.data
    monkeypatch.setattr(section, "_ask_idx_paths", lambda: (str(images), str(labels)))
    pick(window.findChild(QComboBox, "datasetCombo"), "__idx__")
    doc = window.document.doc
    assert doc.dataset["kind"] == "idx" and doc.dataset["labels"] == str(labels.resolve())
    assert input_shape(window) == [1, 7, 5]
    limit = window.findChild(QSpinBox, "datasetIdxLimit")
    assert limit.isVisible() and limit.text() == "all"
    assert not window.findChild(QWidget, "datasetImageResize").isVisible()
    limit.setValue(9)
    limit.editingFinished.emit()
    assert doc.dataset["limit"] == 9
    preview = window.findChild(QWidget, "datasetPreview")
    qtbot.waitUntil(lambda: "9 images" in preview.note)
    assert window.findChild(QPushButton, "datasetImageChoose").text() == "Files…"
    shot(window, "idx")
    data, base = window.training.controller.worker_document()
    assert data["dataset"]["images"] == str(images.resolve())
