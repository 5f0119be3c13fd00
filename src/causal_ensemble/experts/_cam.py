"""CAM, causal additive models (Bühlmann, Peters & Ernest 2014): the panel's nonlinear expert.

Every other continuous expert assumes linear mechanisms (Fisher-z, BIC, LiNGAM, least squares), so on
nonlinear data the whole panel shares one blind spot and no weighting can see past it. An additive noise
model ``x_j = Σ_{i ∈ pa(j)} f_ij(x_i) + ε_j`` with nonlinear ``f_ij`` and Gaussian noise is identifiable
(Peters et al. 2014), and CAM estimates it in the paper's two steps:

1. *Order by greedy edge addition* (the paper's IncEdge): start from the empty graph and repeatedly add the
   edge ``i -> j`` that most increases the Gaussian log-likelihood of an additive regression of ``j`` on
   its parents, among edges that keep the graph acyclic.
2. *Pruning*: drop each parent whose removal does not lower the node's penalised fit.

Where the paper fits GAMs with a significance test for pruning, this implementation uses regression
splines (cubic B-splines with knots at quantiles, ``n_knots`` per variable) and the BIC penalty
``(k/2) log n`` per parent (k spline coefficients) both to stop the greedy step and to prune, so one
criterion governs both. Every regression is least squares on the table's spline bases, and all of them
are read from one Gram matrix of those bases: the residual sum of squares of ``x_j`` on a parent set S is
``x_jᵀx_j − b_Sᵀ G_SS⁻¹ b_S``, so a candidate costs a (|S| k)-sized solve, never a pass over the rows.

On linear-Gaussian data the direction of an edge is not identifiable and CAM's orientations are guesses
(its adjacencies remain useful); the weight rules learn that from the data like any other expert's
weakness. Quantile knots and standardised columns make the graph independent of units and offsets.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import numpy.typing as npt

from causal_ensemble.experts._base import (
    DataKind,
    Expert,
    Family,
    FloatMatrix,
    KnowledgeMasks,
    check_in_range,
    standardise_continuous,
)
from causal_ensemble.experts._graph import EndpointGraph

_RIDGE = 1e-8  # relative to the Gram matrix's mean diagonal: keeps near-collinear bases solvable


def spline_basis(x: FloatMatrix, n_knots: int, *others: FloatMatrix) -> tuple[npt.NDArray[np.float64], ...]:
    """A column's centred cubic B-spline basis, fitted on ``x`` (one column; knots at its quantiles,
    linear extrapolation) and evaluated on ``x`` and on each of ``others``, all centred on ``x``'s mean;
    a column with too few distinct values for the knots is its own (centred) basis. The held-out judge in
    ``scoring`` uses the same basis, so the expert and the judge speak of the same functions."""
    if np.unique(x).size <= n_knots + 1:
        mean = x.mean()
        return tuple(np.asarray(v - mean, dtype=np.float64) for v in (x, *others))
    from sklearn.preprocessing import SplineTransformer

    st = SplineTransformer(
        n_knots=n_knots, degree=3, knots="quantile", extrapolation="linear", include_bias=False
    ).fit(x)
    b = st.transform(x)
    mean = b.mean(axis=0)
    evaluated = (st.transform(o) if len(o) else np.empty((0, b.shape[1])) for o in others)
    return tuple(np.asarray(v - mean, dtype=np.float64) for v in (b, *evaluated))


def spline_bases(X: FloatMatrix, n_knots: int) -> list[FloatMatrix]:
    """:func:`spline_basis` of every column of ``X``."""
    return [spline_basis(X[:, [j]], n_knots)[0] for j in range(X.shape[1])]


class _AdditiveFits:
    """Residual sums of squares of additive regressions, all read from one Gram matrix of the bases."""

    def __init__(self, X: FloatMatrix, bases: list[FloatMatrix]) -> None:
        ends = np.cumsum([b.shape[1] for b in bases])
        self.cols = [np.arange(end - b.shape[1], end) for b, end in zip(bases, ends, strict=True)]
        F = np.hstack(bases)
        Xc = X - X.mean(axis=0)
        self.gram = F.T @ F
        self.cross = F.T @ Xc  # (features, d)
        self.total = np.einsum("ij,ij->j", Xc, Xc)
        self.ridge = _RIDGE * float(np.mean(np.diag(self.gram))) if self.gram.size else 0.0

    def rss(self, j: int, parents: list[int]) -> float:
        if not parents:
            return float(self.total[j])
        idx = np.concatenate([self.cols[p] for p in parents])
        G = self.gram[np.ix_(idx, idx)] + self.ridge * np.eye(idx.size)
        b = self.cross[idx, j]
        explained = float(b @ np.linalg.solve(G, b))
        return max(float(self.total[j]) - explained, 1e-12 * float(self.total[j]) + 1e-300)


class CAM(Expert):
    """CAM (Bühlmann, Peters & Ernest 2014): greedy additive-model search and pruning; a full DAG."""

    name: ClassVar[str] = "cam"
    family = Family.ADDITIVE_NOISE
    assumptions = (
        "additive mechanisms: each variable is a sum of smooth (possibly nonlinear) functions of its "
        "parents plus noise",
        "independent noise, scored with a Gaussian likelihood; on linear-Gaussian data directions are "
        "unidentifiable and its orientations are guesses",
        "causal sufficiency (no hidden confounders)",
        "greedy search with a BIC penalty: a local optimum",
    )
    supports = frozenset({DataKind.CONTINUOUS})
    native_knowledge = True

    def __init__(
        self,
        n_knots: int = 5,
        penalty: float = 1.0,
        max_parents: int | None = None,
        random_state: int | None = None,
    ) -> None:
        self.n_knots = n_knots
        self.penalty = penalty
        self.max_parents = max_parents
        self.random_state = random_state  # deterministic; kept for the shared contract

    def _fit(
        self, X: FloatMatrix, discrete: npt.NDArray[np.bool_], kind: DataKind, knowledge: KnowledgeMasks
    ) -> EndpointGraph:
        check_in_range("n_knots", self.n_knots, 2, 50, expert=self.name)
        check_in_range("penalty", self.penalty, 0.0, 1e6, expert=self.name)
        if self.max_parents is not None:
            check_in_range("max_parents", self.max_parents, 1, 10_000, expert=self.name)
        Z = standardise_continuous(X, discrete)
        bases = spline_bases(Z, int(self.n_knots))
        fits = _AdditiveFits(Z, bases)
        parents = _greedy_parents(fits, bases, Z.shape[0], self.penalty, self.max_parents, knowledge)
        d = Z.shape[1]
        dag = np.zeros((d, d), dtype=bool)
        for j, ps in enumerate(parents):
            dag[ps, j] = True
        return EndpointGraph.from_dag(dag)


def _gain(fits: _AdditiveFits, j: int, parents: list[int], rss_now: float, n: int, penalty: float) -> float:
    return 0.5 * n * float(np.log(rss_now / fits.rss(j, parents))) - penalty


def _greedy_parents(
    fits: _AdditiveFits,
    bases: list[FloatMatrix],
    n: int,
    penalty_scale: float,
    max_parents: int | None,
    knowledge: KnowledgeMasks,
) -> list[list[int]]:
    """IncEdge then pruning; required edges go in first (those that would close a cycle are skipped)."""
    d = len(bases)
    pen = [penalty_scale * 0.5 * b.shape[1] * np.log(n) for b in bases]
    parents: list[list[int]] = [[] for _ in range(d)]
    reach = np.eye(d, dtype=bool)  # reach[a, b]: a directed path a -> ... -> b (reflexive)
    for i, j in zip(*np.nonzero(knowledge.required), strict=True):
        if not reach[j, i]:
            parents[int(j)].append(int(i))
            reach |= np.outer(reach[:, i], reach[j, :])
    rss = np.array([fits.rss(j, parents[j]) for j in range(d)])
    gain = np.full((d, d), -np.inf)  # gain[i, j] of adding i -> j

    def refresh(j: int) -> None:
        full = max_parents is not None and len(parents[j]) >= max_parents
        for i in range(d):
            if i == j or i in parents[j] or full or knowledge.forbidden[i, j]:
                gain[i, j] = -np.inf
            else:
                gain[i, j] = _gain(fits, j, [*parents[j], i], rss[j], n, pen[i])

    for j in range(d):
        refresh(j)
    while True:
        allowed = np.where(reach.T, -np.inf, gain)  # i -> j closes a cycle when j reaches i
        i, j = np.unravel_index(int(np.argmax(allowed)), allowed.shape)
        if not allowed[i, j] > 0.0:
            break
        parents[j].append(int(i))
        rss[j] = fits.rss(int(j), parents[j])
        reach |= np.outer(reach[:, i], reach[j, :])
        refresh(int(j))
    for j in range(d):
        _prune(fits, j, parents, n, pen, knowledge)
    return parents


def _prune(
    fits: _AdditiveFits,
    j: int,
    parents: list[list[int]],
    n: int,
    pen: list[float],
    knowledge: KnowledgeMasks,
) -> None:
    """Backward elimination: drop the parent whose removal costs least while that cost is below its
    penalty; required parents stay."""
    while parents[j]:
        now = fits.rss(j, parents[j])
        costs = []
        for p in parents[j]:
            if knowledge.required[p, j]:
                continue
            rest = [q for q in parents[j] if q != p]
            costs.append((0.5 * n * float(np.log(fits.rss(j, rest) / now)) - pen[p], p))
        if not costs:
            return
        cost, p = min(costs)
        if cost >= 0.0:
            return
        parents[j].remove(p)
