"""Expert weights from predictive fit done without the resamples: each expert's full-data graph, its
parameters cross-fitted over K folds, compared row by row with the best expert's (Vuong's test).

The earlier rule tested out-of-bag gains over the resamples as if they were independent; they overlap,
so its standard error shrank like 1/sqrt(B), the weights sharpened as B grew, and two experts with nearly
the same graphs got p-values that were noise (a tiny deficit over a tiny spread). Here the unit of
evidence is the *row*: the graph is fixed (the expert's full-data graph; undirected and circle edges
oriented by a consistent extension), each node's regression on its parents (linear-Gaussian, or a
Laplace-smoothed table for a discrete table) is fitted on K − 1 folds and scores the rows of the K-th,
so every row gets an honest log-likelihood under every expert. The BIC penalty per row is subtracted
from each expert's mean, so a denser graph has to earn its parameters. Expert e's factor is the
two-sided p-value of the paired difference from the best expert's per-row scores,
``2 Φ(−mean / (sd / sqrt(n)))``; identical graphs give identical rows and a factor of 1. Nothing here
depends on B, so the weights cannot move with it. Held-out likelihood cannot see directions inside a
Markov equivalence class, so the orientation weights are the adjacency weights; combine this rule with
one that measures directions (:class:`~causal_ensemble.pooling.ProductRule`).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import stats

from causal_ensemble.experts import EndpointGraph
from causal_ensemble.pooling._redundancy import copies as count_copies
from causal_ensemble.pooling._rules import PanelData, belief_residuals, finish
from causal_ensemble.pooling._weights import ExpertWeights
from causal_ensemble.scoring import bic_penalty, dag_parents, node_rows

FloatArray = npt.NDArray[np.float64]

FOLDS = 5


def _crossfit_rows(
    X: FloatArray, j: int, ps: list[int], folds: npt.NDArray[np.int64], discrete: bool
) -> FloatArray:
    """Each row's log-likelihood for column ``j``, from the model fitted on the other folds."""
    out = np.empty(len(X))
    for k in range(FOLDS):
        tr, te = folds != k, folds == k
        out[te] = node_rows(X[tr], X[te], j, ps, discrete)
    return out


def row_scores(graph: EndpointGraph, X: FloatArray, discrete: bool, seed: int) -> FloatArray:
    """Cross-fitted log-likelihood of every row under the graph's model, minus the BIC penalty per row."""
    parents = dag_parents(graph)
    folds = np.random.default_rng([seed, 7]).permutation(len(X)) % FOLDS
    rows = sum((_crossfit_rows(X, j, ps, folds, discrete) for j, ps in enumerate(parents)), np.zeros(len(X)))
    return np.asarray(rows, dtype=np.float64) - bic_penalty(graph, X, discrete)


def heldout_rows(graph: EndpointGraph, train: FloatArray, test: FloatArray, discrete: bool) -> FloatArray:
    """Log-likelihood of each test row under the graph's model fitted on ``train``, minus the BIC
    penalty per row of that fit."""
    parents = dag_parents(graph)
    out = np.zeros(len(test))
    for j, ps in enumerate(parents):
        out += node_rows(train, test, j, ps, discrete)
    return out - bic_penalty(graph, train, discrete)


def oob_row_scores(data: PanelData, e: int) -> FloatArray:
    """Per row, the mean over the resamples that left it out of expert e's resample graph's held-out
    score (NaN for a row no finished resample left out)."""
    n = len(data.X)
    total, count = np.zeros(n), np.zeros(n)
    for rec in data.results[e].ok_resamples:
        if rec.graph is None:
            continue
        rows = data.resamples[rec.resample]
        oob = np.setdiff1d(np.arange(n), rows)
        if oob.size:
            total[oob] += heldout_rows(rec.graph, data.X[rows], data.X[oob], data.discrete)
            count[oob] += 1
    return np.asarray(np.divide(total, count, out=np.full(n, np.nan), where=count > 0), dtype=np.float64)


def empty_row_scores(data: PanelData) -> FloatArray:
    """Per row, the out-of-bag score of the empty graph (the reference a gain is measured from)."""
    n, d = data.X.shape
    empty = EndpointGraph.empty(d)
    total, count = np.zeros(n), np.zeros(n)
    for rows in data.resamples:
        oob = np.setdiff1d(np.arange(n), rows)
        if oob.size:
            total[oob] += heldout_rows(empty, data.X[rows], data.X[oob], data.discrete)
            count[oob] += 1
    return np.asarray(np.divide(total, count, out=np.full(n, np.nan), where=count > 0), dtype=np.float64)


def paired_factors(
    scores: FloatArray, alive: npt.NDArray[np.bool_], baseline: FloatArray | None = None, tie: float = 0.0
) -> tuple[FloatArray, FloatArray]:
    """Per expert, the two-sided p-value of its per-row deficit from the best expert (1 for the best and
    for identical rows), over the rows every live expert scored; and each expert's mean score."""
    k = scores.shape[0]
    usable = alive & np.isfinite(scores).any(axis=1)
    raw = alive.astype(np.float64)
    means = np.full(k, -np.inf)
    if not usable.any():
        return raw, np.zeros(k)
    common = np.isfinite(scores[usable]).all(axis=0)
    if common.sum() < 2:
        return raw, np.zeros(k)
    means[usable] = scores[usable][:, common].mean(axis=1)
    best = int(np.argmax(means))
    m = int(common.sum())
    margin = 0.0
    if baseline is not None and tie > 0:
        margin = tie * max(float(means[best] - baseline[common].mean()), 0.0)
    for e in np.flatnonzero(usable):
        diff = scores[best, common] - scores[e, common]
        sd = float(diff.std(ddof=1))
        excess = float(diff.mean()) - margin
        z = excess / (sd / np.sqrt(m)) if sd > 0 else 0.0
        raw[e] = float(2.0 * stats.norm.sf(z)) if z > 0 else 1.0
    return raw, np.where(np.isfinite(means), means, 0.0)


class OutOfBagRowsRule:
    """Out-of-bag predictive fit with the row as the unit of evidence (B-stable).

    Every resample graph of an expert is fitted on its in-bag rows and scores the rows it left out (minus
    its BIC penalty per row); each row's scores are averaged over the resamples that left it out, and
    experts are compared with Vuong's paired test over rows, as in :class:`CrossFitRule`. More resamples
    only make each row's average less noisy: the test statistic converges as B grows instead of growing
    like sqrt(B), as it did when the overlapping resamples were treated as independent. Unlike the
    full-data cross-fit it sees how an expert's graph varies over resamples (an unstable expert's
    resample graphs predict worse). Orientation weights are the adjacency weights.
    """

    def __init__(self, tie: float = 0.0) -> None:
        self.tie = tie

    @property
    def name(self) -> str:
        return f"out-of-bag fit per row: paired test over rows against the best expert, ties {self.tie:g}"

    def weights(self, data: PanelData) -> ExpertWeights:
        k = len(data.results)
        scores = np.full((k, len(data.X)), np.nan)
        for e in range(k):
            if data.alive[e]:
                scores[e] = oob_row_scores(data, e)
        baseline = empty_row_scores(data) if self.tie > 0 else None
        raw, gain = paired_factors(scores, data.alive, baseline, self.tie)
        copies = count_copies(data.families, belief_residuals(data), data.alive)
        return finish(data, raw, None, self.name, copies=copies, fit_gain=gain)


class CrossFitRule:
    """Weights from the per-row paired test of cross-fitted likelihood (module docstring)."""

    name = "cross-fitted fit of the full-data graphs: per-row paired test against the best-fitting expert"

    def weights(self, data: PanelData) -> ExpertWeights:
        k = len(data.results)
        n = len(data.X)
        scores = np.full((k, n), np.nan)
        for e, r in enumerate(data.results):
            g = r.full.graph
            if data.alive[e] and g is not None and n >= 2 * FOLDS:
                scores[e] = row_scores(g, data.X, data.discrete, data.seed)
        ok = np.isfinite(scores).all(axis=1)
        raw = data.alive.astype(np.float64)
        means = np.where(ok, np.nanmean(np.where(ok[:, None], scores, 0.0), axis=1), -np.inf)
        if ok.any():
            best = int(np.argmax(means))
            for e in np.flatnonzero(ok):
                diff = scores[best] - scores[e]
                sd = float(diff.std(ddof=1))
                z = float(diff.mean()) / (sd / np.sqrt(n)) if sd > 0 else 0.0
                raw[e] = float(2.0 * stats.norm.sf(z)) if z > 0 else 1.0
        copies = count_copies(data.families, belief_residuals(data), data.alive)
        gain = np.where(np.isfinite(means), means, 0.0)
        return finish(data, raw, None, self.name, copies=copies, fit_gain=gain)
