"""Tests for engine.trainer checkpoints: state / load_state, sync_weights, resumed history."""
from __future__ import annotations

import pickle

import numpy as np
import pytest

import engine
from engine.errors import DivergenceError
from engine.graph import chain
from engine.trainer import TrainConfig, Trainer

from tests.engine.trainer_helpers import mlp, blobs, weights_equal


# ---- checkpoints --------------------------------------------------------------------------------
def checkpoint_trainer(net=None):
    X, Y = blobs(30)
    return Trainer(net or mlp([2, 5, 1], dropout=0.3), X, Y,
                   TrainConfig(epochs=6, batch_size=7, optimizer="adam", learning_rate=0.05,
                               validation_split=0.2, early_stopping=10))


@pytest.mark.parametrize("steps", [9, 8])  # mid-epoch, and on an epoch boundary (4 batches / epoch)
def test_state_then_load_state_continues_bit_for_bit(steps):
    tr = checkpoint_trainer()
    for _ in range(steps):
        tr.step()
    saved = pickle.loads(pickle.dumps(tr.state()))
    tr.run()
    other = checkpoint_trainer(mlp([2, 5, 1], dropout=0.3, seed=9))
    other.load_state(saved)
    assert (other.epoch, other.batch, other.steps) == (steps // 4, steps % 4, steps)
    other.run()
    assert weights_equal(other.net.get_weights(), tr.net.get_weights())
    assert other.history == tr.history
    a, b = other.optimizer.state_dict(), tr.optimizer.state_dict()
    assert a["t"] == b["t"] and all(np.array_equal(x, y) for x, y in zip(a["m"] + a["v"], b["m"] + b["v"]))
    # The state is a copy: training on does not change it.
    tr.load_state(saved)
    assert tr.steps == steps


def test_load_state_rejects_a_state_that_does_not_fit():
    tr = checkpoint_trainer()
    tr.step()
    state = tr.state()
    with pytest.raises(ValueError, match="version"):
        tr.load_state({**state, "version": 99})
    small = Trainer(mlp([2, 5, 1], dropout=0.3), *blobs(5), TrainConfig(batch_size=7))
    with pytest.raises(ValueError, match="does not fit"):
        small.load_state(state)
    other = Trainer(mlp([2, 4, 1], dropout=0.3), *blobs(30), TrainConfig(batch_size=7, validation_split=0.2,
                                                                         optimizer="adam"))
    before = other.state()
    with pytest.raises(ValueError, match="shape"):
        other.load_state(state)
    with pytest.raises(ValueError, match="order"):
        tr.load_state({**state, "order": state["order"][::2]})
    tr2 = checkpoint_trainer()
    with pytest.raises(ValueError, match="needs keys"):  # the optimizer's state fails after the weights were set
        tr2.load_state({**state, "optimizer": {"lr": 0.1, "t": 1}})
    assert tr2.steps == 0 and weights_equal(tr2.net.get_weights(), checkpoint_trainer().net.get_weights())
    assert weights_equal(other.state()["weights"], before["weights"])


def test_sync_weights_makes_hand_edits_the_restore_point():
    X, Y = blobs(10)
    net = mlp([2, 3, 1])
    tr = Trainer(net, X, Y, TrainConfig(batch_size=10))
    tr.step()
    edited = {k: v + 0.5 for k, v in net.get_weights().items()}
    net.set_weights(edited)
    tr.sync_weights()
    tr.X[0, 0] = np.nan
    with pytest.raises(DivergenceError):
        tr.step()
    assert weights_equal(net.get_weights(), edited)


def test_resume_history_continues_the_epoch_count_and_the_lists():
    X, Y = blobs(20)
    first = Trainer(mlp([2, 3, 1]), X, Y, TrainConfig(epochs=2, batch_size=10, schedule="step",
                                                      schedule_params={"step_size": 3, "gamma": 0.1}))
    first.run()
    saved = {**first.history, "old_metric": [0.5, 0.25]}
    tr = Trainer(first.net, X, Y, first.config, validation=(X[:5], Y[:5]))
    tr.resume_history(saved)
    assert (tr.epoch, tr.progress) == (2, 2.0)
    tr.run(2)
    h = tr.history
    assert h["epoch"] == [1, 2, 3, 4] and h["lr"] == pytest.approx([0.03, 0.03, 0.03, 0.003])
    assert h["loss"][:2] == first.history["loss"] and len(h["loss"]) == 4
    assert np.isnan(h["val_loss"][:2]).all() and np.isfinite(h["val_loss"][2:]).all()
    assert h["old_metric"][:2] == [0.5, 0.25] and np.isnan(h["old_metric"][2:]).all()
    assert first.history["epoch"] == [1, 2]  # the saved lists were copied, not extended
    with pytest.raises(ValueError, match="one value per epoch"):
        tr.resume_history({"epoch": [1, 2], "loss": [1.0]})
    with pytest.raises(ValueError, match="count up"):
        tr.resume_history({"epoch": [2, 1]})


def test_a_network_without_weights_trains_without_error():
    g = engine.Graph()
    chain(g, [g.add_node("Input", shape=[1]), g.add_node("Activation", function="sigmoid"),
              g.add_node("Loss", function="bce")])
    result = Trainer(engine.Network(g), np.zeros((4, 1)), np.zeros(4), TrainConfig(epochs=2)).run()
    assert (result.status, result.steps) == ("completed", 2)
