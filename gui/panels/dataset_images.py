"""The data section's options for images: an image folder's colour and size, IDX files' sample limit,
the specs that choosing a folder or IDX files makes, and a guess of the labels file beside an images file."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any, Callable

from PySide6.QtWidgets import QCheckBox, QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from engine.data.images import MAX_SIDE, is_image_file

from .param_editors import ComboBox
from .training_settings import count_box

COLOR_CHOICES = (("Automatic", None), ("Greyscale", "grey"), ("RGB colour", "rgb"))
IDX_FILTER = "IDX files (*idx3-ubyte *idx3-ubyte.gz *.idx *.idx.gz *ubyte *ubyte.gz *.gz);;All files (*)"
IDX_LABELS_FILTER = "IDX files (*idx1-ubyte *idx1-ubyte.gz *.idx *.idx.gz *ubyte *ubyte.gz *.gz);;All files (*)"
DEFAULT_SIDE = 28
MAX_LIMIT = 10_000_000
PROBE_FILES = 200  # image headers read to propose a size for images that differ in size
_SIZE_HINT = re.compile(r"\s*\(\"size\": \[height, width\]\)")


def gui_error(error: str) -> str:
    """An image error worded for the data section: the file format's ``"size": [height, width]`` is
    the "Resize to" box here."""
    return _SIZE_HINT.sub(' (tick "Resize to" in the Data section)', error)


def common_image_size(folder: str | Path) -> list[int] | None:
    """The most common (height, width) among the first PROBE_FILES images of a folder's class
    sub-folders (Pillow reads only their headers); None when none can be read. The size proposed for
    resizing images that differ in size."""
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow comes with the image support
        return None
    sizes: Counter = Counter()
    seen = 0
    try:
        for sub in sorted(p for p in Path(folder).iterdir() if p.is_dir() and not p.name.startswith(".")):
            for path in sorted(sub.iterdir()):
                if seen >= PROBE_FILES:
                    break
                if not is_image_file(path):
                    continue
                seen += 1
                try:
                    with Image.open(path) as image:
                        width, height = image.size
                except Exception:  # a broken file: the loader names it
                    continue
                if 1 <= height <= MAX_SIDE and 1 <= width <= MAX_SIDE:
                    sizes[(height, width)] += 1
    except OSError:
        return None
    return list(sizes.most_common(1)[0][0]) if sizes else None


def spec_for_images(current: dict[str, Any], folder: str) -> dict[str, Any]:
    """An image folder keeps its own colour and size (chosen automatically) and the split settings."""
    return {"kind": "images", "path": folder, "train_ratio": float(current.get("train_ratio", 0.8)),
            "seed": int(current.get("seed", 0))}


def spec_for_idx(current: dict[str, Any], images: str, labels: str) -> dict[str, Any]:
    return {"kind": "idx", "images": images, "labels": labels, "train_ratio": float(current.get("train_ratio", 0.8)),
            "seed": int(current.get("seed", 0))}


def guess_labels(images: str | Path) -> Path | None:
    """MNIST's naming: train-images-idx3-ubyte(.gz) -> train-labels-idx1-ubyte(.gz), when that file exists."""
    path = Path(images)
    name = path.name.replace("images", "labels").replace("idx3", "idx1")
    if name == path.name:
        return None
    candidate = path.with_name(name)
    return candidate if candidate.is_file() else None


class ImageOptions(QWidget):
    """Colour and resize for an image folder; the sample limit for IDX files; a button to choose again.

    ``edited(changes, undo_text)`` reports a change of the spec; ``repick()`` opens the file choice.
    """

    def __init__(self, edited: Callable[[dict[str, Any], str], None], repick: Callable[[], object],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("datasetImageOptions")
        self._edited = edited
        self._showing = False
        self.color = ComboBox()
        self.color.setObjectName("datasetImageColor")
        self.color.setAccessibleName("Image colour")
        self.color.setToolTip("Automatic: greyscale when every image is grey, RGB otherwise")
        for text, value in COLOR_CHOICES:
            self.color.addItem(text, value)
        self.color.activated.connect(self._color_picked)
        self.choose = QPushButton("Folder…")
        self.choose.setObjectName("datasetImageChoose")
        self.choose.clicked.connect(repick)

        self.resize_box = QCheckBox("Resize to")
        self.resize_box.setObjectName("datasetImageResize")
        self.resize_box.setToolTip("Resize every image to height × width (needed when the sizes differ)")
        self.resize_box.toggled.connect(self._size_edited)
        tip = "Height × width in pixels of every image the network sees"
        self.height_box = count_box("datasetImageHeight", 1, MAX_SIDE, tip, lambda _v: self._size_edited())
        self.width_box = count_box("datasetImageWidth", 1, MAX_SIDE, tip, lambda _v: self._size_edited())
        self.limit = count_box("datasetIdxLimit", 0, MAX_LIMIT, "Use the first N samples of the files (0: all)",
                               self._limit_edited)
        self.limit.setSpecialValueText("all")

        self.color_row, self.size_row, self.limit_row = QWidget(self), QWidget(self), QWidget(self)
        row = QHBoxLayout(self.color_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Colour"))
        row.addWidget(self.color, 1)
        size = QHBoxLayout(self.size_row)
        size.setContentsMargins(0, 0, 0, 0)
        size.addWidget(self.resize_box)
        size.addWidget(self.height_box, 1)
        size.addWidget(QLabel("×"))
        size.addWidget(self.width_box, 1)
        limit = QHBoxLayout(self.limit_row)
        limit.setContentsMargins(0, 0, 0, 0)
        limit.addWidget(QLabel("Samples"))
        limit.addWidget(self.limit, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.choose)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        for widget in (self.color_row, self.size_row, self.limit_row):
            layout.addWidget(widget)
        layout.addLayout(buttons)

    def show_spec(self, spec: dict[str, Any], image_size: list[int] | None) -> None:
        """Show ``spec``'s options; ``image_size`` (the loaded images' H, W, or a folder's most common
        size when they differ) fills an unticked resize."""
        self._showing = True
        try:
            folder = spec.get("kind") == "images"
            self.color_row.setVisible(folder)
            self.size_row.setVisible(folder)
            self.limit_row.setVisible(not folder)
            self.choose.setText("Folder…" if folder else "Files…")
            self.choose.setToolTip("Choose another image folder" if folder else "Choose other IDX files")
            self.color.setCurrentIndex(max(self.color.findData(spec.get("color")), 0))
            size = spec.get("size")
            self.resize_box.setChecked(bool(size))
            h, w = size if size else (image_size or [DEFAULT_SIDE, DEFAULT_SIDE])
            self.height_box.setValue(int(h))
            self.width_box.setValue(int(w))
            self.height_box.setEnabled(bool(size))
            self.width_box.setEnabled(bool(size))
            self.limit.setValue(int(spec.get("limit") or 0))
        finally:
            self._showing = False

    def _color_picked(self, index: int) -> None:
        if not self._showing:
            self._edited({"color": self.color.itemData(index)}, "Change the image colour")

    def _size_edited(self) -> None:
        if self._showing:
            return
        on = self.resize_box.isChecked()
        self.height_box.setEnabled(on)
        self.width_box.setEnabled(on)
        size = [self.height_box.value(), self.width_box.value()] if on else None
        self._edited({"size": size}, "Change the image size")

    def _limit_edited(self, value: int) -> None:
        if not self._showing:
            self._edited({"limit": value if value >= 2 else None}, "Change the number of samples")


class ImagePicking:
    """The data section's "Image folder…" and "IDX files…" choices (mixed into DatasetSection, which has
    ``spec``, ``base_dir``, ``_change`` and ``refresh``). Tests replace the two ``_ask_…`` methods."""

    spec: dict[str, Any]
    base_dir: Callable[[], Path | None]
    _change: Callable[..., None]
    refresh: Callable[[], None]

    def pick_images(self) -> bool:
        folder = self._ask_image_folder()
        if not folder:
            return False
        spec = spec_for_images(self.spec, str(Path(folder).resolve()))
        self._change({}, f"Use the images in {Path(folder).name}", spec)
        return True

    def pick_idx(self) -> bool:
        paths = self._ask_idx_paths()
        if not paths:
            return False
        images, labels = (str(Path(p).resolve()) for p in paths)
        self._change({}, f"Use {Path(images).name}", spec_for_idx(self.spec, images, labels))
        return True

    def _repick_images(self) -> None:
        self.pick_images() if self.spec.get("kind") == "images" else self.pick_idx()
        self.refresh()

    def _start_dir(self) -> str:
        return str(self.base_dir() or "")

    def _ask_image_folder(self) -> str | None:
        """The folder of class sub-folders to train on (tests replace this method)."""
        return QFileDialog.getExistingDirectory(self, "Train on a folder of images (one sub-folder per class)",
                                                self._start_dir()) or None

    def _ask_idx_paths(self) -> tuple[str, str] | None:
        """The IDX images file, then its labels file unless MNIST's naming finds it (tests replace this)."""
        images, _ = QFileDialog.getOpenFileName(self, "Train on IDX files: the images file", self._start_dir(),
                                                IDX_FILTER)
        if not images:
            return None
        labels = guess_labels(images)
        if labels is None:
            chosen, _ = QFileDialog.getOpenFileName(self, "The labels file for " + Path(images).name,
                                                    str(Path(images).parent), IDX_LABELS_FILTER)
            if not chosen:
                return None
            labels = Path(chosen)
        return images, str(labels)
