"""What the Data section's tests share: choosing a dataset as a click does, and reading the Input's
shape (imported as ``tests.gui.dataset_helpers``)."""
from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox


def pick(combo: QComboBox, data: Any) -> None:
    """Choose an entry as a click in the list does (``activated`` follows the new index)."""
    combo.setCurrentIndex(combo.findData(data))
    combo.activated.emit(combo.currentIndex())


def input_shape(window: Any) -> list[int]:
    return next(n for n in window.document.graph if n.type == "Input").params["shape"]
