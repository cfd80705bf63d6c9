"""Weight initializers: the statistics of every scheme, Dense's use of them, and seed reproducibility."""
from __future__ import annotations

import math

import numpy as np
import pytest

from engine import Graph, Network, ParamError
from engine.graph import chain
from engine.initializers import INITIALIZERS, initialize

FAN_IN, FAN_OUT = 30, 50
SHAPE = (400, 500)  # 200,000 draws: the sample std is within ~0.2% of the true one


def draw(name: str, **kw) -> np.ndarray:
    return initialize(name, SHAPE, FAN_IN, FAN_OUT, np.random.default_rng(0), **kw)


@pytest.mark.parametrize("name,limit", [
    ("glorot_uniform", math.sqrt(6 / (FAN_IN + FAN_OUT))),
    ("he_uniform", math.sqrt(6 / FAN_IN)),
])
def test_uniform_schemes_bounds_and_spread(name: str, limit: float) -> None:
    w = draw(name)
    assert w.shape == SHAPE and w.dtype == np.float64
    assert -limit <= w.min() < -0.99 * limit and 0.99 * limit < w.max() <= limit
    assert abs(w.mean()) < 0.01 * limit
    assert w.std() == pytest.approx(limit / math.sqrt(3), rel=0.01)


@pytest.mark.parametrize("name,std", [
    ("glorot_normal", math.sqrt(2 / (FAN_IN + FAN_OUT))),
    ("he_normal", math.sqrt(2 / FAN_IN)),
    ("lecun_normal", math.sqrt(1 / FAN_IN)),
])
def test_normal_schemes_spread(name: str, std: float) -> None:
    w = draw(name)
    assert abs(w.mean()) < 0.01 * std
    assert w.std() == pytest.approx(std, rel=0.01)
    assert np.abs(w).max() > 4 * std  # a normal, not a truncated or uniform draw
    assert np.mean(np.abs(w) < std) == pytest.approx(0.6827, abs=0.005)


def test_uniform_low_high() -> None:
    w = draw("uniform", low=-0.5, high=0.5)
    assert -0.5 <= w.min() < -0.499 and 0.499 < w.max() < 0.5
    w = draw("uniform", low=2.0, high=3.0)
    assert 2.0 <= w.min() and w.max() < 3.0 and w.mean() == pytest.approx(2.5, abs=0.01)


def test_zeros() -> None:
    np.testing.assert_array_equal(draw("zeros"), np.zeros(SHAPE))


def test_every_scheme_is_listed_and_unknown_ones_refused() -> None:
    for name in INITIALIZERS:
        assert draw(name).shape == SHAPE
    with pytest.raises(ValueError, match="Unknown initializer 'orthogonal'"):
        draw("orthogonal")


def test_same_generator_state_same_draw() -> None:
    a = initialize("he_normal", (3, 4), 3, 4, np.random.default_rng(5))
    b = initialize("he_normal", (3, 4), 3, 4, np.random.default_rng(5))
    np.testing.assert_array_equal(a, b)


# ---- through Dense and Network -----------------------------------------------------------------------

def mlp(seed: int = 0, dtype: str = "float32", extra: bool = False, **dense) -> Network:
    g = Graph()
    nodes = [g.add_node("Input", shape=[2]), g.add_node("Dense", "h1", units=8, **dense)]
    if extra:
        nodes.append(g.add_node("Dense", "extra", units=8))
    nodes += [g.add_node("Dense", "h2", units=8, **dense), g.add_node("Dense", "out", units=1),
              g.add_node("Loss", function="mse")]
    chain(g, nodes)
    return Network(g, seed=seed, dtype=dtype)


def test_playground_initialization_through_dense() -> None:
    w = mlp(initializer="uniform", init_low=-0.5, init_high=0.5, bias_init=0.1).get_weights()
    assert w["h1/W"].shape == (2, 8) and w["h1/b"].shape == (8,)
    for key in ("h1/W", "h2/W"):
        assert w[key].dtype == np.float32
        assert np.all(w[key] >= -0.5) and np.all(w[key] < 0.5) and np.ptp(w[key]) > 0.5
    np.testing.assert_array_equal(w["h1/b"], np.float32(0.1))
    np.testing.assert_array_equal(w["out/b"], 0.0)  # the default bias


def test_dense_default_is_glorot_uniform() -> None:
    w = mlp(seed=1).get_weights()["h2/W"]  # fan_in 8, fan_out 8
    assert np.abs(w).max() <= math.sqrt(6 / 16)


def test_dense_uniform_bounds_must_be_ordered() -> None:
    with pytest.raises(ParamError, match="init_low ≤ init_high"):
        Graph().add_node("Dense", initializer="uniform", init_low=0.6, init_high=0.5)


def test_dense_zeros_initializer() -> None:
    w = mlp(initializer="zeros").get_weights()
    np.testing.assert_array_equal(w["h1/W"], 0)


def _same(a: dict, b: dict, keys=None) -> bool:
    return all(np.array_equal(a[k], b[k]) for k in (keys or a))


def test_same_seed_same_weights_different_seed_different_weights() -> None:
    assert _same(mlp(seed=3).get_weights(), mlp(seed=3).get_weights())
    assert not np.array_equal(mlp(seed=3).get_weights()["h1/W"], mlp(seed=4).get_weights()["h1/W"])


def test_reinitializing_with_the_seed_reproduces_the_weights() -> None:
    net = mlp(seed=3)
    first = net.get_weights()
    net.initialize(9)
    assert not _same(first, net.get_weights())
    net.initialize(3)
    assert _same(first, net.get_weights())


def test_layers_draw_from_independent_streams() -> None:
    w = mlp(seed=0, extra=True).get_weights()
    # "extra" and "h2" have the same shape and scheme; only their names differ
    a, b = w["extra/W"].ravel(), w["h2/W"].ravel()
    assert not np.array_equal(a, b)
    assert abs(np.corrcoef(a, b)[0, 1]) < 0.3


def test_adding_a_node_does_not_change_the_other_weights() -> None:
    before, after = mlp(seed=2).get_weights(), mlp(seed=2, extra=True).get_weights()
    assert "extra/W" in after
    assert _same(before, after, ["h1/W", "h1/b", "h2/W", "out/W"])


def test_float64_network_gets_the_same_draws() -> None:
    w32, w64 = mlp(seed=5).get_weights(), mlp(seed=5, dtype="float64").get_weights()
    assert w64["h1/W"].dtype == np.float64
    np.testing.assert_allclose(w32["h1/W"], w64["h1/W"], rtol=1e-7)
