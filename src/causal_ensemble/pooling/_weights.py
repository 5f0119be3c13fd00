"""The experts' weights in the pool (one vector per graph level) and the earlier out-of-bag fit rule.

:class:`ExpertWeights` carries a weight vector per level because an expert can be reliable on adjacency
and not on orientation (PC finds the skeleton but leaves most edges undirected; DirectLiNGAM orients
every edge, rightly only when the noise is non-Gaussian). ``values`` stays the adjacency vector so that
readers written before the levels existed keep working.

The rule kept here, :func:`oob_pvalue_weights`, was the default before the rules of
:mod:`causal_ensemble.pooling._rules` (whose :func:`~causal_ensemble.pooling.default_rule` is the default
now) and is kept as a baseline of the tournament (``benchmarks/tune_pool.py``): ``weight_e ∝ p_e``, the
p-value of the paired normal test "expert e's resample graphs predict out-of-bag rows as well as the
best-fitting expert's", over the resamples. It was replaced because the resamples overlap, so the test's
standard error shrinks like 1/sqrt(B) while the true uncertainty does not: the rule turns winner-take-all
as B grows and its weights moved by up to 0.27 when B was halved; it gives exact zeros no referee can
revive (on Sachs: DirectLiNGAM 0.99, every other expert 0.01 or less); and it counts experts that repeat
one another in full. ``stability`` (1 − mean over the pairs the expert ever called adjacent of
4·p(1−p)) is still reported per expert so a user can see how reproducible each expert is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy import stats

from causal_ensemble._errors import InputError
from causal_ensemble.beliefs import ExpertBeliefs
from causal_ensemble.experts import BootstrapResult
from causal_ensemble.scoring import HeldOutSplits, bic_penalty, heldout_gain, oob_gains

FloatVector = npt.NDArray[np.float64]

RULE = "out-of-bag fit: p-value of the paired test against the best-fitting expert"
LEVELS = ("adjacency", "orientation", "ancestral")


def _empty() -> FloatVector:
    return np.zeros(0)


@dataclass(frozen=True)
class ExpertWeights:
    """Weights of the experts in the linear opinion pool, per graph level, with the evidence they came from.

    ``values`` are the adjacency weights; ``orientation`` and ``ancestral`` default to them, so a rule that
    has nothing to say per level need not say it. ``evidence`` holds per-expert numbers a rule measured
    (its own names), kept for reports and the tournament, never read by the pool.
    """

    names: tuple[str, ...]
    values: FloatVector
    stability: FloatVector
    fit_gain: FloatVector
    rule: str = RULE
    orientation: FloatVector = field(default_factory=_empty)
    ancestral: FloatVector = field(default_factory=_empty)
    evidence: dict[str, FloatVector] = field(default_factory=dict)

    def __post_init__(self) -> None:
        k = len(self.names)
        if self.orientation.size == 0 and k:
            object.__setattr__(self, "orientation", self.values.copy())
        if self.ancestral.size == 0 and k:
            object.__setattr__(self, "ancestral", self.orientation.copy())
        for v in (self.values, self.orientation, self.ancestral):
            if v.shape != (k,) or np.any(v < 0) or not np.isfinite(v).all():
                raise InputError("expert weights must be one finite non-negative number per expert")

    def __getitem__(self, name: str) -> float:
        return float(self.values[self.names.index(name)])

    def level(self, level: str) -> FloatVector:
        """The weight vector of one level (``"adjacency"``, ``"orientation"`` or ``"ancestral"``)."""
        if level == "adjacency":
            return self.values
        if level == "orientation":
            return self.orientation
        if level == "ancestral":
            return self.ancestral
        raise InputError(f"unknown graph level {level!r}; known: {', '.join(LEVELS)}")

    def as_dict(self, level: str = "adjacency") -> dict[str, float]:
        return {n: float(v) for n, v in zip(self.names, self.level(level), strict=True)}

    def subset(self, indices: Sequence[int]) -> ExpertWeights:
        """The weights of some experts only, renormalised per level (used to drop experts that produced
        nothing)."""
        idx = list(indices)

        def norm(v: FloatVector) -> FloatVector:
            total = v.sum()
            return v / total if total > 0 else np.full(len(idx), 1.0 / max(len(idx), 1))

        return ExpertWeights(
            tuple(self.names[k] for k in idx),
            norm(self.values[idx]),
            self.stability[idx],
            self.fit_gain[idx],
            self.rule,
            norm(self.orientation[idx]),
            norm(self.ancestral[idx]),
            {key: v[idx] for key, v in self.evidence.items()},
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


def oob_pvalue_weights(
    results: Sequence[BootstrapResult],
    beliefs: Sequence[ExpertBeliefs | None],
    X: npt.NDArray[np.float64],
    resamples: Sequence[npt.NDArray[np.int64]],
    *,
    discrete: bool,
    penalised: bool = True,
) -> ExpertWeights:
    """Weights by the earlier rule of the module docstring (``beliefs[k]`` is None for a failed expert)."""
    names = tuple(r.name for r in results)
    alive = np.array([b is not None for b in beliefs])
    stab = np.array([stability(b) if b is not None else 0.0 for b in beliefs])
    per_resample = np.full((len(results), len(resamples)), np.nan)
    gains = np.zeros(len(results))
    splits = HeldOutSplits(X, resamples)  # each split's bases and node fits, shared by the experts
    for k, (r, b) in enumerate(zip(results, beliefs, strict=True)):
        if b is None:
            continue
        raw_gains = oob_gains(r, X, resamples, discrete, penalised=False, splits=splits)
        if np.isfinite(raw_gains).any():
            gains[k] = float(np.nanmean(raw_gains))
            per_resample[k] = raw_gains
            if penalised:
                for rec in r.ok_resamples:
                    if rec.graph is not None:
                        split = splits.get(rec.resample)
                        per_resample[k, rec.resample] -= bic_penalty(rec.graph, split.train, discrete, split)
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
