"""Moons, three-arm spiral, three blobs, sine; the catalogue and make_dataset's argument checks."""
from __future__ import annotations

import numpy as np
import pytest

from engine.data import DATASETS, Dataset, dataset_info, make_dataset, one_hot

SHAPES = ["moons", "spiral3", "blobs3", "sine"]


@pytest.mark.parametrize("name", SHAPES)
def test_shapes_sizes_seeds_and_noise(name):
    info = DATASETS[name]
    ds = make_dataset(name, noise=0.2, seed=1)
    assert ds.n_samples == info.default_n and ds.X.shape == (info.default_n, info.dims)
    assert ds.task == info.task and ds.n_classes == info.n_classes
    np.testing.assert_array_equal(ds.X, make_dataset(name, noise=0.2, seed=1).X)
    assert not np.array_equal(ds.X, make_dataset(name, noise=0.2, seed=2).X)
    clean = make_dataset(name, noise=0.0, seed=1)
    assert not np.array_equal(ds.X if name != "sine" else ds.y, clean.X if name != "sine" else clean.y)


def test_moons_geometry():
    ds = make_dataset("moons", seed=2)
    np.testing.assert_array_equal(ds.class_counts(), [250, 250])
    # Undo the centring and scaling: the moons are unit half circles around (0, 0) and (1, 0.5).
    p = ds.X / 3 + [0.5, 0.25]
    np.testing.assert_allclose(np.hypot(*p[ds.y == 0].T), 1)
    np.testing.assert_allclose(np.hypot(p[ds.y == 1, 0] - 1, p[ds.y == 1, 1] - 0.5), 1)
    assert np.all(p[ds.y == 0, 1] >= 0) and np.all(p[ds.y == 1, 1] <= 0.5)


def test_spiral3_arms():
    ds = make_dataset("spiral3", n=300)
    np.testing.assert_array_equal(ds.class_counts(), [100, 100, 100])
    for k in range(3):
        arm = ds.X[ds.y == k]
        i = np.arange(100)
        np.testing.assert_allclose(np.hypot(*arm.T), 5 * i / 100, atol=1e-12)
        t = 2 * np.pi * i / 100 + 2 * np.pi * k / 3
        np.testing.assert_allclose(arm[1:], (5 * i / 100 * np.array([np.sin(t), np.cos(t)])).T[1:], atol=1e-12)


def test_blobs3_centres():
    ds = make_dataset("blobs3", n=3000, seed=3)
    means = np.array([ds.X[ds.y == k].mean(axis=0) for k in range(3)])
    np.testing.assert_allclose(np.hypot(*means.T), 3.5, atol=0.1)
    np.testing.assert_allclose(means[0], [0, 3.5], atol=0.1)


def test_sine_target():
    ds = make_dataset("sine", seed=4)
    assert ds.X.shape == (200, 1) and ds.feature_names == ["x"]
    assert np.all(np.abs(ds.X) <= 6)
    np.testing.assert_allclose(ds.y, np.sin(ds.X[:, 0]))
    noisy = make_dataset("sine", n=5000, noise=0.3, seed=4)
    assert np.std(noisy.y - np.sin(noisy.X[:, 0])) == pytest.approx(0.3, rel=0.05)


def test_uneven_thirds():
    assert make_dataset("blobs3", n=7).class_counts().tolist() == [3, 2, 2]


def test_catalogue_covers_every_name():
    assert list(DATASETS) == ["circle", "xor", "gauss", "spiral", "plane", "multi_gauss", "moons", "spiral3",
                              "blobs3", "sine", "iris", "digits"]
    for name, info in DATASETS.items():
        assert info.name == name and info.title and info.description
        assert info.has_noise == (info.kind != "real")


@pytest.mark.parametrize("kwargs, message", [
    ({"name": "circel"}, "Did you mean 'circle'"),
    ({"name": "circle", "noise": 30}, "noise is a fraction from 0 to 0.5"),
    ({"name": "circle", "noise": -0.1}, "noise is a fraction"),
    ({"name": "circle", "n": 1}, "circle needs between 2 and"),
    ({"name": "blobs3", "n": 2}, "between 3 and"),
    ({"name": "circle", "n": 2.5}, "whole number of samples"),
    ({"name": "circle", "seed": -1}, "seed must be a whole number"),
    ({"name": "iris", "n": 100}, "fixed size of 150"),
])
def test_make_dataset_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_dataset(**kwargs)


def test_make_dataset_rejects_unknown_options():
    with pytest.raises(TypeError, match="takes no option 'flat'"):
        make_dataset("circle", flat=True)


def test_real_data_ignore_noise_and_seed():
    np.testing.assert_array_equal(make_dataset("iris", noise=0.3, seed=5).X, make_dataset("iris").X)
    assert not dataset_info("iris").has_noise


def test_dataset_validates_itself():
    with pytest.raises(ValueError, match="class indices must lie in 0..1"):
        Dataset("d", np.zeros((2, 1)), [0, 2], "binary", ["a"], ["0", "1"])
    with pytest.raises(ValueError, match="2 samples but 3 targets"):
        Dataset("d", np.zeros((2, 1)), [0.0, 1.0, 2.0], "regression", ["a"], [])
    with pytest.raises(ValueError, match="task must be one of"):
        Dataset("d", np.zeros((2, 1)), [0, 1], "classify", ["a"], ["0", "1"])


def test_one_hot():
    np.testing.assert_array_equal(one_hot([2, 0], 3), [[0, 0, 1], [1, 0, 0]])
    with pytest.raises(ValueError):
        one_hot([3], 3)
