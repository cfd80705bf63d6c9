"""Undo commands for the document's training settings and dataset spec.

They live on the document's undo stack beside the graph commands, so Ctrl+Z takes back a changed
learning rate as it takes back a moved node, and the stack's clean state tracks them (the title's
``*``). A change of the input features is one undo step: the dataset's ``features`` and the Input
node's shape together (``input_change``), so undo restores both.

Graph commands notify through the graph's events; these notify through ``SettingsHub.changed``,
which the training panel (to show the values) and the controller (to push them to the worker)
follow.
"""
from __future__ import annotations

import copy
import time
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand

from engine.document import Document

MERGE_SECONDS = 1.5  # edits of one field closer together than this are one undo step


class SettingsHub(QObject):
    """Says that the training settings or the dataset spec of the window's document changed."""

    changed = Signal()


class SetSettingsCommand(QUndoCommand):
    """Change ``doc.training`` fields and/or ``doc.dataset`` keys (a key set to None is removed)."""

    ID = 0x5453  # "TS"

    def __init__(self, doc: Document, hub: SettingsHub, text: str, training: dict[str, Any] | None = None,
                 dataset: dict[str, Any] | None = None) -> None:
        super().__init__(text)
        self.doc, self.hub = doc, hub
        self.new_training = copy.deepcopy(training or {})
        self.old_training = {k: copy.deepcopy(getattr(doc.training, k)) for k in self.new_training}
        self.new_dataset = copy.deepcopy(dataset or {})
        self.old_dataset = {k: copy.deepcopy(doc.dataset.get(k)) for k in self.new_dataset}
        self.stamp = time.monotonic()

    def _apply(self, training: dict[str, Any], dataset: dict[str, Any]) -> None:
        for key, value in training.items():
            setattr(self.doc.training, key, copy.deepcopy(value))
        if dataset:
            spec = dict(self.doc.dataset)
            for key, value in dataset.items():
                if value is None:
                    spec.pop(key, None)
                else:
                    spec[key] = copy.deepcopy(value)
            self.doc.dataset = spec
        self.hub.changed.emit()

    def redo(self) -> None:
        self._apply(self.new_training, self.new_dataset)

    def undo(self) -> None:
        self._apply(self.old_training, self.old_dataset)

    def id(self) -> int:
        return self.ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetSettingsCommand) or other.doc is not self.doc:
            return False
        if set(other.new_training) != set(self.new_training) or set(other.new_dataset) != set(self.new_dataset):
            return False
        if other.stamp - self.stamp > MERGE_SECONDS:
            return False
        self.new_training.update(other.new_training)
        self.new_dataset.update(other.new_dataset)
        self.stamp = other.stamp
        if self.new_training == self.old_training and self.new_dataset == self.old_dataset:
            self.setObsolete(True)  # back where it started: nothing to undo
        return True


class InputChangeCommand(SetSettingsCommand):
    """A dataset change together with the Input node's new shape, as one undo step (one command,
    rather than a parent command with Python-made children, which crashed PySide here)."""

    def __init__(self, doc: Document, hub: SettingsHub, text: str, dataset: dict[str, Any], input_id: str,
                 shape: list[int]) -> None:
        super().__init__(doc, hub, text, dataset=dataset)
        self.input_id = input_id
        self.new_shape = list(shape)
        self.old_shape = list(doc.graph.node(input_id).params["shape"])

    def redo(self) -> None:
        self.doc.graph.set_params(self.input_id, shape=list(self.new_shape))
        super().redo()

    def undo(self) -> None:
        self.doc.graph.set_params(self.input_id, shape=list(self.old_shape))
        super().undo()

    def id(self) -> int:
        return -1  # never merged


def input_change(doc: Document, hub: SettingsHub, text: str, dataset: dict[str, Any],
                 input_id: str | None, shape: list[int] | None) -> QUndoCommand:
    """The dataset change, plus the Input node's new shape when it must change with it."""
    node = doc.graph.node(input_id) if input_id is not None and input_id in doc.graph else None
    if node is None or shape is None or list(node.params.get("shape") or []) == list(shape):
        return SetSettingsCommand(doc, hub, text, dataset=dataset)
    return InputChangeCommand(doc, hub, text, dataset, node.id, shape)
