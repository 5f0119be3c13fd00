"""The numpy NOTEARS, adaptive NOTEARS and DAGMA solvers on small problems with known answers."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from causal_ensemble import InputError
from causal_ensemble.beliefs import reachability
from causal_ensemble.experts._dagma import dagma_linear
from causal_ensemble.experts._notears import adaptive_notears_linear, make_acyclic, notears_linear

Solver = Callable[..., npt.NDArray[Any]]
SOLVERS: dict[str, Solver] = {
    "notears": notears_linear,
    "adaptive_notears": adaptive_notears_linear,
    "dagma": dagma_linear,
}


def _raw_linear(n: int = 1000, seed: int = 0) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
    """A -> B -> D <- C, D -> E with unit noise on raw scale (varsortable: these methods' home turf)."""
    rng = np.random.default_rng(seed)
    a = rng.normal(size=n)
    b = 1.5 * a + rng.normal(size=n)
    c = rng.normal(size=n)
    d = 1.0 * b - 1.2 * c + rng.normal(size=n)
    e = 0.8 * d + rng.normal(size=n)
    truth = np.zeros((5, 5), dtype=bool)
    truth[0, 1] = truth[1, 3] = truth[2, 3] = truth[3, 4] = True
    return np.c_[a, b, c, d, e], truth


@pytest.mark.parametrize("name", sorted(SOLVERS))
def test_recovers_a_small_dag(name: str) -> None:
    X, truth = _raw_linear()
    W = SOLVERS[name](X - X.mean(axis=0))
    assert int(np.sum((W != 0) != truth)) <= 1
    assert not np.diag(reachability(W != 0)).any()


@pytest.mark.parametrize("name", sorted(SOLVERS))
def test_forbidden_entries_stay_zero(name: str) -> None:
    X, _ = _raw_linear()
    forbidden = np.zeros((5, 5), dtype=bool)
    forbidden[0, 1] = forbidden[3, 4] = True
    W = SOLVERS[name](X - X.mean(axis=0), forbidden=forbidden)
    assert W[0, 1] == 0 and W[3, 4] == 0


@pytest.mark.parametrize("name", sorted(SOLVERS))
def test_deadline_returns_early(name: str) -> None:
    X, _ = _raw_linear(2000)
    start = time.monotonic()
    W = SOLVERS[name](X - X.mean(axis=0), deadline=start)
    assert time.monotonic() - start < 5.0
    assert W.shape == (5, 5)


def test_adaptive_notears_needs_no_threshold_for_sparsity() -> None:
    rng = np.random.default_rng(3)
    n, d = 2000, 8
    X = rng.normal(size=(n, d))
    X[:, 1] += 1.0 * X[:, 0]
    X[:, 5] += -1.5 * X[:, 4]
    W = adaptive_notears_linear(X - X.mean(axis=0))
    support = W != 0
    assert support.sum() == 2 and (support[0, 1] or support[1, 0]) and (support[4, 5] or support[5, 4])


def test_make_acyclic_drops_the_weakest_edge_of_a_cycle() -> None:
    W = np.array([[0, 1.0, 0], [0, 0, 2.0], [0.1, 0, 0]])
    out = make_acyclic(W)
    assert out[2, 0] == 0 and out[0, 1] == 1.0 and out[1, 2] == 2.0


def test_bad_parameters() -> None:
    X, _ = _raw_linear(50)
    with pytest.raises(InputError):
        notears_linear(X, loss="hinge")
    with pytest.raises(InputError):
        adaptive_notears_linear(X, gamma=0)
    with pytest.raises(InputError):
        dagma_linear(X, forbidden=np.zeros((2, 2), dtype=bool))
