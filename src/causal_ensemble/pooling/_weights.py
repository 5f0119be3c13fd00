"""Data-driven starting weights of the experts.

The rule (stated here because users and referees must be able to check it):

``weight_e ∝ p_e`` normalised to sum to 1 over experts that produced graphs, where ``p_e`` is the
p-value of the paired test "expert e's graphs predict held-out rows as well as the best-fitting
expert's graphs":

* for each bootstrap resample, a model of each expert's graph on that resample (linear-Gaussian
  regressions on parents, or smoothed multinomial tables for discrete data; undirected and circle edges
  oriented along a topological order) is fitted on the in-bag rows and scored on the rows the resample
  left out, as log-likelihood gain per row over the empty graph (``fit_gain`` is its mean);
* the best-fitting expert has the highest mean gain; for every other expert the per-resample deficits
  ``gain_best − gain_e`` are paired (all experts see the same resamples, so the noise from *which* rows
  were left out cancels) and ``p_e = 2 (1 − Φ(mean / se))``. The best expert gets 1.

Why this rule and not the earlier ``stability × gain / best gain``: gains of reasonable graphs differ by
a few per cent, so that ratio left the weights nearly uniform (0.09–0.18 on every benchmark) and the pool
followed the median expert. Weighting candidate graphs by out-of-sample predictive likelihood over
repeated splits is the model-averaging rule of Yang's ARM and of DAG aggregation (DAGgr, Wu et al.
2026); exponentiating the *total* held-out log-likelihood, as ARM does, is winner-take-all at a few
thousand rows, while the paired p-value is sharp exactly as far as the evidence is: an expert behind by
more than the resampling noise gets (almost) no say, experts the data cannot tell apart keep comparable
weight. Out-of-bag fit is scored on rows the expert did not see, so denser graphs pay for their extra
parameters; it cannot see orientation inside a Markov equivalence class, which is why orientation is
still pooled over the weighted experts and refereed.

Fallbacks: an expert with a non-positive mean gain gets 0; with fewer than two resamples (no paired test
possible) the factor is ``gain / best gain`` clipped to [0, 1]; when every factor is 0 the weights are
uniform. Failed experts get weight 0. ``stability`` (1 − mean over the pairs the expert ever called
adjacent of 4·p(1−p), with p its bootstrap adjacency frequency) is still reported per expert so a
referee or user can see how reproducible each expert is, but it no longer scales the weight: measured on
the benchmarks it rewarded experts that are stably wrong (an expert that always returns the same dense
graph scores 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

from causal_ensemble._errors import InputError
from causal_ensemble.beliefs import ExpertBeliefs, reachability
from causal_ensemble.experts._bootstrap import BootstrapResult
from causal_ensemble.experts._graph import EndpointGraph

FloatVector = npt.NDArray[np.float64]

RULE = "out-of-bag fit: p-value of the paired test against the best-fitting expert"


@dataclass(frozen=True)
class ExpertWeights:
    """Weights of the experts in the linear opinion pool, with the evidence they came from."""

    names: tuple[str, ...]
    values: FloatVector
    stability: FloatVector
    fit_gain: FloatVector
    rule: str = RULE

    def __post_init__(self) -> None:
        k = len(self.names)
        if self.values.shape != (k,) or np.any(self.values < 0) or not np.isfinite(self.values).all():
            raise InputError("expert weights must be one finite non-negative number per expert")

    def __getitem__(self, name: str) -> float:
        return float(self.values[self.names.index(name)])

    def as_dict(self) -> dict[str, float]:
        return {n: float(v) for n, v in zip(self.names, self.values, strict=True)}

    def replaced(self, values: npt.ArrayLike, rule: str) -> ExpertWeights:
        v = np.asarray(values, dtype=np.float64)
        total = v.sum()
        return ExpertWeights(self.names, v / total if total > 0 else v, self.stability, self.fit_gain, rule)

    def subset(self, indices: Sequence[int]) -> ExpertWeights:
        """The weights of some experts only, renormalised (used to drop experts that produced nothing)."""
        idx = list(indices)
        v = self.values[idx]
        total = v.sum()
        v = v / total if total > 0 else np.full(len(idx), 1.0 / max(len(idx), 1))
        return ExpertWeights(
            tuple(self.names[k] for k in idx), v, self.stability[idx], self.fit_gain[idx], self.rule
        )

    @classmethod
    def uniform(cls, names: Sequence[str]) -> ExpertWeights:
        k = len(names)
        ones = np.ones(k)
        return cls(tuple(names), ones / k, ones, ones, "uniform")


def stability(beliefs: ExpertBeliefs) -> float:
    p = beliefs.adjacency[np.triu_indices(beliefs.n_nodes, 1)]
    seen = p[p > 0]
    if seen.size == 0:
        return 1.0
    return float(1.0 - np.mean(4.0 * seen * (1.0 - seen)))


def _consistent_extension(adj: npt.NDArray[np.bool_], directed: npt.NDArray[np.bool_]) -> list[int] | None:
    """A topological order of a DAG that extends the partially directed graph without creating new
    v-structures (Dor & Tarsi 1992), or None when there is none (the graph is not a valid CPDAG/PDAG).

    Why: orienting the undirected edges of a CPDAG along an arbitrary order can create unshielded
    colliders the CPDAG does not have, i.e. a different, worse-fitting model; experts that return
    equivalence classes (PC, GES, GRaSP) would then be scored below experts that return DAGs.
    """
    d = adj.shape[0]
    left = list(range(d))
    removed: list[int] = []
    while left:
        for x in left:
            others = [v for v in left if v != x]
            if any(directed[x, v] for v in others):  # x must be a sink among the directed edges
                continue
            und = [y for y in others if adj[x, y] and not directed[y, x]]
            nbrs = [v for v in others if adj[x, v]]
            if all(adj[y, v] for y in und for v in nbrs if v != y):
                removed.append(x)
                left.remove(x)
                break
        else:
            return None
    return removed[::-1]


def _dag_parents(graph: EndpointGraph) -> list[list[int]]:
    """Parents in one DAG consistent with the graph's directed edges: a consistent extension of the
    partially directed graph where one exists, else undirected edges follow a topological order of the
    directed part (or the column order when that part is cyclic)."""
    d = graph.n_nodes
    directed = graph.directed()
    adj = graph.adjacency()
    order = _consistent_extension(adj, directed)
    if order is None:
        r = reachability(directed)
        if np.any(np.diag(r)):  # cyclic directed part: fall back to column order
            order = list(range(d))
        else:
            # Kahn's algorithm, smallest index first, for a deterministic order.
            indeg = directed.sum(axis=0).astype(int)
            order, ready = [], sorted(np.flatnonzero(indeg == 0).tolist())
            while ready:
                v = ready.pop(0)
                order.append(v)
                for w in np.flatnonzero(directed[v]):
                    indeg[w] -= 1
                    if indeg[w] == 0:
                        ready.append(int(w))
                        ready.sort()
    pos = np.empty(d, dtype=int)
    pos[order] = np.arange(d)
    parents: list[list[int]] = []
    for j in range(d):
        ps = [
            i for i in np.flatnonzero(adj[:, j]) if directed[i, j] or (not directed[j, i] and pos[i] < pos[j])
        ]
        parents.append([int(i) for i in ps])
    return parents


def _gaussian_ll(
    train: npt.NDArray[np.float64], test: npt.NDArray[np.float64], j: int, ps: list[int]
) -> float:
    y, yt = train[:, j], test[:, j]
    if ps:
        A = np.c_[np.ones(len(train)), train[:, ps]]
        coef, *_ = np.linalg.lstsq(A, y, rcond=None)
        resid, resid_t = y - A @ coef, yt - np.c_[np.ones(len(test)), test[:, ps]] @ coef
    else:
        resid, resid_t = y - y.mean(), yt - y.mean()
    var = max(float(resid.var()), 1e-12)
    return float(np.sum(-0.5 * (np.log(2 * np.pi * var) + resid_t**2 / var)))


def _multinomial_ll(
    train: npt.NDArray[np.int64], test: npt.NDArray[np.int64], j: int, ps: list[int]
) -> float:
    k = int(max(train[:, j].max(), test[:, j].max())) + 1
    if ps:
        radix = np.maximum(np.maximum(train[:, ps].max(axis=0), test[:, ps].max(axis=0)) + 1, 1)
        mult = np.cumprod(np.r_[1, radix[:-1]])
        cfg, cfg_t = train[:, ps] @ mult, test[:, ps] @ mult
    else:
        cfg, cfg_t = np.zeros(len(train), dtype=np.int64), np.zeros(len(test), dtype=np.int64)
    _, inv = np.unique(np.r_[cfg, cfg_t], return_inverse=True)
    c_tr, c_te = inv[: len(cfg)], inv[len(cfg) :]
    counts = np.ones((int(inv.max()) + 1, k))  # Laplace smoothing: unseen configurations stay finite
    np.add.at(counts, (c_tr, train[:, j]), 1.0)
    probs = counts / counts.sum(axis=1, keepdims=True)
    return float(np.sum(np.log(probs[c_te, test[:, j]])))


def heldout_gain(
    graph: EndpointGraph, train: npt.NDArray[np.float64], test: npt.NDArray[np.float64], discrete: bool
) -> float:
    """Out-of-sample log-likelihood gain per test row of the graph's model over the empty graph."""
    if len(test) == 0:
        return 0.0
    parents = _dag_parents(graph)
    if discrete:
        tr, te = train.astype(np.int64), test.astype(np.int64)
        gain = sum(
            _multinomial_ll(tr, te, j, ps) - _multinomial_ll(tr, te, j, []) for j, ps in enumerate(parents)
        )
    else:
        gain = sum(
            _gaussian_ll(train, test, j, ps) - _gaussian_ll(train, test, j, [])
            for j, ps in enumerate(parents)
        )
    return gain / len(test)


def bic_penalty(graph: EndpointGraph, train: npt.NDArray[np.float64], discrete: bool) -> float:
    """Schwarz's penalty per row, ``dof · log(n) / (2 n)``, for the parameters the graph adds to the
    empty graph (one coefficient per parent; ``(r_j − 1)(q_j − 1)`` table entries for a discrete node
    with ``r_j`` states and ``q_j`` parent configurations).

    Why on top of a held-out score: held-out likelihood estimates predictive risk, and a supergraph of
    the true graph has the same risk up to ``O(1/n)``, so it cannot tell the true graph from a denser
    one; adding the BIC penalty makes the comparison selection-consistent (the reason BIC-scored search
    such as GES is consistent).
    """
    n = len(train)
    if n < 2:
        return 0.0
    parents = _dag_parents(graph)
    if discrete:
        card = train.astype(np.int64).max(axis=0) + 1
        dof = sum((int(card[j]) - 1) * (int(np.prod(card[ps])) - 1) for j, ps in enumerate(parents) if ps)
    else:
        dof = sum(len(ps) for ps in parents)
    return float(dof * np.log(n) / (2.0 * n))


def oob_gains(
    result: BootstrapResult,
    X: npt.NDArray[np.float64],
    resamples: Sequence[npt.NDArray[np.int64]],
    discrete: bool,
    *,
    penalised: bool = True,
) -> FloatVector:
    """Out-of-bag gain per row of each resample graph, indexed by resample (NaN where the fit failed).

    Kept per resample, not averaged, because every expert is scored on the *same* out-of-bag rows of a
    resample: differences between experts are then paired, and far less noisy than the gains themselves
    (which swing with the particular rows left out).
    """
    gains = np.full(len(resamples), np.nan)
    n = len(X)
    for rec in result.ok_resamples:
        rows = resamples[rec.resample]
        oob = np.setdiff1d(np.arange(n), rows)
        if rec.graph is not None and oob.size:
            gains[rec.resample] = heldout_gain(rec.graph, X[rows], X[oob], discrete)
            if penalised:
                gains[rec.resample] -= bic_penalty(rec.graph, X[rows], discrete)
    return gains


def expert_fit(
    result: BootstrapResult,
    X: npt.NDArray[np.float64],
    resamples: Sequence[npt.NDArray[np.int64]],
    discrete: bool,
) -> float:
    """Mean out-of-bag gain of an expert's resample graphs (its full-data graph, in-sample, when B = 0)."""
    gains = oob_gains(result, X, resamples, discrete, penalised=False)
    if np.isfinite(gains).any():
        return float(np.nanmean(gains))
    if result.full.graph is not None:
        return heldout_gain(result.full.graph, X, X, discrete)
    return 0.0


def fit_pvalues(gains: npt.NDArray[np.float64], alive: npt.NDArray[np.bool_]) -> FloatVector:
    """Per expert, the two-sided p-value of "fits held-out rows as well as the best-fitting expert".

    ``gains[e, b]`` is expert e's out-of-bag gain on resample b. The best expert is the one with the
    highest mean gain; each other expert's paired deficit ``gains[best, b] - gains[e, b]`` over the
    resamples both completed is tested with a normal approximation, ``p = 2 (1 - Phi(mean / se))``.
    The best expert (and any expert whose mean deficit is not positive) gets 1. With fewer than two
    paired resamples no test is possible and the p-value is NaN (the caller falls back to the ratio).
    """
    k = gains.shape[0]
    p = np.full(k, np.nan)
    means = np.array([np.nanmean(g) if np.isfinite(g).any() else -np.inf for g in gains])
    means[~alive] = -np.inf
    if not np.isfinite(means).any():
        return p
    best = int(np.argmax(means))
    for e in range(k):
        if not alive[e] or not np.isfinite(means[e]):
            continue
        both = np.isfinite(gains[best]) & np.isfinite(gains[e])
        diff = gains[best, both] - gains[e, both]
        if e == best or (diff.size and diff.mean() <= 0):
            p[e] = 1.0
            continue
        if diff.size < 2:
            continue
        se = float(diff.std(ddof=1)) / np.sqrt(diff.size)
        p[e] = float(2.0 * stats.norm.sf(diff.mean() / se)) if se > 0 else 0.0
    return p


def reliability_weights(
    results: Sequence[BootstrapResult],
    beliefs: Sequence[ExpertBeliefs | None],
    X: npt.NDArray[np.float64],
    resamples: Sequence[npt.NDArray[np.int64]],
    *,
    discrete: bool,
    penalised: bool = True,
) -> ExpertWeights:
    """Starting weights by the rule in the module docstring (``beliefs[k]`` is None for a failed expert)."""
    names = tuple(r.name for r in results)
    alive = np.array([b is not None for b in beliefs])
    stab = np.array([stability(b) if b is not None else 0.0 for b in beliefs])
    per_resample = np.full((len(results), len(resamples)), np.nan)
    gains = np.zeros(len(results))
    for k, (r, b) in enumerate(zip(results, beliefs, strict=True)):
        if b is None:
            continue
        raw_gains = oob_gains(r, X, resamples, discrete, penalised=False)
        if np.isfinite(raw_gains).any():
            gains[k] = float(np.nanmean(raw_gains))
            per_resample[k] = raw_gains
            if penalised:
                for rec in r.ok_resamples:
                    if rec.graph is not None:
                        per_resample[k, rec.resample] -= bic_penalty(
                            rec.graph, X[resamples[rec.resample]], discrete
                        )
        else:
            gains[k] = expert_fit(r, X, resamples, discrete)
    best = gains[alive].max() if alive.any() else 0.0
    ratio = np.clip(gains / best, 0.0, 1.0) if best > 0 else alive.astype(np.float64)
    pvals = fit_pvalues(per_resample, alive)
    fit = np.where(np.isnan(pvals), ratio, pvals)
    fit = np.where(gains > 0, fit, 0.0) if best > 0 else fit
    raw = fit * alive
    if raw.sum() <= 0:
        raw = alive.astype(np.float64)
    total = raw.sum()
    values = raw / total if total > 0 else raw
    return ExpertWeights(names, values, stab, gains, RULE)
