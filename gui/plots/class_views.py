"""The classification and image views in one tabbed panel: Samples (tiles or a table, mistakes in
red), Confusion (matrix and per-class accuracy), Filters (each Conv2D's kernels) and Feature maps
(one sample at every layer). The "Test set / Training set" choosers of Samples, Confusion and
Feature maps are one choice, kept in step.

Feeding, as the other live plots: ``reset(loaded)``, ``add_snapshot(snapshot)``, ``clear()``.
What the worker should compute is asked with ``optionsChanged(options)`` — the keys of the worker's
``view`` command: ``classes`` (only while the panel is visible), ``classes_split``, ``filters`` and
``features`` ({"split", "index"} of the sample of the feature maps).
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from .confusion import ConfusionView
from .feature_maps import FeatureMapsView
from .filters import FiltersView
from .samples_grid import SamplesView

class ClassViews(QWidget):
    """Samples, confusion matrix, filters and feature maps; objectName ``classViews``."""

    optionsChanged = Signal(dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("classViews")
        self.samples = SamplesView(self)
        self.confusion = ConfusionView(self)
        self.filters = FiltersView(self)
        self.features = FeatureMapsView(self)
        self.views = [self.samples, self.confusion, self.filters, self.features]
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("classViewTabs")
        self.tabs.setDocumentMode(True)
        for view, title in zip(self.views, ("Samples", "Confusion", "Filters", "Features")):
            self.tabs.addTab(view, title)
        self.tabs.setTabToolTip(3, "Feature maps: one sample's outputs at every layer")
        self.split_boxes = [self.samples.split_box, self.confusion.split_box, self.features.split_box]
        for box in self.split_boxes:
            box.currentIndexChanged.connect(self._split_chosen)
        self._split = "test"
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.samples.sampleChosen.connect(self.features.set_sample)
        self.samples.sampleActivated.connect(self._sample_activated)
        self.features.sampleRequested.connect(self._sample_requested)
        self.active = True

    # ---- the live-plot protocol ----------------------------------------------------------
    def reset(self, info: dict[str, Any] | None) -> None:
        for view in self.views:
            view.reset(info)
        if info:
            self._sample_requested(self.features.split, self.features.index)

    def add_snapshot(self, snapshot: dict[str, Any]) -> None:
        for view in self.views:
            view.add_snapshot(snapshot)

    def clear(self) -> None:
        for view in self.views:
            view.clear()

    def redraw(self) -> None:
        for view in self.views:
            view.redraw()

    # ---- choices ---------------------------------------------------------------------------
    @property
    def split(self) -> str:
        return self._split

    def set_split(self, split: str) -> None:
        index = self.samples.split_box.findData(split)
        if index >= 0:
            self.samples.split_box.setCurrentIndex(index)

    @Slot(int)
    def _split_chosen(self, index: int) -> None:
        split = str(self.samples.split_box.itemData(index))
        for box in self.split_boxes:
            box.blockSignals(True)
            box.setCurrentIndex(index)
            box.blockSignals(False)
        if split == self._split:
            return
        self._split = split
        for view in (self.samples, self.confusion, self.features):
            view.set_split(split)
        self.optionsChanged.emit({"classes_split": split})
        self.features.set_sample(split, self.features.index)

    @Slot(str, int)
    def _sample_requested(self, split: str, index: int) -> None:
        self.samples.select_sample(index if split == self.samples.split else None)
        if self.active:
            self.optionsChanged.emit({"features": {"split": split, "index": int(index)}})

    @Slot(str, int)
    def _sample_activated(self, split: str, index: int) -> None:
        self.tabs.setCurrentWidget(self.features)

    def set_active(self, on: bool) -> None:
        """Whether the worker should compute the views' data (not for a hidden panel)."""
        if on != self.active:
            self.active = on
            self.optionsChanged.emit(self.current_options())

    def current_options(self) -> dict[str, Any]:
        request = {"split": self.features.split, "index": self.features.index} if self.active else None
        return {"classes": self.active, "filters": self.active, "classes_split": self.split, "features": request}

    def select_layer(self, name: str, is_conv: bool) -> None:
        """A node was selected on the canvas: show its filters (a convolution) and its maps."""
        if is_conv:
            self.filters.set_layer(name)
        self.features.reveal_layer(name)
