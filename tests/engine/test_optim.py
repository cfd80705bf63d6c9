"""Tests for engine.optim. Expected values are worked out by hand with plain floats."""

from __future__ import annotations

import copy
import math
import pickle
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.optim import (
    OPTIMIZERS, SCHEDULE_PARAMS, SCHEDULES, SGD, Adagrad, Adam, AdamW, HyperParam, Optimizer,
    RMSProp, add_l1_l2_grad, clip_grad_norm, l1_l2_penalty, make_optimizer, make_schedule,
)

EPS = 1e-7
ALL_CONFIGS = [
    ("sgd", {"lr": 0.1}),
    ("sgd", {"lr": 0.1, "momentum": 0.9}),
    ("sgd", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    ("rmsprop", {"lr": 0.01}),
    ("rmsprop", {"lr": 0.01, "momentum": 0.5}),
    ("adagrad", {"lr": 0.1}),
    ("adam", {"lr": 0.1}),
    ("adamw", {"lr": 0.1, "weight_decay": 0.1}),
]
CONFIG_IDS = [f"{n}-{'-'.join(f'{k}{v}' for k, v in kw.items())}" for n, kw in ALL_CONFIGS]


def run(opt: Optimizer, w0: list[float], grads: list[list[float]]) -> list[np.ndarray]:
    """Apply the gradient sequence to one float64 array; return w after each step."""
    w = np.array(w0, dtype=np.float64)
    out = []
    for g in grads:
        opt.step([w], [np.array(g, dtype=np.float64)])
        out.append(w.copy())
    return out


def close(actual: np.ndarray, expected: list[float]) -> None:
    np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=1e-15)


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


# ----------------------------------------------------------------------------- mechanics

@pytest.mark.parametrize(("name", "kw"), ALL_CONFIGS, ids=CONFIG_IDS)
def test_updates_in_place_and_leaves_grads_alone(name: str, kw: dict) -> None:
    params = [np.ones((2, 3)), np.ones(3)]
    ids = [id(p) for p in params]
    grads = [np.full((2, 3), 0.5), np.full(3, -0.5)]
    grads_before = [g.copy() for g in grads]
    opt = make_optimizer(name, **kw)
    opt.bind(params)
    for _ in range(2):
        opt.step(params, grads)
    assert [id(p) for p in params] == ids
    assert np.all(params[0] < 1.0) and np.all(params[1] > 1.0)
    for g, g0 in zip(grads, grads_before):
        np.testing.assert_array_equal(g, g0)


def _trajectory(seed: int, n: int) -> list[list[np.ndarray]]:
    rng = np.random.default_rng(seed)
    return [[rng.standard_normal((3, 2)), rng.standard_normal(2)] for _ in range(n)]


@pytest.mark.parametrize(("name", "kw"), ALL_CONFIGS, ids=CONFIG_IDS)
def test_state_dict_round_trip_reproduces_next_step(name: str, kw: dict) -> None:
    grads = _trajectory(1, 5)
    a_params = [np.ones((3, 2)), np.zeros(2)]
    a = make_optimizer(name, **kw)
    a.bind(a_params, [True, False])
    for g in grads[:3]:
        a.step(a_params, g)
    state = a.state_dict()
    saved = copy.deepcopy(state)
    b_params = [p.copy() for p in a_params]
    b = make_optimizer(name, **kw)
    b.bind(b_params, [True, False])
    b.load_state_dict(state)
    for g in grads[3:]:
        a.step(a_params, g)
        b.step(b_params, g)
        for pa, pb in zip(a_params, b_params):
            np.testing.assert_array_equal(pa, pb)
    # The returned dict holds copies: later steps did not change it.
    for key, value in saved.items():
        if isinstance(value, list):
            for x, y in zip(value, state[key]):
                np.testing.assert_array_equal(x, y)
        else:
            assert state[key] == value


def test_adam_state_dict_contents() -> None:
    w = np.array([1.0])
    opt = Adam(lr=0.1)
    opt.step([w], [np.array([0.5])])
    opt.step([w], [np.array([0.5])])
    d = opt.state_dict()
    assert d["t"] == 2 and d["lr"] == 0.1
    close(d["m"][0], [0.095])
    close(d["v"][0], [0.00049975])


def test_load_state_dict_rejects_bad_input() -> None:
    opt = Adam()
    with pytest.raises(RuntimeError, match="bind"):
        opt.load_state_dict({})
    opt.bind([np.zeros((2, 2))])
    good = opt.state_dict()
    with pytest.raises(ValueError, match="shape"):
        opt.load_state_dict({**good, "m": [np.zeros(3)]})
    with pytest.raises(ValueError, match="keys"):
        opt.load_state_dict({"lr": 0.1, "t": 0})
    with pytest.raises(ValueError, match="arrays"):
        opt.load_state_dict({**good, "v": []})


@pytest.mark.parametrize(("name", "kw"), ALL_CONFIGS, ids=CONFIG_IDS)
def test_reset_restarts_from_scratch(name: str, kw: dict) -> None:
    grads = _trajectory(2, 3)
    used = make_optimizer(name, **kw)
    p_used = [np.ones((3, 2)), np.zeros(2)]
    for g in grads:
        used.step(p_used, g)
    used.reset()
    assert used.t == 0
    fresh = make_optimizer(name, **kw)
    p_fresh = [p.copy() for p in p_used]
    used.step(p_used, grads[0])
    fresh.step(p_fresh, grads[0])
    for a, b in zip(p_used, p_fresh):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(("name", "kw"), ALL_CONFIGS, ids=CONFIG_IDS)
def test_pickle_and_deepcopy_keep_working(name: str, kw: dict) -> None:
    grads = _trajectory(3, 4)
    opt = make_optimizer(name, **kw)
    params = [np.ones((3, 2)), np.zeros(2)]
    for g in grads[:2]:
        opt.step(params, g)
    for clone in (pickle.loads(pickle.dumps(opt)), copy.deepcopy(opt)):
        p_orig, p_clone = [p.copy() for p in params], [p.copy() for p in params]
        orig = copy.deepcopy(opt)
        for g in grads[2:]:
            orig.step(p_orig, g)
            clone.step(p_clone, g)
        for a, b in zip(p_orig, p_clone):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(("name", "kw"), ALL_CONFIGS, ids=CONFIG_IDS)
def test_float32_stays_float32(name: str, kw: dict) -> None:
    params = [np.ones((2, 8), np.float32), np.zeros(8, np.float32)]
    opt = make_optimizer(name, **kw)
    opt.bind(params)
    opt.lr = 0.05  # schedules assign Python floats
    for grads in ([np.full((2, 8), 0.5, np.float32), np.full(8, 0.5, np.float32)],
                  [np.full((2, 8), 0.5), np.full(8, 0.5)]):  # float64 gradients are cast down
        opt.step(params, grads)
    assert all(p.dtype == np.float32 for p in params)
    for value in opt.state_dict().values():
        if isinstance(value, list):
            assert all(a.dtype == np.float32 for a in value)


def test_step_binds_lazily_and_checks_lengths() -> None:
    opt = SGD(lr=0.1)
    w = np.array([1.0])
    opt.step([w], [np.array([1.0])])
    close(w, [0.9])
    with pytest.raises(ValueError, match="Expected 1 parameters"):
        opt.step([w, w], [w, w])
    with pytest.raises(ValueError, match="floating"):
        SGD().bind([np.array([1, 2])])


def test_state_is_preallocated_no_per_step_allocation() -> None:
    # Deterministic (no timing): a step on 2 x 400 kB arrays must not allocate array-sized temporaries.
    params = [np.ones((100, 500)), np.ones(50_000)]
    grads = [np.full((100, 500), 0.1), np.full(50_000, 0.1)]
    for name, kw in ALL_CONFIGS:
        opt = make_optimizer(name, **kw)
        opt.bind(params)
        opt.step(params, grads)
        tracemalloc.start()
        try:
            opt.step(params, grads)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert peak < 20_000, (name, kw, peak)


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


# ----------------------------------------------------------------------------- validation, registry

@pytest.mark.parametrize(("name", "kw", "message"), [
    ("sgd", {"momentum": 1.5}, "Expected momentum in [0, 1), received 1.5"),
    ("sgd", {"lr": -0.1}, "Expected lr > 0, received -0.1"),
    ("sgd", {"lr": 0}, "Expected lr > 0, received 0.0"),
    ("adam", {"lr": float("nan")}, "Expected lr to be a finite number, received nan"),
    ("adam", {"lr": float("inf")}, "Expected lr to be a finite number, received inf"),
    ("adam", {"lr": "0.1"}, "Expected lr to be a number, received '0.1'"),
    ("sgd", {"nesterov": True}, "Nesterov momentum needs momentum > 0"),
    ("sgd", {"momentum": 0.9, "nesterov": "yes"}, "Expected nesterov to be True or False"),
    ("rmsprop", {"rho": 1.0}, "Expected rho in [0, 1), received 1.0"),
    ("rmsprop", {"eps": 0.0}, "Expected eps > 0, received 0.0"),
    ("adam", {"beta1": 1.0}, "Expected beta1 in [0, 1), received 1.0"),
    ("adam", {"beta2": -0.1}, "Expected beta2 in [0, 1), received -0.1"),
    ("adamw", {"weight_decay": -1}, "Expected weight_decay >= 0, received -1.0"),
    ("adagrad", {"initial_accumulator": -0.1}, "Expected initial_accumulator >= 0"),
    ("adam", {"momentum": 0.9}, "Unknown hyperparameter 'momentum' for adam"),
])
def test_bad_hyperparameters(name: str, kw: dict, message: str) -> None:
    with pytest.raises(ValueError) as info:
        make_optimizer(name, **kw)
    assert message in str(info.value)


def test_unknown_optimizer_lists_valid_names() -> None:
    with pytest.raises(ValueError, match="Unknown optimizer 'adamx'") as info:
        make_optimizer("adamx")
    for valid in ("sgd", "rmsprop", "adagrad", "adam", "adamw"):
        assert valid in str(info.value)


def test_registry_names_and_config() -> None:
    assert set(OPTIMIZERS) == {"sgd", "rmsprop", "adagrad", "adam", "adamw"}
    assert isinstance(make_optimizer("ADAM"), Adam)
    assert isinstance(make_optimizer("AdamW"), AdamW)
    for name, cls in OPTIMIZERS.items():
        assert cls.name == name
        assert all(isinstance(p, HyperParam) and p.help for p in cls.PARAMS)
        opt = cls()
        config = opt.config()
        assert config["name"] == name
        assert config == {"name": name, **{p.name: p.default for p in cls.PARAMS}}
        rebuilt = make_optimizer(**config)
        assert rebuilt.config() == config
    assert SGD(momentum=0.9, nesterov=True).config()["nesterov"] is True


# ----------------------------------------------------------------------------- schedules

def test_constant_schedule() -> None:
    s = make_schedule("constant", 0.03)
    assert s(0) == s(12.5) == s(1000) == 0.03


def test_step_schedule() -> None:
    s = make_schedule("step", 0.1, step_size=10, gamma=0.5)
    assert s(0.0) == 0.1
    assert s(9.99) == 0.1
    assert s(10.0) == 0.05
    assert s(25.0) == 0.025
    assert make_schedule("STEP", 0.2)(10) == 0.1  # defaults: step_size 10, gamma 0.5


def test_cosine_schedule() -> None:
    s = make_schedule("cosine", 0.1, total_epochs=100, min_lr=0.001)
    assert s(0) == pytest.approx(0.1, rel=1e-12)
    assert s(50) == pytest.approx(0.0505, rel=1e-12)
    assert s(100) == pytest.approx(0.001, rel=1e-12)
    assert s(250) == pytest.approx(0.001, rel=1e-12)
    assert s(25) == pytest.approx(0.001 + 0.099 * 0.5 * (1 + math.sqrt(0.5)), rel=1e-12)
    assert make_schedule("cosine", 0.1)(100) == 0.0


def test_schedule_is_picklable_and_describes_itself() -> None:
    s = make_schedule("step", 0.1, step_size=3, gamma=0.1)
    assert pickle.loads(pickle.dumps(s))(7) == s(7)
    assert s.config() == {"name": "step", "base_lr": 0.1, "step_size": 3, "gamma": 0.1}
    assert SCHEDULES == ("constant", "step", "cosine")
    assert set(SCHEDULE_PARAMS) == set(SCHEDULES)


@pytest.mark.parametrize(("name", "base", "kw", "message"), [
    ("linear", 0.1, {}, "Unknown schedule 'linear'. Valid names: constant, step, cosine"),
    ("step", 0.1, {"step_size": 0}, "Expected step_size >= 1, received 0"),
    ("step", 0.1, {"step_size": 2.5}, "Expected step_size to be an integer, received 2.5"),
    ("step", 0.1, {"gamma": 0.0}, "Expected gamma in (0, 1], received 0.0"),
    ("step", 0.1, {"gamma": 1.5}, "Expected gamma in (0, 1], received 1.5"),
    ("cosine", 0.1, {"total_epochs": 0}, "Expected total_epochs >= 1, received 0"),
    ("cosine", 0.1, {"min_lr": -1e-3}, "Expected min_lr >= 0, received -0.001"),
    ("cosine", 0.1, {"min_lr": 0.5}, "Expected min_lr <= base_lr"),
    ("constant", 0.0, {}, "Expected base_lr > 0, received 0.0"),
    ("constant", 0.1, {"gamma": 0.5}, "Unknown hyperparameter 'gamma'"),
])
def test_schedule_validation(name: str, base: float, kw: dict, message: str) -> None:
    with pytest.raises(ValueError) as info:
        make_schedule(name, base, **kw)
    assert message in str(info.value)


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
