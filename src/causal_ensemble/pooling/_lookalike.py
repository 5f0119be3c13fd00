"""Expert weights from look-alike simulation: each expert's score on tables like the user's, with known truth.

No truth is available on the user's table, but one can be made: take the panel's uniform consensus as a
candidate DAG (not any one expert's graph, which would favour that expert), fit its mechanisms to the
user's data keeping what makes the data hard for some experts and easy for others, simulate tables of the
user's size from it, run the panel's full-data fits on them (``run_panel`` with no resamples and no
cache) and score each expert against the candidate (Biza et al.'s out-of-sample tuning on simulated
look-alikes, applied to weights instead of hyperparameters). What is kept from the data:

* root columns are resampled from their own values (scale, skew and ties as in the data);
* a continuous column is its parents' regression plus residuals resampled from the fit, so its noise has
  the data's scale and non-Gaussianity, and the varsortability of the data carries over; the regression
  is additive splines when they predict out-of-fold clearly better than a linear fit, else linear;
* a discrete column is drawn from its parents' conditional table (continuous parents cut at terciles),
  smoothed towards the column's marginal so sparse parent configurations do not become deterministic.

Weights: adjacency ``F1^sharpness`` (skeleton F1 on the simulated tables), orientation
``max(0, 2·acc − 1)^sharpness`` with ``acc`` the mean orientation belief on the true direction of the
true edges the expert found (undirected counts 1/2). Experts whose simulated errors are correlated share
one say (:mod:`._redundancy`). Cost: one full-data fit of the panel per simulated table, i.e. about
``n_tables / (B + 1)`` of the panel's fitting time.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sklearn.linear_model import Ridge
from sklearn.preprocessing import SplineTransformer

from causal_ensemble.beliefs import ExpertBeliefs, graph_levels
from causal_ensemble.experts import run_panel
from causal_ensemble.pooling._redundancy import copies as count_copies
from causal_ensemble.pooling._rules import PanelData, finish
from causal_ensemble.pooling._weights import ExpertWeights
from causal_ensemble.scoring import topological_order

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
BoolMatrix = npt.NDArray[np.bool_]

SMOOTHING = 2.0  # pseudo-rows of the marginal added to every parent configuration's counts
SPLINE_GAIN = 0.95  # splines are used when their out-of-fold MSE is below this share of the linear one


def consensus_dag(beliefs: Sequence[ExpertBeliefs]) -> BoolMatrix:
    """The uniform pool's graph made acyclic: pairs with pooled adjacency >= 1/2, most believed first, each
    pointed the pooled way unless that closes a cycle with the edges already placed, then the other way."""
    adj = np.mean([b.adjacency for b in beliefs], axis=0)
    w = np.array([b.adjacency for b in beliefs])
    o = np.array([b.orientation for b in beliefs])
    orient = np.divide((w * o).sum(axis=0), w.sum(axis=0), out=np.full(adj.shape, 0.5), where=w.sum(0) > 0)
    d = adj.shape[0]
    pairs = [(float(adj[i, j]), i, j) for i in range(d) for j in range(i + 1, d) if adj[i, j] >= 0.5]
    pairs.sort(key=lambda t: (-t[0], t[1], t[2]))
    dag = np.zeros((d, d), dtype=bool)
    reach = np.eye(d, dtype=bool)
    for _, i, j in pairs:
        s, t = (i, j) if orient[i, j] >= 0.5 else (j, i)
        if reach[t, s]:
            s, t = t, s
        dag[s, t] = True
        reach |= np.outer(reach[:, s], reach[t, :])
    return dag


def _codes(col: FloatArray, ref: FloatArray, discrete: bool) -> tuple[npt.NDArray[np.int64], int]:
    """Category index of ``col`` among ``ref``'s categories (terciles for a continuous column)."""
    if discrete:
        cats = np.unique(ref)
        idx = np.clip(np.searchsorted(cats, col), 0, len(cats) - 1)
        return idx.astype(np.int64), len(cats)
    cuts = np.quantile(ref, [1 / 3, 2 / 3])
    return np.searchsorted(cuts, col).astype(np.int64), 3


def _design(Z: FloatArray, ref: FloatArray, disc: npt.NDArray[np.bool_]) -> FloatArray:
    """Parents as regressors: continuous ones as they are, discrete ones one-hot (first level dropped)."""
    cols = []
    for k in range(Z.shape[1]):
        if disc[k]:
            cats = np.unique(ref[:, k])
            cols.extend([(Z[:, k] == c).astype(np.float64) for c in cats[1:]])
        else:
            cols.append(Z[:, k])
    return np.column_stack(cols) if cols else np.zeros((len(Z), 0))


class _Fitted:
    def __init__(self, spline: bool, ref: FloatArray, disc: npt.NDArray[np.bool_]) -> None:
        self.spline = spline
        self.ref = ref
        self.disc = disc
        self.model = Ridge(alpha=1e-6 if not spline else 1.0)
        self.transform: SplineTransformer | None = None
        self.residuals: FloatArray = np.zeros(0)

    def _features(self, Z: FloatArray) -> FloatArray:
        base = _design(Z, self.ref, self.disc)
        if not self.spline:
            return base
        cont = Z[:, ~self.disc]
        if self.transform is None:
            self.transform = SplineTransformer(n_knots=6, degree=3, extrapolation="linear")
            self.transform.fit(self.ref[:, ~self.disc])
        spl = np.asarray(self.transform.transform(cont), dtype=np.float64)
        return np.column_stack([base, spl])

    def fit(self, Z: FloatArray, y: FloatArray) -> None:
        self.model.fit(self._features(Z), y)

    def predict(self, Z: FloatArray) -> FloatArray:
        return np.asarray(self.model.predict(self._features(Z)), dtype=np.float64)


def _regressor(
    X: FloatArray, y: FloatArray, disc: npt.NDArray[np.bool_], rng: np.random.Generator
) -> _Fitted:
    """Linear least squares or additive splines on the parents, whichever predicts out of fold better (by
    a clear margin for splines), with its out-of-fold residuals."""
    n = len(y)
    folds = rng.permutation(n) % 2
    cont = ~disc

    def make(spline: bool) -> _Fitted:
        return _Fitted(spline, X, disc)

    mses: list[tuple[float, bool, FloatArray]] = []
    for spline in (False, True):
        if spline and not cont.any():
            continue
        resid = np.empty(n)
        for k in (0, 1):
            m = make(spline)
            m.fit(X[folds != k], y[folds != k])
            resid[folds == k] = y[folds == k] - m.predict(X[folds == k])
        mses.append((float(np.mean(resid**2)), spline, resid))
    lin = mses[0]
    choice = lin
    if len(mses) > 1 and mses[1][0] < SPLINE_GAIN * lin[0]:
        choice = mses[1]
    best = make(choice[1])
    best.fit(X, y)
    best.residuals = choice[2]
    return best


def simulate(
    X: FloatArray, dag: BoolMatrix, discrete: npt.NDArray[np.bool_], n: int, rng: np.random.Generator
) -> FloatArray:
    """One table of ``n`` rows from ``dag`` with mechanisms fitted to ``X`` (module docstring)."""
    d = X.shape[1]
    out = np.zeros((n, d))
    for j in topological_order(dag):
        pa = np.flatnonzero(dag[:, j])
        if pa.size == 0:
            out[:, j] = X[rng.integers(0, len(X), n), j]
            continue
        pdisc = discrete[pa]
        if discrete[j]:
            cats = np.unique(X[:, j])
            y, K = _codes(X[:, j], X[:, j], True)
            marg = (np.bincount(y, minlength=K) + 1.0) / (len(y) + K)
            cfg_real: npt.NDArray[np.int64] = np.zeros(len(X), dtype=np.int64)
            cfg_sim: npt.NDArray[np.int64] = np.zeros(n, dtype=np.int64)
            for p, dk in zip(pa, pdisc, strict=True):
                cr, r = _codes(X[:, p], X[:, p], bool(dk))
                cs, _ = _codes(out[:, p], X[:, p], bool(dk))
                cfg_real = cfg_real * r + cr
                cfg_sim = cfg_sim * r + cs
            seen, inv = np.unique(cfg_real, return_inverse=True)
            counts = np.zeros((len(seen), K))
            np.add.at(counts, (inv, y), 1.0)
            probs = (counts + SMOOTHING * marg) / (counts.sum(axis=1, keepdims=True) + SMOOTHING)
            pos = np.searchsorted(seen, cfg_sim)
            known = (pos < len(seen)) & (seen[np.minimum(pos, len(seen) - 1)] == cfg_sim)
            rows = np.where(known[:, None], probs[np.minimum(pos, len(seen) - 1)], marg[None, :])
            u = rng.random(n)[:, None]
            draw = np.minimum((rows.cumsum(axis=1) < u).sum(axis=1), K - 1)
            out[:, j] = cats[draw]
        else:
            model = _regressor(X[:, pa], X[:, j], pdisc, rng)
            out[:, j] = model.predict(out[:, pa]) + rng.choice(model.residuals, n)
    return out


@dataclass(frozen=True)
class LookalikeEvidence:
    """Per expert (panel order): skeleton F1 and orientation accuracy averaged over the simulated tables
    (NaN where the expert failed on all), the residuals for :func:`multiplicity`, and the seconds spent."""

    f1: FloatArray
    orientation: FloatArray
    residuals: FloatArray
    seconds: float
    fit_seconds: float


def measure(data: PanelData, n_tables: int = 1) -> LookalikeEvidence:
    """Simulate ``n_tables`` look-alike tables and score every expert's full-data fit on each."""
    start = time.perf_counter()
    live = [b for b in data.beliefs if b is not None]
    k = len(data.results)
    dag = consensus_dag(live)
    truth_skel = dag | dag.T
    d = dag.shape[0]
    iu = np.triu_indices(d, 1)
    f1 = np.full((n_tables, k), np.nan)
    acc = np.full((n_tables, k), np.nan)
    resid: FloatArray = np.zeros((k, 0))
    fit_seconds = 0.0
    experts = [r.expert for r in data.results]
    for t in range(n_tables):
        rng = np.random.default_rng([data.seed, 104729, t])
        Xs = simulate(data.X, dag, data.discrete_mask, len(data.X), rng)
        fit_start = time.perf_counter()
        runs = run_panel(
            experts,
            Xs,
            discrete=data.discrete_mask,
            n_bootstrap=0,
            seed=data.seed + 1000 + t,
            n_jobs=data.n_jobs,
            time_limit_s=data.time_limit_s,
        )
        fit_seconds += time.perf_counter() - fit_start
        rows = np.zeros((k, 2 * len(iu[0])))
        for e, r in enumerate(runs):
            g = r.full.graph
            if g is None or not data.alive[e]:
                continue
            lv = graph_levels(g)
            found = lv.adjacency > 0
            tp = float((found & truth_skel)[iu].sum())
            n_found, n_true = float(found[iu].sum()), float(truth_skel[iu].sum())
            f1[t, e] = 2 * tp / (n_found + n_true) if n_found + n_true else 1.0
            hit = dag & found
            acc[t, e] = float(lv.orientation[hit].mean()) if hit.any() else 0.5
            oerr = np.where(truth_skel, lv.orientation - dag.astype(np.float64), 0.0) * found
            rows[e] = np.r_[found[iu].astype(np.float64) - truth_skel[iu], oerr[iu]]
        resid = np.hstack([resid, rows])
    with np.errstate(all="ignore"):
        mf1 = np.nanmean(f1, axis=0) if n_tables else np.full(k, np.nan)
        macc = np.nanmean(acc, axis=0) if n_tables else np.full(k, np.nan)
    return LookalikeEvidence(mf1, macc, resid, time.perf_counter() - start, fit_seconds)


class LookalikeRule:
    """Weights from the experts' scores on simulated look-alikes of the user's table (module docstring).

    It refits the panel (full data only) on ``n_tables`` simulated tables, so it needs the experts, the
    discrete mask, a seed and a time limit: all in :class:`PanelData`.
    """

    def __init__(self, sharpness: float = 2.0, n_tables: int = 1, redundancy: bool = True) -> None:
        self.sharpness = sharpness
        self.n_tables = n_tables
        self.redundancy = redundancy

    @property
    def name(self) -> str:
        return (
            f"look-alike simulation ({self.n_tables} table(s) from the consensus DAG): "
            f"(skeleton F1, orientation accuracy)^{self.sharpness:g}"
        )

    def weights(self, data: PanelData) -> ExpertWeights:
        return self.from_evidence(data, measure(data, self.n_tables))

    def from_evidence(self, data: PanelData, ev: LookalikeEvidence) -> ExpertWeights:
        """Weights from measured evidence (so a tournament can vary ``sharpness`` without refitting)."""
        f1 = np.nan_to_num(ev.f1, nan=0.0)
        orient = np.clip(2 * np.nan_to_num(ev.orientation, nan=0.5) - 1, 0.0, None)
        copies = count_copies(data.families, ev.residuals, data.alive) if self.redundancy else None
        return finish(
            data,
            f1**self.sharpness,
            orient**self.sharpness,
            self.name,
            copies=copies,
            evidence={"lookalike_f1": ev.f1, "lookalike_orientation": ev.orientation},
        )
