"""How well a graph's model predicts rows it was not fitted on: held-out log-likelihood and BIC penalty.

Additive regressions on the parents for continuous columns (cubic regression splines per parent, a
Gaussian likelihood of the residuals), Laplace-smoothed multinomial tables for discrete ones. Scores are
per row and relative to the empty graph, so they compare across tables.

Why additive and not linear: a linear-Gaussian likelihood rewards the graph whose *linear* regressions
predict best, so on nonlinear data it cannot see that a nonlinear expert (CAM) found the true parents,
and the weight rules built on it followed the linear experts (synthetic nonlinear ER tables: CAM alone
SHD 1-12, the pool 14-28). Splines contain the linear functions, so on linear data the fit differs from
the linear one only by the variance of a few extra coefficients per parent.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from causal_ensemble.experts import BootstrapResult, EndpointGraph
from causal_ensemble.experts._cam import spline_basis
from causal_ensemble.scoring._extension import dag_parents

FloatVector = npt.NDArray[np.float64]


_GRID = 512  # bins of the residual density estimate


def residual_loglik(resid: FloatVector, resid_t: FloatVector) -> FloatVector:
    """Log-density of held-out residuals under a kernel density estimate of the training residuals.

    Why not a Gaussian: the likelihood of a graph is the product of ``p(x_j | parents)``, and with the
    noise density estimated rather than assumed Gaussian, the additive-noise model in the causal
    direction fits better than any model in the anticausal one whenever noise is non-Gaussian (the
    identifiability LiNGAM and additive-noise methods rest on). Under a Gaussian likelihood a flexible
    regression in the wrong direction, which picks up the curved conditional mean that non-Gaussian
    noise creates, could out-score the true graph (linear non-Gaussian ER d = 10: a wrong GRaSP graph
    beat DirectLiNGAM's exact one). On Gaussian noise the estimate is close to the Gaussian density.

    Silverman's bandwidth, evaluated by binning the training residuals on a grid and smoothing the
    histogram with the Gaussian kernel (linear in the rows), interpolated at the test residuals; a
    floor of one training point's kernel mass keeps far outliers finite.
    """
    n = resid.size
    sd = float(resid.std())
    if n < 2 or sd <= 1e-12:
        var = max(sd * sd, 1e-12)
        return np.asarray(-0.5 * (np.log(2 * np.pi * var) + resid_t**2 / var), dtype=np.float64)
    iqr = float(np.subtract(*np.percentile(resid, [75, 25])))
    spread = min(sd, iqr / 1.349) if iqr > 0 else sd
    h = 0.9 * spread * n ** (-0.2)
    lo = min(float(resid.min()), float(resid_t.min())) - 4 * h
    hi = max(float(resid.max()), float(resid_t.max())) + 4 * h
    step = (hi - lo) / (_GRID - 1)
    counts = np.bincount(
        np.clip(np.rint((resid - lo) / step).astype(np.int64), 0, _GRID - 1), minlength=_GRID
    )
    half = int(np.ceil(4 * h / step))
    offsets = np.arange(-half, half + 1) * step
    kernel = np.exp(-0.5 * (offsets / h) ** 2) / (np.sqrt(2 * np.pi) * h)
    density = np.convolve(counts.astype(np.float64), kernel, mode="same") / n
    floor = float(kernel[half]) / n * 1e-3
    values = np.interp(resid_t, lo + step * np.arange(_GRID), np.maximum(density, floor))
    return np.asarray(np.log(values), dtype=np.float64)


def gaussian_rows(
    train: npt.NDArray[np.float64], test: npt.NDArray[np.float64], j: int, ps: list[int]
) -> FloatVector:
    """Log-likelihood of each test row's column ``j`` under a linear regression on ``ps`` fitted on
    ``train``, residuals scored by :func:`residual_loglik` (a kernel density; the name dates from when
    they were Gaussian). With no parents it is the column's own held-out density, the empty graph's."""
    y, yt = train[:, j], test[:, j]
    if ps:
        A = np.c_[np.ones(len(train)), train[:, ps]]
        coef, *_ = np.linalg.lstsq(A, y, rcond=None)
        resid, resid_t = y - A @ coef, yt - np.c_[np.ones(len(test)), test[:, ps]] @ coef
    else:
        resid, resid_t = y - y.mean(), yt - y.mean()
    return residual_loglik(resid, resid_t)


def multinomial_rows(
    train: npt.NDArray[np.int64], test: npt.NDArray[np.int64], j: int, ps: list[int]
) -> FloatVector:
    """Log-likelihood of each test row's column ``j`` under a table of its parents' configurations,
    counted on ``train`` with Laplace smoothing (so configurations unseen in training stay finite)."""
    k = int(max(train[:, j].max(), test[:, j].max())) + 1
    if ps:
        radix = np.maximum(np.maximum(train[:, ps].max(axis=0), test[:, ps].max(axis=0)) + 1, 1)
        mult = np.cumprod(np.r_[1, radix[:-1]])
        cfg, cfg_t = train[:, ps] @ mult, test[:, ps] @ mult
    else:
        cfg, cfg_t = np.zeros(len(train), dtype=np.int64), np.zeros(len(test), dtype=np.int64)
    _, inv = np.unique(np.r_[cfg, cfg_t], return_inverse=True)
    c_tr, c_te = inv[: len(cfg)], inv[len(cfg) :]
    counts = np.ones((int(inv.max()) + 1, k))
    np.add.at(counts, (c_tr, train[:, j]), 1.0)
    probs = counts / counts.sum(axis=1, keepdims=True)
    return np.asarray(np.log(probs[c_te, test[:, j]]), dtype=np.float64)


N_KNOTS = 5  # spline knots per parent: 6 coefficients (cubic, no intercept), as CAM uses


def spline_train_test(
    train: npt.NDArray[np.float64], test: npt.NDArray[np.float64], j: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Column ``j``'s spline basis (CAM's, :func:`~causal_ensemble.experts._cam.spline_basis`) fitted on
    ``train`` and applied to both."""
    b, bt = spline_basis(train[:, [j]], N_KNOTS, test[:, [j]])
    return b, bt


class HeldOutSplit:
    """One train/test split of a table, with what every graph scored on it shares: each column's spline
    basis (computed once), and each node's held-out rows per parent set (many experts propose the same
    parents: PC and FCI, GES and GRaSP)."""

    def __init__(self, train: npt.NDArray[np.float64], test: npt.NDArray[np.float64]) -> None:
        self.train, self.test = train, test
        self._bases: dict[int, tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]] = {}
        self._rows: dict[tuple[int, tuple[int, ...]], FloatVector] = {}

    def basis(self, j: int) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        if j not in self._bases:
            self._bases[j] = spline_train_test(self.train, self.test, j)
        return self._bases[j]

    def rows(self, j: int, ps: list[int]) -> FloatVector:
        key = (j, tuple(sorted(ps)))
        if key not in self._rows:
            self._rows[key] = additive_rows(self.train, self.test, j, list(key[1]), self)
        return self._rows[key]


class HeldOutSplits:
    """The out-of-bag splits of a table's resamples, created lazily and shared by every expert scored on
    them (:func:`oob_gains` takes one so that a weight rule builds each split's bases once)."""

    def __init__(self, X: npt.NDArray[np.float64], resamples: Sequence[npt.NDArray[np.int64]]) -> None:
        self.X = X
        self.resamples = resamples
        self._splits: dict[int, HeldOutSplit] = {}

    def get(self, b: int) -> HeldOutSplit:
        if b not in self._splits:
            rows = self.resamples[b]
            oob = np.setdiff1d(np.arange(len(self.X)), rows)
            self._splits[b] = HeldOutSplit(self.X[rows], self.X[oob])
        return self._splits[b]


def additive_rows(
    train: npt.NDArray[np.float64],
    test: npt.NDArray[np.float64],
    j: int,
    ps: list[int],
    split: HeldOutSplit | None = None,
) -> FloatVector:
    """Log-likelihood of each test row's column ``j`` under an additive spline regression on ``ps``
    fitted on ``train``, residuals scored by :func:`residual_loglik`."""
    y, yt = train[:, j], test[:, j]
    if not ps:
        return gaussian_rows(train, test, j, ps)
    sp = split if split is not None else HeldOutSplit(train, test)
    A = np.hstack([sp.basis(p)[0] for p in ps])
    At = np.hstack([sp.basis(p)[1] for p in ps])
    yc = y - y.mean()
    G = A.T @ A
    G[np.diag_indices_from(G)] += 1e-10 * max(float(np.trace(G)) / G.shape[0], 1e-300)
    try:
        coef = np.linalg.solve(G, A.T @ yc)
    except np.linalg.LinAlgError:
        coef, *_ = np.linalg.lstsq(A, yc, rcond=None)
    resid, resid_t = yc - A @ coef, yt - y.mean() - At @ coef
    return residual_loglik(resid, resid_t)


def node_rows(
    train: npt.NDArray[np.float64], test: npt.NDArray[np.float64], j: int, ps: list[int], discrete: bool
) -> FloatVector:
    """Per-row held-out log-likelihood of column ``j`` given parents ``ps``, for either data kind."""
    if discrete:
        return multinomial_rows(train.astype(np.int64), test.astype(np.int64), j, ps)
    return additive_rows(train, test, j, ps)


def _multinomial_ll(
    train: npt.NDArray[np.int64], test: npt.NDArray[np.int64], j: int, ps: list[int]
) -> float:
    return float(np.sum(multinomial_rows(train, test, j, ps)))


def heldout_gain(
    graph: EndpointGraph,
    train: npt.NDArray[np.float64],
    test: npt.NDArray[np.float64],
    discrete: bool,
    split: HeldOutSplit | None = None,
) -> float:
    """Out-of-sample log-likelihood gain per test row of the graph's model over the empty graph
    (``split``: the same train/test rows with their shared bases, for continuous data)."""
    if len(test) == 0:
        return 0.0
    parents = dag_parents(graph)
    if discrete:
        tr, te = train.astype(np.int64), test.astype(np.int64)
        gain = sum(
            _multinomial_ll(tr, te, j, ps) - _multinomial_ll(tr, te, j, []) for j, ps in enumerate(parents)
        )
    else:
        sp = split if split is not None else HeldOutSplit(train, test)
        gain = sum(float(np.sum(sp.rows(j, ps) - sp.rows(j, []))) for j, ps in enumerate(parents) if ps)
    return gain / len(test)


def bic_penalty(
    graph: EndpointGraph,
    train: npt.NDArray[np.float64],
    discrete: bool,
    split: HeldOutSplit | None = None,
) -> float:
    """Schwarz's penalty per row, ``dof · log(n) / (2 n)``, for the parameters the graph adds to the
    empty graph (the spline coefficients of each parent, as :func:`additive_rows` fits them;
    ``(r_j − 1)(q_j − 1)`` table entries for a discrete node with ``r_j`` states and ``q_j`` parent
    configurations).

    Why on top of a held-out score: held-out likelihood estimates predictive risk, and a supergraph of
    the true graph has the same risk up to ``O(1/n)``, so it cannot tell the true graph from a denser
    one; adding the BIC penalty makes the comparison selection-consistent (the reason BIC-scored search
    such as GES is consistent).
    """
    n = len(train)
    if n < 2:
        return 0.0
    parents = dag_parents(graph)
    if discrete:
        card = train.astype(np.int64).max(axis=0) + 1
        dof = sum((int(card[j]) - 1) * (int(np.prod(card[ps])) - 1) for j, ps in enumerate(parents) if ps)
    else:
        # the coefficients additive_rows fits: each parent's basis width, read off the split's bases
        sp = split if split is not None else HeldOutSplit(train, train[:0])
        dof = sum(sp.basis(p)[0].shape[1] for ps in parents for p in ps)
    return float(dof * np.log(n) / (2.0 * n))


def oob_gains(
    result: BootstrapResult,
    X: npt.NDArray[np.float64],
    resamples: Sequence[npt.NDArray[np.int64]],
    discrete: bool,
    *,
    penalised: bool = True,
    splits: HeldOutSplits | None = None,
) -> FloatVector:
    """Out-of-bag gain per row of each resample graph, indexed by resample (NaN where the fit failed);
    ``splits`` shares the out-of-bag splits' bases across experts.

    Kept per resample, not averaged, because every expert is scored on the *same* out-of-bag rows of a
    resample: differences between experts are then paired, and far less noisy than the gains themselves
    (which swing with the particular rows left out).
    """
    gains = np.full(len(resamples), np.nan)
    given = splits is not None and splits.X is X and splits.resamples is resamples
    shared = splits if splits is not None and given else HeldOutSplits(X, resamples)
    for rec in result.ok_resamples:
        split = shared.get(rec.resample)
        if rec.graph is not None and len(split.test):
            gains[rec.resample] = heldout_gain(rec.graph, split.train, split.test, discrete, split)
            if penalised:
                gains[rec.resample] -= bic_penalty(rec.graph, split.train, discrete, split)
    return gains
