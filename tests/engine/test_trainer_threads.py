"""Tests for engine.trainer: pause, resume and stop from another thread, and timing without pauses."""
from __future__ import annotations

import threading
import time

import pytest

from engine.trainer import Callback, TrainConfig, Trainer

from tests.engine.trainer_helpers import mlp, blobs, weights_equal


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
