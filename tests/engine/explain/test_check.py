"""check_step: finite differences against backprop on a float64 copy; not applicable to a perceptron."""
from __future__ import annotations

import numpy as np
import pytest

from engine.explain import check_step


def test_xor_passes_on_chosen_samples_and_leaves_the_network_alone(nets) -> None:
    s = nets.example("xor")
    before = nets.snapshot(s.network, s.trainer.optimizer)
    result = check_step(s.network, s.X_train, s.Y_train, [0, 5, 9])
    nets.assert_same(before, nets.snapshot(s.network, s.trainer.optimizer))
    assert result.applicable and result.passed and result.samples == 3
    assert [r.key for r in result.rows] == s.network.param_keys
    assert all(r.max_rel_error <= result.tolerance for r in result.rows)
    assert all(r.analytic.dtype == np.float64 for r in result.rows)  # checked in float64
    assert result.summary.startswith("pass: 4 of 4 parameters agree") and "3 samples" in result.summary
    assert s.network.dtype == np.float32


def test_one_sample_without_indices_and_graphs_with_batchnorm_and_dropout(nets) -> None:
    net = nets.norm_dropout()
    result = check_step(net, np.array([0.5, -1.0, 2.0]), 2)
    assert result.passed and result.samples == 1
    branch = check_step(nets.branch(), np.random.default_rng(0).normal(size=(4, 3)), np.ones((4, 1)))
    assert branch.passed and branch.max_rel_error < 1e-5


def test_perceptron_is_not_applicable(nets) -> None:
    s = nets.example("perceptron")
    result = check_step(s.network, s.X_train, s.Y_train, [0])
    assert not result.applicable and result.passed is None and not result.rows
    assert result.summary.startswith("not applicable") and "perceptron rule" in result.summary


def test_bad_sample_indices(nets) -> None:
    s = nets.example("xor")
    with pytest.raises(ValueError, match="out of range"):
        check_step(s.network, s.X_train, s.Y_train, [len(s.X_train)])
    with pytest.raises(ValueError, match="at least one"):
        check_step(s.network, s.X_train, s.Y_train, [])
