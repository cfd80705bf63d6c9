"""Live-view data: boundary grids, neuron maps, gradient norms, weight summaries, histograms."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.fileformat import load
from engine.session import open_session
from engine.snapshots import PlaneGrid, data_extent, gradient_norms, histograms, neuron_maps, plane_outputs, \
    weight_summary

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def session(name):
    return open_session(load(EXAMPLES / f"{name}.nnd"))


def test_grid_rows_follow_x2_and_columns_x1():
    grid = PlaneGrid.square((0.0, 1.0, 10.0, 20.0), 3)
    img = grid.reshape(grid.points[:, 0] + 100 * grid.points[:, 1])
    assert img[0, 0] == 0 + 1000 and img[0, 2] == 1 + 1000 and img[2, 0] == 0 + 2000


def test_binary_boundary_is_the_class_one_probability():
    s = session("xor")
    grid = PlaneGrid.square((-6, 6, -6, 6), 50)
    img = plane_outputs(s.network, s.preprocessor, grid)
    assert img.shape == (50, 50) and img.dtype == np.float32
    direct = s.network.predict(s.preprocessor.transform(grid.points))[:, 0].reshape(50, 50)
    np.testing.assert_allclose(img, direct, rtol=1e-6)


def test_multiclass_boundary_has_one_image_per_class_summing_to_one():
    s = session("spiral3")
    img = plane_outputs(s.network, s.preprocessor, PlaneGrid.square((-6, 6, -6, 6), 20))
    assert img.shape == (3, 20, 20)
    np.testing.assert_allclose(img.sum(axis=0), 1.0, atol=1e-5)


def test_regression_map_is_in_the_data_units():
    s = session("plane")
    img = plane_outputs(s.network, s.preprocessor, PlaneGrid.square((-6, 6, -6, 6), 10))
    assert img.shape == (10, 10) and np.all(np.isfinite(img))


def test_neuron_maps_cover_every_layer_and_cap_wide_ones():
    s = session("spiral")
    maps = neuron_maps(s.network, s.preprocessor, PlaneGrid.square((-6, 6, -6, 6), 12), max_units=4)
    assert maps["input_1"].shape == (4, 12, 12)  # the first 4 of 7 features
    assert maps["dense_3"].shape == (1, 12, 12)


def test_gradient_norms_and_weight_summary_after_a_step():
    s = session("spiral")
    s.trainer.step()
    norms = gradient_norms(s.network)
    assert set(norms) == {"dense_1", "dense_2", "dense_3"} and all(v > 0 for v in norms.values())
    w = weight_summary(s.network)
    assert w["dense_1"]["mean_abs"] > 0


def test_histograms_of_weights_and_gradients():
    s = session("spiral")
    s.trainer.step()
    h = histograms(s.network, "dense_1", bins=10)
    assert h["weights"]["counts"].sum() == 7 * 8 + 8 and len(h["gradients"]["edges"]) == 11
    assert histograms(s.network, "no_such_layer") is None


def test_data_extent_pads_the_data_box():
    X = np.array([[0.0, 0.0], [10.0, 2.0]])
    assert data_extent(X) == (-1.0, 11.0, -0.2, 2.2)
    assert data_extent(X, default=(-6, 6, -6, 6)) == (-6, 6, -6, 6)
