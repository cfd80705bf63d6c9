"""Tests for engine.trainer's NaN guard: divergence, non-finite inputs, updates and metrics."""
from __future__ import annotations

import math
import pickle

import numpy as np
import pytest

import engine
from engine.errors import DivergenceError
from engine.graph import chain
from engine.trainer import TrainConfig, Trainer

from tests.engine.trainer_helpers import mlp, blobs, weights_equal


# ---- NaN guard ----------------------------------------------------------------------------
# A tanh/sigmoid network with a sigmoid + BCE output cannot overflow: the fused loss is computed
# from the logits, its gradient is bounded by 1/n and saturated tanh units pass no gradient, so at
# lr 1e6 its weights stop growing near 1e6 and its loss stays finite (huge but finite). A linear
# output with MSE, or ReLU units, overflow within a few steps.
@pytest.mark.parametrize("dtype, act, out, loss", [
    ("float32", "tanh", "linear", "mse"), ("float64", "tanh", "linear", "mse"),
    ("float32", "sigmoid", "linear", "mse"), ("float64", "sigmoid", "linear", "mse"),
    ("float32", "relu", "sigmoid", "bce"),
])
def test_huge_learning_rate_diverges_and_keeps_the_last_finite_weights(dtype, act, out, loss):
    rng = np.random.default_rng(0)
    X = rng.uniform(-5, 5, (200, 2))
    Y = (X[:, 0] * X[:, 1] > 0).astype(float)
    net = mlp([2, 8, 8, 1], act, out, loss, dtype=dtype)
    after: list[dict] = []
    tr = Trainer(net, X, Y, TrainConfig(epochs=50, batch_size=10, learning_rate=1e6),
                 on_batch=lambda t, i: after.append(net.get_weights()))
    result = tr.run()
    assert result.status == "diverged"
    assert result.node in {"dense_1", "dense_2", "dense_3", "loss_1"}
    assert result.node in result.message and "NaN/Inf" in result.message
    assert "last finite weights were restored" in result.message
    assert net.params_finite()
    assert weights_equal(net.get_weights(), after[-1])
    assert len(tr.history["loss"]) == result.epochs and all(map(math.isfinite, tr.history["loss"]))


def test_nan_in_the_input_names_the_input_node():
    X, Y = blobs(10)
    X[3, 1] = np.nan
    net = mlp([2, 3, 1])
    before = net.get_weights()
    with pytest.raises(DivergenceError, match="input_1") as exc:
        Trainer(net, X, Y, TrainConfig(batch_size=10)).step()
    assert exc.value.node == "input_1"
    assert weights_equal(net.get_weights(), before)


def test_an_update_that_breaks_the_weights_is_undone():
    X, Y = blobs(10)
    net = mlp([2, 3, 1])
    tr = Trainer(net, X, Y, TrainConfig(batch_size=5, optimizer="adam"))
    tr.step()
    before = net.get_weights()
    real = net.apply_gradients

    def poisoned(*args):
        real(*args)
        net.layer("dense_2").params["W"][1, 0] = np.inf
        tr.optimizer._buf["m"][0] = np.nan  # the moments are poisoned too

    net.apply_gradients = poisoned
    with pytest.raises(DivergenceError, match=r"dense_2 was the first node.*weight W") as exc:
        tr.step()
    assert exc.value.node == "dense_2"
    assert weights_equal(net.get_weights(), before)
    assert (tr.steps, tr.batch) == (1, 1)
    state = tr.optimizer.state_dict()
    assert all(np.isfinite(a).all() for a in state["m"] + state["v"])


def test_nan_running_statistics_are_restored_too():
    g = engine.Graph()
    chain(g, [g.add_node("Input", shape=[2]), g.add_node("Dense", units=3), g.add_node("BatchNorm"),
              g.add_node("Dense", units=1, activation="sigmoid"), g.add_node("Loss", function="bce")])
    net = engine.Network(g, dtype="float64")
    X, Y = blobs(10)
    tr = Trainer(net, X, Y, TrainConfig(batch_size=5, shuffle=False))
    tr.step()
    before = net.get_weights()
    tr.X[7, 0] = np.inf
    with pytest.raises(DivergenceError):
        tr.step()
    assert weights_equal(net.get_weights(), before)  # includes running_mean / running_var


def test_non_finite_epoch_metrics_stop_the_run():
    X, Y = blobs(20)
    tr = Trainer(mlp([2, 3, 1]), X, Y, TrainConfig(epochs=5, batch_size=10), validation=(X[:4], Y[:4]))
    real = tr.evaluate
    calls = iter([False, True])
    tr.evaluate = lambda: {**real(), "val_loss": math.nan if next(calls) else 1.0}
    result = tr.run()
    assert result.status == "diverged" and "the end of epoch 2" in result.message
    assert "val_loss became nan" in result.message
    assert tr.history["epoch"] == [1]


def test_state_is_picklable_and_step_info_is_light():
    X, Y = blobs(10)
    tr = Trainer(mlp([2, 3, 1]), X, Y, TrainConfig(batch_size=3))
    info = tr.step()
    assert not hasattr(info, "__dict__")  # slots: cheap to make every step
    assert pickle.loads(pickle.dumps(tr.state()))["steps"] == 1
