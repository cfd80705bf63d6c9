"""The real datasets shipped in resources/datasets/."""
from __future__ import annotations

import numpy as np
import pytest

from engine.data import bundled, make_dataset


def test_iris():
    ds = make_dataset("iris")
    assert ds.X.shape == (150, 4) and ds.task == "multiclass"
    assert ds.feature_names == ["sepal_length", "sepal_width", "petal_length", "petal_width"]
    assert ds.class_names == ["setosa", "versicolor", "virginica"]
    assert ds.class_counts().tolist() == [50, 50, 50]
    np.testing.assert_array_equal(ds.X[0], [5.1, 3.5, 1.4, 0.2])
    # Fisher's published means (cm), as in scikit-learn's description of the file.
    np.testing.assert_allclose(ds.X.mean(axis=0), [5.84, 3.05, 3.76, 1.20], atol=0.01)


def test_digits_flat():
    ds = make_dataset("digits")
    assert ds.X.shape == (1797, 64) and ds.task == "multiclass"
    assert ds.class_names == [str(d) for d in range(10)]
    assert ds.X.min() == 0 and ds.X.max() == 16 and np.all(ds.X == np.round(ds.X))
    assert ds.class_counts().tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    assert ds.feature_names[:3] == ["px_0_0", "px_0_1", "px_0_2"] and ds.feature_names[-1] == "px_7_7"


def test_digits_as_images():
    flat, images = make_dataset("digits"), make_dataset("digits", flat=False)
    assert images.X.shape == (1797, 1, 8, 8) and images.input_shape == (1, 8, 8)
    np.testing.assert_array_equal(images.X[5, 0, 2], flat.X[5, 16:24])  # row-major pixels


def test_each_call_returns_a_fresh_copy():
    a = make_dataset("iris")
    a.X[:] = 0
    a.class_names.append("rose")
    b = make_dataset("iris")
    assert b.X[0, 0] == 5.1 and len(b.class_names) == 3


def test_missing_resources_say_where_they_were_expected(monkeypatch, tmp_path):
    monkeypatch.setattr(bundled, "DATASETS_DIR", tmp_path)
    with pytest.raises(FileNotFoundError, match=r"The bundled dataset 'iris' is missing: expected .*iris\.csv"):
        bundled.bundled_path("iris")
