"""Tests for engine.optim mechanics: in-place updates, state dicts, reset, pickling, dtypes, allocation."""
from __future__ import annotations

import copy
import pickle
import tracemalloc

import numpy as np
import pytest

from engine.optim import SGD, Adam, make_optimizer

from tests.engine.optim_helpers import ALL_CONFIGS, CONFIG_IDS, close


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
