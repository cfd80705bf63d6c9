"""One split's samples as the step inspector's sample table shows them (``SampleData``: raw features,
targets, every sample's prediction and loss, which ones are misclassified), and the text of a
prediction. No Qt: the table's model is in sample_model.py, the picker in samples.py."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine.explain.text import num


@dataclass
class SampleData:
    """One split's samples as the table shows them (raw features and targets)."""

    split: str
    size: int
    X: np.ndarray | None = None          # (n, d) raw features, when known
    y: np.ndarray | None = None          # (n,) or (n, k) raw targets, when known
    feature_names: list[str] = field(default_factory=list)
    class_names: list[str] = field(default_factory=list)
    task: str = "regression"
    predicted: list[str] | None = None   # the prediction as text, per sample
    loss: np.ndarray | None = None       # the sample's loss (inference mode), NaN where unknown
    correct: np.ndarray | None = None    # classification: predicted class == true class (None: unknown)
    known: np.ndarray | None = None      # … where ``correct`` is known

    @classmethod
    def from_loaded(cls, info: dict[str, Any], split: str) -> "SampleData":
        """From the worker's ``loaded`` message: ``train_X`` (1-D and 2-D inputs) or
        ``train_features`` (tabular data), ``train_y``, and the same for ``test``."""
        X = info.get(f"{split}_X")
        if X is None:
            X = info.get(f"{split}_features")
        y = info.get(f"{split}_y")
        size = int(info.get(f"{split}_size", len(X) if X is not None else 0))
        return cls(split, size, None if X is None else np.asarray(X), None if y is None else np.asarray(y),
                   list(info.get("input_names", [])), list(info.get("class_names", [])),
                   str(info.get("task", "regression")))

    @classmethod
    def from_session(cls, session: Any, split: str) -> "SampleData":
        """From an engine Session, with the network's prediction and loss of every sample."""
        data = session.data.train if split == "train" else session.data.test
        X, Y = (session.X_train, session.Y_train) if split == "train" else (session.X_test, session.Y_test)
        pre = session.preprocessor
        out = cls(split, len(data.X), np.asarray(data.X), np.asarray(data.y), list(pre.input_names),
                  list(pre.class_names), session.network.task)
        if len(X):
            with np.errstate(all="ignore"):
                out.set_predictions(session.network.predict(X), session.network.per_sample_loss(X, Y))
        return out

    @property
    def classification(self) -> bool:
        return self.task in ("binary", "multiclass")

    def set_predictions(self, outputs: np.ndarray, losses: np.ndarray | None = None) -> None:
        """The network's outputs (probabilities or values) and per-sample losses for every row."""
        outputs = np.asarray(outputs)
        self.predicted = [prediction_text(o, self.task, self.class_names) for o in outputs]
        if losses is not None:
            self.loss = np.asarray(losses, dtype=np.float64).reshape(-1)
        if self.classification:
            self._set_correct([predicted_label(o, self.task, self.class_names) for o in outputs])

    def set_labels(self, predicted: Any, losses: Any) -> bool:
        """Every row's prediction in the data's own terms (class names, or values in the target's
        units; the worker's ``samples`` reply) and loss; False if they do not fit this split."""
        predicted = np.asarray(predicted)
        losses = np.asarray(losses, dtype=np.float64).reshape(-1)
        if len(predicted) != self.size or len(losses) != self.size:
            return False
        if self.classification or predicted.dtype.kind in "US":
            self.predicted = [str(p) for p in predicted]
            if self.classification:
                self._set_correct(self.predicted)
        else:
            self.predicted = [value_text(p) for p in predicted]
        self.loss = losses
        return True

    def _set_correct(self, labels: list[str]) -> None:
        if self.y is None:
            return
        self.correct = np.array([label == self.true_label(i) for i, label in enumerate(labels)], dtype=bool)
        self.known = np.ones(self.size, dtype=bool)

    def set_result(self, index: int, predicted: str, loss: float, label: str | None = None) -> bool:
        """Fill in one sample's prediction and loss (e.g. from a trace of it; ``label``: the class it
        predicts); False if out of range."""
        if not 0 <= index < self.size:
            return False
        if self.predicted is None:
            self.predicted = [""] * self.size
        if self.loss is None:
            self.loss = np.full(self.size, np.nan)
        self.predicted[index] = predicted
        self.loss[index] = loss
        if label is not None and self.classification and self.y is not None:
            if self.correct is None:
                self.correct = np.zeros(self.size, dtype=bool)
                self.known = np.zeros(self.size, dtype=bool)
            self.correct[index] = label == self.true_label(index)
            self.known[index] = True
        return True

    def is_correct(self, i: int) -> bool | None:
        """Whether sample ``i`` is classified right (None: not a classifier, or not known yet)."""
        if self.correct is None or self.known is None or not self.known[i]:
            return None
        return bool(self.correct[i])

    def misclassified(self) -> int | None:
        """How many samples are classified wrong (None: unknown for some)."""
        if self.correct is None or self.known is None or not self.known.all():
            return None
        return int((~self.correct).sum())

    def true_label(self, i: int) -> str:
        """The true class's name (classification) as the predictions name it."""
        return self.target_text(i)

    def target_text(self, i: int) -> str:
        if self.y is None:
            return "—"
        v = self.y[i]
        if isinstance(v, (str, np.str_)):
            return str(v)
        arr = np.asarray(v).reshape(-1)
        if self.task != "regression" and arr.size == 1 and self.class_names:
            k = int(arr[0])
            return self.class_names[k] if 0 <= k < len(self.class_names) else str(k)
        return num(arr[0]) if arr.size == 1 else "[" + ", ".join(num(a, 3) for a in arr[:4]) + (", …]" if arr.size > 4 else "]")


def value_text(value: Any) -> str:
    arr = np.asarray(value, dtype=np.float64).reshape(-1)
    return num(arr[0]) if arr.size == 1 else "[" + ", ".join(num(a, 3) for a in arr[:4]) + (", …]" if arr.size > 4 else "]")


def predicted_label(output: Any, task: str, class_names: list[str]) -> str | None:
    """The class a classifier's output picks, by name (None: not a classifier's output)."""
    o = np.asarray(output, dtype=np.float64).reshape(-1)
    if task == "binary" and o.size == 1:
        k = int(o[0] >= 0.5)
    elif task == "multiclass" and o.size > 1:
        k = int(np.argmax(o))
    else:
        return None
    return class_names[k] if k < len(class_names) else str(k)


def prediction_text(output: Any, task: str, class_names: list[str]) -> str:
    """``1 (0.93)`` for a binary classifier, ``versicolor (0.71)`` for several classes, ``0.42`` else."""
    o = np.asarray(output, dtype=np.float64).reshape(-1)
    if task == "binary" and o.size == 1:
        k = int(o[0] >= 0.5)
        name = class_names[k] if k < len(class_names) else str(k)
        return f"{name} ({num(o[0], 3)})"
    if task == "multiclass" and o.size > 1:
        k = int(np.argmax(o))
        name = class_names[k] if k < len(class_names) else str(k)
        return f"{name} ({num(o[k], 3)})"
    return num(o[0]) if o.size == 1 else "[" + ", ".join(num(a, 3) for a in o[:3]) + (", …]" if o.size > 3 else "]")
