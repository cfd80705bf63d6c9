"""Render the README screenshots from the real application, offscreen.

    .venv/bin/python docs/screenshots/render.py            # all of them, into docs/screenshots/
    .venv/bin/python docs/screenshots/render.py training   # some: editor, training, gradients, cnn

- ``editor.png``: the node editor with a small residual classifier for the three-armed spiral, a
  layer selected in the inspector.
- ``training.png``: the spiral example being learned: Play pressed through the window's own
  ``actionTrainPlay``, trained by the worker process for a few seconds, then paused — the decision
  boundary, the loss curve and the neuron maps on the canvas.
- ``gradients.png``: a deep sigmoid network (six Dense layers, plain SGD, the circle data) after a
  few seconds of training, with the gradient view raised: each layer's gradient norm on a log
  scale, and the selected layer's gradient and weight histograms (the layer palette is closed to
  give the canvas room).
- ``gradients-sigmoid-vs-relu.png``: that gradient view above the same network's with ReLU hidden
  layers: the sigmoid network's vanishing gradients beside the ReLU network's.
- ``cnn-digits.png``: the digits CNN example (two Conv2D + MaxPool2D blocks) trained from fresh
  weights for a few seconds, the Classification dock raised and widened on its Features tab: a
  misclassified test digit's feature maps at every layer.
- ``cnn-digits-views.png``: the dock's four tabs, two by two — the test digits with their predicted
  classes (mistakes framed red), the confusion matrix with per-class accuracy, conv_2's filters and
  the feature maps.

Every picture is the window at 1440 × 900 (``--size`` to change), grabbed with ``QWidget.grab()``
on the offscreen platform, so it needs no display; settings and recovery files go to a temporary
folder (the default layout is pictured, the person's own files are left alone). Training runs
for a fixed time, so the epoch reached depends on the machine.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

EXAMPLES = ROOT / "resources" / "examples"
SIZE = (1440, 900)
DEPTH = 6          # Dense layers in the gradient pictures' networks


# ---- helpers ---------------------------------------------------------------------------------------
def spin(seconds: float) -> None:
    """Run the event loop for ``seconds``."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"render.py: timed out waiting for {what}")
        QApplication.processEvents()
        time.sleep(0.005)


def isolate_user_files() -> None:
    """Settings and crash-recovery files in a temporary folder: the person's recent files, window
    layout and recoveries are neither read (the default layout is pictured) nor touched."""
    import tempfile

    from PySide6.QtCore import QSettings

    from gui import recovery

    folder = Path(tempfile.mkdtemp(prefix="neurocanvas-screens-"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder / "settings"))
    recovery.set_recovery_dir(folder / "recovery")


def new_window(size: tuple[int, int]):
    from gui.main_window import MainWindow

    window = MainWindow()
    window._ask_save = lambda: "discard"  # closing never asks (a modal box would wait forever offscreen)
    window.resize(*size)
    window.show()
    spin(0.2)
    return window


def save(window, name: str, out: Path) -> Path:
    spin(0.3)  # the plots' coalesced redraws
    path = out / name
    window.grab().save(str(path))
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return path


def residual_document():
    """Input → Dense → a residual block (Dense, added back to its input) → Dense + softmax → Loss,
    for the three-armed spiral; returns the document and the id of the node to select."""
    import engine

    doc = engine.load(EXAMPLES / "spiral3.nnd")
    doc.dataset["features"] = ["x1", "x2"]
    g = doc.graph
    g.clear()
    x = g.add_node("Input", pos=(0, 70), shape=[2])
    stem = g.add_node("Dense", pos=(200, 70), units=16, activation="relu")
    block = g.add_node("Dense", pos=(400, 0), units=16, activation="relu")
    add = g.add_node("Add", pos=(600, 70))
    out = g.add_node("Dense", pos=(800, 70), units=3, activation="softmax")
    loss = g.add_node("Loss", pos=(1000, 70), function="cross_entropy")
    g.connect(x, stem)
    g.connect(stem, block)
    g.connect(block, add, "out", "in1")
    g.connect(stem, add, "out", "in2")
    g.connect(add, out)
    g.connect(out, loss)
    return doc, block.id


# ---- the pictures ----------------------------------------------------------------------------------
def render_editor(out: Path, size: tuple[int, int]) -> Path:
    window = new_window(size)
    doc, selected = residual_document()
    open_document(window, doc, "residual spiral")
    controller = window.training.controller
    wait_until(lambda: controller.state in ("paused", "finished"), 60, "the network to load")
    window.view.zoom_fit()
    window.scene.select_nodes([selected])
    window.inspector_dock.raise_()
    window.issues_dock.raise_()
    path = save(window, "editor.png", out)
    window.close()
    return path


def open_document(window, doc, name: str) -> None:
    from gui.document import DocumentModel
    from gui.recovery import as_untitled

    window.set_document(DocumentModel(as_untitled(doc)), untitled_name=name)


def train_for(window, seconds: float) -> None:
    """Press Play (the window's actionTrainPlay), let the worker train, press it again to pause."""
    from PySide6.QtGui import QAction

    controller = window.training.controller
    wait_until(lambda: controller.supervisor.is_ready and controller.state in ("paused", "finished"), 60,
               "the run to load")
    play = window.findChild(QAction, "actionTrainPlay")
    play.trigger()
    wait_until(lambda: controller.state == "playing", 30, "training to start")
    spin(seconds)
    play.trigger()
    wait_until(lambda: controller.state in ("paused", "finished"), 30, "training to pause")
    spin(0.4)  # the last snapshot, with neuron maps, drawn


def render_training(out: Path, size: tuple[int, int], seconds: float = 4.0) -> Path:
    import engine

    window = new_window(size)
    doc = engine.load(EXAMPLES / "spiral.nnd")
    doc.training.epochs = 0  # until stopped: the picture is taken after ``seconds`` of training
    open_document(window, doc, "spiral (example)")
    window.training.loss_dock.raise_()
    window.view.zoom_fit()
    train_for(window, seconds)
    window.view.zoom_fit()
    path = save(window, "training.png", out)
    window.close()
    return path


def deep_run(window, activation: str, size: tuple[int, int], seconds: float) -> None:
    """Train a deep network of ``activation`` layers (gui.plots.replay.deep_document: 5 hidden
    layers of 8 and a sigmoid output, plain SGD, the circle data) with the gradient view raised."""
    from PySide6.QtCore import Qt

    from gui.plots.replay import deep_document

    doc = deep_document(activation, depth=DEPTH, units=8, dataset="circle", epochs=0)
    open_document(window, doc, f"deep {activation}")
    window.training.gradient_dock.raise_()
    window.resizeDocks([window.training.gradient_dock], [int(size[1] * 0.42)], Qt.Orientation.Vertical)
    window.view.zoom_fit()
    train_for(window, seconds)
    window.view.zoom_fit()


def render_gradients(out: Path, size: tuple[int, int], seconds: float = 3.0) -> list[Path]:
    """The window on a deep sigmoid network (the layer palette closed to give the canvas room), and
    the gradient views of the sigmoid and the ReLU network one above the other."""
    window = new_window(size)
    window.palette_dock.hide()
    deep_run(window, "sigmoid", size, seconds)
    paths = [save(window, "gradients.png", out)]
    views = [(f"{DEPTH} Dense layers with sigmoid: the gradients vanish towards the input",
              window.training.gradient_plot.grab())]
    deep_run(window, "relu", size, seconds)
    spin(0.3)
    views.append(("The same network with ReLU hidden layers", window.training.gradient_plot.grab()))
    paths.append(save_stacked(views, out / "gradients-sigmoid-vs-relu.png"))
    window.close()
    return paths


def save_stacked(views, path: Path) -> Path:
    """Grabbed widgets one above the other, each under a one-line caption."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QFont, QImage, QPainter, QPalette
    from PySide6.QtWidgets import QApplication

    palette = QApplication.palette()
    font = QFont(QApplication.font())
    font.setBold(True)
    caption = int(font.pointSizeF() * 2.6)
    ratio = views[0][1].devicePixelRatio()
    width = max(pixmap.width() for _, pixmap in views)
    height = sum(pixmap.height() + int(caption * ratio) for _, pixmap in views)
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.setDevicePixelRatio(ratio)
    image.fill(palette.color(QPalette.ColorRole.Window))
    painter = QPainter(image)
    painter.setFont(font)
    painter.setPen(palette.color(QPalette.ColorRole.WindowText))
    y = 0
    for text, pixmap in views:
        w = int(width / ratio)
        painter.drawText(QRect(10, y, w - 20, caption), Qt.AlignmentFlag.AlignVCenter, text)
        y += caption
        painter.drawPixmap(0, y, pixmap)
        y += int(pixmap.height() / ratio)
    painter.end()
    image.save(str(path))
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return path


def render_cnn(out: Path, size: tuple[int, int], seconds: float = 5.0) -> list[Path]:
    """The digits CNN learning, seen through the Classification dock."""
    import numpy as np
    from PySide6.QtCore import Qt

    import engine

    window = new_window(size)
    window.palette_dock.hide()
    doc = engine.load(EXAMPLES / "digits_cnn.nnd")
    doc.weights = doc.history = doc.preprocessing = None  # fresh weights: the picture shows it learning
    doc.training.epochs = 0
    open_document(window, doc, "digits CNN (example)")
    ui = window.training
    views = ui.class_views
    ui.classes_dock.show()
    ui.classes_dock.raise_()
    window.resizeDocks([ui.classes_dock], [int(size[0] * 0.42)], Qt.Orientation.Horizontal)
    window.resizeDocks([ui.classes_dock], [int(size[1] * 0.58)], Qt.Orientation.Vertical)
    window.view.zoom_fit()
    train_for(window, seconds)
    samples = views.samples
    wrong = np.flatnonzero(samples.predicted != samples.y["test"][: len(samples.predicted)]) \
        if samples.predicted is not None else []
    chosen = int(wrong[0]) if len(wrong) else 0
    views.features.set_sample("test", chosen)
    samples.scroll.ensureVisible(samples.grid.tile_rect(chosen).center().x(), samples.grid.tile_rect(chosen).center().y(),
                                 0, 80)
    views.filters.set_layer("conv_2")
    views.tabs.setCurrentWidget(views.features)
    wait_until(lambda: views.features.shown_sample == ("test", views.features.index), 10, "the feature maps")
    window.view.zoom_fit()
    paths = [save(window, "cnn-digits.png", out)]
    tiles = []
    for view, title in zip(views.views, ("Samples: predicted classes, mistakes framed red",
                                         "Confusion matrix and accuracy per class",
                                         "conv_2's filters", "Feature maps of one test digit")):
        views.tabs.setCurrentWidget(view)
        spin(0.3)
        tiles.append((title, views.grab()))
    paths.append(save_grid(tiles, out / "cnn-digits-views.png"))
    window.close()
    return paths


def save_grid(views, path: Path, columns: int = 2) -> Path:
    """Grabbed widgets in a grid, each under a one-line caption."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QFont, QImage, QPainter, QPalette
    from PySide6.QtWidgets import QApplication

    palette = QApplication.palette()
    font = QFont(QApplication.font())
    font.setBold(True)
    caption, gap = int(font.pointSizeF() * 2.6), 12
    ratio = views[0][1].devicePixelRatio()
    cell_w = max(int(p.width() / ratio) for _, p in views) + gap
    cell_h = max(int(p.height() / ratio) for _, p in views) + caption + gap
    rows = -(-len(views) // columns)
    image = QImage(int((cell_w * columns + gap) * ratio), int((cell_h * rows) * ratio), QImage.Format.Format_RGB32)
    image.setDevicePixelRatio(ratio)
    image.fill(palette.color(QPalette.ColorRole.Window))
    painter = QPainter(image)
    painter.setFont(font)
    painter.setPen(palette.color(QPalette.ColorRole.WindowText))
    for i, (text, pixmap) in enumerate(views):
        x, y = gap + (i % columns) * cell_w, (i // columns) * cell_h
        painter.drawText(QRect(x, y, cell_w - gap, caption), Qt.AlignmentFlag.AlignVCenter, text)
        painter.drawPixmap(x, y + caption, pixmap)
    painter.end()
    image.save(str(path))
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return path


RENDERERS = {"editor": render_editor, "training": render_training, "gradients": render_gradients,
             "cnn": render_cnn}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("which", nargs="*", choices=[[], *RENDERERS], default=[])
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--size", default=f"{SIZE[0]}x{SIZE[1]}", help="window size, e.g. 1440x900")
    args = parser.parse_args(argv)
    size = tuple(int(v) for v in args.size.lower().split("x"))

    from gui.app import create_application

    app = create_application()
    isolate_user_files()
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.which or list(RENDERERS):
        RENDERERS[name](args.out, size)
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
