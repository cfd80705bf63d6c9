"""Files load in the background: the Data section shows their progress with a Cancel button, the window
keeps responding, a choice lands (with the Input's new shape, one undo step) only when its file has
loaded, Cancel and newer choices drop it, and errors still show under the picker."""
from __future__ import annotations

import gzip
import os
import struct
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QProgressBar, QPushButton, QWidget

from engine.data.progress import LoadCancelled
from gui.main_window import EXAMPLES_DIR
from tests.gui.dataset_helpers import input_shape, pick
from gui.panels import dataset_loading
from gui.panels.dataset_picker import file_label

SHOTS = os.environ.get("NEUROCANVAS_SHOTS")  # a folder: the tests also save PNGs of the panel there
LONG = 30000  # ms: the worker process spawns and imports NumPy on a loaded 2-core machine


@pytest.fixture
def window(main_window):
    main_window.open_example(EXAMPLES_DIR / "spiral.nnd", ask=False)
    yield main_window
    main_window.training.panel.data.loader.shutdown()


class Gates:
    """Replaces the background loader: each file waits for ``release(name)`` (its file_label)."""

    def __init__(self, real) -> None:
        self.real, self.events, self.started = real, {}, []
        self.honour_cancel = True

    def gate(self, name: str) -> threading.Event:
        return self.events.setdefault(name, threading.Event())

    def release(self, name: str) -> None:
        self.gate(name).set()

    def __call__(self, spec, base_dir, progress=None, cancelled=None):
        name = file_label(spec)
        self.started.append(name)
        gate = self.gate(name)
        while not gate.wait(0.01):
            if self.honour_cancel and cancelled is not None and cancelled():
                raise LoadCancelled("cancelled")
        return self.real(spec, base_dir, progress, cancelled)


@pytest.fixture
def gates(monkeypatch):
    g = Gates(dataset_loading.load_data)
    monkeypatch.setattr(dataset_loading, "load_data", g)
    yield g
    for event in list(g.events.values()):
        event.set()




def loading_row(window):
    return (window.findChild(QWidget, "datasetLoading"), window.findChild(QLabel, "datasetLoadingText"),
            window.findChild(QPushButton, "datasetLoadingCancel"))


def make_folder(root: Path, per_class: int, side: int = 8) -> Path:
    rng = np.random.default_rng(0)
    for k, name in enumerate(["cats", "dogs"]):
        (root / name).mkdir(parents=True)
        for i in range(per_class):
            a = (rng.random((side, side)) * 120 + 120 * k).astype(np.uint8)
            Image.fromarray(a, "L").save(root / name / f"{i}.png")
    return root


def idx_pair(folder: Path, n: int = 18, h: int = 7, w: int = 5, prefix: str = "train") -> tuple[Path, Path]:
    rng = np.random.default_rng(2)
    y = (np.arange(n) % 3).astype(np.uint8)
    X = rng.integers(0, 256, (n, h, w), dtype=np.uint8)
    X[X < 160] = 0  # MNIST-like: mostly background, so it compresses as MNIST does
    images, labels = folder / f"{prefix}-images-idx3-ubyte.gz", folder / f"{prefix}-labels-idx1-ubyte.gz"
    images.write_bytes(gzip.compress(struct.pack(">BBBBIII", 0, 0, 8, 3, n, h, w) + X.tobytes(), 1))
    labels.write_bytes(gzip.compress(struct.pack(">BBBBI", 0, 0, 8, 1, n) + y.tobytes(), 1))
    return images, labels


class Ticks:
    """A 16 ms timer in the GUI thread: how often it fired and its longest gap."""

    def __init__(self) -> None:
        self.times: list[float] = [time.perf_counter()]
        self.timer = QTimer()
        self.timer.setInterval(16)
        self.timer.timeout.connect(lambda: self.times.append(time.perf_counter()))
        self.timer.start()

    def stop(self) -> tuple[int, float]:
        self.timer.stop()
        gaps = np.diff(self.times)
        return len(gaps), float(gaps.max()) if len(gaps) else float("inf")


def test_a_slow_image_folder_shows_its_count_and_the_window_keeps_responding(window, qtbot, tmp_path, monkeypatch):
    from engine.data import images as engine_images

    folder = make_folder(tmp_path / "pets", 100)
    real_open = engine_images._open

    def slow_open(*args):  # 200 images at 8 ms each: a slow disk
        time.sleep(0.008)
        return real_open(*args)

    monkeypatch.setattr(engine_images, "_open", slow_open)
    section = window.training.panel.data
    monkeypatch.setattr(section, "_ask_image_folder", lambda: str(folder))
    doc, stack = window.document.doc, window.document.undo_stack
    steps = stack.count()
    row, text, cancel = loading_row(window)
    assert row.isHidden()

    ticks = Ticks()
    pick(window.findChild(QComboBox, "datasetCombo"), "__images__")
    # the choice waits for its images: the document keeps its data meanwhile
    assert section.loading and doc.dataset["name"] == "spiral" and stack.count() == steps
    assert row.isVisible() and cancel.isVisible() and cancel.text() == "Cancel"
    qtbot.waitUntil(lambda: "/ 200 images" in text.text() and not text.text().startswith("Reading pets… 0 /"))
    assert text.text().startswith("Reading pets… ")
    bar = window.findChild(QProgressBar, "datasetLoadingBar")
    assert bar.maximum() == 200 and 0 < bar.value() < 200
    assert window.findChild(QWidget, "datasetPreview").note in ("Loading…", "")  # spiral's points until then
    save_shot(window, "loading_image_folder")
    qtbot.waitUntil(lambda: doc.dataset.get("kind") == "images", timeout=LONG)
    count, worst = ticks.stop()
    # The event loop ran all along (how smoothly is bench material, not a test's: see bench/README.md).
    assert count >= 10, f"the GUI timer fired only {count} times while 200 images loaded for ~1.6 s"
    assert input_shape(window) == [1, 8, 8] and stack.count() == steps + 1 and row.isHidden()
    preview = window.findChild(QWidget, "datasetPreview")
    qtbot.waitUntil(lambda: preview.image_count == 16)
    stack.undo()  # the data and the Input's shape in one step, as for quick files
    assert doc.dataset["name"] == "spiral" and input_shape(window) == [7]


def test_a_real_mnist_sized_idx_pair_loads_while_the_timer_keeps_firing(window, qtbot, tmp_path, monkeypatch):
    images, labels = idx_pair(tmp_path, 40_000, 28, 28)
    section = window.training.panel.data
    monkeypatch.setattr(section, "_ask_idx_paths", lambda: (str(images), str(labels)))
    ticks = Ticks()
    pick(window.findChild(QComboBox, "datasetCombo"), "__idx__")
    assert section.loading  # the pick returned before the file was read (40,000 images take ~1 s)
    assert section.loading and window.document.doc.dataset["name"] == "spiral"
    _row, text, _cancel = loading_row(window)
    assert text.text().startswith("Reading train-images-idx3-ubyte.gz…") or "Splitting" in text.text()
    qtbot.waitUntil(lambda: window.document.doc.dataset.get("kind") == "idx", timeout=LONG)
    count, worst = ticks.stop()
    assert count >= 3, (count, worst)  # the event loop kept running while the file was read
    assert input_shape(window) == [1, 28, 28]


def test_cancel_keeps_the_previous_choice(window, qtbot, tmp_path, monkeypatch, gates):
    images, labels = idx_pair(tmp_path)
    section = window.training.panel.data
    monkeypatch.setattr(section, "_ask_idx_paths", lambda: (str(images), str(labels)))
    doc, stack, combo = window.document.doc, window.document.undo_stack, window.findChild(QComboBox, "datasetCombo")
    before, steps = dict(doc.dataset), stack.count()
    pick(combo, "__idx__")
    row, text, cancel = loading_row(window)
    assert section.loading and row.isVisible() and text.text() == "Reading train-images-idx3-ubyte.gz…"
    assert combo.currentData() == "spiral"  # the picker shows the data in use until the new data is there
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert not section.loading and row.isHidden()
    assert section.loader.wait(5.0)  # the thread saw the cancellation and ended
    qtbot.wait(100)
    assert doc.dataset == before and stack.count() == steps and not window.document.modified
    assert combo.currentData() == "spiral" and input_shape(window) == [7]
    # choosing it again loads it again, and it lands as one undo step
    gates.release(images.name)
    pick(combo, "__idx__")
    qtbot.waitUntil(lambda: doc.dataset.get("kind") == "idx")
    assert input_shape(window) == [1, 7, 5] and stack.count() == steps + 1
    stack.undo()
    assert doc.dataset == before and input_shape(window) == [7]


def test_another_choice_while_a_file_loads_drops_the_stale_result(window, qtbot, tmp_path, monkeypatch, gates):
    gates.honour_cancel = False  # the stale load runs to its end: its result must not land
    first, first_labels = idx_pair(tmp_path, prefix="first")
    folder = make_folder(tmp_path / "pets", 3)
    section = window.training.panel.data
    monkeypatch.setattr(section, "_ask_idx_paths", lambda: (str(first), str(first_labels)))
    monkeypatch.setattr(section, "_ask_image_folder", lambda: str(folder))
    doc, stack, combo = window.document.doc, window.document.undo_stack, window.findChild(QComboBox, "datasetCombo")
    steps = stack.count()
    pick(combo, "__idx__")
    assert section.loading
    pick(combo, "__images__")  # another file while the first loads: the newer request wins
    _row, text, _cancel = loading_row(window)
    assert text.text() == "Reading pets…"
    gates.release(first.name)
    qtbot.waitUntil(lambda: [job.spec.get("path") for job in section.loader._running] == [str(folder.resolve())])
    qtbot.wait(100)  # the first file's result has come: it is cached, never applied
    assert doc.dataset["name"] == "spiral" and stack.count() == steps and section.loading
    gates.release("pets")
    qtbot.waitUntil(lambda: doc.dataset.get("kind") == "images")
    assert input_shape(window) == [1, 8, 8] and stack.count() == steps + 1
    # a generated set while a file loads: it applies at once and the file's late result is dropped
    second, second_labels = idx_pair(tmp_path, prefix="second")
    monkeypatch.setattr(section, "_ask_idx_paths", lambda: (str(second), str(second_labels)))
    pick(combo, "__idx__")
    assert section.loading
    pick(combo, "circle")
    assert doc.dataset["name"] == "circle" and not section.loading and stack.count() == steps + 2
    gates.release(second.name)
    assert section.loader.wait(5.0)
    qtbot.wait(100)
    assert doc.dataset["name"] == "circle" and stack.count() == steps + 2 and input_shape(window) == [2]


def test_an_error_from_a_background_load_shows_under_the_picker(window, qtbot, tmp_path, monkeypatch, gates):
    folder = make_folder(tmp_path / "one", 3)
    (folder / "dogs" / "broken.png").write_bytes(b"not a png")
    section = window.training.panel.data
    monkeypatch.setattr(section, "_ask_image_folder", lambda: str(folder))
    pick(window.findChild(QComboBox, "datasetCombo"), "__images__")
    error = window.findChild(QLabel, "datasetError")
    assert section.loading and error.isHidden()
    gates.release("one")
    qtbot.waitUntil(lambda: error.isVisible())
    assert "one/dogs/broken.png: cannot read this image" in error.text()
    assert window.document.doc.dataset["kind"] == "images" and input_shape(window) == [7]  # nothing lost
    assert not section.loading and loading_row(window)[0].isHidden()
    window.document.undo_stack.undo()
    assert window.document.doc.dataset["name"] == "spiral" and error.isHidden()


def test_the_documents_own_file_loads_in_the_background_and_can_be_stopped(window, qtbot, tmp_path, monkeypatch,
                                                                            gates):
    """After opening a document (or undoing back to a file the cache has dropped) the document's own
    data loads in the background: the checks wait for it; Cancel stops it and Load starts it again."""
    csv = tmp_path / "table.csv"
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(60, 2))
    csv.write_text("a,b,label\n" + "\n".join(f"{x:.3f},{y:.3f},{int(x * y > 0)}" for x, y in rows))
    section = window.training.panel.data
    monkeypatch.setattr(section, "_ask_csv_path", lambda: str(csv))
    gates.release("table.csv")
    pick(window.findChild(QComboBox, "datasetCombo"), "__csv__")
    qtbot.waitUntil(lambda: window.document.doc.dataset.get("kind") == "csv")
    assert input_shape(window) == [2] and window.document.data_facts is not None
    gates.events["table.csv"].clear()
    section.cache._items.clear()  # as for a document just opened
    window.document.set_data_facts(None)
    section.refresh()
    window.training.check_data()
    row, text, cancel = loading_row(window)
    preview = window.findChild(QWidget, "datasetPreview")
    qtbot.waitUntil(lambda: preview.note == "Loading…")
    assert row.isVisible() and text.text() == "Reading table.csv…" and window.document.data_facts is None
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert "not loaded" in text.text() and cancel.text() == "Load" and window.document.doc.dataset["kind"] == "csv"
    qtbot.waitUntil(lambda: preview.note == "Not loaded")
    save_shot(window, "loading_stopped")
    gates.release("table.csv")
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)  # Load
    qtbot.waitUntil(lambda: window.document.data_facts is not None)
    qtbot.waitUntil(lambda: preview.point_count > 0)
    assert row.isHidden()


def test_play_while_a_choice_loads_trains_the_data_in_use(window, qtbot, tmp_path, monkeypatch, gates):
    """Play trains the document's data; the choice still loading lands later as a data change."""
    csv = tmp_path / "table.csv"
    rows = np.random.default_rng(1).normal(size=(80, 2))
    csv.write_text("a,b,label\n" + "\n".join(f"{x:.3f},{y:.3f},{int(x > y)}" for x, y in rows))
    section = window.training.panel.data
    monkeypatch.setattr(section, "_ask_csv_path", lambda: str(csv))
    pick(window.findChild(QComboBox, "datasetCombo"), "__csv__")
    assert section.loading
    window.findChild(QCheckBox, "trainUntilStopped").click()
    c = window.training.controller
    window.training.action_play.trigger()
    qtbot.waitUntil(lambda: c.state == "playing" and c.record.epoch >= 2, timeout=LONG)
    assert window.document.doc.dataset["name"] == "spiral"
    with qtbot.waitSignal(c.historyReset, timeout=LONG):  # the new data lands: a new run, as in Playground
        gates.release("table.csv")
        qtbot.waitUntil(lambda: window.document.doc.dataset.get("kind") == "csv")
    assert input_shape(window) == [2]
    qtbot.waitUntil(lambda: c.state == "playing" and c.record.epoch >= 2, timeout=LONG)  # on the CSV's data
    assert c.trains_current_graph() and not c._needs_new_run()
    window.training.action_play.trigger()
    qtbot.waitUntil(lambda: not c.is_playing, timeout=LONG)


def save_shot(window, name: str) -> None:
    if SHOTS:
        from PySide6.QtWidgets import QApplication

        window.resize(1500, 1100)
        QApplication.processEvents()
        window.training.panel.data.grab().save(str(Path(SHOTS) / f"{name}.png"))
