"""Evaluating a network on a dataset (loss, accuracy or MAE and R², per-sample losses) and finding
where NaN/Inf first appears."""
from __future__ import annotations

from typing import Any

import numpy as np

from . import metrics
from .errors import TrainingError
from .losses import BCE, CrossEntropy

PREDICT_CHUNK = 8192


class NetworkEvaluation:
    """The evaluation and diagnosis half of ``Network`` (engine/network.py); inference mode only."""

    def loss(self, X: Any, Y: Any) -> float:
        """Inference-mode loss on a dataset."""
        return self.evaluate(X, Y)["loss"]

    def _predict_with_logits(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """Inference outputs and, when the loss is fused, the output layer's pre-activation z."""
        if self.fusion not in ("sigmoid_bce", "softmax_ce"):
            return self.predict(X), None
        producer = self._producer
        preds, logits = [], []
        producer.record = True
        try:
            for i in range(0, max(len(X), 1), PREDICT_CHUNK):
                preds.append(self._infer(X[i : i + PREDICT_CHUNK]))
                logits.append(np.array(producer.z, copy=True))  # z may live in a reused buffer
        finally:
            producer.record = False
            producer.z = None
        if len(preds) == 1:
            return preds[0], logits[0]
        return np.concatenate(preds), np.concatenate(logits)

    def per_sample_loss(self, X: Any, Y: Any) -> np.ndarray:
        """Inference-mode loss of every sample."""
        self._require_loss()
        X = self.prepare_inputs(X)
        Y = self.prepare_targets(Y, len(X))
        pred, z = self._predict_with_logits(X)
        return self._per_sample(pred, z, Y)

    def _per_sample(self, pred: np.ndarray, z: np.ndarray | None, Y: np.ndarray) -> np.ndarray:
        if self.fusion == "sigmoid_bce":
            return BCE.fused_per_sample(z, Y)
        if self.fusion == "softmax_ce":
            return CrossEntropy.fused_per_sample(z, Y)
        return self.loss_fn.per_sample(pred, Y)

    def _require_loss(self) -> None:
        if self.loss_fn is None:
            raise TrainingError("The network has no Loss node, so there is no loss to compute: add one")

    def evaluate(self, X: Any, Y: Any) -> dict[str, float]:
        """Loss plus accuracy (classification) or MAE and R² (regression), inference mode."""
        self._require_loss()
        X = self.prepare_inputs(X)
        Y = self.prepare_targets(Y, len(X))
        if len(X) == 0:
            return {"loss": float("nan")}
        pred, z = self._predict_with_logits(X)
        if z is None and self.fusion != "step":
            loss = self.loss_fn.value(pred, Y)
        else:
            loss = float(self._per_sample(pred, z, Y).mean())
        out = {"loss": loss}
        if self.task in ("binary", "multiclass"):
            out["accuracy"] = metrics.accuracy(pred, Y, self.task)
        else:
            out["mae"] = metrics.mae(pred, Y)
            out["r2"] = metrics.r2(pred, Y)
        return out

    # ---- diagnosis ---------------------------------------------------------------------
    def first_nonfinite(self, X: Any) -> tuple[str, str] | None:
        """The first node (in execution order) whose weights or output hold NaN/Inf, and what."""
        X = self.prepare_inputs(X)
        if not np.all(np.isfinite(X)):
            return self.input_name, "the input data contains NaN or Inf"
        buf: list[Any] = [None] * self._n_slots
        buf[0] = X
        with np.errstate(all="ignore"):
            for layer, ins, out, arity in self._steps:
                for pname, arr in layer.params.items():
                    if not np.all(np.isfinite(arr)):
                        return layer.name, f"its weight {pname} contains NaN or Inf"
                args = buf[ins[0]] if arity == 1 else [buf[i] for i in ins]
                buf[out] = layer.forward(args, False)
                if not np.all(np.isfinite(buf[out])):
                    return layer.name, "its output contains NaN or Inf"
        return None

    def params_finite(self) -> bool:
        return all(np.isfinite(p).all() for p in self._params)
