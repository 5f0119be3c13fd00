"""How well a graph's model predicts rows it was not fitted on: held-out log-likelihood and BIC penalty.

Linear-Gaussian regressions on the parents for continuous columns, Laplace-smoothed multinomial tables
for discrete ones. Scores are per row and relative to the empty graph, so they compare across tables.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from causal_ensemble.experts import BootstrapResult, EndpointGraph
from causal_ensemble.scoring._extension import dag_parents

FloatVector = npt.NDArray[np.float64]


def gaussian_rows(
    train: npt.NDArray[np.float64], test: npt.NDArray[np.float64], j: int, ps: list[int]
) -> FloatVector:
    """Log-likelihood of each test row's column ``j`` under a linear-Gaussian regression on ``ps``
    fitted on ``train``."""
    y, yt = train[:, j], test[:, j]
    if ps:
        A = np.c_[np.ones(len(train)), train[:, ps]]
        coef, *_ = np.linalg.lstsq(A, y, rcond=None)
        resid, resid_t = y - A @ coef, yt - np.c_[np.ones(len(test)), test[:, ps]] @ coef
    else:
        resid, resid_t = y - y.mean(), yt - y.mean()
    var = max(float(resid.var()), 1e-12)
    return np.asarray(-0.5 * (np.log(2 * np.pi * var) + resid_t**2 / var), dtype=np.float64)


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


def node_rows(
    train: npt.NDArray[np.float64], test: npt.NDArray[np.float64], j: int, ps: list[int], discrete: bool
) -> FloatVector:
    """Per-row held-out log-likelihood of column ``j`` given parents ``ps``, for either data kind."""
    if discrete:
        return multinomial_rows(train.astype(np.int64), test.astype(np.int64), j, ps)
    return gaussian_rows(train, test, j, ps)


def _gaussian_ll(
    train: npt.NDArray[np.float64], test: npt.NDArray[np.float64], j: int, ps: list[int]
) -> float:
    return float(np.sum(gaussian_rows(train, test, j, ps)))


def _multinomial_ll(
    train: npt.NDArray[np.int64], test: npt.NDArray[np.int64], j: int, ps: list[int]
) -> float:
    return float(np.sum(multinomial_rows(train, test, j, ps)))


def heldout_gain(
    graph: EndpointGraph, train: npt.NDArray[np.float64], test: npt.NDArray[np.float64], discrete: bool
) -> float:
    """Out-of-sample log-likelihood gain per test row of the graph's model over the empty graph."""
    if len(test) == 0:
        return 0.0
    parents = dag_parents(graph)
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
    parents = dag_parents(graph)
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
