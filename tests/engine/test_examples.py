"""Every example network loads cleanly, validates, and a few epochs of training lower its loss."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.fileformat import load
from engine.session import open_session
from engine.validation import analyze

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "resources" / "examples").glob("*.nnd"))
EXPECTED = {"perceptron", "textbook", "xor", "circle", "spiral", "spiral3", "plane", "iris", "digits_mlp"}


def test_every_documented_example_exists():
    assert {p.stem for p in EXAMPLES} >= EXPECTED


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_loads_validates_and_learns(path):
    doc = load(path)
    assert doc.problems == []
    analysis = analyze(doc.graph)
    assert analysis.trainable, analysis.messages()
    assert not analysis.warnings, analysis.messages("warning")
    session = open_session(doc)
    trainer = session.trainer
    before = trainer.evaluate()["loss"]
    trainer.run(epochs=3)
    after = trainer.history["loss"][-1]
    assert after < before, f"{path.stem}: loss {before} -> {after}"
