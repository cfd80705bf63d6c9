"""The data section's background loading: the progress row under the picker (what loads, a bar, and
Cancel, or Load for data the user stopped), the data at hand without blocking, and the pending
choice — a file that loads slowly keeps the document's data until it arrives, then the choice and the
Input's new shape go in as one undo step. A mixin of ``DatasetSection`` (gui.panels.dataset_section),
the loads themselves run in gui.panels.dataset_loading."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from gui.document import DocumentModel
from gui.training.commands import SettingsHub, input_change

from .dataset_data import DataCache, Loaded
from .dataset_loading import DataLoader, LoadJob
from .dataset_picker import file_label
from .theme import muted_color, set_text_color, text_label


@dataclass
class PendingChoice:
    """A data choice waiting for its file to load: pushed as one undo step when it arrives."""

    number: int
    key: str
    spec: dict[str, Any]
    text: str
    input_id: str | None


class BackgroundLoading:
    """The loading row, the pending choice and the non-blocking data look-ups (mixed into
    DatasetSection, which has the document ``model``, ``spec``, ``base_dir``, ``refresh`` and the loader)."""

    model: DocumentModel | None
    hub: SettingsHub
    spec: dict[str, Any]
    base_dir: Callable[[], Path | None]
    cache: DataCache
    loader: DataLoader
    dataArrived: Signal
    refresh: Callable[[], None]
    _pending: PendingChoice | None
    _requests: int
    _skipped: set[str]
    loading_row: QWidget
    loading_text: QLabel
    loading_bar: QProgressBar
    loading_cancel: QPushButton

    def _create_loading_row(self) -> None:
        """The progress of a file loading in the background and its Cancel button (hidden when idle)."""
        self.loading_row = QWidget(self)
        self.loading_row.setObjectName("datasetLoading")
        self.loading_text = text_label(self, "datasetLoadingText", wrap=True)
        self.loading_bar = QProgressBar(self.loading_row)
        self.loading_bar.setObjectName("datasetLoadingBar")
        self.loading_bar.setTextVisible(False)
        self.loading_bar.setMaximumHeight(self.fontMetrics().height() // 2 + 4)
        self.loading_cancel = QPushButton("Cancel")
        self.loading_cancel.setObjectName("datasetLoadingCancel")
        self.loading_cancel.clicked.connect(self._cancel_clicked)
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.loading_text)
        column.addWidget(self.loading_bar)
        row = QHBoxLayout(self.loading_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addLayout(column, 1)
        row.addWidget(self.loading_cancel, 0, Qt.AlignmentFlag.AlignVCenter)
        self.loading_row.setVisible(False)

    def data_now(self, spec: dict[str, Any], base_dir: Path | None) -> Loaded | None:
        """The data of ``spec`` if it is at hand, else None while it loads in the background (or after
        the user stopped it); never blocks on a big file."""
        if self.loader.key(spec, base_dir) in self._skipped:
            return None
        return self.loader.get(spec, base_dir)

    @property
    def loading(self) -> bool:
        """A file is loading for this section: a pending choice or the document's own data."""
        return self._pending is not None or self._document_job() is not None

    def _document_job(self) -> LoadJob | None:
        return self.loader.job(self.spec, self.base_dir()) if self.model is not None else None

    def _document_data(self) -> Loaded | None:
        return self.data_now(self.spec, self.base_dir())

    def _set_pending(self, pending: PendingChoice) -> None:
        old = self._pending
        self._pending = pending
        if old is not None and old.key != pending.key:
            self._release(old.key)
        self._show_loading()

    def _drop_pending(self) -> None:
        """Forget the choice waiting for its file (a newer choice, Cancel, another document)."""
        old, self._pending = self._pending, None
        if old is not None:
            self._release(old.key)
            self._show_loading()

    def _release(self, key: str) -> None:
        """Cancel the load of ``key`` unless the document's own data needs it."""
        if self.model is None or key != self.loader.key(self.spec, self.base_dir()):
            self.loader.cancel(key)

    @Slot(str)
    def _data_arrived(self, key: str) -> None:
        pending = self._pending
        if pending is not None and pending.key == key and pending.number == self._requests:
            self._pending = None
            self._land(pending)
        if self.model is not None and key == self.loader.key(self.spec, self.base_dir()):
            self.refresh()
        self._show_loading()
        self.dataArrived.emit(key)

    def _land(self, pending: PendingChoice) -> None:
        """The pending choice's file has loaded: push it with the Input's shape (one undo step)."""
        if self.model is None:
            return
        loaded = self.cache.peek(pending.key)
        spec, current = pending.spec, self.spec
        if loaded is None or spec == current:
            return
        diff = {k: spec.get(k) for k in set(spec) | set(current) if spec.get(k) != current.get(k)}
        self.model.push(input_change(self.model.doc, self.hub, pending.text, diff, pending.input_id,
                                     loaded.input_shape))

    def _cancel_clicked(self) -> None:
        if self._pending is not None:
            self._drop_pending()  # the document keeps its data: nothing to undo
            self.refresh()
            return
        if self.model is None:
            return
        key = self.loader.key(self.spec, self.base_dir())
        if key in self._skipped:  # "Load": the document's data after all
            self._skipped.discard(key)
        else:
            self._skipped.add(key)
            self.loader.cancel(key)
        self.refresh()
        self.dataArrived.emit(key)

    @Slot()
    def _show_loading(self) -> None:
        """The progress row: the pending choice's load, else the document's, else hidden."""
        job, what = None, ""
        if self._pending is not None:
            job, what = self.loader.job_of(self._pending.key), self._pending.spec
        elif self.model is not None:
            job, what = self._document_job(), self.spec
        skipped = self.model is not None and self._pending is None and \
            self.loader.key(self.spec, self.base_dir()) in self._skipped
        if job is None and not skipped:
            self.loading_row.setVisible(False)
            return
        self.loading_row.setVisible(True)
        bar, label = self.loading_bar, file_label(what or self.spec)
        if skipped:
            self.loading_text.setText(f"{label}: not loaded (stopped). The training reads it anyway.")
            bar.setVisible(False)
            self.loading_cancel.setText("Load")
            self.loading_cancel.setToolTip("Load the data for the preview and the checks")
            return
        bar.setVisible(True)
        self.loading_cancel.setText("Cancel")
        self.loading_cancel.setToolTip("Stop loading" + (": keep the current data" if self._pending else ""))
        kind = what.get("kind")
        if job.reading_done:
            text, done, total = f"Splitting and scaling {label}…", 0, 0
        elif job.total and kind == "images":
            text, done, total = f"Reading {label}… {job.done:,} / {job.total:,} images", job.done, job.total
        elif job.total:
            text, done, total = f"Reading {label}… {100 * job.done // job.total} %", job.done * 100 // job.total, 100
        else:
            text, done, total = f"Reading {label}…", 0, 0
        self.loading_text.setText(text)
        set_text_color(self.loading_text, muted_color(self.palette()))
        bar.setRange(0, total)  # 0, 0: busy, no count
        bar.setValue(done)
