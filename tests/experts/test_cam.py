"""CAM, the nonlinear expert: it must recover directions that linear experts cannot, obey knowledge,
and its one-Gram-matrix regressions must equal plain least squares."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from causal_ensemble.data.datasets import simulate_dag, simulate_sem
from causal_ensemble.evaluate import structure_scores
from causal_ensemble.experts import CAM, KnowledgeMasks
from causal_ensemble.experts._cam import _AdditiveFits, spline_bases

FloatMatrix = npt.NDArray[np.float64]


def _chain(n: int = 1500, seed: int = 0) -> FloatMatrix:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    y = np.sin(2 * x) + x**2 / 2 + 0.3 * rng.normal(size=n)
    z = np.tanh(2 * y) + 0.3 * rng.normal(size=n)
    return np.c_[x, y, z]


def test_a_nonlinear_chain_is_recovered_with_its_directions() -> None:
    g = CAM().fit(_chain()).graph_
    assert g.directed().tolist() == [[False, True, False], [False, False, True], [False, False, False]]


def test_it_beats_chance_by_far_on_a_nonlinear_additive_sem() -> None:
    truth = simulate_dag(8, "er", edges_per_node=1.5, seed=3)
    X = simulate_sem(truth, 2000, "nonlinear", seed=3)
    D = CAM().fit(X).graph_.directed()
    s = structure_scores(D, np.zeros_like(D), truth)
    assert s.skeleton_f1 >= 0.8 and s.directed_f1 >= 0.7, s


def test_knowledge_forbids_and_requires_edges() -> None:
    X = _chain()
    forbidden = np.zeros((3, 3), dtype=bool)
    forbidden[0, 1] = True
    required = np.zeros((3, 3), dtype=bool)
    required[0, 2] = True
    g = CAM().fit(X, knowledge=KnowledgeMasks(forbidden=forbidden, required=required)).graph_
    D = g.directed()
    assert not D[0, 1] and D[0, 2]


def test_gram_matrix_residuals_equal_least_squares() -> None:
    X = _chain(400)
    bases = spline_bases(X, 5)
    fits = _AdditiveFits(X, bases)
    A = np.hstack([bases[0], bases[2]])
    y = X[:, 1] - X[:, 1].mean()
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    rss = float(np.sum((y - A @ coef) ** 2))
    assert np.isclose(fits.rss(1, [0, 2]), rss, rtol=1e-3)  # up to the tiny ridge that keeps G solvable
    assert np.isclose(fits.rss(1, []), float(y @ y))


def test_a_max_parents_cap_is_respected() -> None:
    truth = simulate_dag(8, "er", edges_per_node=2.0, seed=5)
    X = simulate_sem(truth, 1000, "nonlinear", seed=5)
    D = CAM(max_parents=1).fit(X).graph_.directed()
    assert int(D.sum(axis=0).max()) <= 1
