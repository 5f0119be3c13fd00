"""Data-driven starting weights of the experts.

The rule (stated here because users and referees must be able to check it):

``weight_e ∝ stability_e × fit_e`` normalised to sum to 1 over experts that produced graphs, where

* ``stability_e = 1 − mean over pairs the expert ever called adjacent of 4·p(1−p)`` with ``p`` its
  bootstrap adjacency frequency: 1 when every resample agrees, 0 when every edge is a coin flip;
* ``fit_e`` is the expert's out-of-bag predictive fit: for each resample, a model of the expert's graph
  (linear-Gaussian regressions on parents, or smoothed multinomial tables for discrete data; undirected
  and circle edges oriented along a topological order) is fitted on the in-bag rows and scored on the
  rows the resample left out, as log-likelihood gain per row over the empty graph. Gains are divided by
  the best expert's gain (so the best gets 1, negative gains get 0).

When no expert has a positive gain the fit factor is dropped; when every product is 0 the weights are
uniform. Failed experts get weight 0. Both factors are kept on the object so a referee (or a user) can
see why an expert carries the weight it does.
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
    rule: str = "stability x out-of-bag fit"

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


def _dag_parents(graph: EndpointGraph) -> list[list[int]]:
    """Parents in one DAG consistent with the graph's directed edges (others follow a topological order)."""
    d = graph.n_nodes
    directed = graph.directed()
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
    adj = graph.adjacency()
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


def oob_gains(
    result: BootstrapResult,
    X: npt.NDArray[np.float64],
    resamples: Sequence[npt.NDArray[np.int64]],
    discrete: bool,
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
    return gains


def expert_fit(
    result: BootstrapResult,
    X: npt.NDArray[np.float64],
    resamples: Sequence[npt.NDArray[np.int64]],
    discrete: bool,
) -> float:
    """Mean out-of-bag gain of an expert's resample graphs (its full-data graph, in-sample, when B = 0)."""
    gains = oob_gains(result, X, resamples, discrete)
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
) -> ExpertWeights:
    """Starting weights by the rule in the module docstring (``beliefs[k]`` is None for a failed expert)."""
    names = tuple(r.name for r in results)
    alive = np.array([b is not None for b in beliefs])
    stab = np.array([stability(b) if b is not None else 0.0 for b in beliefs])
    per_resample = np.array(
        [
            oob_gains(r, X, resamples, discrete) if b is not None else np.full(len(resamples), np.nan)
            for r, b in zip(results, beliefs, strict=True)
        ]
    ).reshape(len(results), len(resamples))
    gains = np.array(
        [
            expert_fit(r, X, resamples, discrete) if b is not None else 0.0
            for r, b in zip(results, beliefs, strict=True)
        ]
    )
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
