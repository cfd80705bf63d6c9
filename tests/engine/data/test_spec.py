"""A document's dataset spec -> train/test sets and the preprocessing fitted on the train part."""
from __future__ import annotations

import numpy as np
import pytest

from engine.data import Preprocessor, make_dataset, prepare, split

PLAYGROUND_SPEC = {"kind": "generator", "name": "circle", "noise": 0.0, "train_ratio": 0.5, "seed": 0,
                   "features": ["x1", "x2"]}


def test_generator_spec_matches_the_functions_it_names():
    spec = {**PLAYGROUND_SPEC, "name": "spiral", "noise": 0.2, "seed": 4, "train_ratio": 0.7,
            "features": ["x1", "x2", "sin(x1)"]}
    prepared = prepare(spec)
    train, test = split(make_dataset("spiral", noise=0.2, seed=4), 0.7, seed=4)
    np.testing.assert_array_equal(prepared.train.X, train.X)
    assert prepared.test.n_samples == test.n_samples == 150
    assert prepared.preprocessor.features == ["x1", "x2", "sin(x1)"]
    assert not prepared.preprocessor.standardize  # raw, as in Playground


def test_real_data_are_standardised_by_default():
    prepared = prepare({"kind": "generator", "name": "iris", "train_ratio": 0.6, "stratify": True})
    assert prepared.preprocessor.standardize and prepared.preprocessor.class_names[0] == "setosa"
    assert prepared.train.class_counts().tolist() == [30, 30, 30]


def test_csv_spec_with_a_relative_path(tmp_path):
    (tmp_path / "pts.csv").write_text("a,b,c\n" + "\n".join(f"{i},{i % 3},{i % 2}" for i in range(20)))
    prepared = prepare({"kind": "csv", "path": "pts.csv", "target": "c", "train_ratio": 0.5}, base_dir=tmp_path)
    assert prepared.train.n_samples == 10 and prepared.preprocessor.input_names == ["a", "b"]
    assert prepared.preprocessor.standardize


def test_a_saved_preprocessor_is_reused():
    saved = Preprocessor.fit(make_dataset("circle", n=10), standardize=True)
    assert prepare(PLAYGROUND_SPEC, preprocessor=saved).preprocessor is saved


@pytest.mark.parametrize("spec, message", [
    ({"kind": "generator", "name": "iris", "features": ["x1", "x2"]}, "dataset.features: feature maps need 2"),
    ({"kind": "sql"}, "dataset.kind: expected one of generator, csv"),
    ({"kind": "csv"}, "dataset.path"),
])
def test_bad_specs(spec, message):
    with pytest.raises(ValueError, match=message):
        prepare(spec)
