"""The training worker: its command loop in-process (fast), and once as a real spawned process."""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

import engine
from engine.fileformat import load, to_dict
from engine.worker import TrainingWorker, WorkerProcess

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


class FakeConn:
    """A pipe end that records what the worker sends and feeds it queued commands."""

    def __init__(self, commands=()):
        self.sent: list[dict] = []
        self.queue = list(commands)

    def send(self, message):
        self.sent.append(message)

    def poll(self, timeout=0):
        return bool(self.queue)

    def recv(self):
        return self.queue.pop(0)

    def kinds(self):
        return [m["kind"] for m in self.sent]

    def last(self, kind):
        return [m for m in self.sent if m["kind"] == kind][-1]


def loaded(example="spiral.nnd", **changes):
    doc = load(EXAMPLES / example)
    for key, value in changes.items():
        setattr(doc.training, key, value)
    worker = TrainingWorker(FakeConn())
    worker.handle({"cmd": "load", "doc": to_dict(doc), "base_dir": str(EXAMPLES)})
    return worker


def test_load_describes_the_data_and_sends_a_first_snapshot():
    w = loaded()
    assert w.conn.kinds() == ["loaded", "snapshot", "state"]
    info = w.conn.last("loaded")
    assert info["task"] == "binary" and info["train_X"].shape == (250, 2) and info["extent"] == (-6.0, 6.0, -6.0, 6.0)
    snap = w.conn.last("snapshot")
    assert snap["boundary"].shape == (100, 100) and snap["boundary"].dtype == np.float32
    assert set(snap["neuron_maps"]) >= {"input_1", "dense_1", "dense_2", "dense_3"}
    assert snap["neuron_maps"]["dense_1"].shape == (8, 28, 28)
    assert w.conn.last("state")["state"] == "paused"


def test_step_and_epoch_step_and_reset():
    w = loaded()
    w.handle({"cmd": "step"})
    assert w.session.trainer.steps == 1 and len(w.conn.last("snapshot")["batch_losses"]) == 1
    w.handle({"cmd": "step", "epoch": True})
    assert w.session.trainer.epoch == 1 and w.conn.last("snapshot")["epochs"][0]["epoch"] == 1
    before = w.conn.last("snapshot")["boundary"].copy()
    w.handle({"cmd": "reset"})
    assert w.session.trainer.steps == 0 and "reset" in w.conn.kinds()
    assert not np.array_equal(before, w.conn.last("snapshot")["boundary"])


def test_playing_trains_until_the_configured_epochs_then_finishes():
    w = loaded(epochs=3)
    w.handle({"cmd": "play"})
    for _ in range(1000):
        if not w.playing:
            break
        w.train_slice()
    assert w.session.trainer.epoch == 3
    assert "finished" in w.conn.kinds() and w.conn.last("state")["state"] == "finished"
    losses = sum(len(m["batch_losses"]) for m in w.conn.sent if m["kind"] == "snapshot")
    assert losses == w.session.trainer.steps  # every batch loss reaches the GUI exactly once


def test_flow_control_skips_snapshots_until_acknowledged():
    w = loaded()
    w.in_flight = 0
    w.last_snapshot = 0
    w.snapshot()
    w.last_snapshot = 0
    w.snapshot()
    w.last_snapshot = 0
    w.snapshot()  # a third, unacknowledged: skipped
    assert w.in_flight == 2
    w.handle({"cmd": "ack"})
    w.last_snapshot = 0
    w.snapshot()
    assert w.in_flight == 2 and w.snapshots == 4  # load's snapshot + 3 sent


def test_live_settings_apply():
    w = loaded()
    w.handle({"cmd": "set", "learning_rate": 0.5, "l2": 0.01})
    assert w.session.trainer.optimizer.lr == pytest.approx(0.5) or w.session.trainer.config.learning_rate == 0.5
    assert w.session.trainer.l2 == 0.01
    w.handle({"cmd": "set", "learning_rate": -1})
    assert "Expected a learning rate > 0" in w.conn.last("error")["message"]


def test_divergence_is_reported_and_weights_stay_finite():
    g = engine.Graph()
    engine.graph.chain(g, [g.add_node("Input", shape=[2]), g.add_node("Dense", units=8, activation="relu"),
                           g.add_node("Dense", units=1), g.add_node("Loss", function="mse")])
    doc = engine.Document(graph=g)
    doc.dataset = {"kind": "generator", "name": "plane", "noise": 0.0, "train_ratio": 0.5, "seed": 0,
                   "features": ["x1", "x2"]}
    doc.training = engine.TrainConfig(epochs=50, batch_size=10, learning_rate=1e6)
    w = TrainingWorker(FakeConn())
    w.handle({"cmd": "load", "doc": to_dict(doc)})
    w.handle({"cmd": "play"})
    for _ in range(100):
        if not w.playing:
            break
        w.train_slice()
    msg = w.conn.last("diverged")
    assert "diverged" in msg["message"] and msg["node"]
    assert w.session.network.params_finite()


def test_a_dataset_that_does_not_fit_the_input_is_a_clear_error():
    doc = load(EXAMPLES / "xor.nnd")
    doc.graph.set_params(doc.graph.find("input_1"), shape=[3])
    w = TrainingWorker(FakeConn())
    w.handle({"cmd": "load", "doc": to_dict(doc)})
    assert "set input_1's shape to [2]" in w.conn.last("error")["message"]
    w.handle({"cmd": "play"})
    assert "No network is loaded" in w.conn.last("error")["message"]


def test_weights_reply_round_trips_into_a_document():
    w = loaded()
    w.handle({"cmd": "step", "epoch": True})
    w.handle({"cmd": "weights"})
    reply = w.conn.last("weights")
    doc = load(EXAMPLES / "spiral.nnd")
    doc.weights, doc.history, doc.preprocessing = reply["weights"], reply["history"], reply["preprocessing"]
    net = doc.network()
    X = w.session.X_test[:20]
    np.testing.assert_array_equal(net.predict(X), w.session.network.predict(X))


def pump(process: WorkerProcess, seconds: float) -> list[dict]:
    out, end = [], time.monotonic() + seconds
    while time.monotonic() < end:
        for m in process.receive(timeout=0.02):
            out.append(m)
            if m["kind"] == "snapshot":
                process.send("ack")
    return out


def test_real_worker_process_trains_and_shuts_down():
    process = WorkerProcess()
    process.start()
    try:
        assert [m["kind"] for m in process.receive(timeout=30)][:1] == ["ready"]
        process.send("load", doc=to_dict(load(EXAMPLES / "spiral.nnd")), base_dir=str(EXAMPLES))
        process.send("play")
        messages = pump(process, 1.5)
        snapshots = [m for m in messages if m["kind"] == "snapshot"]
        assert len(snapshots) >= 5
        assert snapshots[-1]["steps"] > 1000
        process.send("weights")
        assert any(m["kind"] == "weights" for m in messages + pump(process, 1.0))
    finally:
        process.shutdown()
    assert not process.alive


def test_trace_and_gradient_check_on_the_live_weights():
    w = loaded("textbook.nnd")
    w.handle({"cmd": "step", "epoch": True})
    weights_before = w.session.network.get_weights()
    w.handle({"cmd": "trace", "index": 1, "request": 7})
    reply = w.conn.last("trace")
    assert reply["request"] == 7 and reply["index"] == 1
    trace = reply["trace"]
    _, grads = w.session.network.gradients(w.session.X_train[1:2], w.session.Y_train[1:2])
    for key, g in grads.items():
        np.testing.assert_allclose(trace.gradients[key], g, rtol=1e-6, atol=1e-9)
    w.handle({"cmd": "check", "indices": [0, 1, 2]})
    check = w.conn.last("check")
    assert check["indices"] == [0, 1, 2] and check["result"].passed
    after = w.session.network.get_weights()
    assert all(np.array_equal(weights_before[k], after[k]) for k in after)  # nothing changed


def test_samples_reply_and_targets_for_tabular_data():
    w = loaded("iris.nnd")
    info = w.conn.last("loaded")
    assert info["train_features"].shape[1] == 4 and "train_X" not in info
    assert len(info["train_y"]) == info["train_size"]
    w.handle({"cmd": "samples", "split": "test"})
    reply = w.conn.last("samples")
    assert len(reply["predicted"]) == info["test_size"] == len(reply["loss"])
    assert set(reply["predicted"]) <= {"setosa", "versicolor", "virginica"}


def test_an_exploding_but_finite_loss_is_reported_once():
    w = loaded("xor.nnd", learning_rate=1e6, epochs=40)
    w.handle({"cmd": "play"})
    for _ in range(1000):
        if not w.playing:
            break
        w.train_slice()
    unstable = [m for m in w.conn.sent if m["kind"] == "unstable"]
    assert len(unstable) == 1 and "lower learning rate" in unstable[0]["message"]
    epochs = [e for m in w.conn.sent if m["kind"] == "snapshot" for e in m["epochs"]]
    assert all("lr" in e for e in epochs)
