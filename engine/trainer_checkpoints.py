"""Checkpoints of a ``Trainer``: ``state()``/``load_state()`` to continue bit for bit, continuing a saved
history, and resetting."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

STATE_VERSION = 1


class TrainerCheckpoints:
    """The checkpoint half of ``Trainer`` (engine/trainer.py). It works on the trainer's attributes."""

    def resume_history(self, history: dict[str, list[float]]) -> None:
        """Continue a saved history (a network file's): its epochs count as done.

        Training goes on from epoch ``history["epoch"][-1]`` (the learning-rate schedule too) and
        appends to copies of its lists. The optimizer's state and the position in the data are
        not part of a history; use ``state()``/``load_state()`` to continue exactly.
        """
        epochs = history.get("epoch", [])
        n = len(epochs)
        if any(not isinstance(v, (list, tuple)) or len(v) != n for v in history.values()):
            raise ValueError("A history needs lists of one value per epoch, all as long as history['epoch']")
        whole = all(isinstance(e, (int, float, np.integer, np.floating)) and not isinstance(e, bool)
                    and math.isfinite(e) and e >= 1 and e == int(e) for e in epochs)
        if not whole or any(a >= b for a, b in zip(epochs, epochs[1:])):
            raise ValueError("history['epoch'] must count up from 1")
        merged = {k: list(v) for k, v in history.items()}
        merged["epoch"] = [int(e) for e in epochs]
        for k in self.metric_names():
            merged.setdefault(k, [math.nan] * n)
        self.history = merged
        self.epoch, self.batch, self._Xs = (merged["epoch"][-1] if n else 0), 0, None
        self._best = None

    def reset(self, seed: int | None = None) -> None:
        """Re-initialise the weights and forget the optimizer state, history and position."""
        self.net.initialize(self.net.seed if seed is None else seed)
        self.optimizer.reset()
        self._start()

    def state(self) -> dict[str, Any]:
        """Everything needed to continue training exactly from here, as plain copies.

        Weights, optimizer state, position, shuffle and Dropout random streams, history and the
        early-stopping record; picklable. ``load_state`` on a trainer of the same network and data
        continues bit for bit as this one would.
        """
        noise = {}
        for name, layer in self.net.iter_layers():
            rng = layer.get_noise()
            if rng is not None:
                noise[name] = rng.bit_generator.state
        best = None
        if self._best is not None:  # its weights are never changed in place: sharing them is safe
            best = dict(self._best)
        return {
            "version": STATE_VERSION,
            "weights": self.net.get_weights(),
            "optimizer": self.optimizer.state_dict(),
            "epoch": self.epoch,
            "batch": self.batch,
            "steps": self.steps,
            "batch_size": self.batch_size,
            "order": None if self._order is None or self.batch == 0 else self._order.copy(),
            "rng": self._rng.bit_generator.state,
            "noise": noise,
            "history": {k: list(v) for k, v in self.history.items()},
            "best": best,
            "learning_rate": self.config.learning_rate,
            "l1": self.l1,
            "l2": self.l2,
        }

    def load_state(self, state: dict[str, Any]) -> None:
        """Continue from a ``state()`` taken on this trainer or one with the same network and data.

        All or nothing: a state that does not fit raises ValueError and changes nothing.
        """
        version = state.get("version") if isinstance(state, dict) else None
        if version != STATE_VERSION:
            raise ValueError(f"Unknown trainer state version {version!r} (this trainer reads {STATE_VERSION})")
        backup = self.state()
        try:
            self._apply_state(state)
        except Exception:
            self._apply_state(backup)
            raise

    def _apply_state(self, state: dict[str, Any]) -> None:
        n = len(self.X)
        batch_size, batch, order = int(state["batch_size"]), int(state["batch"]), state["order"]
        batches = math.ceil(n / batch_size) if batch_size >= 1 else 0
        if not 1 <= batch_size <= n or not 0 <= batch < batches:
            raise ValueError(f"The state (batch {batch} of size {batch_size}) does not fit the training data "
                             f"({n} samples)")
        if order is not None:
            order = np.asarray(order)
            if order.shape != (n,) or not np.array_equal(np.sort(order), np.arange(n)):
                raise ValueError("The state's shuffled order does not match the training data")
        noisy = {name for name, layer in self.net.iter_layers() if layer.get_noise() is not None}
        if set(state["noise"]) - noisy:
            raise ValueError(f"The state has random streams for layers this network lacks: "
                             f"{', '.join(sorted(set(state['noise']) - noisy))}")
        self.net.set_weights(state["weights"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.set_learning_rate(state["learning_rate"])
        self.set_regularization(state["l1"], state["l2"])
        self.epoch, self.batch, self.steps = int(state["epoch"]), batch, int(state["steps"])
        self.batch_size, self.batches_per_epoch = batch_size, batches
        self._rng.bit_generator.state = state["rng"]
        for name, rng_state in state["noise"].items():
            self.net.layer(name).get_noise().bit_generator.state = rng_state
        self._order = order.copy() if order is not None and batch else None
        if not batch:
            self._Xs = self._Ys = None  # the next step starts an epoch
        elif self._order is not None:
            self._Xs, self._Ys = self.X[self._order], self.Y[self._order]
        else:
            self._Xs, self._Ys = self.X, self.Y
        self.history = {k: list(v) for k, v in state["history"].items()}
        self._best = dict(state["best"]) if state["best"] is not None else None
        self._early_stop_due = False
        self.sync_weights()
