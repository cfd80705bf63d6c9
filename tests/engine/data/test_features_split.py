"""Playground's feature maps and the train/test split."""
from __future__ import annotations

import numpy as np
import pytest

from engine.data import FEATURE_LABELS, FEATURES, feature_map, make_dataset, split


def test_feature_names_and_labels():
    assert FEATURES == ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
    labels = [FEATURE_LABELS[f] for f in FEATURES]
    assert labels == ["x₁", "x₂", "x₁²", "x₂²", "x₁x₂", "sin(x₁)", "sin(x₂)"]


def test_feature_values():
    X = np.array([[2.0, -3.0], [0.5, 1.0]])
    out = feature_map(X, FEATURES)
    expected = [[2, -3, 4, 9, -6, np.sin(2), np.sin(-3)], [0.5, 1, 0.25, 1, 0.5, np.sin(0.5), np.sin(1)]]
    np.testing.assert_allclose(out, expected)
    np.testing.assert_array_equal(feature_map(X, ["x1*x2", "x1"]), [[-6, 2], [0.5, 0.5]])


@pytest.mark.parametrize("features, message", [
    (["x3"], "Unknown feature 'x3'"),
    (["x1", "x1"], "chosen twice"),
    ([], "at least one feature"),
    ("x1", "list of names"),
])
def test_bad_feature_choices(features, message):
    with pytest.raises(ValueError, match=message):
        feature_map(np.zeros((1, 2)), features)


def test_feature_map_needs_two_inputs():
    with pytest.raises(ValueError, match="2 inputs"):
        feature_map(np.zeros((4, 3)), ["x1"])


@pytest.mark.parametrize("ratio, n_train", [(0.1, 50), (0.5, 250), (0.9, 450), (0.29, 145)])
def test_split_sizes(ratio, n_train):
    ds = make_dataset("circle", seed=1)
    train, test = split(ds, ratio, seed=2)
    assert train.n_samples == n_train and test.n_samples == 500 - n_train
    # Together they are the whole dataset, once each.
    both = np.concatenate([train.X, test.X])
    assert np.unique(both, axis=0).shape[0] == 500
    assert train.class_names == ds.class_names and train.task == ds.task


def test_split_floor_is_not_fooled_by_rounding():
    train, _ = split(make_dataset("circle", n=100), 0.29)
    assert train.n_samples == 29  # 100 · 0.29 = 28.999… in floating point


def test_split_reproducible_from_seed():
    ds = make_dataset("xor", seed=1)
    a, b, c = split(ds, 0.5, seed=3)[0], split(ds, 0.5, seed=3)[0], split(ds, 0.5, seed=4)[0]
    np.testing.assert_array_equal(a.X, b.X)
    assert not np.array_equal(a.X, c.X)


def test_split_leaves_the_dataset_alone():
    ds = make_dataset("xor", seed=1)
    before = ds.X.copy()
    train, _ = split(ds, 0.5)
    train.X[:] = 0
    np.testing.assert_array_equal(ds.X, before)


def test_stratified_split_keeps_class_shares():
    ds = make_dataset("iris")
    train, test = split(ds, 0.3, seed=1, stratify=True)
    assert train.class_counts().tolist() == [15, 15, 15]
    assert test.class_counts().tolist() == [35, 35, 35]
    train, _ = split(make_dataset("blobs3", n=100), 0.5, stratify=True)
    assert train.n_samples == 50 and sorted(train.class_counts().tolist()) == [16, 17, 17]


@pytest.mark.parametrize("ratio", [0, 1.5, 50, -0.5, True])
def test_split_rejects_bad_ratios(ratio):
    with pytest.raises(ValueError, match="above 0 and at most 1"):
        split(make_dataset("circle"), ratio)


def test_split_ratio_one_trains_on_everything():
    train, test = split(make_dataset("circle", n=20), 1.0)
    assert train.n_samples == 20 and test.n_samples == 0 and test.X.shape == (0, 2)


def test_split_needs_a_row_on_each_side():
    with pytest.raises(ValueError, match=r"has 5 rows, fewer than a train ratio of 0.1 needs: the training set "
                                         r"would get 0 and the test set 5"):
        split(make_dataset("circle", n=5), 0.1)
