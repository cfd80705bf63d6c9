"""From a document to a training setup: data split, validation, fit checks, storing results."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine.errors import TrainingError
from engine.fileformat import load
from engine.session import open_session, predict, store

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def test_validation_is_the_test_split_by_default():
    s = open_session(load(EXAMPLES / "iris.nnd"))
    assert s.validation_is_test
    np.testing.assert_array_equal(s.trainer.val[0], s.X_test.astype(np.float32))


def test_validation_split_holds_out_training_data_and_keeps_the_test_split_unseen():
    doc = load(EXAMPLES / "iris.nnd")
    doc.training.validation_split = 0.3
    s = open_session(doc)
    assert not s.validation_is_test
    assert len(s.trainer.X) + len(s.trainer.val[0]) == len(s.X_train)
    assert len(s.trainer.val[0]) == round(0.3 * len(s.X_train))
    s.trainer.run(epochs=2)
    assert set(s.test_metrics()) == {"loss", "accuracy"}


@pytest.mark.parametrize("change, message", [
    (lambda g: g.set_params(g.find("input_1"), shape=[5]), "set input_1's shape to [4]"),
    (lambda g: g.set_params(g.find("dense_2"), units=4), "The data has 3 classes but dense_2 outputs (4,)"),
])
def test_a_network_that_does_not_fit_the_data_is_explained(change, message):
    doc = load(EXAMPLES / "iris.nnd")
    change(doc.graph)
    with pytest.raises(TrainingError) as info:
        open_session(doc)
    assert message in str(info.value)


def test_store_then_predict_in_the_dataset_labels():
    doc = load(EXAMPLES / "iris.nnd")
    s = open_session(doc)
    s.trainer.run(epochs=30)
    store(s)
    assert doc.weights and doc.history and doc.preprocessing
    labels, probs = predict(doc, s.data.test.X[:5])
    assert set(labels) <= {"setosa", "versicolor", "virginica"} and probs.shape == (5, 3)
    with pytest.raises(TrainingError, match="no trained weights"):
        predict(load(EXAMPLES / "iris.nnd"), s.data.test.X[:5])
