"""The numpy NOTEARS, adaptive NOTEARS and DAGMA solvers: recovery, knowledge, deadlines, acyclicity.

The data are raw-scale linear-Gaussian SEMs with unit noise, where variance grows along the causal order
(varsortable): the setting these least-squares methods are known to handle, so a failure here is a bug
in the solver, not a limitation of the method.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import pytest

from causal_ensemble._errors import InputError
from causal_ensemble.experts._dagma import dagma_linear
from causal_ensemble.experts._notears import (
    adaptive_notears_linear,
    is_dag,
    make_acyclic,
    notears_linear,
)

FloatMatrix = npt.NDArray[np.float64]
BoolMatrix = npt.NDArray[np.bool_]
Solver = Callable[..., FloatMatrix]

SOLVERS: dict[str, Solver] = {
    "notears": notears_linear,
    "adaptive_notears": adaptive_notears_linear,
    "dagma": dagma_linear,
}

# 0 -> 1 -> 2 (chain), 1 -> 3 (fork at 1), 2 -> 4 <- 3 (collider at 4).
_EDGES = {(0, 1): 1.0, (1, 2): 1.2, (1, 3): 0.9, (2, 4): 0.8, (3, 4): 0.9}


def _truth() -> BoolMatrix:
    B = np.zeros((5, 5), dtype=bool)
    for i, j in _EDGES:
        B[i, j] = True
    return B


def _simulate(W: FloatMatrix, n: int, seed: int) -> FloatMatrix:
    rng = np.random.default_rng(seed)
    d = W.shape[0]
    return rng.normal(size=(n, d)) @ np.linalg.inv(np.eye(d) - W)


@pytest.fixture(scope="module")
def chain_fork_collider() -> tuple[FloatMatrix, BoolMatrix]:
    W = np.zeros((5, 5))
    for (i, j), w in _EDGES.items():
        W[i, j] = w
    X = _simulate(W, 1000, 7)
    variances = X.var(axis=0)
    assert all(variances[i] < variances[j] for i, j in _EDGES)  # the premise: varsortable
    return X, _truth()


def _shd(W: FloatMatrix, truth: BoolMatrix) -> int:
    """Structural Hamming distance: a reversed edge counts once."""
    est = W != 0
    diff = est != truth
    reversed_ = est & truth.T & ~truth
    return int(diff.sum() - reversed_.sum())


@pytest.mark.parametrize("name", sorted(SOLVERS))
def test_recovers_chain_fork_collider(name: str, chain_fork_collider: tuple[FloatMatrix, BoolMatrix]) -> None:
    X, truth = chain_fork_collider
    W = SOLVERS[name](X)
    assert W.shape == (5, 5)
    assert _shd(W, truth) <= 1
    assert is_dag(W)


@pytest.mark.parametrize("name", sorted(SOLVERS))
def test_forbidden_mask_is_honoured(name: str, chain_fork_collider: tuple[FloatMatrix, BoolMatrix]) -> None:
    X, _ = chain_fork_collider
    forbidden = np.zeros((5, 5), dtype=bool)
    forbidden[1, 2] = forbidden[3, 4] = forbidden[4, 0] = True
    W = SOLVERS[name](X, forbidden=forbidden)
    assert np.all(W[forbidden] == 0)
    assert np.all(np.diag(W) == 0)
    assert is_dag(W)
    # The other true edges survive.
    assert W[0, 1] != 0 and W[2, 4] != 0


@pytest.mark.parametrize("name", sorted(SOLVERS))
def test_deadline_returns_quickly(name: str) -> None:
    W_true = np.zeros((8, 8))
    W_true[np.triu_indices(8, k=1)] = 0.6
    X = _simulate(W_true, 2000, 1)
    start = time.monotonic()
    W = SOLVERS[name](X, deadline=start)
    assert time.monotonic() - start < 2.0
    assert W.shape == (8, 8)
    assert np.all(np.isfinite(W))
    assert is_dag(W)


def test_adaptive_notears_has_no_small_spurious_edges() -> None:
    """Sparsity must come from the adaptive penalty, with no threshold to hide small weights behind."""
    rng = np.random.default_rng(3)
    n, d = 2000, 8
    W_true = np.zeros((d, d))
    W_true[0, 1], W_true[1, 2], W_true[4, 5] = 1.0, -0.8, 1.5
    X = rng.normal(size=(n, d)) @ np.linalg.inv(np.eye(d) - W_true)
    W = adaptive_notears_linear(X)
    truth = W_true != 0
    assert np.array_equal(W != 0, truth)
    assert np.min(np.abs(W[truth])) > 0.5


def test_adaptive_notears_fixed_lambda_and_warm_start(
    chain_fork_collider: tuple[FloatMatrix, BoolMatrix],
) -> None:
    X, truth = chain_fork_collider
    W0 = notears_linear(X, lambda1=0.01, w_threshold=0.0)
    W = adaptive_notears_linear(X, lambda1=0.01, w_init=W0)
    assert _shd(W, truth) <= 1


def test_notears_penalty_weights_and_w_init(chain_fork_collider: tuple[FloatMatrix, BoolMatrix]) -> None:
    X, truth = chain_fork_collider
    weights = np.ones((5, 5))
    weights[0, 1] = np.inf  # an infinite weight forbids the edge
    W = notears_linear(X, penalty_weights=weights)
    assert W[0, 1] == 0
    W_warm = notears_linear(X, w_init=notears_linear(X))
    assert _shd(W_warm, truth) <= 1


def test_dagma_rng_is_local_and_reproducible(chain_fork_collider: tuple[FloatMatrix, BoolMatrix]) -> None:
    X, _ = chain_fork_collider
    np.random.seed(11)
    W1 = dagma_linear(X, rng=np.random.default_rng(5), T=2, warm_iter=2000, max_iter=2000)
    W2 = dagma_linear(X, rng=5, T=2, warm_iter=2000, max_iter=2000)
    drawn = np.random.random()
    np.random.seed(11)
    assert drawn == np.random.random()  # the global random state was not consumed
    assert np.array_equal(W1, W2)


def test_logistic_loss_runs_on_binary_data() -> None:
    rng = np.random.default_rng(0)
    n = 1000
    a = (rng.random(n) < 0.5).astype(float)
    b = (rng.random(n) < np.where(a == 1, 0.9, 0.1)).astype(float)
    X = np.c_[a, b, (rng.random(n) < 0.3).astype(float)]
    for W in (
        notears_linear(X, loss="logistic", lambda1=0.01),
        adaptive_notears_linear(X, loss="logistic"),
        dagma_linear(X, loss="logistic", T=2, lr=3e-3, warm_iter=3000, max_iter=3000),
    ):
        assert W.shape == (3, 3) and is_dag(W)
        assert W[0, 1] != 0 or W[1, 0] != 0
        assert W[0, 2] == W[2, 0] == W[1, 2] == W[2, 1] == 0


def test_make_acyclic_only_cuts_cycle_edges() -> None:
    W = np.array(
        [
            [0.0, 1.0, 0.0, 0.05],
            [0.0, 0.0, 2.0, 0.0],
            [0.1, 0.0, 0.0, 0.0],
            [0.0, 0.0, 0.0, 0.0],
        ]
    )
    out = make_acyclic(W)
    assert out[2, 0] == 0 and out[0, 1] == 1.0 and out[1, 2] == 2.0
    assert out[0, 3] == 0.05  # weaker than the cycle's weakest edge, but on no cycle: kept
    assert is_dag(out) and not is_dag(W)
    # Two 2-cycles in separate components are each cut at their weakest edge.
    W2 = np.array([[0, 0.5, 0, 0], [0.4, 0, 0, 0], [0, 0, 0, 0.3], [0, 0, 0.9, 0]])
    out2 = make_acyclic(W2)
    assert out2[1, 0] == 0 and out2[2, 3] == 0 and out2[0, 1] == 0.5 and out2[3, 2] == 0.9


def test_bad_parameters_raise_input_error(chain_fork_collider: tuple[FloatMatrix, BoolMatrix]) -> None:
    X, _ = chain_fork_collider
    bad_calls: list[Callable[[], object]] = [
        lambda: notears_linear(X, loss="hinge"),
        lambda: notears_linear(X, lambda1=-1.0),
        lambda: notears_linear(X, forbidden=np.zeros((2, 2), dtype=bool)),
        lambda: notears_linear(X, penalty_weights=-np.ones((5, 5))),
        lambda: notears_linear(X, max_iter=0),
        lambda: notears_linear(X[:, :, None]),
        lambda: notears_linear(np.where(X > 5, np.nan, X)),
        lambda: notears_linear(X, loss="logistic"),  # not binary
        lambda: adaptive_notears_linear(X, gamma=0.0),
        lambda: adaptive_notears_linear(X, lambda_grid=()),
        lambda: dagma_linear(X, T=0),
        lambda: dagma_linear(X, mu_factor=1.5),
        lambda: dagma_linear(X, s=(1.0, -0.5)),
        lambda: dagma_linear(X, lr=0.0),
        lambda: dagma_linear(X, forbidden=np.zeros((2, 2), dtype=bool)),
    ]
    for call in bad_calls:
        with pytest.raises(InputError):
            call()
