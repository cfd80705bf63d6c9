"""Every example network loads cleanly, validates, and a few epochs of training lower its loss; each reaches
the README's result from fresh weights, and an example saved trained already predicts at that result."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.fileformat import load
from engine.session import open_session
from engine.validation import analyze

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "resources" / "examples").glob("*.nnd"))
EXPECTED = {"perceptron", "textbook", "xor", "circle", "spiral", "spiral3", "plane", "iris", "digits_mlp",
            "digits_cnn"}
SAVED_TRAINED = {"digits_cnn"}  # build_examples.py trains these before saving them


def test_every_documented_example_exists():
    assert {p.stem for p in EXAMPLES} >= EXPECTED


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_loads_validates_and_learns(path):
    doc = load(path)
    assert doc.problems == []
    analysis = analyze(doc.graph)
    assert analysis.trainable, analysis.messages()
    assert not analysis.warnings, analysis.messages("warning")
    assert (doc.weights is not None) == (path.stem in SAVED_TRAINED)
    session = open_session(doc, restart=True)
    trainer = session.trainer
    before = trainer.evaluate()["loss"]
    trainer.run(epochs=3)
    after = trainer.history["loss"][-1]
    assert after < before, f"{path.stem}: loss {before} -> {after}"


README = Path(__file__).resolve().parents[2] / "README.md"


def readme_results() -> dict[str, tuple[int, str, float]]:
    """{example: (epochs, metric, value)} from the README's examples table."""
    import re

    rows = {}
    for m in re.finditer(r"^\| `(\w+)\.nnd` \| [^|]+ \| (\d+) \| ([^|]+) \|$", README.read_text(encoding="utf-8"),
                         flags=re.M):
        name, epochs, result = m.group(1), int(m.group(2)), m.group(3)
        value = float(re.search(r"([\d.]+)", result.split(" ", 2)[-1] if "R²" in result else result).group(1))
        metric = ("r2" if "R²" in result else "loss" if "loss" in result else "accuracy")
        rows[name] = (epochs, metric, value)
    return rows


def test_readme_table_lists_every_example():
    assert set(readme_results()) == EXPECTED


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_reaches_the_readme_result(name):
    epochs, metric, stated = readme_results()[name]
    doc = load(Path(README.parent, "resources", "examples", f"{name}.nnd"))
    assert doc.training.epochs == epochs
    session = open_session(doc, restart=True)
    result = session.trainer.run()
    assert result.status == "completed"
    h = session.trainer.history
    test_key = "val_" + metric if session.trainer.val is not None else metric
    got = h[test_key][-1]
    if metric == "accuracy":
        assert got * 100 >= stated - 1.0, f"{name}: {got:.1%} vs README {stated} %"
    elif metric == "r2":
        assert got >= stated - 0.01
    else:
        assert h["loss"][-1] <= stated * 1.05


@pytest.mark.parametrize("name", sorted(SAVED_TRAINED))
def test_example_saved_trained_predicts_at_the_readme_result(name):
    epochs, metric, stated = readme_results()[name]
    doc = load(Path(README.parent, "resources", "examples", f"{name}.nnd"))
    session = open_session(doc)
    assert session.trainer.epoch == epochs
    assert session.test_metrics()[metric] * 100 >= stated - 0.05
