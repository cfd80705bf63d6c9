"""The explained update: the formulas' numbers equal the real optimizer's, which equal a real training
step, for every optimizer and with state from earlier steps; and nothing real is changed."""
from __future__ import annotations

import copy

import numpy as np
import pytest

import engine
from engine.explain import trace_step

OPTIMIZERS = {
    "sgd": ("sgd", {"lr": 0.1}),
    "momentum": ("sgd", {"lr": 0.1, "momentum": 0.9}),
    "nesterov": ("sgd", {"lr": 0.1, "momentum": 0.8, "nesterov": True}),
    "rmsprop": ("rmsprop", {"lr": 0.01}),
    "rmsprop_momentum": ("rmsprop", {"lr": 0.01, "momentum": 0.5}),
    "adagrad": ("adagrad", {"lr": 0.1}),
    "adam": ("adam", {"lr": 0.01}),
    "adamw": ("adamw", {"lr": 0.01, "weight_decay": 0.1}),
}

SLOTS = {"sgd": [], "momentum": ["v"], "nesterov": ["v"], "rmsprop": ["s"], "rmsprop_momentum": ["s", "m"],
         "adagrad": ["s"], "adam": ["m", "v", "m̂", "v̂"], "adamw": ["m", "v", "m̂", "v̂"]}


def warmed_up(nets, name: str, dtype: str = "float64", steps: int = 3, **train):
    """The branch network after a few real steps, so the optimizer has state (and Adam t = 3)."""
    net = nets.branch(dtype)
    opt = engine.make_optimizer(OPTIMIZERS[name][0], **OPTIMIZERS[name][1])
    rng = np.random.default_rng(1)
    X, Y = net.prepare_inputs(rng.normal(size=(8, 3))), net.prepare_targets(rng.normal(size=(8, 1)))
    for _ in range(steps):
        net.train_step(X, Y, opt, **train)
    return net, opt


def real_step(net, opt, x, y, **train):
    """What training on this one sample does: a real step on copies of the network and optimizer."""
    twin, twin_opt = copy.deepcopy((net, opt))
    loss = twin.train_step(twin.prepare_inputs(x), twin.prepare_targets(np.asarray(y)[None]), twin_opt, **train)
    return loss, twin.get_weights(), twin_opt


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_update_equals_the_real_optimizer(nets, name: str, dtype: str) -> None:
    net, opt = warmed_up(nets, name, dtype)
    x, y = np.array([0.3, -1.2, 0.8]), np.array([0.7])
    before = nets.snapshot(net, opt)
    trace = trace_step(net, x, y, optimizer=opt)
    nets.assert_same(before, nets.snapshot(net, opt))

    loss, weights, twin_opt = real_step(net, opt, x, y)
    up = trace.update
    assert up.loss_before == loss and up.optimizer == OPTIMIZERS[name][0]
    assert up.t == twin_opt.t == 4
    tol = nets.tol(dtype)
    for p in up.params:
        assert np.array_equal(p.after, weights[p.key]), p.key  # the optimizer's own result, bit for bit
        np.testing.assert_allclose(p.expected, p.after, rtol=tol["rtol"], atol=tol["atol"], err_msg=p.key)
        assert [q.symbol for q in p.quantities][1:-1] == [s for s in ["w'"] + SLOTS[name]
                                                          if s != "w'" or (name == "adamw" and p.key.endswith("/W"))]
        assert p.quantities[-1].symbol == "w"
    # the optimizer's state after the step equals the formulas' m, v, s, …
    state = twin_opt.state_dict()
    slot_of = {"v": "velocity", "s": "square_avg" if "rmsprop" in name else "accumulator",
               "m": "momentum_buffer" if "rmsprop" in name else "m"}
    if name.startswith("adam"):
        slot_of["v"] = "v"
    for i, p in enumerate(up.params):
        for q in p.quantities:
            if q.symbol in slot_of and slot_of[q.symbol] in state:
                np.testing.assert_allclose(q.value, state[slot_of[q.symbol]][i], rtol=tol["rtol"], atol=tol["atol"])


def test_adam_bias_correction_is_shown(nets) -> None:
    net, opt = warmed_up(nets, "adam", steps=1)
    trace = trace_step(net, np.array([0.3, -1.2, 0.8]), np.array([0.7]), optimizer=opt)
    p = trace.update.param("out/b")
    names = [q.symbol for q in p.quantities]
    m, mh = p.quantities[names.index("m")].value, p.quantities[names.index("m̂")].value
    assert np.allclose(mh, m / (1 - 0.9 ** 2))  # t = 2
    assert "t = 2" in trace.update.formulas[-1]
    line = p.lines()[names.index("m̂")]
    assert line.startswith("m̂ = m/(1 − β1^t) = ") and "/0.19 = " in line


def test_regularisation_and_clipping_as_the_trainer_does(nets) -> None:
    train = {"l1": 0.01, "l2": 0.05, "clip_norm": 0.1}
    net, opt = warmed_up(nets, "momentum", **train)
    x, y = np.array([0.3, -1.2, 0.8]), np.array([0.7])
    trace = trace_step(net, x, y, optimizer=opt, **train)
    _, weights, _ = real_step(net, opt, x, y, **train)
    for p in trace.update.params:
        assert np.array_equal(p.after, weights[p.key])
        np.testing.assert_allclose(p.expected, p.after, rtol=1e-12, atol=1e-15)
    assert any("Clipping" in n for n in trace.update.notes) and any("l2" in n for n in trace.update.notes)
    assert trace.update.param("h/W").quantities[0].formula == "g = ∂L/∂w + l1·sign(w) + l2·w, then clipped"


def test_optimizer_by_name_state_dict_and_lr_override(nets) -> None:
    net, opt = warmed_up(nets, "adam")
    x, y = np.array([0.3, -1.2, 0.8]), np.array([0.7])
    from_opt = trace_step(net, x, y, optimizer=opt, lr=0.05)
    from_state = trace_step(net, x, y, optimizer={"name": "adam", "lr": 0.01}, optimizer_state=opt.state_dict(), lr=0.05)
    assert from_opt.update.hyper["lr"] == from_state.update.hyper["lr"] == 0.05
    for a, b in zip(from_opt.update.params, from_state.update.params):
        assert np.array_equal(a.after, b.after)
    fresh = trace_step(net, x, y, optimizer="adam")
    assert fresh.update.t == 1
    with pytest.raises(ValueError, match="does not fit this network"):
        trace_step(net, x, y, optimizer={"name": "sgd", "momentum": 0.9}, optimizer_state={"lr": 0.1, "t": 0, "velocity": []})


def test_loss_after_step_goes_down_and_uses_the_same_dropout_mask(nets) -> None:
    net = nets.norm_dropout()
    x, y = np.array([0.5, -1.0, 2.0]), 2
    trace = trace_step(net, x, y, optimizer="sgd", lr=0.5)
    assert trace.update.loss_after < trace.update.loss_before
    twin = copy.deepcopy(net)
    twin.set_weights({**twin.get_weights(), **{p.key: p.after for p in trace.update.params}})
    loss_twin = twin.gradients(twin.prepare_inputs(x), twin.prepare_targets(np.array([y])))[0]
    assert loss_twin == pytest.approx(trace.update.loss_after, rel=1e-12)


def test_perceptron_rule_update(nets) -> None:
    s = nets.example("perceptron")
    i = next(i for i in range(len(s.X_train)) if s.network.predict(s.X_train[i:i + 1])[0, 0] != s.Y_train[i])
    trace = trace_step(s.network, s.X_train[i], s.Y_train[i], optimizer=s.trainer.optimizer)
    up = trace.update
    assert up.rule == "perceptron rule" and up.formulas[0].startswith("w ← w + η·(y − ŷ)·x")
    x, lr = s.X_train[i].astype(np.float64), up.hyper["lr"]
    err = float(trace.y[0]) - float(trace.loss.prediction[0])
    W = up.param("perceptron/W")
    np.testing.assert_allclose(W.expected[:, 0], W.before[:, 0] + lr * err * x, rtol=1e-12)
    np.testing.assert_allclose(W.after, W.expected, rtol=1e-6, atol=1e-7)
    assert W.lines((1, 0))[-1].startswith("w ← w + η·(y − ŷ)·x = ")
    b = up.param("perceptron/b")
    assert b.lines((0,))[-1].startswith("b ← b + η·(y − ŷ) = ")
    adam = trace_step(s.network, s.X_train[i], s.Y_train[i], optimizer="adam")
    assert any("perceptron rule's direction" in n for n in adam.update.notes)
