"""Tests for engine.trainer: batches, metrics, callbacks, reproducibility, early stopping, NaN guard,
pause/resume/stop from another thread, checkpoints. No timing targets here (see bench/)."""
from __future__ import annotations

import math
import pickle
import threading
import time

import numpy as np
import pytest

import engine
from engine.errors import DivergenceError, TrainingError
from engine.graph import chain
from engine.trainer import Callback, StepInfo, TrainConfig, Trainer


def mlp(sizes, act="tanh", out="sigmoid", loss="bce", seed=0, dtype="float64", dropout=0.0) -> engine.Network:
    """Input → Dense(act) … → [Dropout] → Dense(out) → Loss."""
    g = engine.Graph()
    nodes = [g.add_node("Input", shape=[sizes[0]])]
    nodes += [g.add_node("Dense", units=u, activation=act) for u in sizes[1:-1]]
    nodes += [g.add_node("Dropout", rate=dropout)] if dropout else []
    nodes += [g.add_node("Dense", units=sizes[-1], activation=out), g.add_node("Loss", function=loss)]
    chain(g, nodes)
    return engine.Network(g, seed=seed, dtype=dtype)


def blobs(n=23, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    return X, (X[:, 0] * X[:, 1] > 0).astype(float)


def record_batches(net: engine.Network) -> list[np.ndarray]:
    """Spy on the batches the trainer feeds to the network."""
    seen: list[np.ndarray] = []
    real = net.loss_and_backward

    def spy(xb, yb):
        seen.append(xb.copy())
        return real(xb, yb)

    net.loss_and_backward = spy
    return seen


def weights_equal(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


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


# ---- control from another thread --------------------------------------------------------------
class Background:
    """run() on a thread; ``hold_at`` makes the training thread wait after that step until told."""

    def __init__(self, tr: Trainer, hold_at: int | None = None):
        self.tr, self.result = tr, None
        self.reached, self.release = threading.Event(), threading.Event()

        def on_batch(t, info):
            if info.step == hold_at:
                self.reached.set()
                assert self.release.wait(10)

        tr.callbacks.append(type("Hold", (Callback,), {"on_batch_end": lambda self_, t, i: on_batch(t, i)})())
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        self.result = self.tr.run()

    def join(self):
        self.thread.join(10)
        assert not self.thread.is_alive()
        return self.result


def held_run(hold_at: int, epochs: int = 10**6) -> tuple[Trainer, Background]:
    """A trainer whose run() on another thread is held in the callback of step ``hold_at``."""
    X, Y = blobs(40)
    tr = Trainer(mlp([2, 3, 1]), X, Y, TrainConfig(epochs=epochs, batch_size=4))
    bg = Background(tr, hold_at)
    assert bg.reached.wait(10)
    return tr, bg


def test_pause_blocks_between_batches_and_resume_continues_unchanged():
    reference = Trainer(mlp([2, 3, 1]), *blobs(40), TrainConfig(epochs=3, batch_size=4))
    reference.run()
    tr, bg = held_run(5, epochs=3)
    tr.pause()
    bg.release.set()
    time.sleep(0.3)
    assert tr.paused and tr.running and tr.steps == 5 and bg.thread.is_alive()
    tr.resume()
    result = bg.join()
    assert (result.status, result.steps, tr.running) == ("completed", 30, False)
    assert weights_equal(tr.net.get_weights(), reference.net.get_weights())
    assert tr.history == reference.history


def test_stop_from_another_thread_ends_run_promptly_and_run_can_continue():
    tr, bg = held_run(25)
    tr.stop()
    bg.release.set()
    result = bg.join()
    assert (result.status, result.steps, result.epochs, tr.batch) == ("stopped", 25, 2, 5)
    assert tr.run(1).status == "completed" and tr.epoch == 3  # finishes epoch 3 from batch 5


def test_stop_while_paused_ends_the_run():
    tr, bg = held_run(3)
    tr.pause()
    bg.release.set()
    time.sleep(0.1)
    tr.stop()
    assert bg.join().status == "stopped" and tr.steps == 3 and not tr.paused


def test_a_stop_before_run_is_forgotten():
    X, Y = blobs(8)
    tr = Trainer(mlp([2, 3, 1]), X, Y, TrainConfig(epochs=2))
    tr.stop()
    assert tr.run().status == "completed"


def test_timing_leaves_pauses_out():
    assert Trainer(mlp([2, 3, 1]), *blobs(40)).steps_per_second == 0.0
    start = time.perf_counter()
    tr, bg = held_run(2, epochs=2)
    tr.pause()
    bg.release.set()
    time.sleep(0.6)
    tr.resume()
    result = bg.join()
    wall = time.perf_counter() - start
    assert 0 < result.seconds < wall - 0.4
    assert tr.elapsed == result.seconds
    assert tr.steps_per_second == pytest.approx(20 / result.seconds)
    assert 0 < tr.epoch_seconds < result.seconds


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
