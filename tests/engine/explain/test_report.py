"""to_markdown: the whole step as Markdown; every parameter's gradient is in it."""
from __future__ import annotations

import numpy as np

from engine.explain import check_step, to_markdown, trace_step
from engine.explain.text import num


def test_textbook_report_has_every_section_and_number(nets) -> None:
    s = nets.example("textbook")
    trace = trace_step(s.network, s.data.train.X[0], s.data.train.y[0], optimizer=s.trainer.optimizer,
                       preprocessor=s.preprocessor, label="train sample 0")
    md = to_markdown(trace, check=check_step(s.network, s.X_train, s.Y_train, [0]), title="Textbook")
    for heading in ("# Textbook", "## 1. Forward pass", "## 2. Loss", "## 3. Backward pass",
                    "## 4. The chain rule for every weight", "## 5. The update", "## 6. Gradient check"):
        assert heading in md
    assert "- ∂L/∂w1 = ∂L/∂ŷ · w2 · σ'(z1) · x = (" in md and "- ∂L/∂w2 = ∂L/∂ŷ · a1 = (" in md
    assert "`a = σ(z) = 1 / (1 + e^(−z))`" in md and "`L = mean((ŷ − y)²)`" in md
    assert "- z1 = x·w1 = (2)(0.5) = 1" in md
    up = trace.update
    assert f"{num(up.loss_before)} before → {num(up.loss_after)} after" in md
    assert "w ← w − η·g = 0.5 − 0.5·(" in md


def test_every_parameter_key_and_gradient_value_appears(nets) -> None:
    for name in ("xor", "textbook", "perceptron", "circle"):
        s = nets.example(name)
        trace = trace_step(s.network, s.X_train[1], s.Y_train[1], optimizer=s.trainer.optimizer)
        md = to_markdown(trace)
        for key, g in trace.gradients.items():
            assert f"`{key}`" in md, (name, key)
            for v in g.reshape(-1):
                assert num(v) in md, (name, key, v)


def test_large_arrays_are_summarised(nets) -> None:
    s = nets.example("digits_mlp")
    trace = trace_step(s.network, s.X_train[0], s.Y_train[0], optimizer=s.trainer.optimizer)
    md = to_markdown(trace)
    assert "shape 64×64: min" in md and "too large: 4,810 weights" in md
    assert all(f"`{key}`" in md for key in trace.gradients)
    assert "dropout_1" in md and "the mask is the one the network's next training step would draw" in md
    body = md.split("## Appendix: every gradient value")[0]
    assert len(body.splitlines()) < 400  # the explanation stays readable; the appendix holds the rest


def test_every_gradient_value_is_in_the_report(nets) -> None:
    s = nets.example("spiral3")
    trace = trace_step(s.network, s.X_train[3], s.Y_train[3], optimizer=s.trainer.optimizer)
    md = to_markdown(trace, digits=6)
    appendix = md.split("## Appendix: every gradient value")[1]
    for key, g in trace.gradients.items():
        if g.size > 20:
            block = appendix.split(f"`{key}`")[1].split("```")[1]
            values = np.array(block.replace("[", " ").replace("]", " ").split(), dtype=float)
            np.testing.assert_allclose(values, g.ravel(), rtol=1e-5, atol=1e-6)


def test_table_cells_escape_the_pipe(nets) -> None:
    s = nets.example("spiral3")
    md = to_markdown(trace_step(s.network, s.X_train[0], s.Y_train[0], optimizer=s.trainer.optimizer))
    for line in md.splitlines():
        if line.startswith("| `dense_1/W` | 7×16 |"):
            assert line.count(" | ") == 2  # three cells, however the summary is written


def test_branches_batchnorm_fusion_and_perceptron_are_explained(nets) -> None:
    md = to_markdown(trace_step(nets.branch(), np.array([0.3, -1.2, 0.8]), np.array([0.7]), optimizer="adam"))
    assert "| from `left` |" in md and "| ∂L/∂a (sum) |" in md and "h's output feeds 3 consumers" in md
    assert "\nwhere\n" in md and "- ∂L/∂a1[0] = " in md and "m̂ = m/(1 − β1^t)" in md
    md = to_markdown(trace_step(nets.norm_dropout(), np.array([0.5, -1.0, 2.0]), 2))
    assert "x̂ = 0 and a = β" in md and "softmax + cross-entropy are fused" in md
    assert "No optimizer was given" in md
    s = nets.example("perceptron")
    md = to_markdown(trace_step(s.network, s.X_train[1], s.Y_train[1], optimizer=s.trainer.optimizer),
                     check=check_step(s.network, s.X_train, s.Y_train, [1]))
    assert "perceptron rule" in md and "w ← w + η·(y − ŷ)·x" in md and "not applicable" in md


def test_digits_option(nets) -> None:
    s = nets.example("textbook")
    trace = trace_step(s.network, s.X_train[0], s.Y_train[0])
    assert "(-0.868941)" in to_markdown(trace, digits=6) and "(-0.8689)" in to_markdown(trace)
