"""The dataset picker's entries: every catalogue dataset grouped (and the image form of those that have
one, e.g. "Handwritten digits (8 × 8 images)"), then "Your data": CSV file…, Image folder…, IDX files…,
with the document's own file or folder as an extra row above them."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QComboBox

from engine.data import DATASETS
from engine.data.spec import is_image_spec

from .dataset_data import grouped_datasets
from .theme import scaled_font

CSV_ITEM = "__csv__"
IMAGES_ITEM = "__images__"
IDX_ITEM = "__idx__"
CURRENT_ITEM = "__current_file__"
IMAGE_SUFFIX = ":images"   # "digits:images": the catalogue set as (C, H, W) images ("flat": false)
YOUR_DATA = ((CSV_ITEM, "CSV file…", "A table of numbers: feature columns and a target column"),
             (IMAGES_ITEM, "Image folder…", "A folder with one sub-folder of images (PNG, JPEG, BMP, GIF) per class"),
             (IDX_ITEM, "IDX files…", "An images file and a labels file in MNIST's IDX format (optionally .gz)"))
CURRENT_LABELS = {"csv": "CSV", "images": "Images", "idx": "IDX"}


def _header(combo: QComboBox, title: str) -> QStandardItem:
    header = QStandardItem(title)
    header.setFlags(Qt.ItemFlag.NoItemFlags)
    header.setFont(scaled_font(combo, bold=True))
    return header


def _entry(text: str, key: str, tip: str) -> QStandardItem:
    item = QStandardItem(f"   {text}")
    item.setData(key, Qt.ItemDataRole.UserRole)
    item.setToolTip(tip)
    return item


def fill_combo(combo: QComboBox) -> None:
    model = QStandardItemModel(combo)
    for title, names in grouped_datasets():
        model.appendRow(_header(combo, title))
        for name in names:
            info = DATASETS[name]
            model.appendRow(_entry(info.title, name, info.description))
            if info.image_shape is not None:
                model.appendRow(_entry(info.image_title, name + IMAGE_SUFFIX, info.image_description))
    model.appendRow(_header(combo, "Your data"))
    for key, text, tip in YOUR_DATA:
        model.appendRow(_entry(text, key, tip))
    combo.setModel(model)


def choice_key(spec: dict[str, Any]) -> str:
    """The picker entry of a generator spec: its name, or "<name>:images" for the image form."""
    name = str(spec.get("name", "circle"))
    return name + IMAGE_SUFFIX if is_image_spec(spec) else name


def file_label(spec: dict[str, Any]) -> str:
    """"pets" for an image folder, the file name of a CSV or of IDX images."""
    value = spec.get("images") if spec.get("kind") == "idx" else spec.get("path")
    return Path(str(value)).name


def show_choice(combo: QComboBox, spec: dict[str, Any]) -> None:
    """Select the document's entry; a file dataset gets its own row ("CSV: data.csv") above "CSV file…"."""
    model: QStandardItemModel = combo.model()
    for row in range(model.rowCount()):
        if model.item(row).data(Qt.ItemDataRole.UserRole) == CURRENT_ITEM:
            model.removeRow(row)
            break
    kind = spec.get("kind", "generator")
    if kind in CURRENT_LABELS:
        item = _entry(f"{CURRENT_LABELS[kind]}: {file_label(spec)}", CURRENT_ITEM,
                      str(spec.get("images") if kind == "idx" else spec.get("path")))
        row = model.rowCount() - len(YOUR_DATA)
        model.insertRow(row, item)
        combo.setCurrentIndex(row)
        return
    combo.setCurrentIndex(combo.findData(choice_key(spec)))
