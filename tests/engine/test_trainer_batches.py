"""Tests for engine.trainer: configuration, batches and epochs, metrics and history.
No timing targets here (see bench/)."""
from __future__ import annotations

import math

import numpy as np
import pytest

import engine
from engine.errors import TrainingError
from engine.graph import chain
from engine.trainer import StepInfo, TrainConfig, Trainer

from tests.engine.trainer_helpers import mlp, blobs, record_batches


# ---- configuration ------------------------------------------------------------------------
@pytest.mark.parametrize("field, value", [
    ("epochs", -1), ("epochs", 2.5), ("batch_size", 0), ("batch_size", True), ("learning_rate", 0.0),
    ("learning_rate", math.inf), ("l2", -1.0), ("clip_norm", 0.0), ("validation_split", 1.0),
    ("early_stopping", 0), ("eval_every", 0), ("eval_every", 1.5),
])
def test_config_rejects_bad_values(field, value):
    with pytest.raises(ValueError, match=field):
        TrainConfig(**{field: value}).validate()


def test_config_round_trips_through_a_dict_and_ignores_unknown_keys():
    cfg = TrainConfig(epochs=7, batch_size=3, optimizer="adam", optimizer_params={"beta1": 0.8}, eval_every=2)
    assert TrainConfig.from_dict({**cfg.to_dict(), "unknown": 1}) == cfg


def test_trainer_rejects_a_network_without_loss_and_empty_data():
    g = engine.Graph()
    chain(g, [g.add_node("Input", shape=[2]), g.add_node("Dense", units=1)])
    with pytest.raises(TrainingError, match="no Loss node"):
        Trainer(engine.Network(g), *blobs())
    with pytest.raises(TrainingError, match="no training data"):
        Trainer(mlp([2, 3, 1]), np.zeros((0, 2)), np.zeros(0))
    with pytest.raises(TrainingError, match="leaves no data"):
        Trainer(mlp([2, 3, 1]), *blobs(3), TrainConfig(validation_split=0.1))


# ---- batches and epochs -------------------------------------------------------------------
@pytest.mark.parametrize("batch_size, expected_sizes", [
    (1, [1] * 23), (7, [7, 7, 7, 2]), (23, [23]), (100, [23]),
])
def test_every_sample_once_per_epoch_with_a_last_partial_batch(batch_size, expected_sizes):
    X, Y = blobs(23)
    net = mlp([2, 3, 1])
    seen = record_batches(net)
    infos: list[StepInfo] = []
    tr = Trainer(net, X, Y, TrainConfig(epochs=2, batch_size=batch_size), on_batch=lambda t, i: infos.append(i))
    assert tr.batches_per_epoch == len(expected_sizes)
    result = tr.run()
    assert result.status == "completed" and result.epochs == 2 and result.steps == 2 * len(expected_sizes)
    assert [len(b) for b in seen] == expected_sizes * 2
    n = len(expected_sizes)
    for epoch in range(2):
        got = np.concatenate(seen[epoch * n : (epoch + 1) * n])
        assert sorted(map(tuple, got)) == sorted(map(tuple, X))  # each sample exactly once
    assert [(i.step, i.epoch, i.batch, i.batches) for i in infos] == [
        (e * n + b + 1, e, b, n) for e in range(2) for b in range(n)
    ]
    assert [i.epoch_end is not None for i in infos] == ([False] * (n - 1) + [True]) * 2
    assert (tr.epoch, tr.batch, tr.steps, tr.progress) == (2, 0, 2 * n, 2.0)


def test_shuffle_false_keeps_the_order_and_shuffle_reorders_each_epoch_from_the_seed():
    X, Y = blobs(20)
    net = mlp([2, 3, 1])
    seen = record_batches(net)
    Trainer(net, X, Y, TrainConfig(epochs=2, batch_size=6, shuffle=False)).run()
    assert np.array_equal(np.concatenate(seen), np.concatenate([X, X]))

    def orders(seed, batch_size=10):
        net = mlp([2, 3, 1])
        seen = record_batches(net)
        Trainer(net, X, Y, TrainConfig(epochs=2, batch_size=batch_size, seed=seed)).run()
        return [np.concatenate(seen[:len(seen) // 2]), np.concatenate(seen[len(seen) // 2:])]  # per epoch

    first, second = orders(5), orders(5)
    assert all(np.array_equal(a, b) for a, b in zip(first, second))
    assert not np.array_equal(first[0], first[1])  # a new order each epoch
    assert not np.array_equal(first[0], X)
    assert not np.array_equal(orders(6)[0], first[0])
    # One batch per epoch: the order cannot matter, so the data is used as it is.
    assert all(np.array_equal(epoch, X) for epoch in orders(5, batch_size=20))


def test_step_and_step_epoch_and_progress():
    X, Y = blobs(23)
    tr = Trainer(mlp([2, 3, 1]), X, Y, TrainConfig(batch_size=7))
    info = tr.step()
    assert (info.step, info.epoch, info.batch, info.epoch_end) == (1, 0, 0, None)
    assert tr.progress == pytest.approx(0.25)
    info = tr.step_epoch()
    assert (info.step, info.batch, tr.epoch, tr.batch) == (4, 3, 1, 0)
    assert set(info.epoch_end) == {"loss", "accuracy"}
    assert tr.history["epoch"] == [1]


def test_set_batch_size_takes_effect_at_the_next_epoch():
    X, Y = blobs(20)
    net = mlp([2, 3, 1])
    seen = record_batches(net)
    tr = Trainer(net, X, Y, TrainConfig(batch_size=10, shuffle=False))
    tr.step()
    tr.set_batch_size(4)
    tr.step_epoch()
    tr.step_epoch()
    assert [len(b) for b in seen] == [10, 10, 4, 4, 4, 4, 4]
    with pytest.raises(ValueError):
        tr.set_batch_size(0)


# ---- metrics and history ------------------------------------------------------------------
def test_binary_metrics_history_and_validation_twins():
    X, Y = blobs(40)
    Xv, Yv = blobs(10, seed=1)
    net = mlp([2, 4, 1])
    tr = Trainer(net, X, Y, TrainConfig(epochs=3, batch_size=8), validation=(Xv, Yv))
    tr.run()
    h = tr.history
    assert set(h) == {"epoch", "lr", "loss", "accuracy", "val_loss", "val_accuracy"}
    assert h["epoch"] == [1, 2, 3] and all(len(v) == 3 for v in h.values())
    assert h["loss"][-1] == net.evaluate(X, Y)["loss"]
    assert h["val_accuracy"][-1] == net.evaluate(Xv, Yv)["accuracy"]
    assert h["lr"] == [0.03] * 3


def test_multiclass_and_regression_metric_keys():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 4))
    tr = Trainer(mlp([4, 5, 3], out="softmax", loss="cross_entropy"), X, rng.integers(0, 3, 30),
                 TrainConfig(epochs=1, validation_split=0.2))
    tr.run()
    assert set(tr.history) == {"epoch", "lr", "loss", "accuracy", "val_loss", "val_accuracy"}
    tr = Trainer(mlp([4, 5, 2], out="linear", loss="mse"), X, rng.normal(size=(30, 2)), TrainConfig(epochs=2))
    tr.run()
    assert set(tr.history) == {"epoch", "lr", "loss", "mae", "r2"}


def test_validation_split_is_reproducible_from_the_seed_and_disjoint():
    X, Y = blobs(50)
    a = Trainer(mlp([2, 3, 1]), X, Y, TrainConfig(validation_split=0.2, seed=3))
    b = Trainer(mlp([2, 3, 1]), X, Y, TrainConfig(validation_split=0.2, seed=3))
    c = Trainer(mlp([2, 3, 1]), X, Y, TrainConfig(validation_split=0.2, seed=4))
    assert len(a.val[0]) == 10 and len(a.X) == 40
    assert np.array_equal(a.X, b.X) and np.array_equal(a.val[0], b.val[0])
    assert not np.array_equal(a.val[0], c.val[0])
    together = np.concatenate([a.X, a.val[0]])
    assert sorted(map(tuple, together)) == sorted(map(tuple, X))
    # Explicit validation data wins over the split.
    d = Trainer(mlp([2, 3, 1]), X, Y, TrainConfig(validation_split=0.2), validation=(X[:5], Y[:5]))
    assert len(d.X) == 50 and len(d.val[0]) == 5


def test_eval_every_skips_metrics_but_always_evaluates_the_last_epoch_of_a_run():
    X, Y = blobs(20)
    epochs: list[tuple[int, dict]] = []
    tr = Trainer(mlp([2, 3, 1]), X, Y, TrainConfig(epochs=5, batch_size=10, eval_every=2),
                 on_epoch=lambda t, e, m: epochs.append((e, m)))
    tr.run()
    assert tr.history["epoch"] == [2, 4, 5]
    assert [e for e, _ in epochs] == [0, 1, 2, 3, 4]
    assert [bool(m) for _, m in epochs] == [False, True, False, True, True]


def test_schedule_and_live_learning_rate():
    X, Y = blobs(20)
    lrs: list[float] = []
    tr = Trainer(mlp([2, 3, 1]), X, Y,
                 TrainConfig(epochs=4, batch_size=10, learning_rate=0.1, schedule="step",
                             schedule_params={"step_size": 2, "gamma": 0.5}),
                 on_batch=lambda t, i: lrs.append(i.lr))
    tr.run(2)
    tr.set_learning_rate(1.0)
    tr.run()
    assert lrs == [0.1] * 4 + [0.5] * 4
    assert tr.history["lr"] == [0.1, 0.1, 0.5, 0.5]
    assert tr.optimizer.lr == 0.5
