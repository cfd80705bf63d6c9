"""For the Playground, softmax, branching, BatchNorm/Dropout and other graphs: every number of the trace
is the engine's (gradients equal ``Network.gradients`` bit for bit), every chain-rule product equals
the engine's gradient, and the network is left exactly as it was."""
from __future__ import annotations

import copy
import functools
import operator

import numpy as np
import pytest

from engine.explain import trace_step


def engine_gradients(net, x, y):
    """``Network.gradients`` on a copy (it draws a Dropout mask and moves BatchNorm statistics)."""
    twin = copy.deepcopy(net)
    loss, grads = twin.gradients(twin.prepare_inputs(x), _targets(twin, y))
    return loss, grads, twin


def _targets(net, y):
    y = np.asarray(y)
    return net.prepare_targets(y[None] if y.ndim == 0 or y.shape == net.output_shape else y, 1)


def check_trace(net, x, y, nets):
    """The assertions every network must pass; returns the trace."""
    net.release()
    before = nets.snapshot(net)
    trace = trace_step(net, x, y, max_chain_weights=1000)
    nets.assert_same(before, nets.snapshot(net))

    loss, grads, twin = engine_gradients(net, x, y)
    assert trace.loss.value == loss
    assert trace.gradients.keys() == grads.keys() == set(net.param_keys)
    for key in grads:
        assert np.array_equal(trace.gradients[key], grads[key]), key
    # per node: the recorded ∂L/∂param are the engine's, and a node's ∂L/∂a is the sum of its consumers' parts
    for rec in trace.backward:
        for pname, g in rec.grad_params.items():
            assert np.array_equal(g, grads[f"{rec.name}/{pname}"])
        if rec.contributions:
            total = functools.reduce(operator.add, [c.value for c in rec.contributions])
            assert np.array_equal(total, rec.grad_output), rec.name
            assert [c.consumer for c in rec.contributions] == \
                   [name for name, _ in reversed(trace.node(rec.name).consumers)]  # the engine's order
    # forward outputs are the engine's training-mode activations
    acts = copy.deepcopy(net).forward_all(x, training=True)
    for rec in trace.forward:
        assert np.array_equal(rec.a, acts[rec.name][0]), rec.name
    # every chain-rule product equals the engine's gradient; every named sum equals its value
    tol = nets.tol(net.dtype)
    assert trace.chain.available
    assert len(trace.chain.rules) == net.parameter_count
    for rule in trace.chain.rules:
        assert rule.engine_value == grads[rule.key][rule.index]
        assert rule.value == pytest.approx(rule.engine_value, rel=tol["rtol"], abs=tol["atol"]), rule.text()
    for q in trace.chain.quantities:
        assert sum(t.value for t in q.terms) == pytest.approx(q.value, rel=tol["rtol"] * 10, abs=tol["atol"]), q.text()
    return trace


@pytest.mark.parametrize("name,sample", [("xor", 0), ("xor", 7), ("spiral3", 4), ("spiral", 1), ("circle", 3),
                                         ("iris", 2), ("textbook", 2)])
def test_examples_match_the_engine(nets, name: str, sample: int) -> None:
    s = nets.example(name)
    trace = check_trace(s.network, s.X_train[sample], s.Y_train[sample], nets)
    assert trace.loss.fusion == s.network.fusion


def test_sigmoid_bce_is_fused_and_said_so(nets) -> None:
    s = nets.example("xor")
    trace = trace_step(s.network, s.X_train[0], s.Y_train[0])
    assert trace.loss.seed_is_z and trace.loss.seed_formula == "∂L/∂z = (ŷ − y)/n"
    assert np.allclose(trace.loss.seed, trace.loss.prediction - trace.loss.target)
    out = trace.backward_of("dense_2")
    assert out.grad_output_display_only and any("fused" in n for n in out.notes)
    # shown ∂L/∂ŷ times σ'(z) is the fused ∂L/∂z
    assert np.allclose(out.grad_output * out.local_derivative, out.grad_z, rtol=1e-5)
    assert str(trace.chain.rule("dense_2/b").product.symbols()) == "∂L/∂z2 · 1"


def test_softmax_cross_entropy(nets) -> None:
    s = nets.example("spiral3")
    trace = trace_step(s.network, s.X_train[4], s.Y_train[4])
    assert trace.loss.fusion == "softmax_ce" and trace.loss.seed_formula == "∂L/∂z = ŷ − y"
    assert trace.y.sum() == 1.0 and trace.y[int(s.Y_train[4])] == 1.0  # one-hot of the class index
    assert np.allclose(trace.loss.seed, trace.loss.prediction - trace.y, atol=1e-7)
    assert trace.node("softmax_1").formulas[-1] == "a_i = e^(z_i) / Σ_j e^(z_j)"
    assert not trace.chain.available and "too large" in trace.chain.reason  # 451 weights > 100


def test_branches_show_every_consumer_and_their_sum(nets) -> None:
    net = nets.branch()
    x, y = np.array([0.3, -1.2, 0.8]), np.array([0.7])
    trace = check_trace(net, x, y, nets)
    h = trace.backward_of("h")
    assert sorted(c.consumer for c in h.contributions) == ["concat", "left", "right"]
    assert any("3 consumers" in n for n in h.notes)
    add = trace.backward_of("add")
    assert [g is not None for g in add.grad_inputs] == [True, True]
    assert np.array_equal(add.grad_inputs[0], add.grad_inputs[1])  # Add passes ∂L/∂a to each input
    # ∂L/∂a1 is a sum over paths: a named quantity whose terms come through each consumer
    q = trace.chain.quantity("∂L/∂a1[0]")
    assert {t.via for t in q.terms} == {"left", "right", "concat"}
    rule = trace.chain.rule("h/W", (2, 0))
    assert rule.product.symbols() == "∂L/∂a1[0] · tanh'(z1[0]) · x[2]"
    # a path through Add and Concat into the output collapses into one product
    assert trace.chain.rule("left/b", (1,)).product.symbols() == "∂L/∂ŷ · out.W[1,0] · σ'(z2[1]) · 1"


def test_batchnorm_and_dropout(nets) -> None:
    net = nets.norm_dropout()
    x, y = np.array([0.5, -1.0, 2.0]), 2
    trace = check_trace(net, x, y, nets)
    bn = trace.node("bn")
    assert np.array_equal(bn.extras["x_hat"], np.zeros(4))  # one sample is its own batch
    assert np.array_equal(bn.a, bn.params["beta"])
    assert any("x̂ = 0" in n for n in bn.notes)
    assert np.array_equal(trace.gradients["h/W"], np.zeros((3, 4)))  # nothing passes back through it
    mask = trace.node("drop").extras["mask"]
    assert set(np.unique(mask)) <= {0.0, 2.0}
    assert np.array_equal(trace.node("drop").a, trace.node("drop").input_values[0] * mask)
    # the mask is the one the network's next training step draws
    _, grads, _ = engine_gradients(net, x, y)
    assert np.array_equal(grads["logits/W"], trace.gradients["logits/W"])
    assert any(f.kind == "mask" for r in trace.chain.rules for f in r.product.factors)


def test_flatten_hidden_softmax_and_a_separate_fused_sigmoid(nets) -> None:
    net = nets.odd()
    trace = check_trace(net, np.array([[0.5, -1.0], [2.0, 0.1]]), np.array([1.0]), nets)
    assert trace.loss.fusion == "sigmoid_bce"
    assert "∂a1[2]/∂z1[0]" in trace.chain.quantity("∂L/∂z1[0]").text()  # the softmax Jacobian's entries
    assert trace.chain.rule("out/b").product.symbols() == "∂L/∂z2 · 1"  # out → sig: z2, ŷ


def test_perceptron_is_the_perceptron_rule(nets) -> None:
    s = nets.example("perceptron")
    trace = check_trace(s.network, s.X_train[3], s.Y_train[3], nets)
    assert trace.loss.fusion == "step" and trace.loss.seed_formula == "∂L/∂z := ŷ − y"
    assert trace.chain.rules[0].text().startswith("∂L/∂perceptron.W[0,0] := (ŷ − y) · x[0] = ")
    assert "perceptron rule" in trace.chain.notes[0]


def test_float32_network_is_traced_in_float32(nets) -> None:
    trace = check_trace(nets.branch("float32"), np.array([0.3, -1.2, 0.8]), np.array([0.7]), nets)
    assert trace.dtype == "float32" and trace.gradients["h/W"].dtype == np.float32


def test_preprocessor_turns_raw_features_into_the_network_input(nets) -> None:
    s = nets.example("spiral")
    raw, label = s.data.train.X[5], s.data.train.y[5]
    trace = trace_step(s.network, raw, label, preprocessor=s.preprocessor)
    assert np.allclose(trace.x, s.X_train[5]) and trace.y[0] == s.Y_train[5]
    assert trace.feature_names == s.preprocessor.network_input_names and np.array_equal(trace.raw_x, raw)


def test_walk_visits_every_node_forward_then_backward(nets) -> None:
    net = nets.branch()
    trace = trace_step(net, np.array([0.3, -1.2, 0.8]), np.array([0.7]), optimizer="sgd")
    walk = trace.walk()
    phases = [s.phase for s in walk]
    assert phases == sorted(phases, key=["forward", "loss", "backward", "update"].index)
    assert [s.node for s in walk if s.phase == "forward"] == [r.name for r in trace.forward]
    assert {s.node for s in walk if s.phase == "backward"} == {"loss", "h", "left", "right", "add", "concat", "out"}
    start = next(s for s in walk if s.phase == "backward")
    assert start.node == "loss" and start.wires[0][:2] == ("out", "loss")  # ∂L/∂ŷ on the loss wire first
    concat = next(s for s in walk if s.phase == "forward" and s.node == "concat")
    assert [(src, dst) for src, dst, _ in concat.wires] == [("add", "concat"), ("h", "concat")]
    back = next(s for s in walk if s.phase == "backward" and s.node == "concat")
    assert [v.shape for _, _, v in back.wires] == [(2,), (3,)]
    assert {s.node for s in walk if s.phase == "update"} == {"h", "left", "right", "out"}


def test_one_sample_only_and_clear_errors(nets) -> None:
    net = nets.branch()
    with pytest.raises(ValueError, match="one sample"):
        trace_step(net, np.zeros((2, 3)), np.zeros((2, 1)))
    with pytest.raises(Exception, match="expects samples of shape"):
        trace_step(net, np.zeros(4), np.zeros(1))


def test_trace_session_uses_the_trainers_settings_and_the_trace_pickles(nets) -> None:
    import pickle

    from engine.explain import trace_session

    s = nets.example("spiral3")  # Adam, lr 0.01
    s.trainer.step()
    trace = trace_session(s, 2, "test")
    assert trace.label == f"test sample 2 of {len(s.X_test)}"
    assert np.allclose(trace.x, s.X_test[2]) and trace.update.optimizer == "adam" and trace.update.t == 2
    assert trace.update.hyper["lr"] == s.trainer.schedule(s.trainer.progress)
    again = pickle.loads(pickle.dumps(trace))  # plain data: a worker process can send it to the window
    assert again.chain.reason == trace.chain.reason and np.array_equal(again.gradients["dense_1/W"],
                                                                       trace.gradients["dense_1/W"])
    with pytest.raises(IndexError, match="out of range"):
        trace_session(s, len(s.X_train), "train")
    with pytest.raises(ValueError, match="split"):
        trace_session(s, 0, "validation")
