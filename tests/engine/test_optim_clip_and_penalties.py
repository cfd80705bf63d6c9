"""Tests for engine.optim: gradient-norm clipping and L1/L2 penalties."""
from __future__ import annotations

import math

import numpy as np
import pytest

from engine.optim import add_l1_l2_grad, clip_grad_norm, l1_l2_penalty

from tests.engine.optim_helpers import close


# ----------------------------------------------------------------------------- clipping

def test_clip_grad_norm_scales_to_max_norm() -> None:
    grads = [np.array([3.0, 4.0]), np.array([[12.0]])]  # global norm 13
    assert clip_grad_norm(grads, 6.5) == 13.0
    close(grads[0], [1.5, 2.0])
    close(grads[1], [[6.0]])
    total = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    assert total == pytest.approx(6.5, rel=1e-15)


def test_clip_grad_norm_leaves_small_gradients_untouched() -> None:
    grads = [np.array([3.0, 4.0]), np.array([[12.0]])]
    assert clip_grad_norm(grads, 13.0) == 13.0
    assert clip_grad_norm(grads, 20.0) == 13.0
    np.testing.assert_array_equal(grads[0], [3.0, 4.0])
    np.testing.assert_array_equal(grads[1], [[12.0]])


def test_clip_grad_norm_float32_and_errors() -> None:
    grads = [np.full(4, 10.0, np.float32)]
    assert clip_grad_norm(grads, 1.0) == pytest.approx(20.0)
    assert grads[0].dtype == np.float32
    np.testing.assert_allclose(grads[0], [0.5] * 4, rtol=1e-6)
    bad = [np.array([np.nan, 1.0])]
    assert math.isnan(clip_grad_norm(bad, 1.0))
    assert bad[0][1] == 1.0
    with pytest.raises(ValueError, match="max_norm"):
        clip_grad_norm(grads, 0.0)


# ----------------------------------------------------------------------------- penalties

def test_l1_l2_penalty_value() -> None:
    kernels = [np.array([1.0, -2.0]), np.array([[3.0]])]
    # 0.1 * (1 + 2 + 3) + 0.2 / 2 * (1 + 4 + 9) = 0.6 + 1.4
    assert l1_l2_penalty(kernels, 0.1, 0.2) == pytest.approx(2.0, rel=1e-15)
    assert l1_l2_penalty(kernels, 0.0, 0.0) == 0.0
    with pytest.raises(ValueError, match="Expected l1 >= 0"):
        l1_l2_penalty(kernels, -0.1, 0.0)


def test_l1_l2_gradient_matches_finite_differences() -> None:
    rng = np.random.default_rng(7)
    kernels = []
    for shape in ((3, 4), (5,)):
        w = rng.uniform(0.2, 1.5, shape) * rng.choice([-1.0, 1.0], shape)  # away from |w|'s kink
        kernels.append(w)
    l1, l2 = 0.03, 0.2
    base = [rng.standard_normal(w.shape) for w in kernels]
    grads = [b.copy() for b in base]
    add_l1_l2_grad(kernels, grads, l1, l2)
    h = 1e-6
    for w, g, b in zip(kernels, grads, base):
        for idx in np.ndindex(w.shape):
            old = w[idx]
            w[idx] = old + h
            up = l1_l2_penalty(kernels, l1, l2)
            w[idx] = old - h
            down = l1_l2_penalty(kernels, l1, l2)
            w[idx] = old
            assert g[idx] - b[idx] == pytest.approx((up - down) / (2 * h), rel=1e-6, abs=1e-9)


def test_add_l1_l2_grad_by_hand_and_float32() -> None:
    w = np.array([2.0, -1.0, 0.0], np.float32)
    g = np.zeros(3, np.float32)
    add_l1_l2_grad([w], [g], 0.5, 0.1)
    np.testing.assert_allclose(g, [0.5 + 0.2, -0.5 - 0.1, 0.0], rtol=1e-6)
    assert g.dtype == np.float32
