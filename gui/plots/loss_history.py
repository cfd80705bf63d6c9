"""The loss plot's data: per-epoch columns and the per-batch loss, smoothed as it arrives."""
from __future__ import annotations

import math

import numpy as np

from .curves import GrowingArray

EMA_MAX_BETA = 0.99


class LossHistory:
    """The buffers behind the curves (a part of LossPlot): filled by its feeding methods, read by
    drawing, hover and export."""

    def _clear_data(self) -> None:
        self._columns = {"epoch": GrowingArray()}
        self._batch_x.clear()
        self._batch_ema.clear()
        self._ema, self._ema_count, self._beta = 0.0, 0, None
        self._progress = 0.0
        self._hover = None

    def _load_history(self, history: dict[str, list[float]]) -> None:
        epochs = np.asarray(history["epoch"], dtype=np.float64)
        n = len(epochs)
        self._columns["epoch"].extend(epochs)
        for key, values in history.items():
            if key == "epoch":
                continue
            column = np.full(n, np.nan)
            values = np.asarray(values, dtype=np.float64)[:n]
            column[: len(values)] = values
            self._columns[key] = GrowingArray()
            self._columns[key].extend(column)

    def _column(self, key: str) -> GrowingArray:
        column = self._columns.get(key)
        if column is None:
            column = self._columns[key] = GrowingArray()
            column.extend(np.full(len(self._columns["epoch"]), np.nan))
        return column

    def _add_epoch(self, row: dict[str, float]) -> None:
        epoch = float(row.get("epoch", self._columns["epoch"].last(0.0) + 1))
        epochs = self._columns["epoch"]
        if len(epochs) and epoch <= epochs.last():  # a restarted run: drop what it replaces
            keep = int(np.searchsorted(epochs.data, epoch))
            for column in self._columns.values():
                column.truncate(keep)
        for key in row:
            if key != "epoch":
                self._column(key)  # a new metric: NaN for the epochs before
        epochs.append(epoch)
        for key, column in self._columns.items():
            if key != "epoch":
                value = row.get(key)
                column.append(math.nan if value is None else float(value))

    def _add_batches(self, losses: np.ndarray, progress: float) -> None:
        start = self._progress
        if progress < start or (len(self._batch_x) and progress < self._batch_x.last()):
            keep = int(np.searchsorted(self._batch_x.data, progress - 1e-12))
            self._batch_x.truncate(keep)
            self._batch_ema.truncate(keep)
            start = self._batch_x.last(0.0)
            self._ema, self._ema_count = 0.0, 0  # the new run is smoothed on its own
        n = len(losses)
        if self._beta is None:  # smooth over about two epochs' batches (10 to 200 of them)
            per_epoch = (n / (progress - start)) if progress > start else 10.0
            span = float(np.clip(2.0 * per_epoch, 10.0, 200.0))
            self._beta = min(1.0 - 2.0 / (span + 1.0), EMA_MAX_BETA)
        self._batch_x.extend(start + (progress - start) * np.arange(1, n + 1) / n)
        self._batch_ema.extend(self._smooth(losses))
        self._progress = progress

    def _smooth(self, losses: np.ndarray) -> np.ndarray:
        """Debiased exponential moving average (as TensorBoard's smoothing), continued from the
        previous snapshot's state; non-finite losses are skipped."""
        beta, ema, count = self._beta, self._ema, self._ema_count
        out = np.empty(len(losses))
        for i, value in enumerate(losses.tolist()):
            if math.isfinite(value):
                ema = beta * ema + (1.0 - beta) * value
                count += 1
            out[i] = ema / (1.0 - beta ** count) if count else math.nan
        self._ema, self._ema_count = ema, count
        return out

    # ---- queries (tests, export) -----------------------------------------------------
    def epochs(self) -> np.ndarray:
        return self._columns["epoch"].data

    def column(self, key: str) -> np.ndarray | None:
        column = self._columns.get(key)
        return None if column is None else column.data

    def batch_series(self) -> tuple[np.ndarray, np.ndarray]:
        """(fractional epoch, smoothed loss) of every batch so far."""
        return self._batch_x.data, self._batch_ema.data
