"""The step inspector on the Playground networks, softmax multi-class and a graph with branches: the
gradients on screen are the engine's (Network.gradients), a node with several consumers shows each
contribution and their sum, the gradient check passes for XOR and does not apply to a perceptron.
The walk on the canvas: Next visits every node forward, the loss, every node backward and the
updates, ringing the node and writing values on its wires; play runs on a timer; hovering a
chain-rule factor marks its node; the canvas stays interactive under the highlight."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QLabel

import engine
from engine import Graph, Network
from engine.document import Document
from engine.explain import trace_step
from engine.explain.text import num
from engine.layout import auto_layout
from engine.session import open_session
from gui.editor.items.node import NodeItem
from gui.editor.scene import CanvasScene
from gui.editor.step_highlight import short_value
from gui.inspect import SessionSource, StepInspector
from gui.inspect.arrays import VectorTable
from gui.inspect.mathtext import FormulaLabel, plain_text

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def walk_with_next_button(qtbot, inspector: StepInspector, scene: CanvasScene) -> list[tuple[str, str, dict]]:
    """Click Next through every frame; what the canvas shows at each: (phase, ringed node, wire labels)."""
    overlay = scene.step_highlight()
    seen = []
    inspector.controls.first_button.click()
    while True:
        frame = inspector.animator.current
        seen.append((frame.phase, inspector.highlighted_node(), overlay.wire_labels()))
        if not inspector.controls.next_button.isEnabled():
            break
        qtbot.mouseClick(inspector.controls.next_button, Qt.MouseButton.LeftButton)
    return seen


def engine_gradients(net: Network, x: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    _, grads = net.gradients(x[None], y[None])
    return grads


def shown_gradients(inspector: StepInspector) -> dict[str, list[str]]:
    """∂L/∂w of every weight as the Update page's table shows it, by parameter key."""
    table = inspector.update_page.findChild(object, "weightsTable")
    out: dict[str, list[str]] = {}
    for param, grad in zip(table.column("parameter"), table.column("∂L/∂w")):
        out.setdefault(param.split("[")[0], []).append(grad)
    return out


def assert_shows_engine_gradients(inspector: StepInspector, grads: dict[str, np.ndarray]) -> None:
    shown = shown_gradients(inspector)
    assert set(shown) == set(grads)
    for key, g in grads.items():
        assert shown[key] == [num(v) for v in g.reshape(-1)], key
        tables = [t for t in inspector.backward_page.findChildren(VectorTable) if t.objectName().endswith(f":{key}")]
        if g.size <= 16:  # small parameters are listed on their node's backward card too
            assert tables and tables[0].column_texts("∂L/∂w") == [num(v) for v in g.reshape(-1)], key


def example(step_inspector, name: str, index: int):
    """The inspector on an example network (traced in process), showing sample ``index``."""
    doc = engine.load(EXAMPLES / f"{name}.nnd")
    session = open_session(doc, base_dir=EXAMPLES)
    inspector, scene = step_inspector(doc, SessionSource(session))
    inspector.request_sample(index, "train")
    return inspector, scene, session


@pytest.mark.parametrize("name, index", [("xor", 3), ("spiral3", 5), ("iris", 7)])
def test_examples_show_the_engines_gradients(step_inspector, name: str, index: int) -> None:
    inspector, _, session = example(step_inspector, name, index)
    trace = inspector.trace
    assert trace is not None and inspector.index == index
    grads = engine_gradients(session.network, session.X_train[index], session.Y_train[index])
    assert_shows_engine_gradients(inspector, grads)
    rules = inspector.findChildren(FormulaLabel)
    chain = [plain_text(r) for r in rules if r.objectName().startswith("chainRule:")]
    if trace.parameter_count <= 100:  # every weight's chain rule, equal to the engine's (✓)
        assert len(chain) == trace.parameter_count
        assert all("✓ engine" in text for text in chain)
    else:  # too many weights to write out: the page says so
        notes = [label.text() for label in inspector.chain_page.cards["unavailable"].findChildren(QLabel)]
        assert not chain and any("too large" in text for text in notes)
    if name != "xor":  # softmax + cross-entropy: a class per output row, the fused start ∂L/∂z = ŷ − y
        loss = plain_text(inspector.findChild(FormulaLabel, "lossWorked"))
        assert "−ln ŷ[" in loss and "∂L/∂z = ŷ − y" in loss


def test_iris_chain_rules_name_the_sums_over_paths(step_inspector) -> None:
    inspector, _, _ = example(step_inspector, "iris", 0)
    quantities = [plain_text(q) for q in inspector.findChildren(FormulaLabel)
                  if q.objectName().startswith("chainQuantity:")]
    assert len(quantities) == len(inspector.trace.chain.quantities) > 0
    assert all("Σ over 3 paths" in q and q.count("via dense_2") == 3 for q in quantities)


def branch_document() -> Document:
    """h feeds three consumers: two Dense branches (merged by Add) and a Concat."""
    g = Graph()
    g.add_node("Input", "x", shape=[3])
    rows = [("h", "Dense", ["x"], {"units": 3, "activation": "tanh"}),
            ("left", "Dense", ["h"], {"units": 2, "activation": "sigmoid"}),
            ("right", "Dense", ["h"], {"units": 2, "activation": "relu", "bias_init": 0.5}),
            ("add", "Add", ["left", "right"], {}),
            ("concat", "Concat", ["add", "h"], {}),
            ("out", "Dense", ["concat"], {"units": 1})]
    for name, kind, sources, params in rows:
        g.add_node(kind, name, **params)
        ports = [None] if len(sources) == 1 else [f"in{i}" for i in range(1, len(sources) + 1)]
        for src, port in zip(sources, ports):
            g.connect(src, name, dst_port=port)
    g.add_node("Loss", "loss", function="mse")
    g.connect("out", "loss")
    for node_id, (px, py) in auto_layout(g).items():
        g.set_pos(node_id, px, py)
    return Document(graph=g, dtype="float64")


def test_branches_show_each_consumers_contribution_and_the_engines_gradients(step_inspector) -> None:
    doc = branch_document()
    net = Network(doc.graph, seed=0, dtype="float64")
    x, y = np.array([0.3, -1.2, 0.8]), np.array([0.7])
    inspector, scene = step_inspector(doc)
    inspector.set_trace(trace_step(net, x, y, optimizer="sgd", lr=0.1))
    assert_shows_engine_gradients(inspector, engine_gradients(net, x, y))
    trace = inspector.trace
    h = trace.backward_of("h")
    table = inspector.backward_page.findChild(VectorTable, "backwardContributions:h")
    headers = [hd for hd, _ in table.columns]
    assert headers[:3] == [f"from {c.consumer}" for c in h.contributions] and headers[3].startswith("Σ")
    for j, c in enumerate(h.contributions):
        assert table.column_texts(headers[j]) == [num(v) for v in c.value]
    assert table.column_texts(headers[3]) == [num(v) for v in h.grad_output]
    worked = plain_text(inspector.findChild(FormulaLabel, "backwardWorked:h"))
    assert worked.startswith("∂L/∂a1[0] = ") and worked.count(" + ") >= 6
    # the named sums over paths of the chain rule, one term through each consumer
    quantity = plain_text(inspector.findChild(FormulaLabel, "chainQuantity:∂L/∂a1[0]"))
    assert all(f"via {c}" in quantity for c in ("left", "right", "concat"))


def test_xor_gradient_check_passes_and_the_perceptron_is_not_applicable(step_inspector, tmp_path) -> None:
    inspector, _, _ = example(step_inspector, "xor", 0)
    table = inspector.picker.table
    table.selectRow(1)
    table.selectionModel().select(table.model().index(4, 0), table.selectionModel().SelectionFlag.Select
                                  | table.selectionModel().SelectionFlag.Rows)
    inspector.check_button.click()
    assert inspector.check_samples is not None and len(inspector.check_samples[0]) == 2
    check_table = inspector.check_page.table
    assert check_table is not None
    assert check_table.column("parameter") == list(inspector.trace.gradients)
    assert set(check_table.column("result")) == {"✓ pass"}
    summary = inspector.check_page.summary.text()
    assert summary.startswith("pass: 4 of 4 parameters agree") and "2 samples" in summary
    # the Markdown export holds every weight's gradient and the check
    path = inspector.export_markdown(tmp_path / "xor step.md")
    text = path.read_text(encoding="utf-8")
    assert "## 6. Gradient check" in text and "pass: 4 of 4" in text
    for key, g in inspector.trace.gradients.items():
        assert f"`{key}`" in text and all(num(v) in text for v in g.reshape(-1)), key

    inspector, _, _ = example(step_inspector, "perceptron", 1)
    rules = [plain_text(r) for r in inspector.findChildren(FormulaLabel) if r.objectName().startswith("chainRule:")]
    assert len(rules) == 3 and all(" := (ŷ − y) · " in r or " := (ŷ − y) · 1" in r for r in rules)
    inspector.run_check()
    assert inspector.check_page.table is None
    assert inspector.check_page.summary.text().startswith("not applicable")


def test_walk_visits_every_node_of_a_branching_graph(step_inspector, qtbot) -> None:
    doc = branch_document()
    inspector, scene = step_inspector(doc)
    net = Network(doc.graph, seed=0, dtype="float64")
    inspector.set_trace(trace_step(net, np.array([0.3, -1.2, 0.8]), np.array([0.7]), optimizer="adam", lr=0.01))
    seen = walk_with_next_button(qtbot, inspector, scene)
    names = {n.name for n in scene.graph.nodes}
    assert {node for phase, node, _ in seen if phase == "forward"} == names - {"loss"}
    assert {node for phase, node, _ in seen if phase == "backward"} == names - {"x"}
    assert all(node is not None for _, node, _ in seen)  # every frame rings a node on the canvas
    # Concat's backward frame sends a gradient back along both of its wires (add → concat, h → concat)
    concat = next(wires for phase, node, wires in seen if phase == "backward" and node == "concat")
    ids = {n.name: n.id for n in scene.graph.nodes}
    assert set(concat) == {(ids["add"], ids["concat"]), (ids["h"], ids["concat"])}


def test_next_walks_every_node_forward_then_backward_on_the_textbook(step_inspector, qtbot) -> None:
    inspector, scene, _ = example(step_inspector, "textbook", 2)
    trace = inspector.trace
    seen = walk_with_next_button(qtbot, inspector, scene)
    assert len(seen) == len(trace.walk())
    forward = [node for phase, node, _ in seen if phase == "forward"]
    backward = [node for phase, node, _ in seen if phase == "backward"]
    assert forward == ["x", "w1", "sigmoid", "w2"] == [rec.name for rec in trace.forward]
    assert [node for phase, node, _ in seen if phase == "loss"] == ["loss"]
    assert backward == ["loss", "w2", "sigmoid", "w1"] == ["loss"] + [rec.name for rec in trace.backward]
    assert [node for phase, node, _ in seen if phase == "update"] == ["w1", "w2"]
    ids = {n.name: n.id for n in scene.graph.nodes}
    # values on the wires: forward a1 = 0.6792 into w2, backward ∂L/∂a1 = -0.2604 back along the same wire
    labels = dict((f"{phase}:{node}", wires) for phase, node, wires in seen)
    assert labels["forward:sigmoid"] == {(ids["w1"], ids["sigmoid"]): "0.75"}
    assert labels["forward:w2"] == {(ids["sigmoid"], ids["w2"]): "0.6792"}
    assert labels["loss:loss"] == {(ids["w2"], ids["loss"]): "0.3396"}
    assert labels["backward:loss"] == {(ids["w2"], ids["loss"]): "-0.5208"}  # ∂L/∂ŷ = 2(ŷ − y)
    assert labels["backward:w2"] == {(ids["sigmoid"], ids["w2"]): "-0.2604"}
    assert scene.step_highlight().caption.startswith("w2: 0.5 → 0.6769")
    # the pages follow: the last backward frame shows w1's card on the Backward page
    inspector.animator.go(len(seen) - 3)
    assert inspector.tabs.currentWidget() is inspector.backward_page
    assert inspector.backward_page.cards["w1"].active
    assert not inspector.controls.next_button.isEnabled() or inspector.animator.index < len(seen) - 1
    qtbot.mouseClick(inspector.controls.previous_button, Qt.MouseButton.LeftButton)
    assert inspector.animator.current.phase == "backward" and inspector.highlighted_node() == "sigmoid"


def test_play_runs_to_the_end_and_hover_marks_a_factors_node(step_inspector, qtbot) -> None:
    inspector, scene, _ = example(step_inspector, "xor", 1)
    animator = inspector.animator
    inspector.controls.speed.setValue(inspector.controls.speed.maximum())
    assert inspector.controls.speed_value.text() == "8×"
    animator.set_speed(40)  # faster than the slider goes, to keep the test short
    qtbot.mouseClick(inspector.controls.play_button, Qt.MouseButton.LeftButton)
    assert animator.playing
    qtbot.waitUntil(lambda: not animator.playing, timeout=20000)
    assert animator.index == len(animator.frames) - 1

    # hovering a factor of a chain rule rings the node it lives on
    page = inspector.chain_page
    ref, factor = next((r, f) for r, f in page._factors.items() if f.kind == "weight")
    page._hovered(ref)
    overlay = scene.step_highlight()
    ids = {n.name: n.id for n in scene.graph.nodes}
    assert overlay.hint_id == ids[factor.node] and overlay.hint_text.endswith(short_value(factor.value))
    page._hovered("")
    assert overlay.hint_id is None


def test_the_canvas_stays_interactive_and_the_ring_follows_a_dragged_node(step_inspector, qtbot) -> None:
    inspector, scene, _ = example(step_inspector, "textbook", 0)
    inspector.animator.go(2)  # forward at sigmoid
    overlay = scene.step_highlight()
    item = next(i for i in scene.node_items() if i.node.name == "sigmoid")
    center = item.sceneBoundingRect().center()
    assert isinstance(scene.itemAt(center, item.transform()), NodeItem)  # clicks reach the node, not the overlay
    assert overlay.shape().isEmpty()
    before = overlay.boundingRect()
    item.setPos(item.pos() + QPointF(200, 120))
    qtbot.waitUntil(lambda: overlay.boundingRect() != before, timeout=10000)
    assert overlay.boundingRect().contains(item.sceneBoundingRect().center())
    scene.document.graph.set_pos(item.node_id, 400, 300)  # a move is not a change of the network…
    qtbot.wait(20)
    assert "changed since" not in plain_text(inspector.summary)
    scene.add_node("Dense", (0, 400))  # … a new node is: the summary says the step is out of date
    qtbot.waitUntil(lambda: "changed since" in plain_text(inspector.summary), timeout=10000)
    inspector.hide()  # a hidden inspector leaves the canvas clean
    assert overlay.node_id is None and not overlay.wires


def test_a_conv_layers_two_image_panels_say_which_is_z_and_which_is_a(step_inspector) -> None:
    """conv_1's weighted sum and its output after ReLU are both images: each says what it shows, as
    a Dense layer's z₁ and a₁ columns do."""
    from gui.inspect.arrays import Heatmap

    inspector, _, _ = example(step_inspector, "digits_cnn", 2)
    assert inspector.trace is not None
    card = inspector.forward_page.cards["conv_1"]
    labels = [h.label for h in card.findChildren(Heatmap) if h.objectName().startswith("forwardValues:conv_1:")]
    assert labels == ["conv_1 · z (before relu)", "conv_1 · a = relu(z)"]
    dense = [h.label for h in inspector.forward_page.cards["dense_1"].findChildren(Heatmap)
             if h.objectName().startswith("forwardValues:dense_1:")]
    assert len(set(dense)) == len(dense)  # a Dense layer's panels were distinct already (z₁, a₁)
