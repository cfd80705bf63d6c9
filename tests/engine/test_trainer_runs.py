"""Tests for engine.trainer runs: callbacks, reproducibility from the seed, early stopping."""
from __future__ import annotations

import numpy as np
import pytest

from engine.trainer import Callback, TrainConfig, Trainer

from tests.engine.trainer_helpers import mlp, blobs, weights_equal


# ---- callbacks ------------------------------------------------------------------------------
def test_callback_order():
    events: list[tuple] = []

    class Spy(Callback):
        def __init__(self, tag):
            self.tag = tag

        def on_batch_end(self, trainer, info):
            events.append((self.tag, "batch", info.step, info.epoch_end is None))

        def on_epoch_end(self, trainer, epoch, metrics):
            events.append((self.tag, "epoch", epoch, sorted(metrics)))

        def on_train_end(self, trainer, result):
            events.append((self.tag, "end", result.status))

    X, Y = blobs(4)
    Trainer(mlp([2, 3, 1]), X, Y, TrainConfig(epochs=2, batch_size=3), callbacks=[Spy("a"), Spy("b")],
            on_batch=lambda t, i: events.append(("f", "batch", i.step, i.epoch_end is None)),
            on_end=lambda t, r: events.append(("f", "end", r.status))).run()
    keys = ["accuracy", "loss"]
    expected = []
    for epoch in range(2):
        for step in (2 * epoch + 1, 2 * epoch + 2):
            expected += [(tag, "batch", step, True) for tag in "abf"]
        expected += [("a", "epoch", epoch, keys), ("b", "epoch", epoch, keys)]
    expected += [("a", "end", "completed"), ("b", "end", "completed"), ("f", "end", "completed")]
    assert events == expected


def test_a_callback_can_stop_the_run_between_batches():
    X, Y = blobs(20)
    tr = Trainer(mlp([2, 3, 1]), X, Y, TrainConfig(epochs=10, batch_size=5),
                 on_batch=lambda t, i: i.step == 6 and t.stop())
    result = tr.run()
    assert (result.status, result.steps, result.epochs, tr.batch) == ("stopped", 6, 1, 2)


# ---- reproducibility ----------------------------------------------------------------------------
def train(seed=0, epochs=4, **cfg):
    X, Y = blobs(30)
    net = mlp([2, 5, 1], seed=seed, dropout=0.3)
    tr = Trainer(net, X, Y, TrainConfig(epochs=epochs, batch_size=7, optimizer="adam", learning_rate=0.05,
                                        seed=seed, validation_split=0.2, **cfg))
    tr.run()
    return tr


def test_same_seed_gives_bit_identical_weights_and_history():
    a, b = train(), train()
    assert weights_equal(a.net.get_weights(), b.net.get_weights())
    assert a.history == b.history
    c = train(seed=1)
    assert not weights_equal(a.net.get_weights(), c.net.get_weights())


def test_runs_in_pieces_equal_one_run_and_reset_starts_over():
    whole = train(epochs=4)
    pieces = train(epochs=1)
    pieces.run(2)
    pieces.run(1)
    assert pieces.epoch == 4
    assert weights_equal(whole.net.get_weights(), pieces.net.get_weights())
    assert whole.history == pieces.history
    pieces.reset()
    assert (pieces.epoch, pieces.steps) == (0, 0)
    assert pieces.history == {k: [] for k in whole.history}
    pieces.run(4)
    assert weights_equal(whole.net.get_weights(), pieces.net.get_weights())
    assert whole.history == pieces.history


def test_float32_training_stays_float32():
    X, Y = blobs(20)
    net = mlp([2, 3, 1], dtype="float32")
    Trainer(net, X, Y, TrainConfig(epochs=2, optimizer="adam")).run()
    assert all(w.dtype == np.float32 for w in net.get_weights().values())


# ---- early stopping -------------------------------------------------------------------------
def scripted(tr: Trainer, val_losses: list[float]) -> list[dict]:
    """Make the trainer see these validation losses; return the weights after each epoch."""
    real = tr.evaluate
    it = iter(val_losses)
    tr.evaluate = lambda: {**real(), "val_loss": next(it)}
    after: list[dict] = []
    tr.callbacks.append(type("Keep", (Callback,), {
        "on_epoch_end": lambda self, t, e, m: after.append(t.net.get_weights())})())
    return after


@pytest.mark.parametrize("restore", [True, False])
def test_early_stopping_with_patience_and_restore_best(restore):
    X, Y = blobs(20)
    tr = Trainer(mlp([2, 3, 1]), X, Y, TrainConfig(epochs=20, batch_size=10, early_stopping=2, restore_best=restore))
    after = scripted(tr, [1.0, 0.5, 0.6, 0.5, 0.7, 0.1])
    result = tr.run()
    assert (result.status, result.epochs) == ("early_stopped", 4)
    assert "no improvement for 2 epochs" in result.message
    expected = after[1] if restore else after[3]
    assert weights_equal(tr.net.get_weights(), expected)
    assert ("epoch 2 were restored" in result.message) == restore


def test_early_stopping_does_not_fire_while_improving():
    X, Y = blobs(20)
    tr = Trainer(mlp([2, 3, 1]), X, Y, TrainConfig(epochs=5, batch_size=10, early_stopping=1))
    scripted(tr, [5.0, 4.0, 3.0, 2.0, 1.0])
    assert tr.run().status == "completed"
