"""DAGMA for linear SEMs (Bello, Aragam & Ravikumar, NeurIPS 2022), in numpy (no torch).

Acyclicity is measured by the log-determinant ``h_s(W) = −log det(sI − W∘W) + d·log s``. On the set where
``sI − W∘W`` is an M-matrix (spectral radius of ``W∘W`` below ``s``) it is non-negative and zero exactly on
DAGs, and its gradient ``2·W∘(sI − W∘W)^{-T}`` costs one d×d inverse — far cheaper and better conditioned
than NOTEARS' matrix exponential. Instead of an augmented Lagrangian, DAGMA follows a central path: for
``μ`` decreasing geometrically it minimises ``μ·(score + λ‖W‖₁) + h_s(W)`` with Adam, warm-starting each
step from the last, so that the final, small ``μ`` makes ``h`` dominate and the iterate a DAG.

The M-matrix domain is checked through the inverse itself: a Z-matrix is a non-singular M-matrix exactly
when its inverse is entrywise non-negative. Leaving the domain means the step was too long, so the step is
undone and the learning rate halved; on a later central-path step (``s <= 0.9``) the whole step is
restarted with a larger ``s`` and a halved learning rate, as in the reference method.

The reference iteration caps (3·10⁴ per warm step, 6·10⁴ for the last) are rarely needed: the objective is
checked every ``checkpoint`` iterations and a step ends once its relative change falls below ``tol``.
Least squares only needs ``S = XᵀX/n`` (O(d³) per iteration, independent of n); the logistic loss (binary
data) gets unpenalised per-node intercepts, which the reference omits, because without them a column
with mean ≠ ½ is misfitted and the misfit leaks into spurious edges. As with NOTEARS, the data are
used on the scale given; the DAGMA expert standardises continuous columns first.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy.linalg.lapack import dgesv as _gesv
from scipy.special import expit

from causal_ensemble._errors import InputError
from causal_ensemble.experts._notears import (
    check_data,
    check_deadline,
    check_mask,
    make_acyclic,
    past,
    single_threaded_blas,
)

logger = logging.getLogger(__name__)

FloatMatrix = npt.NDArray[np.float64]
BoolMatrix = npt.NDArray[np.bool_]

_BETA1 = 0.99
_BETA2 = 0.999
_DEADLINE_EVERY = 50  # iterations between deadline checks (a clock read costs ~the same as an iteration)
_MAX_RESTARTS = 30  # restarts of one central-path step with a larger s before giving up on that step


class _Problem:
    """The data-dependent pieces of the objective: score value and gradients."""

    def __init__(self, X: FloatMatrix, loss: str, lambda1: float, free: FloatMatrix) -> None:
        n, d = X.shape
        self.n, self.d = n, d
        self.logistic = loss == "logistic"
        self.X = X
        self.lambda1 = lambda1
        self.free = free
        self.eye = np.eye(d)
        if self.logistic:
            self.S = np.zeros((d, d))
        else:
            Xc = X - X.mean(axis=0)
            self.S = Xc.T @ Xc / n

    def score(self, W: FloatMatrix, b: FloatMatrix) -> float:
        """Loss plus L1 penalty (the part multiplied by μ)."""
        if self.logistic:
            M = self.X @ W + b
            value = float(np.sum(np.logaddexp(0.0, M) - self.X * M)) / self.n
        else:
            IW = self.eye - W
            value = 0.5 * float(np.sum(IW * (self.S @ IW)))
        return value + self.lambda1 * float(np.abs(W).sum())

    def grad(self, W: FloatMatrix, b: FloatMatrix) -> tuple[FloatMatrix, FloatMatrix]:
        """Gradient of the loss in W and b (the L1 subgradient is added by the caller)."""
        if self.logistic:
            R = expit(self.X @ W + b) - self.X
            return self.X.T @ R / self.n, R.sum(axis=0) / self.n
        return self.S @ W - self.S, b


def _h(W: FloatMatrix, s: float) -> float:
    d = W.shape[0]
    sign, logdet = np.linalg.slogdet(s * np.eye(d) - W * W)
    return -float(logdet) + d * math.log(s) if sign > 0 else math.inf


def _inverse(W: FloatMatrix, s_eye: FloatMatrix, eye: FloatMatrix) -> FloatMatrix | None:
    """``(sI − W∘W)^{-1}``, or None when ``sI − W∘W`` is not a non-singular M-matrix.

    LAPACK's ``gesv`` against the identity is used directly: ``numpy.linalg.inv``'s dispatch overhead
    is several times the arithmetic at the sizes DAGMA runs on, and this call happens every iteration.
    """
    _, _, M, info = _gesv(s_eye - W * W, eye)
    # ``not (min >= ...)`` also rejects NaN; a Z-matrix is an M-matrix iff its inverse is >= 0.
    if info != 0 or not float(M.min()) >= -1e-16:
        return None
    return M


def _central_step(
    problem: _Problem,
    W: FloatMatrix,
    b: FloatMatrix,
    *,
    mu: float,
    s: float,
    lr: float,
    max_iter: int,
    checkpoint: int,
    tol: float,
    deadline: float | None,
) -> tuple[FloatMatrix, FloatMatrix, bool, bool]:
    """Adam on ``μ·(score + λ‖W‖₁) + h_s(W)`` from ``W``.

    Returns ``(W, b, ok, stopped)``: ``ok`` is False when the iterate left the M-matrix domain in a way
    the caller must fix by restarting with a larger ``s``; ``stopped`` tells that the deadline passed.
    The loop body is written with in-place operations because on small graphs its cost is numpy call
    overhead, not arithmetic.
    """
    eye = problem.eye
    s_eye = s * eye
    free = problem.free
    muS = mu * problem.S
    mu_lam = mu * problem.lambda1
    m_W = np.zeros_like(W)
    v_W = np.zeros_like(W)
    m_b = np.zeros_like(b)
    v_b = np.zeros_like(b)
    step_W = np.zeros_like(W)
    step_b = np.zeros_like(b)
    G = np.empty_like(W)
    tmp = np.empty_like(W)
    obj_prev = math.inf
    for it in range(1, max_iter + 1):
        M = _inverse(W, s_eye, eye)
        while M is None:
            if it == 1 or s <= 0.9:
                return W, b, False, False
            # Undo the last step and retry it at half the length.
            W += lr * step_W
            b += lr * step_b
            lr *= 0.5
            if lr <= 1e-16:
                return W, b, True, False
            W -= lr * step_W
            b -= lr * step_b
            M = _inverse(W, s_eye, eye)
        if problem.logistic:
            g_W, g_b = problem.grad(W, b)
            np.multiply(g_W, mu, out=G)
        else:
            np.matmul(muS, W, out=G)
            G -= muS
        if mu_lam:
            np.sign(W, out=tmp)
            tmp *= mu_lam
            G += tmp
        np.multiply(W, M.T, out=tmp)
        tmp *= 2.0
        G += tmp
        G *= free
        # Adam with bias correction (the reference's β₁ = 0.99, β₂ = 0.999), folded into one scalar:
        # (m/c1)/(sqrt(v/c2)+ε) = (sqrt(c2)/c1)·m/(sqrt(v)+ε·sqrt(c2)).
        c1 = 1.0 - _BETA1**it
        rc2 = math.sqrt(1.0 - _BETA2**it)
        m_W *= _BETA1
        m_W += (1.0 - _BETA1) * G
        np.multiply(G, G, out=tmp)
        tmp *= 1.0 - _BETA2
        v_W *= _BETA2
        v_W += tmp
        np.sqrt(v_W, out=tmp)
        tmp += 1e-8 * rc2
        np.divide(m_W, tmp, out=step_W)
        step_W *= rc2 / c1
        W -= lr * step_W
        if problem.logistic:
            gb = mu * g_b
            m_b = _BETA1 * m_b + (1.0 - _BETA1) * gb
            v_b = _BETA2 * v_b + (1.0 - _BETA2) * (gb * gb)
            step_b = (rc2 / c1) * m_b / (np.sqrt(v_b) + 1e-8 * rc2)
            b -= lr * step_b
        if it % _DEADLINE_EVERY == 0 and past(deadline):
            return W, b, True, True
        if it % checkpoint == 0 or it == max_iter:
            obj = mu * problem.score(W, b) + _h(W, s)
            if math.isfinite(obj) and abs(obj_prev - obj) <= tol * max(abs(obj), 1e-12):
                break
            obj_prev = obj
    return W, b, True, False


def _check_positive(name: str, value: float) -> None:
    if not (value > 0 and math.isfinite(value)):
        raise InputError(f"{name} must be a finite number > 0, got {value}")


def _check_count(name: str, value: int) -> None:
    if int(value) != value or value < 1:
        raise InputError(f"{name} must be a positive integer, got {value}")


@single_threaded_blas()
def dagma_linear(
    X: npt.ArrayLike,
    *,
    lambda1: float = 0.03,
    loss: str = "l2",
    w_threshold: float = 0.3,
    T: int = 4,
    mu_init: float = 1.0,
    mu_factor: float = 0.1,
    s: float | Sequence[float] = (1.0, 0.9, 0.8, 0.7),
    warm_iter: int = 30000,
    max_iter: int = 60000,
    lr: float = 3e-4,
    forbidden: npt.ArrayLike | None = None,
    deadline: float | None = None,
    rng: np.random.Generator | int | None = None,
    checkpoint: int = 1000,
    tol: float = 1e-6,
) -> FloatMatrix:
    """DAGMA linear (Bello et al. 2022): a weighted, thresholded, acyclic adjacency.

    Args:
        X: (n, d) data. Centred internally for ``loss='l2'``; must be 0/1 for ``'logistic'``.
        lambda1: L1 strength (inside the μ-weighted score).
        loss: ``'l2'`` (least squares) or ``'logistic'`` (binary data, with intercepts).
        w_threshold: entries with ``|w| < w_threshold`` are zeroed at the end; Adam on a subgradient never
            produces exact zeros, so DAGMA needs it.
        T: number of central-path steps (μ = ``mu_init · mu_factor^t``).
        mu_init, mu_factor: first μ and its geometric decrease (0 < factor < 1).
        s: the log-det parameter per central-path step; a scalar is used for all, a shorter sequence
            is padded with its last value.
        warm_iter, max_iter: Adam iteration caps for the first ``T − 1`` steps and for the last one.
        lr: Adam learning rate.
        forbidden: (d, d) bool mask of edges fixed to 0 (the diagonal always is).
        deadline: optional ``time.monotonic()`` value; past it the solver stops and returns its current
            estimate (thresholded and made acyclic) rather than raising.
        rng: when given (a Generator or a seed), the zero start is jittered by ``N(0, 10⁻⁴)`` on the free
            entries, so that resamples do not all follow the same path through exact ties; ``None`` keeps
            the reference method's deterministic zero start. Global random state is never used.
        checkpoint: iterations between convergence checks.
        tol: a central-path step ends when the objective's relative change over ``checkpoint`` iterations
            falls below this.

    Returns:
        (d, d) float array ``W`` with ``W[i, j] != 0`` meaning ``i -> j``; its support is acyclic.
    """
    data = check_data(X, loss)
    d = data.shape[1]
    fixed = check_mask(forbidden, d)
    check_deadline(deadline)
    if not (lambda1 >= 0 and math.isfinite(lambda1)):
        raise InputError(f"lambda1 must be a finite number >= 0, got {lambda1}")
    if not (w_threshold >= 0 and math.isfinite(w_threshold)):
        raise InputError(f"w_threshold must be a finite number >= 0, got {w_threshold}")
    for name, count in (
        ("T", T),
        ("warm_iter", warm_iter),
        ("max_iter", max_iter),
        ("checkpoint", checkpoint),
    ):
        _check_count(name, count)
    for name, value in (("mu_init", mu_init), ("lr", lr), ("tol", tol)):
        _check_positive(name, value)
    if not 0 < mu_factor < 1:
        raise InputError(f"mu_factor must be in (0, 1), got {mu_factor}")
    s_list = [float(s)] * T if isinstance(s, int | float) else [float(v) for v in s]
    if not s_list or any(not (v > 0 and math.isfinite(v)) for v in s_list):
        raise InputError(f"s must be a positive number or a non-empty sequence of them, got {s}")
    s_list = (s_list + [s_list[-1]] * T)[:T]
    if rng is not None and not isinstance(rng, np.random.Generator | int):
        raise InputError(f"rng must be a numpy Generator, an int seed or None, got {type(rng).__name__}")
    if d == 1:
        return np.zeros((1, 1))

    free = (~fixed).astype(np.float64)
    problem = _Problem(data, loss, lambda1, free)
    W: FloatMatrix = np.zeros((d, d))
    b: FloatMatrix = np.zeros(d if loss == "logistic" else 0)
    if rng is not None:
        gen = np.random.default_rng(rng)
        W = gen.normal(0.0, 1e-4, (d, d)) * free
    mu = mu_init
    stopped = False
    for t in range(T):
        step_lr = lr
        iters = max_iter if t == T - 1 else warm_iter
        for _ in range(_MAX_RESTARTS):
            W_new, b_new, ok, stopped = _central_step(
                problem,
                W.copy(),
                b.copy(),
                mu=mu,
                s=s_list[t],
                lr=step_lr,
                max_iter=iters,
                checkpoint=checkpoint,
                tol=tol,
                deadline=deadline,
            )
            if ok or stopped:
                break
            step_lr *= 0.5
            s_list[t] += 0.1
            logger.debug("DAGMA left the M-matrix domain; retrying with s=%.2f lr=%.2e", s_list[t], step_lr)
        else:
            logger.warning("DAGMA could not stay in the M-matrix domain at central-path step %d", t + 1)
            break
        W, b = W_new, b_new
        mu *= mu_factor
        if stopped:
            logger.info("DAGMA stopped at its deadline in central-path step %d of %d", t + 1, T)
            break
    W = W * free
    W[np.abs(W) < w_threshold] = 0.0
    return make_acyclic(W)
