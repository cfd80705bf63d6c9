"""Where the inspector's traces come from.

The inspector asks a ``TraceSource`` for a sample's step (``request_trace``) or a gradient check
(``request_check``) and takes the answers from its signals, so it does not care whether they are
computed here or in the training worker on the live weights:

- ``SessionSource``: in process, from an ``engine.session.Session`` (a document's saved or initial
  weights, its dataset and its optimizer): answers at once. Tests and the no-training fallback.
- ``WorkerSource`` (gui.inspect.integration): the training worker's ``trace``/``check`` commands,
  answered asynchronously on the live weights and optimizer state.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal

from engine.document import Document
from engine.explain import check_step, trace_session

from .samples import SampleData

SPLITS = ("train", "test")


class TraceSource(QObject):
    traceReady = Signal(object, int, str)      # StepTrace, sample index, split
    checkReady = Signal(object, list, str)     # CheckResult, sample indices, split
    samplesChanged = Signal(object)            # {split: SampleData}
    predictionsChanged = Signal(str)           # split: its SampleData has new predictions and losses
    failed = Signal(str)                       # a one-line reason

    live = False

    def samples(self) -> dict[str, SampleData]:
        return {}

    def describe(self) -> str:
        """Which weights the traces use, e.g. "the live weights of the training run"."""
        return ""

    def refresh_samples(self) -> None:
        """Bring every sample's prediction and loss up to date (``predictionsChanged`` when done)."""

    def request_trace(self, index: int, split: str = "train") -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def request_check(self, indices: list[int], split: str = "train") -> None:  # pragma: no cover - interface
        raise NotImplementedError


class SessionSource(TraceSource):
    """Traces computed here, from a Session (network, data, trainer with its optimizer)."""

    def __init__(self, session: Any, parent: QObject | None = None, description: str = "") -> None:
        super().__init__(parent)
        self.session = session
        self._description = description or ("the trained weights saved in the network" if session.doc.weights
                                            else "the network's initial weights (not trained yet)")
        self._samples: dict[str, SampleData] | None = None

    @classmethod
    def from_document(cls, doc: Document, base_dir: str | None = None, parent: QObject | None = None) -> "SessionSource":
        """Open ``doc``'s dataset and network (raises ValueError/TrainingError with a clear message)."""
        from engine.session import open_session

        return cls(open_session(doc, base_dir=base_dir), parent)

    def samples(self) -> dict[str, SampleData]:
        if self._samples is None:
            self._samples = {split: SampleData.from_session(self.session, split) for split in SPLITS}
        return self._samples

    def describe(self) -> str:
        return self._description

    def request_trace(self, index: int, split: str = "train") -> None:
        try:
            trace = trace_session(self.session, int(index), split)
        except (IndexError, ValueError) as exc:
            self.failed.emit(str(exc))
            return
        self.traceReady.emit(trace, int(index), split)

    def request_check(self, indices: list[int], split: str = "train") -> None:
        s = self.session
        X, Y = (s.X_train, s.Y_train) if split == "train" else (s.X_test, s.Y_test)
        chosen = [int(i) for i in indices] or list(range(min(len(X), 8)))
        try:
            result = check_step(s.network, X[np.asarray(chosen)], Y[np.asarray(chosen)])
        except (IndexError, ValueError) as exc:
            self.failed.emit(str(exc))
            return
        self.checkReady.emit(result, chosen, split)
