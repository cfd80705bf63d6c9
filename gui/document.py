"""The open document on the GUI side: the engine's Document, its undo stack, path and clean state.

The engine's graph is the single source of truth. Edits go through QUndoCommands (gui.editor.
commands) pushed on ``undo_stack``; the canvas and panels subscribe to the graph's events and to
``analysisChanged``. Non-graph settings (training, dataset, view) mark the document modified
through ``mark_modified`` so the title shows ``*`` for them too.
"""
from __future__ import annotations

import weakref
from pathlib import Path

import shiboken6

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

import engine
from engine.document import Document
from engine.fileformat import load, save
from engine.network import weight_shapes
from engine.data_fit import DataFacts, with_data_fit
from engine.validation import Analysis, analyze


class DocumentModel(QObject):
    """One network being edited."""

    analysisChanged = Signal(object)   # engine.validation.Analysis
    modifiedChanged = Signal(bool)
    pathChanged = Signal(str)
    graphChanged = Signal()            # any model event (coalesced per event-loop turn)

    def __init__(self, doc: Document | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.doc = doc if doc is not None else Document()
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(500)
        # Delete the commands while their Python wrappers are certainly alive: if the cycle collector
        # frees this model, its C++ side would otherwise delete the stack's commands in the middle of
        # collecting their wrappers, which crashes PySide6 (seen on 6.11 in the test suite).
        weakref.finalize(self, _clear_stack, self.undo_stack)
        self.untitled_name = "Untitled"  # the title while there is no path (e.g. "xor (example)")
        self._extra_modified = False
        self._analysis: Analysis | None = None
        self._graph_analysis: Analysis | None = None
        self._data_facts: DataFacts | None = None
        self._graph_dirty = False
        self._notify = QTimer(self)
        self._notify.setSingleShot(True)
        self._notify.setInterval(0)
        self._notify.timeout.connect(self._emit_changes)
        self._unsubscribe = self.doc.graph.subscribe(self._on_graph_event)
        # A method, not a lambda: the connection then ends with this object, before the stack (its
        # child) is destroyed; a destroyed stack's clear() emits cleanChanged into a dead wrapper.
        self.undo_stack.cleanChanged.connect(self._clean_changed)

    # ---- access --------------------------------------------------------------------------
    @property
    def graph(self) -> engine.Graph:
        return self.doc.graph

    @property
    def path(self) -> str | None:
        return self.doc.path

    @property
    def problems(self) -> list[str]:
        """What the loader had to skip or fix when the file was opened."""
        return list(self.doc.problems)

    @property
    def title(self) -> str:
        return Path(self.doc.path).name if self.doc.path else self.untitled_name

    @property
    def modified(self) -> bool:
        return self._extra_modified or not self.undo_stack.isClean()

    @property
    def analysis(self) -> Analysis:
        """Shapes and issues of the current graph (recomputed after each change, on demand), with an
        error of scope "data" when the chosen data does not fit it (``set_data_facts``)."""
        if self._analysis is None:
            if self._graph_analysis is None:
                self._graph_analysis = analyze(self.graph)
            self._analysis = with_data_fit(self.graph, self._graph_analysis, self._data_facts)
        return self._analysis

    @property
    def data_facts(self) -> DataFacts | None:
        return self._data_facts

    def set_data_facts(self, facts: DataFacts | None) -> None:
        """What the chosen dataset gives (input shape, task, classes), known to the GUI from loading
        it for the preview; None when unknown. The analysis then says whether the data fits."""
        if facts == self._data_facts:
            return
        self._data_facts = facts
        self._analysis = None
        if not self._notify.isActive():
            self._notify.start()

    def _clean_changed(self, clean: bool) -> None:
        self.modifiedChanged.emit(self.modified)

    # ---- edits ---------------------------------------------------------------------------
    def push(self, command: QUndoCommand) -> None:
        self.undo_stack.push(command)

    def mark_modified(self) -> None:
        """A change outside the undo stack (training settings, dataset, view)."""
        if not self._extra_modified:
            self._extra_modified = True
            self.modifiedChanged.emit(True)

    def _on_graph_event(self, event: object) -> None:
        self._analysis = self._graph_analysis = None
        self._graph_dirty = True
        if not self._notify.isActive():
            self._notify.start()

    def _emit_changes(self) -> None:
        if self._graph_dirty:  # not for new data facts alone: the graph is as it was
            self._graph_dirty = False
            self.graphChanged.emit()
        self.analysisChanged.emit(self.analysis)

    # ---- files ---------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path, parent: QObject | None = None) -> "DocumentModel":
        """Load a file; raises engine.FileFormatError when it cannot be opened at all."""
        return cls(load(path), parent)

    def save(self, path: str | Path | None = None) -> None:
        """Write the document (atomically) and mark it clean. Raises OSError on failure."""
        target = Path(path) if path is not None else (Path(self.doc.path) if self.doc.path else None)
        if target is None:
            raise ValueError("The document has no file name yet: use Save As")
        self._drop_stale_weights()
        save(self.doc, target)
        old_path = self.doc.path
        self.doc.path = str(target)
        self.doc.problems = []
        self.undo_stack.setClean()
        if self._extra_modified:
            self._extra_modified = False
        self.modifiedChanged.emit(self.modified)
        if old_path != self.doc.path:
            self.pathChanged.emit(self.doc.path)

    def _drop_stale_weights(self) -> None:
        """Trained weights that no longer fit the edited graph are not saved (the file would
        otherwise open with a 'weights do not fit' problem)."""
        if not self.doc.weights:
            return
        shapes = weight_shapes(self.graph)
        if shapes is None or set(shapes) != set(self.doc.weights) or any(
            tuple(self.doc.weights[k].shape) != tuple(v) for k, v in shapes.items()
        ):
            self.doc.weights = None
            self.doc.history = None
            self.doc.preprocessing = None

    def close(self) -> None:
        """Stop listening to the graph and drop the undo history (the model may outlive this
        wrapper in tests)."""
        self._notify.stop()
        self._unsubscribe()
        _clear_stack(self.undo_stack)


def _clear_stack(stack: QUndoStack) -> None:
    if shiboken6.isValid(stack):
        stack.clear()
