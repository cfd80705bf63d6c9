"""From a document to a ready-to-train setup, and back: the glue the CLI, the GUI worker and scripts share.

``open_session(doc)`` loads the dataset the document names, splits it, fits the preprocessing on
the training split (or reuses the one saved with trained weights), compiles the network (with the
saved weights, unless ``restart``) and builds a Trainer whose validation data is the test split.
``store(session)`` writes the weights, history and preprocessing back into the document.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .data import Prepared, Preprocessor, prepare
from .data_fit import DataFacts, NetworkEnds, fit_problem
from .document import Document
from .errors import TrainingError
from .network import Network
from .trainer import Trainer


@dataclass
class Session:
    doc: Document
    data: Prepared
    network: Network
    trainer: Trainer
    X_train: np.ndarray
    Y_train: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray

    @property
    def preprocessor(self) -> Preprocessor:
        return self.data.preprocessor

    @property
    def validation_is_test(self) -> bool:
        """The trainer's ``val_`` metrics are on the test split (no validation share held out)."""
        return self.doc.training.validation_split == 0 and len(self.X_test) > 0

    def test_metrics(self) -> dict[str, float]:
        """Inference-mode metrics on the test split (empty when there is none)."""
        if not len(self.X_test):
            return {}
        return self.network.evaluate(self.X_test, self.Y_test)


def document_dir(doc: Document) -> Path | None:
    return Path(doc.path).resolve().parent if doc.path else None


def open_session(doc: Document, restart: bool = False, base_dir: str | Path | None = None) -> Session:
    """Everything needed to train ``doc``; raises TrainingError/ValueError with a clear message."""
    base = base_dir if base_dir is not None else document_dir(doc)
    saved = None
    if doc.weights and doc.preprocessing and not restart:
        saved = Preprocessor.from_dict(doc.preprocessing)
    data = prepare(doc.dataset, base, preprocessor=saved)
    pre = data.preprocessor
    net = Network(doc.graph, seed=doc.training.seed, dtype=doc.dtype)
    check_fit(net, pre, data.train.y)
    if doc.weights and not restart:
        net.set_weights(doc.weights)
    dtype = net.dtype
    X_train, Y_train = pre.transform(data.train.X, dtype), pre.encode_targets(data.train.y)
    X_test, Y_test = pre.transform(data.test.X, dtype), pre.encode_targets(data.test.y)
    # The test split is what the per-epoch "val_" metrics watch (Playground's test loss), unless the
    # settings hold out a validation share of the training data: then the test split stays unseen.
    holds_out = doc.training.validation_split > 0
    validation = (X_test, Y_test) if len(X_test) and not holds_out else None
    trainer = Trainer(net, X_train, Y_train, doc.training, validation=validation)
    if doc.history and not restart:
        trainer.resume_history(doc.history)
    return Session(doc, data, net, trainer, X_train, Y_train, X_test, Y_test)


def check_fit(net: Network, pre: Preprocessor, y_train: np.ndarray) -> None:
    """Explain a mismatch between the data and the network's Input or output layer (the same check,
    in the same words, as ``engine.data_fit.fit_problem``, which the GUI runs before Play)."""
    problem = fit_problem(NetworkEnds.of_network(net), DataFacts.of(pre, y_train))
    if problem is not None:
        raise TrainingError(problem.message)


def store(session: Session) -> Document:
    """Copy the trained weights, the history and the preprocessing into the document."""
    doc = session.doc
    doc.weights = session.network.get_weights()
    doc.history = {k: list(v) for k, v in session.trainer.history.items()}
    doc.preprocessing = session.preprocessor.to_dict()
    return doc


def predict(doc: Document, X_raw: Any) -> tuple[np.ndarray, np.ndarray | None]:
    """Labels (or values) and class probabilities for raw features, from a trained document."""
    if not doc.weights:
        raise TrainingError("The network has no trained weights yet: train it first")
    net = doc.network()
    if doc.preprocessing is None:
        out = net.predict(X_raw)
        return out, None
    return Preprocessor.from_dict(doc.preprocessing).predict(net, X_raw)
