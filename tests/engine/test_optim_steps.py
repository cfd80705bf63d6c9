"""Tests for engine.optim: hand-computed steps of every optimizer, and convergence."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.optim import SGD, Adagrad, Adam, AdamW, RMSProp, make_optimizer, make_schedule

from tests.engine.optim_helpers import EPS, run, close


# ----------------------------------------------------------------------------- hand-computed steps

def test_sgd_plain() -> None:
    # w -= 0.1 * g
    w1, w2 = run(SGD(lr=0.1), [1.0, -2.0], [[0.5, -1.0], [0.5, -1.0]])
    close(w1, [0.95, -1.9])
    close(w2, [0.9, -1.8])


def test_sgd_momentum_and_nesterov() -> None:
    g = [[0.5]] * 3
    # v: 0.5, 0.95, 1.355;  w -= 0.1 v
    w1, w2, w3 = run(SGD(lr=0.1, momentum=0.9), [1.0], g)
    close(w1, [0.95])
    close(w2, [0.855])
    close(w3, [0.7195])
    # w -= 0.1 (g + 0.9 v): steps 0.095, 0.1355, 0.17195
    n1, n2, n3 = run(SGD(lr=0.1, momentum=0.9, nesterov=True), [1.0], g)
    close(n1, [0.905])
    close(n2, [0.7695])
    close(n3, [0.59755])


def test_rmsprop_without_momentum() -> None:
    # s1 = 0.1 * 0.25 = 0.025; s2 = 0.9 * 0.025 + 0.1 * 0.25 = 0.0475
    w1, w2 = run(RMSProp(lr=0.01, rho=0.9, eps=EPS), [1.0], [[0.5], [0.5]])
    e1 = 1.0 - 0.01 * 0.5 / (math.sqrt(0.025) + EPS)
    e2 = e1 - 0.01 * 0.5 / (math.sqrt(0.0475) + EPS)
    close(w1, [e1])
    close(w2, [e2])


def test_rmsprop_with_momentum() -> None:
    # g = 0.5 then -1.0: s1 = 0.025, s2 = 0.9 * 0.025 + 0.1 * 1.0 = 0.1225 (sqrt = 0.35)
    w1, w2 = run(RMSProp(lr=0.01, rho=0.9, eps=EPS, momentum=0.5), [1.0], [[0.5], [-1.0]])
    m1 = 0.01 * 0.5 / (math.sqrt(0.025) + EPS)
    m2 = 0.5 * m1 + 0.01 * -1.0 / (0.35 + EPS)
    close(w1, [1.0 - m1])
    close(w2, [1.0 - m1 - m2])


def test_adagrad_initial_accumulator() -> None:
    # s: 0.1 + 0.25 = 0.35, then 0.6
    w1, w2 = run(Adagrad(lr=0.1, eps=EPS, initial_accumulator=0.1), [1.0], [[0.5], [0.5]])
    e1 = 1.0 - 0.1 * 0.5 / (math.sqrt(0.35) + EPS)
    close(w1, [e1])
    close(w2, [e1 - 0.1 * 0.5 / (math.sqrt(0.6) + EPS)])
    # With a zero accumulator the first step is lr * |g| / |g| ~ lr.
    (z1,) = run(Adagrad(lr=0.1, eps=EPS, initial_accumulator=0.0), [1.0], [[0.5]])
    close(z1, [1.0 - 0.1 * 0.5 / (0.5 + EPS)])


def test_adam_bias_correction_steps_1_2_3() -> None:
    lr = 0.1
    w1, w2, w3 = run(Adam(lr=lr, eps=EPS), [1.0], [[0.5], [-0.25], [1.0]])
    # step 1: m = 0.05, v = 0.00025 -> m_hat = 0.5, v_hat = 0.25
    e1 = 1.0 - lr * 0.5 / (0.5 + EPS)
    # step 2: m = 0.045 - 0.025 = 0.02, v = 0.00024975 + 0.0000625 = 0.00031225
    #         corrections 1 - 0.81 = 0.19 and 1 - 0.998001 = 0.001999
    e2 = e1 - lr * (0.02 / 0.19) / (math.sqrt(0.00031225 / 0.001999) + EPS)
    # step 3: m = 0.018 + 0.1 = 0.118, v = 0.00031193775 + 0.001 = 0.00131193775
    #         corrections 1 - 0.729 = 0.271 and 1 - 0.997002999 = 0.002997001
    e3 = e2 - lr * (0.118 / 0.271) / (math.sqrt(0.00131193775 / 0.002997001) + EPS)
    close(w1, [e1])
    close(w2, [e2])
    close(w3, [e3])


def test_adam_constant_gradient_moves_lr_per_step() -> None:
    # With bias correction m_hat = g and v_hat = g^2 exactly for a constant gradient.
    ws = run(Adam(lr=0.01, eps=EPS), [0.0], [[2.0]] * 3)
    for k, w in enumerate(ws, 1):
        np.testing.assert_allclose(w, [-k * 0.01 * 2.0 / (2.0 + EPS)], rtol=1e-10)


def test_adamw_decays_only_masked_arrays() -> None:
    kernel, bias = np.array([1.0, 2.0]), np.array([1.0])
    opt = AdamW(lr=0.1, weight_decay=0.1, eps=EPS)
    opt.bind([kernel, bias], decay_mask=[True, False])
    zero = [np.zeros(2), np.zeros(1)]
    opt.step([kernel, bias], zero)  # zero gradient: only the decay w *= 1 - 0.01 acts
    close(kernel, [0.99, 1.98])
    close(bias, [1.0])
    opt.step([kernel, bias], [np.array([0.5, 0.5]), np.array([0.5])])
    # Adam part of step 2: m = 0.05, v = 0.00025, corrections 0.19 and 0.001999
    adam = 0.1 * (0.05 / 0.19) / (math.sqrt(0.00025 / 0.001999) + EPS)
    close(kernel, [0.99 * 0.99 - adam, 1.98 * 0.99 - adam])
    close(bias, [1.0 - adam])


def test_adamw_default_mask_decays_everything() -> None:
    w = np.array([1.0])
    AdamW(lr=0.1, weight_decay=0.5).step([w], [np.zeros(1)])
    close(w, [0.95])


# ----------------------------------------------------------------------------- convergence

A = np.array([[2.0, 0.5, 0.0], [0.0, 1.5, 0.3], [0.2, 0.0, 1.0], [0.5, 0.5, 0.5]])
B = np.array([1.0, -2.0, 0.5, 3.0])


@pytest.mark.parametrize(("name", "kw", "decay_lr"), [
    ("sgd", {"lr": 0.2}, False),
    ("sgd", {"lr": 0.05, "momentum": 0.9}, False),
    ("sgd", {"lr": 0.05, "momentum": 0.9, "nesterov": True}, False),
    # RMSProp's normalised step keeps oscillating at ~lr around the optimum: decay lr.
    ("rmsprop", {"lr": 0.01}, True),
    ("rmsprop", {"lr": 0.01, "momentum": 0.5}, True),
    ("adagrad", {"lr": 0.5}, False),
    ("adam", {"lr": 0.05}, False),
    ("adamw", {"lr": 0.05, "weight_decay": 0.1}, False),  # decay masked off
])
def test_minimizes_least_squares(name: str, kw: dict, decay_lr: bool) -> None:
    # f(w) = 1/2 |A w - b|^2, grad = A^T (A w - b)
    w_star = np.linalg.lstsq(A, B, rcond=None)[0]
    w = np.zeros(3)
    opt = make_optimizer(name, **kw)
    opt.bind([w], decay_mask=[False])
    steps = 3000
    schedule = make_schedule("cosine", kw["lr"], total_epochs=steps) if decay_lr else None
    for i in range(steps):
        if schedule is not None:
            opt.lr = schedule(i)
        opt.step([w], [A.T @ (A @ w - B)])
    assert np.abs(w - w_star).max() < 1e-6


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-10, 10), min_size=1, max_size=6),
       st.floats(0.0, 0.99), st.floats(0.0, 0.9999))
def test_adam_matches_textbook_formula(gs: list[float], b1: float, b2: float) -> None:
    lr, w_ref, m, v = 0.01, 0.3, 0.0, 0.0
    opt = Adam(lr=lr, beta1=b1, beta2=b2, eps=EPS)
    w = np.array([0.3])
    for t, g in enumerate(gs, 1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        w_ref -= lr * (m / (1 - b1 ** t)) / (math.sqrt(v / (1 - b2 ** t)) + EPS)
        opt.step([w], [np.array([g])])
        np.testing.assert_allclose(w, [w_ref], rtol=1e-9, atol=1e-12)
