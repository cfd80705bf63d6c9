"""The Preprocessor: fitted on the training split, JSON round trip, raw features in, labels out."""
from __future__ import annotations

import json

import numpy as np
import pytest

from engine.data import Dataset, Preprocessor, make_dataset, split


def roundtrip(pre: Preprocessor) -> Preprocessor:
    return Preprocessor.from_dict(json.loads(json.dumps(pre.to_dict())))


def test_statistics_come_from_the_training_split_only():
    train, test = split(make_dataset("gauss", noise=0.3, seed=1), 0.5, seed=1)
    test.X += 100.0  # were the test rows used, the mean would move by about 50
    pre = Preprocessor.fit(train)
    np.testing.assert_allclose(pre.mean, train.X.mean(axis=0))
    np.testing.assert_allclose(pre.std, train.X.std(axis=0))
    Z = pre.transform(train.X)
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0), 1)
    assert np.all(pre.transform(test.X).mean(axis=0) > 10)


def test_feature_map_then_standardise():
    train = make_dataset("circle", n=200, seed=2)
    pre = Preprocessor.fit(train, features=["x1^2", "x2^2", "sin(x1)"])
    assert pre.n_inputs == 3 and pre.network_input_shape == (3,)
    mapped = np.column_stack([train.X[:, 0] ** 2, train.X[:, 1] ** 2, np.sin(train.X[:, 0])])
    np.testing.assert_allclose(pre.transform(train.X), (mapped - mapped.mean(0)) / mapped.std(0))


def test_playground_style_no_standardisation():
    ds = make_dataset("xor", n=20)
    pre = Preprocessor.fit(ds, features=["x1", "x2", "x1*x2"], standardize=False)
    np.testing.assert_array_equal(pre.transform(ds.X)[:, 2], ds.X[:, 0] * ds.X[:, 1])
    assert pre.mean is None and pre.to_dict()["mean"] is None


def test_constant_column_gets_std_one():
    ds = Dataset("c", np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]]), [0.0, 1.0, 2.0], "regression", ["a", "b"], [])
    pre = Preprocessor.fit(ds)
    assert pre.std[1] == 1.0
    np.testing.assert_array_equal(pre.transform(ds.X)[:, 1], 0.0)


@pytest.mark.parametrize("name, kw", [("circle", {"features": ["x1", "x2", "x1*x2"]}), ("iris", {}),
                                      ("sine", {"standardize_targets": True}), ("digits", {}), ("blobs3", {})])
def test_json_round_trip_is_exact(name, kw):
    ds = make_dataset(name, flat=False) if name == "digits" else make_dataset(name, noise=0.1)
    pre = Preprocessor.fit(ds, **kw)
    again = roundtrip(pre)
    np.testing.assert_array_equal(again.transform(ds.X[:50]), pre.transform(ds.X[:50]))
    assert again.to_dict() == pre.to_dict() and again == pre
    assert again.input_names == ds.feature_names and again.class_names == ds.class_names


def test_image_statistics_are_per_channel():
    ds = make_dataset("digits", flat=False)
    pre = Preprocessor.fit(ds)
    assert pre.mean.shape == (1, 1, 1) and pre.network_input_shape == (1, 8, 8) and pre.n_inputs == 64
    assert pre.mean.item() == pytest.approx(ds.X.mean())
    assert pre.to_dict()["mean"] == [pytest.approx(ds.X.mean())]


def test_decode_binary_and_multiclass_to_labels():
    pre = Preprocessor.fit(make_dataset("circle", n=10))
    labels, probs = pre.decode(np.array([[0.2], [0.7]]))
    assert labels.tolist() == ["0", "1"]
    np.testing.assert_allclose(probs, [[0.8, 0.2], [0.3, 0.7]])
    iris = Preprocessor.fit(make_dataset("iris"))
    labels, probs = iris.decode(np.array([[0.1, 0.2, 0.7], [0.8, 0.1, 0.1]]))
    assert labels.tolist() == ["virginica", "setosa"] and probs.shape == (2, 3)
    with pytest.raises(ValueError, match="Expected 3 class scores"):
        iris.decode(np.zeros((2, 4)))


def test_decode_regression_undoes_target_scaling():
    ds = make_dataset("plane", n=100, seed=3)
    ds.y = ds.y * 1000 + 7
    pre = Preprocessor.fit(ds, standardize_targets=True)
    encoded = pre.encode_targets(ds.y)
    assert abs(encoded.mean()) < 1e-12 and encoded.std() == pytest.approx(1)
    values, probs = pre.decode(encoded[:, None])
    assert probs is None and values.shape == (100,)
    np.testing.assert_allclose(values, ds.y)


def test_encode_targets_accepts_indices_and_labels():
    pre = Preprocessor.fit(make_dataset("iris"))
    np.testing.assert_array_equal(pre.encode_targets([2, 0]), [2, 0])
    np.testing.assert_array_equal(pre.encode_targets(["virginica", "setosa", "versicolor"]), [2, 0, 1])
    with pytest.raises(ValueError, match="Unknown class label 'rose'"):
        pre.encode_targets(["rose"])
    with pytest.raises(ValueError, match="out of range"):
        pre.encode_targets([3])


def test_predict_on_raw_data_with_a_model():
    train = make_dataset("iris")
    pre = roundtrip(Preprocessor.fit(train))

    class NearestMean:  # stands in for a Network: takes network input, returns class probabilities
        def __init__(self, Z, y):
            self.centres = np.array([Z[y == k].mean(axis=0) for k in range(3)])

        def predict(self, Z):
            d = -np.linalg.norm(Z[:, None] - self.centres[None], axis=2)
            e = np.exp(d - d.max(axis=1, keepdims=True))
            return e / e.sum(axis=1, keepdims=True)

    model = NearestMean(pre.transform(train.X), train.y)
    labels, _ = pre.predict(model, train.X)
    assert np.mean(labels == np.array(train.class_names)[train.y]) > 0.85
    one, _ = pre.predict(model, [5.1, 3.5, 1.4, 0.2])  # a single raw sample
    assert one.tolist() == ["setosa"]


def test_transform_checks_the_raw_shape():
    pre = Preprocessor.fit(make_dataset("iris"))
    with pytest.raises(ValueError, match=r"Expected samples of 4 raw values \(sepal_length"):
        pre.transform(np.zeros((3, 2)))
    sine = Preprocessor.fit(make_dataset("sine"))
    assert sine.transform(np.array([0.0, 1.0, 2.0])).shape == (3, 1)


def test_features_need_two_raw_inputs():
    with pytest.raises(ValueError, match="need exactly 2 raw inputs; this data has 4"):
        Preprocessor.fit(make_dataset("iris"), features=["x1"])


def good_dict() -> dict:
    return Preprocessor.fit(make_dataset("circle", n=20), features=["x1", "x2"]).to_dict()


@pytest.mark.parametrize("change, field", [
    ({"task": "classify"}, "'task'"),
    ({"class_names": ["a"]}, "'class_names'"),
    ({"class_names": "ab"}, "'class_names'"),
    ({"input_shape": [0]}, "'input_shape'"),
    ({"input_names": ["x1"]}, "'input_names'"),
    ({"features": ["x9"]}, "'features'"),
    ({"standardize": "yes"}, "'standardize'"),
    ({"mean": [0.0]}, "'mean'"),
    ({"std": [1.0, 0.0]}, "'std'"),
    ({"std": [1.0, "2"]}, "'std'"),
    ({"target_mean": 1.0}, "'target_mean'"),
    ({"version": 99}, "'version'"),
])
def test_from_dict_names_the_bad_field(change, field):
    data = {**good_dict(), **change}
    with pytest.raises(ValueError, match=f"preprocessing field {field}"):
        Preprocessor.from_dict(data)


def test_from_dict_reports_missing_fields_and_ignores_unknown_ones():
    data = good_dict()
    del data["task"]
    with pytest.raises(ValueError, match="preprocessing field 'task': missing"):
        Preprocessor.from_dict(data)
    assert Preprocessor.from_dict({**good_dict(), "future": 1}).features == ["x1", "x2"]
    with pytest.raises(ValueError, match="expected an object"):
        Preprocessor.from_dict([1, 2])
