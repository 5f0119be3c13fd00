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
from causal_ensemble.beliefs import ExpertBeliefs
from causal_ensemble.experts import BootstrapResult
from causal_ensemble.scoring import bic_penalty, heldout_gain, oob_gains

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
