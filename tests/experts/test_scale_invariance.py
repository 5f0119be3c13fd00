"""Metamorphic test: the unit a column is recorded in (m or km, °C or K) must not change any graph.

Every expert that takes continuous data is fitted on a table and on a copy whose continuous columns are
multiplied by random positive factors spanning six orders of magnitude and shifted; the two graphs must
be identical. Constraint-based tests (Fisher-z) and BIC scores are invariant by construction, DirectLiNGAM
standardises inside the ``lingam`` package, and the least-squares optimisers standardise in their own fit;
without that, NOTEARS and DAGMA would orient edges by the columns' variances (varsortability).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from causal_ensemble.data.datasets import simulate_dag, simulate_sem
from causal_ensemble.experts import EXPERTS, DataKind, Family, make_expert
from causal_ensemble.experts._base import standardise_continuous

FloatMatrix = npt.NDArray[np.float64]

CONTINUOUS = sorted(name for name, cls in EXPERTS.items() if DataKind.CONTINUOUS in cls.supports)
MIXED = sorted(name for name, cls in EXPERTS.items() if DataKind.MIXED in cls.supports)

# small iteration budgets keep each fit near a second; invariance does not depend on convergence
_FAST: dict[str, dict[str, Any]] = {"notears": {"max_iter": 20}}


@pytest.fixture(scope="module")
def table() -> FloatMatrix:
    truth = simulate_dag(5, "er", edges_per_node=1.5, seed=1)
    return simulate_sem(truth, 500, "linear-nongaussian", seed=1)


def _rescaled(X: FloatMatrix, columns: npt.NDArray[np.bool_], seed: int) -> FloatMatrix:
    """``X`` with the chosen columns multiplied by 10^U(-3, 3) and shifted by a few of their new sds."""
    rng = np.random.default_rng(seed)
    d = X.shape[1]
    factor = np.where(columns, 10.0 ** rng.uniform(-3.0, 3.0, d), 1.0)
    shift = np.where(columns, rng.uniform(-5.0, 5.0, d) * factor * X.std(axis=0), 0.0)
    return X * factor + shift


def _fit(name: str, X: FloatMatrix, discrete: npt.NDArray[np.bool_]) -> npt.NDArray[np.int8]:
    expert = make_expert(name, random_state=0, **_FAST.get(name, {}))
    return expert.fit(X, discrete=discrete).graph_.marks


@pytest.mark.parametrize("name", CONTINUOUS)
def test_rescaling_continuous_columns_leaves_the_graph_unchanged(name: str, table: FloatMatrix) -> None:
    discrete = np.zeros(table.shape[1], dtype=bool)
    base = _fit(name, table, discrete)
    assert (base != 0).any(), "an empty graph would be trivially invariant"
    for seed in (2, 3):
        np.testing.assert_array_equal(_fit(name, _rescaled(table, ~discrete, seed), discrete), base)


@pytest.mark.parametrize("name", MIXED)
def test_rescaling_the_continuous_columns_of_mixed_data_leaves_the_graph_unchanged(
    name: str, table: FloatMatrix
) -> None:
    X = table.copy()
    X[:, 0] = (X[:, 0] > np.median(X[:, 0])).astype(float)
    discrete = np.zeros(X.shape[1], dtype=bool)
    discrete[0] = True
    base = _fit(name, X, discrete)
    np.testing.assert_array_equal(_fit(name, _rescaled(X, ~discrete, 4), discrete), base)


def test_least_squares_experts_say_that_they_standardise() -> None:
    for cls in EXPERTS.values():
        if cls.family is Family.CONTINUOUS_OPTIMISATION:
            assert any("standardised" in a for a in cls.assumptions), cls.name


def test_standardise_continuous_scales_only_continuous_columns() -> None:
    rng = np.random.default_rng(0)
    X = np.c_[
        rng.normal(3.0, 7.0, 200), rng.integers(0, 3, 200), np.full(200, 4.0), rng.exponential(size=200)
    ]
    discrete = np.array([False, True, False, False])
    before = X.copy()
    Z = standardise_continuous(X, discrete)
    np.testing.assert_array_equal(X, before)  # the caller's array is not modified
    np.testing.assert_allclose(Z[:, [0, 3]].mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z[:, [0, 3]].std(axis=0), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(Z[:, 1], X[:, 1])  # category codes untouched
    np.testing.assert_array_equal(Z[:, 2], 0.0)  # a constant column is only centred
    np.testing.assert_array_equal(standardise_continuous(X[:, [1]], np.array([True])), X[:, [1]])
