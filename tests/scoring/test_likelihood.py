"""The held-out likelihood that judges the experts' graphs: flexible in the mechanism and the noise."""

from __future__ import annotations

import numpy as np

from causal_ensemble.experts import EndpointGraph
from causal_ensemble.scoring import heldout_gain
from causal_ensemble.scoring._likelihood import residual_loglik


def test_the_residual_density_is_gaussian_on_gaussian_noise_and_beats_it_on_uniform_noise() -> None:
    rng = np.random.default_rng(0)
    r, t = rng.standard_normal(3000), rng.standard_normal(2000)
    exact = -0.5 * (np.log(2 * np.pi) + t**2)
    assert abs(residual_loglik(r, t).mean() - exact.mean()) < 0.02
    u, ut = rng.uniform(-1.7, 1.7, 3000), rng.uniform(-1.7, 1.7, 2000)
    gauss = -0.5 * (np.log(2 * np.pi * u.var()) + ut**2 / u.var())
    assert residual_loglik(u, ut).mean() > gauss.mean() + 0.05
    assert np.all(np.isfinite(residual_loglik(u, np.r_[ut, 50.0])))  # far outliers stay finite


def _dag(edges: list[tuple[int, int]], d: int) -> EndpointGraph:
    A = np.zeros((d, d), dtype=bool)
    for i, j in edges:
        A[i, j] = True
    return EndpointGraph.from_dag(A)


def test_a_nonlinear_parent_is_seen_where_a_linear_fit_sees_nothing() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=3000)
    y = x**2 + 0.3 * rng.normal(size=3000)  # uncorrelated with x, fully dependent on it
    X = np.c_[x, y]
    true, empty = _dag([(0, 1)], 2), _dag([], 2)
    train, test = X[:2000], X[2000:]
    assert heldout_gain(true, train, test, False) > heldout_gain(empty, train, test, False) + 0.5


def test_with_non_gaussian_noise_the_causal_direction_fits_better_than_the_reverse() -> None:
    rng = np.random.default_rng(2)
    x = rng.uniform(-1.7, 1.7, size=4000)
    y = x + rng.uniform(-1.7, 1.7, size=4000)
    X = np.c_[x, y]
    forward, backward = _dag([(0, 1)], 2), _dag([(1, 0)], 2)
    train, test = X[:3000], X[3000:]
    assert heldout_gain(forward, train, test, False) > heldout_gain(backward, train, test, False)
