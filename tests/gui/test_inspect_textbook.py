"""The step inspector on the textbook two-weight network: every number on screen is the one a hand
calculation gives (read back from the widgets' text), picking a sample traces that sample, and the
export writes the whole step."""
from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

import engine
from engine.session import open_session
from gui.inspect import SessionSource, StepInspector
from gui.inspect.mathtext import FormulaLabel, plain_text

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"
NUMBER = r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?"


def shown_as(shown: float, exact: float) -> bool:
    """``shown`` is ``exact`` written with 4 significant digits (the inspector's precision)."""
    if exact == 0:
        return shown == 0
    return abs(shown - exact) <= 0.6 * 10 ** (math.floor(math.log10(abs(exact))) - 3)


def label_text(inspector: StepInspector, name: str) -> str:
    label = inspector.findChild(FormulaLabel, name)
    assert label is not None, f"no label {name}"
    return plain_text(label)


def result_of(line: str) -> float:
    """The number after the last "=" of a formula line (before a ✓ mark)."""
    line = line.split("✓")[0]
    return float(re.findall(NUMBER, line.rsplit("=", 1)[1])[0])


def line_starting(text: str, start: str) -> str:
    return next(ln for ln in text.splitlines() if ln.strip().startswith(start))


@pytest.fixture
def textbook(step_inspector):
    doc = engine.load(EXAMPLES / "textbook.nnd")
    session = open_session(doc, base_dir=EXAMPLES)
    inspector, scene = step_inspector(doc, SessionSource(session))
    return inspector, session, scene


def by_hand(x: float, y: float, w1: float, w2: float, lr: float) -> dict[str, float]:
    z1 = w1 * x
    a1 = 1 / (1 + math.exp(-z1))
    yhat = w2 * a1
    dyhat = 2 * (yhat - y)
    dsig = a1 * (1 - a1)
    g2 = dyhat * a1
    g1 = dyhat * w2 * dsig * x
    return {"z1": z1, "a1": a1, "yhat": yhat, "L": (yhat - y) ** 2, "dyhat": dyhat, "dsig": dsig, "g1": g1,
            "g2": g2, "w1_new": w1 - lr * g1, "w2_new": w2 - lr * g2}


def test_textbook_numbers_on_screen_equal_the_hand_calculation(textbook) -> None:
    inspector, session, _ = textbook
    x, y = float(session.data.train.X[2, 0]), float(session.data.train.y[2])
    w = session.network.get_weights()
    w1, w2 = float(w["w1/W"][0, 0]), float(w["w2/W"][0, 0])
    lr = session.trainer.optimizer.lr
    assert (x, y, w1, w2, lr) == (1.5, pytest.approx(0.6), 0.5, 0.5, 0.5)
    hand = by_hand(x, y, w1, w2, lr)

    inspector.request_sample(2, "train")
    assert inspector.trace is not None and inspector.index == 2

    # forward: z1 = w1·x, a1 = σ(z1), ŷ = w2·a1
    z_line = label_text(inspector, "forwardWorked:w1")
    assert z_line.startswith("z1 = x·w1 = (1.5)(0.5) = ")
    assert shown_as(result_of(z_line), hand["z1"])
    a_line = label_text(inspector, "forwardWorked:sigmoid")
    assert a_line.startswith("a1 = σ(z1) = σ(0.75) = ")
    assert shown_as(result_of(a_line), hand["a1"])
    y_line = label_text(inspector, "forwardWorked:w2")
    assert y_line.startswith("ŷ = a1·w2 = ")
    assert shown_as(result_of(y_line), hand["yhat"])

    # loss L = (ŷ − y)² and where backpropagation starts, ∂L/∂ŷ = 2(ŷ − y)
    loss = label_text(inspector, "lossWorked")
    assert shown_as(result_of(line_starting(loss, "L =")), hand["L"])
    assert shown_as(result_of(line_starting(loss, "∂L/∂ŷ")), hand["dyhat"])

    # the chain rule of both weights, factor by factor, equal to the engine's gradient (✓)
    rule2 = label_text(inspector, "chainRule:w2/W:0,0")
    assert rule2.startswith("∂L/∂w2 = ∂L/∂ŷ · a1")
    factors = [float(v) for v in re.findall(rf"\(({NUMBER})\)", rule2)]
    assert shown_as(factors[0], hand["dyhat"]) and shown_as(factors[1], hand["a1"])
    assert shown_as(result_of(rule2), hand["g2"]) and "✓ engine" in rule2
    rule1 = label_text(inspector, "chainRule:w1/W:0,0")
    assert rule1.startswith("∂L/∂w1 = ∂L/∂ŷ · w2 · σ′(z1) · x")
    factors = [float(v) for v in re.findall(rf"\(({NUMBER})\)", rule1)]
    for shown, exact in zip(factors, (hand["dyhat"], w2, hand["dsig"], x)):
        assert shown_as(shown, exact)
    assert shown_as(result_of(rule1), hand["g1"]) and "✓ engine" in rule1

    # the backward page writes the same gradients from the layers' side
    back = label_text(inspector, "backwardWorked:w1")
    assert shown_as(result_of(line_starting(back, "∂L/∂w1")), hand["g1"])
    back = label_text(inspector, "backwardWorked:sigmoid")
    assert shown_as(result_of(line_starting(back, "∂L/∂z1")), hand["dyhat"] * w2 * hand["dsig"])

    # the update w ← w − η·g, both weights, and the table of every weight
    for key, new, grad in (("w1/W", "w1_new", "g1"), ("w2/W", "w2_new", "g2")):
        lines = label_text(inspector, f"updateLines:{key}:0,0")
        assert shown_as(result_of(line_starting(lines, "g =")), hand[grad])
        step = line_starting(lines, "w ← w − η·g")
        assert step.startswith("w ← w − η·g = 0.5 − 0.5·(")
        assert shown_as(result_of(step), hand[new])
    table = inspector.update_page.findChild(object, "weightsTable")
    assert [shown_as(float(v), hand[g]) for v, g in zip(table.column("∂L/∂w"), ("g1", "g2"))] == [True, True]
    assert [shown_as(float(v), hand[n]) for v, n in zip(table.column("after"), ("w1_new", "w2_new"))] == [True, True]

    # the summary line and the loss after the step, computed by hand with the new weights
    after = (hand["w2_new"] / (1 + math.exp(-hand["w1_new"] * x)) - y) ** 2
    assert shown_as(result_of(label_text(inspector, "updateLoss").split("(")[0].replace("→", "=")), after)
    summary = label_text(inspector, "stepSummary")
    assert "x = 1.5" in summary and "y = 0.6" in summary and "ŷ = 0.3396" in summary


def test_picking_a_sample_in_the_table_traces_that_sample(textbook, qtbot) -> None:
    inspector, session, _ = textbook
    inspector.request_sample(2)
    first = inspector.trace
    table = inspector.picker.table
    row = table.model().index(0, 0)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(row).center())
    assert inspector.index == 0 and inspector.trace is not first
    assert float(inspector.trace.x[0]) == 2.0 and float(inspector.trace.y[0]) == pytest.approx(0.8)
    assert label_text(inspector, "forwardWorked:w1").startswith("z1 = x·w1 = (2)(0.5) = 1")
    # the table fills in the traced sample's prediction and loss (and shows every sample's, in process)
    model = table.model()
    assert model.index(0, model.columnCount() - 1).data() not in ("", "—")
    # the index box picks by number too
    inspector.picker.index_box.setValue(3)
    assert inspector.index == 3 and float(inspector.trace.x[0]) == 1.0


def test_export_writes_the_whole_step_with_every_gradient(textbook, tmp_path, monkeypatch) -> None:
    inspector, session, _ = textbook
    inspector.request_sample(2)
    inspector.run_check()
    target = tmp_path / "step.md"
    asked = []
    monkeypatch.setattr(StepInspector, "_ask_export_path", lambda self, suggested: asked.append(suggested) or str(target))
    inspector.export_button.click()
    assert asked and asked[0].endswith(".md")
    text = target.read_text(encoding="utf-8")
    assert "∂L/∂w1 = ∂L/∂ŷ · w2 · σ'(z1) · x" in text and "## 6. Gradient check" in text
    from engine.explain.text import num
    for key, g in inspector.trace.gradients.items():
        assert f"`{key}`" in text and num(g.reshape(-1)[0]) in text
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp file left (atomic write)
    monkeypatch.setattr(StepInspector, "_ask_export_path", lambda self, suggested: None)
    assert inspector.export_markdown() is None  # cancelled: nothing written
