"""How far an LLM's graded readings can be trusted: calibration maps measured on pairs with known truth.

A reading moves the experts' weights only as much as the model has shown it deserves. The judge benchmark
(``benchmarks/judge.py``) asks a model about every true edge and as many non-adjacent pairs of five
networks with known structure, in both directions, and fits two logistic maps:

* direction: P(A -> B | adjacent) = sigmoid(slope * (logit P_yes(A causes B) - logit P_yes(B causes A))).
  The score compares the two phrasings with each other, which cancels a model's default answer; the map
  has no intercept because swapping A and B must give the complementary probability.
* adjacency: P(adjacent) = sigmoid(intercept + slope * logit P_yes(A and B are directly linked)), fitted on
  equally many adjacent and non-adjacent pairs, so that its odds are the reading's likelihood ratio.

Each slope is shrunk by one standard error towards 0 and never allowed below it: a model whose readings
are no better than chance (or worse) gets slope 0, and a reading with slope 0 moves nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

LOGIT_CLIP = 0.999  # probabilities are clipped to [1 - c, c] before the logit: P(yes) = 1.0 happens


def logit(p: float) -> float:
    q = min(max(p, 1.0 - LOGIT_CLIP), LOGIT_CLIP)
    return math.log(q / (1.0 - q))


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


@dataclass(frozen=True)
class JudgeCalibration:
    """The measured trust in one model's readings (0 slopes: no measured skill, readings move nothing)."""

    direction_slope: float = 0.0
    adjacency_intercept: float = 0.0
    adjacency_slope: float = 0.0
    measured_on: str = "no measurement"

    def direction(self, p_forward: float, p_backward: float) -> float:
        """P(A -> B | A and B adjacent) from P(yes) to "A causes B" and to "B causes A"."""
        return sigmoid(self.direction_slope * (logit(p_forward) - logit(p_backward)))

    def adjacency(self, p_link: float) -> float:
        """P(A and B adjacent) at even prior odds, from P(yes) to "are A and B directly linked"."""
        if self.adjacency_slope == 0.0:
            return 0.5
        return sigmoid(self.adjacency_intercept + self.adjacency_slope * logit(p_link))

    @property
    def has_direction_skill(self) -> bool:
        return self.direction_slope > 0.0

    @property
    def has_adjacency_skill(self) -> bool:
        return self.adjacency_slope > 0.0


def _newton_logistic(
    X: FloatArray, y: FloatArray, w: FloatArray | None = None, offset: FloatArray | None = None
) -> tuple[FloatArray, FloatArray]:
    """Weighted logistic coefficients and their standard errors under a unit Gaussian prior on each
    coefficient (slopes of a useful judge are of order 1; the prior keeps a perfectly separated small
    sample, all 8 edges of asia right, from an unbounded slope). Weights should sum to the number of rows,
    so the errors keep their scale."""
    weights = np.ones(X.shape[0]) if w is None else w
    off = np.zeros(X.shape[0]) if offset is None else offset
    beta = np.zeros(X.shape[1])
    ridge = np.eye(X.shape[1])
    hess = ridge
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-np.clip(X @ beta + off, -30.0, 30.0)))
        grad = X.T @ (weights * (y - p)) - ridge @ beta
        hess = (X * (weights * p * (1.0 - p))[:, None]).T @ X + ridge
        step = np.linalg.solve(hess, grad)
        beta = beta + step
        if float(np.max(np.abs(step))) < 1e-9:
            break
    se = np.sqrt(np.diag(np.linalg.inv(hess)))
    return beta, se


def fit_direction_slope(scores: npt.ArrayLike) -> float:
    """The shrunk slope from direction scores of true edges (score > 0 means the model favours the true
    direction). Each edge enters as (score, 1) and (-score, 0) with weight 1/2: the map is symmetric by
    design, and the mirrored copy adds no information, so it must not halve the standard error."""
    s = np.asarray(scores, dtype=np.float64)
    if s.size == 0:
        return 0.0
    X = np.concatenate([s, -s])[:, None]
    y = np.concatenate([np.ones(s.size), np.zeros(s.size)])
    beta, se = _newton_logistic(X, y, np.full(2 * s.size, 0.5))
    return float(max(beta[0] - se[0], 0.0))


def fit_adjacency(scores: npt.ArrayLike, adjacent: npt.ArrayLike) -> tuple[float, float]:
    """(intercept, shrunk slope) from link scores (logit P_yes) of adjacent (True) and non-adjacent pairs.
    Each class carries half the total weight, so the fitted odds are a likelihood ratio at even prior odds;
    the intercept is refitted for the shrunk slope so the map stays calibrated on average."""
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(adjacent, dtype=np.float64)
    n_pos, n_neg = float(y.sum()), float((1.0 - y).sum())
    if n_pos == 0 or n_neg == 0:
        return 0.0, 0.0
    n = float(s.size)
    w = np.where(y > 0, 0.5 * n / n_pos, 0.5 * n / n_neg)
    beta, se = _newton_logistic(np.column_stack([np.ones(s.size), s]), y, w)
    slope = float(max(beta[1] - se[1], 0.0))
    if slope == 0.0:
        return 0.0, 0.0
    b0, _ = _newton_logistic(np.ones((s.size, 1)), y, w, offset=slope * s)
    return float(b0[0]), slope
