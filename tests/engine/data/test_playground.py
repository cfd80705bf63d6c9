"""TF Playground's generators: sizes, balance, seeds, noise and the formulas of src/dataset.ts."""
from __future__ import annotations

import numpy as np
import pytest

from engine.data import make_dataset
from engine.data.playground import BUMPS

CLASSIFY = ["circle", "xor", "gauss", "spiral"]
REGRESS = ["plane", "multi_gauss"]


@pytest.mark.parametrize("name", CLASSIFY + REGRESS)
def test_default_sizes_and_shapes(name):
    ds = make_dataset(name)
    n = 500 if name in CLASSIFY else 1200
    assert ds.X.shape == (n, 2) and ds.X.dtype == np.float64
    assert ds.y.shape == (n,)
    assert ds.feature_names == ["x1", "x2"]
    if name in CLASSIFY:
        assert ds.task == "binary" and ds.class_names == ["0", "1"] and ds.y.dtype == np.int64
        assert set(np.unique(ds.y)) == {0, 1}
    else:
        assert ds.task == "regression" and ds.class_names == [] and ds.y.dtype == np.float64


@pytest.mark.parametrize("name", CLASSIFY + REGRESS)
def test_seed_reproducible_and_different(name):
    a, b = make_dataset(name, noise=0.2, seed=7), make_dataset(name, noise=0.2, seed=7)
    c = make_dataset(name, noise=0.2, seed=8)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.array_equal(a.X, c.X)


@pytest.mark.parametrize("name", CLASSIFY)
def test_odd_sizes_are_exact_and_balanced(name):
    ds = make_dataset(name, n=101, seed=1)
    assert ds.n_samples == 101
    if name in ("gauss", "spiral"):
        np.testing.assert_array_equal(ds.class_counts(), [50, 51])


def test_circle_noise_free_radii_and_labels():
    ds = make_dataset("circle", seed=3)
    r = np.hypot(ds.X[:, 0], ds.X[:, 1])
    np.testing.assert_array_equal(ds.class_counts(), [250, 250])
    assert np.all(r[ds.y == 1] < 2.5)
    assert np.all((r[ds.y == 0] >= 3.5) & (r[ds.y == 0] <= 5))


def test_circle_noise_flips_labels_near_the_boundary():
    ds = make_dataset("circle", noise=0.5, seed=3)
    r = np.hypot(ds.X[:, 0], ds.X[:, 1])
    geometric = (r < 2.5).astype(int)
    flipped = np.mean(geometric != ds.y)
    assert 0.02 < flipped < 0.5
    assert np.all((r < 2.5) | ((r >= 3.5) & (r <= 5)))  # the points themselves do not move


def test_xor_padding_and_labels():
    ds = make_dataset("xor", seed=4)
    assert np.all(np.abs(ds.X) >= 0.3) and np.all(np.abs(ds.X) <= 5.3)
    np.testing.assert_array_equal(ds.y, (ds.X[:, 0] * ds.X[:, 1] >= 0).astype(int))
    assert 200 < ds.class_counts()[1] < 300
    noisy = make_dataset("xor", noise=0.5, seed=4)
    assert np.mean(noisy.y != (noisy.X[:, 0] * noisy.X[:, 1] >= 0)) > 0.02


def test_gauss_centres_and_spread_growing_with_noise():
    ds = make_dataset("gauss", n=4000, seed=5)
    np.testing.assert_allclose(ds.X[ds.y == 1].mean(axis=0), [2, 2], atol=0.1)
    np.testing.assert_allclose(ds.X[ds.y == 0].mean(axis=0), [-2, -2], atol=0.1)
    assert ds.X[ds.y == 1].std() == pytest.approx(np.sqrt(0.5), rel=0.05)
    wide = make_dataset("gauss", n=4000, noise=0.5, seed=5)
    assert wide.X[wide.y == 1].std() == pytest.approx(2.0, rel=0.05)  # variance 4
    mid = make_dataset("gauss", n=4000, noise=0.25, seed=5)
    assert mid.X[mid.y == 0].std() == pytest.approx(np.sqrt(2.25), rel=0.05)


def test_spiral_follows_r_and_angle():
    ds = make_dataset("spiral")
    for label, offset in ((1, 0.0), (0, np.pi)):
        arm = ds.X[ds.y == label]
        i = np.arange(250)
        np.testing.assert_allclose(np.hypot(arm[:, 0], arm[:, 1]), 5 * i / 250, atol=1e-12)
        t = 1.75 * i / 250 * 2 * np.pi + offset
        np.testing.assert_allclose(arm, np.column_stack([5 * i / 250 * np.sin(t), 5 * i / 250 * np.cos(t)]),
                                   atol=1e-12)


def test_spiral_noise_moves_points_by_at_most_noise():
    clean, noisy = make_dataset("spiral"), make_dataset("spiral", noise=0.4, seed=2)
    moved = np.abs(noisy.X - clean.X)
    assert moved.max() <= 0.4 and moved.max() > 0.3
    np.testing.assert_array_equal(clean.y, noisy.y)


def test_plane_target():
    ds = make_dataset("plane", seed=6)
    assert np.all(np.abs(ds.X) <= 6)
    np.testing.assert_allclose(ds.y, ds.X.sum(axis=1) / 10)
    noisy = make_dataset("plane", noise=0.3, seed=6)
    error = noisy.y - noisy.X.sum(axis=1) / 10
    assert 0 < np.abs(error).max() <= 2 * 6 * 0.3 / 10 + 1e-12


def test_multi_gauss_bumps():
    ds = make_dataset("multi_gauss", seed=8)
    assert np.all(np.abs(ds.y) <= 1)
    d = np.linalg.norm(ds.X[:, None] - BUMPS[None, :, :2], axis=2)
    nearest = d.argmin(axis=1)
    near = d.min(axis=1) < 2  # bumps are at least 4 apart: within 2 of one, every other one is 0
    np.testing.assert_allclose(ds.y[near], BUMPS[nearest[near], 2] * (1 - d.min(axis=1)[near] / 2))
    far = d.min(axis=1) >= 2
    assert np.all(ds.y[far] == 0)
    assert np.any(ds.y > 0.5) and np.any(ds.y < -0.5)


def test_multi_gauss_noise_changes_targets_not_points():
    a, b = make_dataset("multi_gauss", seed=1), make_dataset("multi_gauss", noise=0.3, seed=1)
    np.testing.assert_array_equal(a.X, b.X)
    assert not np.allclose(a.y, b.y)


def test_noise_free_spiral_ignores_the_seed():
    # Playground's spiral draws nothing when noise is 0.
    np.testing.assert_array_equal(make_dataset("spiral", seed=1).X, make_dataset("spiral", seed=2).X)
