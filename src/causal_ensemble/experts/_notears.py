"""NOTEARS and adaptive NOTEARS for linear SEMs, in numpy/scipy.

NOTEARS (Zheng, Aragam, Ravikumar & Xing, NeurIPS 2018) turns DAG search into smooth optimisation:
least squares + L1 subject to ``h(W) = tr(exp(W∘W)) − d = 0``, solved by an augmented Lagrangian whose
inner problems go to L-BFGS-B. W is split as ``W⁺ − W⁻`` with both parts bounded below by 0, which makes
the L1 term smooth and lets entries reach exactly 0; forbidden entries get the bounds (0, 0).

Adaptive NOTEARS replaces the uniform L1 penalty by the adaptive lasso's (Zou 2006) per-entry weights
``ω_ij = 1 / |Ŵ_ij|^γ`` from an initial NOTEARS estimate ``Ŵ`` (lightly L1-penalised, unthresholded:
the unpenalised problem has many poor local optima): large true effects are
barely shrunk, near-zero ones are pushed to exact zero, so no post-hoc threshold is needed (the oracle
property of the adaptive lasso). The overall strength λ is chosen from the data by BIC over a small grid
around ``sqrt(log d / n)``, the rate at which the adaptive lasso is consistent, each candidate support
refitted by least squares before scoring.
"""

from __future__ import annotations

import logging
import math
import time

import numpy as np
import numpy.typing as npt
import scipy.linalg as sla
import scipy.optimize as sopt

from causal_ensemble._errors import InputError

logger = logging.getLogger(__name__)

FloatMatrix = npt.NDArray[np.float64]
BoolMatrix = npt.NDArray[np.bool_]


def _check(X: FloatMatrix, forbidden: BoolMatrix | None) -> tuple[FloatMatrix, BoolMatrix]:
    data = np.asarray(X, dtype=np.float64)
    if data.ndim != 2 or data.shape[1] < 2 or data.shape[0] < 2:
        raise InputError(f"X must be a 2-D array with at least 2 rows and 2 columns, got shape {data.shape}")
    d = data.shape[1]
    fb = np.zeros((d, d), dtype=bool) if forbidden is None else np.asarray(forbidden, dtype=bool).copy()
    if fb.shape != (d, d):
        raise InputError(f"forbidden must have shape ({d}, {d}), got {fb.shape}")
    np.fill_diagonal(fb, True)
    return data, fb


def make_acyclic(W: FloatMatrix) -> FloatMatrix:
    """Drop the smallest |w| entries until the support is a DAG (guards against numerical leftovers)."""
    W = W.copy()
    while True:
        support = W != 0
        reach = support.copy()
        for k in range(W.shape[0]):
            reach |= np.outer(reach[:, k], reach[k, :])
        on_cycle = np.diag(reach)
        if not on_cycle.any():
            return W
        cyc = support & on_cycle[:, None] & on_cycle[None, :] & reach.T  # edges i->j with j reaching i
        idx = np.argwhere(cyc)
        weakest = min(idx, key=lambda ij: abs(W[ij[0], ij[1]]))
        W[weakest[0], weakest[1]] = 0.0


def _h(W: FloatMatrix) -> tuple[float, FloatMatrix]:
    E = sla.expm(W * W)
    return float(np.trace(E) - W.shape[0]), E.T * W * 2


def _solve(
    X: FloatMatrix,
    penalty: FloatMatrix,
    forbidden: BoolMatrix,
    *,
    loss: str,
    max_iter: int,
    h_tol: float,
    rho_max: float,
    w_init: FloatMatrix | None,
    deadline: float | None,
) -> FloatMatrix:
    """Augmented-Lagrangian NOTEARS with per-entry L1 weights ``penalty`` (already scaled by λ)."""
    n, d = X.shape

    def adj(w: FloatMatrix) -> FloatMatrix:
        return (w[: d * d] - w[d * d :]).reshape(d, d)

    # Least squares depends on the data only through S = XᵀX/n: 0.5·tr((I−W)ᵀS(I−W)), O(d³) per call
    # instead of O(nd²), which is what makes NOTEARS usable inside a bootstrap.
    S = X.T @ X / n
    eye = np.eye(d)

    def loss_fn(W: FloatMatrix) -> tuple[float, FloatMatrix]:
        if loss == "l2":
            IW = eye - W
            SIW = S @ IW
            return 0.5 * float(np.sum(IW * SIW)), -SIW
        M = X @ W
        # logistic loss for binary columns
        return 1.0 / n * float((np.logaddexp(0, M) - X * M).sum()), 1.0 / n * X.T @ (1 / (1 + np.exp(-M)) - X)

    pen = np.concatenate([penalty.ravel(), penalty.ravel()])
    rho, alpha, h = 1.0, 0.0, math.inf

    def func(w: FloatMatrix) -> tuple[float, FloatMatrix]:
        W = adj(w)
        lo, g_loss = loss_fn(W)
        hv, g_h = _h(W)
        obj = lo + 0.5 * rho * hv * hv + alpha * hv + float(pen @ w)
        g_smooth = (g_loss + (rho * hv + alpha) * g_h).ravel()
        return obj, np.concatenate([g_smooth, -g_smooth]) + pen

    free = [(0.0, 0.0) if forbidden.ravel()[k] else (0.0, None) for k in range(d * d)]
    bounds = free + free
    if w_init is None:
        w = np.zeros(2 * d * d)
    else:
        w0 = np.where(forbidden, 0.0, w_init).ravel()
        w = np.concatenate([np.maximum(w0, 0), np.maximum(-w0, 0)])
    for _ in range(max_iter):
        w_new, h_new = w, h
        while rho < rho_max:
            sol = sopt.minimize(func, w, method="L-BFGS-B", jac=True, bounds=bounds)
            w_new = sol.x
            h_new, _ = _h(adj(w_new))
            if h_new > 0.25 * h:
                rho *= 10
            else:
                break
            if deadline is not None and time.monotonic() > deadline:
                break
        w, h = w_new, h_new
        alpha += rho * h
        if h <= h_tol or rho >= rho_max:
            break
        if deadline is not None and time.monotonic() > deadline:
            logger.info("NOTEARS stopped at its deadline with h=%.2e", h)
            break
    return adj(w)


def notears_linear(
    X: npt.ArrayLike,
    *,
    lambda1: float = 0.1,
    loss: str = "l2",
    max_iter: int = 100,
    h_tol: float = 1e-8,
    rho_max: float = 1e16,
    w_threshold: float = 0.3,
    forbidden: npt.ArrayLike | None = None,
    penalty_weights: npt.ArrayLike | None = None,
    w_init: npt.ArrayLike | None = None,
    deadline: float | None = None,
) -> FloatMatrix:
    """NOTEARS: a weighted adjacency ``W`` (``W[i, j] != 0`` means i -> j), acyclic, thresholded."""
    data, fb = _check(np.asarray(X, dtype=np.float64), None if forbidden is None else np.asarray(forbidden))
    if lambda1 < 0 or w_threshold < 0:
        raise InputError("lambda1 and w_threshold must be >= 0")
    if loss not in ("l2", "logistic"):
        raise InputError(f"loss must be 'l2' or 'logistic', got {loss!r}")
    d = data.shape[1]
    pw = np.ones((d, d)) if penalty_weights is None else np.asarray(penalty_weights, dtype=np.float64)
    if pw.shape != (d, d) or np.any(pw < 0):
        raise InputError(f"penalty_weights must be a non-negative ({d}, {d}) array")
    W = _solve(
        data,
        lambda1 * pw,
        fb,
        loss=loss,
        max_iter=max_iter,
        h_tol=h_tol,
        rho_max=rho_max,
        w_init=None if w_init is None else np.asarray(w_init, dtype=np.float64),
        deadline=deadline,
    )
    W[np.abs(W) < w_threshold] = 0.0
    W[fb] = 0.0
    return make_acyclic(W)


def _bic(X: FloatMatrix, W: FloatMatrix) -> float:
    """BIC of the support of W with each node refitted by least squares on its parents (the relaxed
    adaptive lasso), so that supports are compared without the penalty's shrinkage."""
    n, d = X.shape
    total = 0.0
    for j in range(d):
        parents = np.flatnonzero(W[:, j])
        if parents.size:
            coef, *_ = np.linalg.lstsq(X[:, parents], X[:, j], rcond=None)
            resid = X[:, j] - X[:, parents] @ coef
        else:
            resid = X[:, j]
        total += n * math.log(max(float(resid @ resid) / n, 1e-12))
    return total + math.log(n) * float(np.count_nonzero(W))


def adaptive_notears_linear(
    X: npt.ArrayLike,
    *,
    gamma: float = 1.0,
    lambda1: float | None = None,
    lambda_grid: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0),
    init_lambda: float = 0.1,
    forbidden: npt.ArrayLike | None = None,
    max_iter: int = 100,
    h_tol: float = 1e-8,
    rho_max: float = 1e16,
    zero_tol: float = 1e-6,
    deadline: float | None = None,
) -> FloatMatrix:
    """Adaptive NOTEARS (see module docstring). ``lambda1=None`` picks λ by BIC over
    ``lambda_grid × sqrt(log d / n)``; ``zero_tol`` (relative to max |W|) only absorbs solver round-off."""
    data, fb = _check(np.asarray(X, dtype=np.float64), None if forbidden is None else np.asarray(forbidden))
    if gamma <= 0:
        raise InputError(f"gamma must be > 0, got {gamma}")
    n, d = data.shape
    init = _solve(
        data,
        np.full((d, d), init_lambda),
        fb,
        loss="l2",
        max_iter=max_iter,
        h_tol=h_tol,
        rho_max=rho_max,
        w_init=None,
        deadline=deadline,
    )
    weights = 1.0 / np.maximum(np.abs(init), 1e-8) ** gamma
    base = math.sqrt(math.log(max(d, 2)) / n)
    grid = [lambda1] if lambda1 is not None else [g * base for g in lambda_grid]
    best: tuple[float, FloatMatrix] | None = None
    for lam in grid:
        W = _solve(
            data,
            lam * weights,
            fb,
            loss="l2",
            max_iter=max_iter,
            h_tol=h_tol,
            rho_max=rho_max,
            w_init=init,
            deadline=deadline,
        )
        scale = float(np.abs(W).max()) if W.size else 0.0
        W[np.abs(W) <= zero_tol * max(scale, 1e-12)] = 0.0
        W[fb] = 0.0
        W = make_acyclic(W)
        score = _bic(data, W)
        if best is None or score < best[0]:
            best = (score, W)
    if best is None:  # unreachable: the grid is never empty
        raise InputError("lambda_grid must not be empty")
    return best[1]
