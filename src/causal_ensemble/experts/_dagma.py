"""DAGMA for linear SEMs (Bello, Aragam & Ravikumar, NeurIPS 2022), in numpy.

Acyclicity is measured by the log-determinant ``h_s(W) = −log det(sI − W∘W) + d·log s``, which is
zero exactly on DAGs inside the M-matrix domain and whose gradient ``2·W∘(sI − W∘W)^{-T}`` costs one
inverse. The central path solves ``μ·(score + λ‖W‖₁) + h_s(W)`` for decreasing μ with Adam, warm-starting
each step; leaving the M-matrix domain means the step was too long, so the step is undone and the
learning rate halved (or ``s`` enlarged), as in the reference method. Least squares again only needs
``S = XᵀX/n``. Convergence is checked on the objective every ``checkpoint`` steps so small problems
finish well before the iteration caps.
"""

from __future__ import annotations

import logging
import time

import numpy as np
import numpy.typing as npt

from causal_ensemble._errors import InputError
from causal_ensemble.experts._notears import make_acyclic

logger = logging.getLogger(__name__)

FloatMatrix = npt.NDArray[np.float64]


class _Adam:
    def __init__(self, shape: tuple[int, ...], beta1: float = 0.99, beta2: float = 0.999) -> None:
        self.m = np.zeros(shape)
        self.v = np.zeros(shape)
        self.b1, self.b2 = beta1, beta2

    def step(self, grad: FloatMatrix, t: int) -> FloatMatrix:
        self.m = self.b1 * self.m + (1 - self.b1) * grad
        self.v = self.b2 * self.v + (1 - self.b2) * grad**2
        m_hat = self.m / (1 - self.b1**t)
        v_hat = self.v / (1 - self.b2**t)
        return m_hat / (np.sqrt(v_hat) + 1e-8)


def _objective(W: FloatMatrix, S: FloatMatrix, mu: float, lam: float, s: float, free: FloatMatrix) -> float:
    d = W.shape[0]
    IW = np.eye(d) - W
    score = 0.5 * float(np.sum(IW * (S @ IW))) + lam * float(np.abs(W).sum())
    sign, logdet = np.linalg.slogdet(s * np.eye(d) - W * W)
    h = -logdet + d * np.log(s) if sign > 0 else np.inf
    return mu * score + h


def _minimize(
    W: FloatMatrix,
    S: FloatMatrix,
    free: FloatMatrix,
    *,
    mu: float,
    lam: float,
    s: float,
    lr: float,
    max_iter: int,
    checkpoint: int,
    tol: float,
    deadline: float | None,
) -> tuple[FloatMatrix, bool]:
    d = W.shape[0]
    eye = np.eye(d)
    adam = _Adam(W.shape)
    obj_prev = 1e16
    grad = np.zeros_like(W)
    for it in range(1, max_iter + 1):
        M = np.linalg.inv(s * eye - W * W) + 1e-16
        while np.any(M < 0):  # left the M-matrix domain: undo the step, halve the learning rate
            if it == 1 or s <= 0.9:
                return W, False
            W = W + lr * grad
            lr *= 0.5
            if lr <= 1e-16:
                return W, True
            W = W - lr * grad
            M = np.linalg.inv(s * eye - W * W) + 1e-16
        g_score = -(S @ (eye - W)) + lam * np.sign(W)
        g_obj = (mu * g_score + 2 * W * M.T) * free
        grad = adam.step(g_obj, it)
        W = W - lr * grad
        if it % checkpoint == 0 or it == max_iter:
            obj = _objective(W, S, mu, lam, s, free)
            if np.isfinite(obj) and abs((obj_prev - obj) / obj_prev) <= tol:
                break
            obj_prev = obj
            if deadline is not None and time.monotonic() > deadline:
                break
    return W, True


def dagma_linear(
    X: npt.ArrayLike,
    *,
    lambda1: float = 0.03,
    loss: str = "l2",
    w_threshold: float = 0.3,
    T: int = 4,
    mu_init: float = 1.0,
    mu_factor: float = 0.1,
    s: tuple[float, ...] = (1.0, 0.9, 0.8, 0.7),
    warm_iter: int = 30000,
    max_iter: int = 60000,
    lr: float = 3e-4,
    checkpoint: int = 1000,
    tol: float = 1e-6,
    forbidden: npt.ArrayLike | None = None,
    deadline: float | None = None,
    rng: np.random.Generator | None = None,
) -> FloatMatrix:
    """DAGMA linear: a weighted adjacency ``W`` (``W[i, j] != 0`` means i -> j), acyclic, thresholded.

    ``rng`` is accepted for the expert contract; the method itself is deterministic (zero start).
    """
    data = np.asarray(X, dtype=np.float64)
    if data.ndim != 2 or data.shape[1] < 2 or data.shape[0] < 2:
        raise InputError(f"X must be a 2-D array with at least 2 rows and 2 columns, got shape {data.shape}")
    if loss != "l2":
        raise InputError(f"dagma_linear supports loss='l2' only, got {loss!r}")
    if T < 1 or len(s) < T:
        raise InputError(f"need T >= 1 and at least T values of s, got T={T}, s={s}")
    if lambda1 < 0 or w_threshold < 0 or lr <= 0:
        raise InputError("lambda1 and w_threshold must be >= 0 and lr > 0")
    n, d = data.shape
    fb = np.zeros((d, d), dtype=bool) if forbidden is None else np.asarray(forbidden, dtype=bool).copy()
    if fb.shape != (d, d):
        raise InputError(f"forbidden must have shape ({d}, {d}), got {fb.shape}")
    np.fill_diagonal(fb, True)
    free = (~fb).astype(np.float64)
    S = data.T @ data / n
    W: FloatMatrix = np.zeros((d, d))
    mu = mu_init
    s_list = list(s)
    for t in range(T):
        step_lr = lr
        iters = max_iter if t == T - 1 else warm_iter
        while True:
            W_new, ok = _minimize(
                W.copy(),
                S,
                free,
                mu=mu,
                lam=lambda1,
                s=s_list[t],
                lr=step_lr,
                max_iter=iters,
                checkpoint=checkpoint,
                tol=tol,
                deadline=deadline,
            )
            if ok:
                break
            step_lr *= 0.5
            s_list[t] += 0.1
        W = W_new
        mu *= mu_factor
        if deadline is not None and time.monotonic() > deadline:
            logger.info("DAGMA stopped at its deadline after %d of %d central-path steps", t + 1, T)
            break
    W = W * free
    W[np.abs(W) < w_threshold] = 0.0
    return make_acyclic(W)
