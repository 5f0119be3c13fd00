"""Continuous-optimisation experts: NOTEARS, adaptive NOTEARS and DAGMA (linear).

The solvers live in ``_notears`` and ``_dagma`` (numpy/scipy; the published packages pull in torch).
These wrappers standardise every continuous column before solving. Least squares is not scale-invariant:
on raw columns these methods orient edges from the lower- to the higher-variance variable
(varsortability, Reisach et al. 2021), so the unit a variable happens to be recorded in (m or km) would
decide directions. Standardising makes the graph depend on the data's dependence structure only, at the
cost of the accuracy these methods show on raw simulated data, where variance grows along the causal
order by construction. The solvers themselves still run on whatever they are given (their tests use
raw, varsortable data on purpose).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import numpy.typing as npt

from causal_ensemble.experts._base import (
    DataKind,
    Expert,
    Family,
    FloatMatrix,
    KnowledgeMasks,
    check_in_range,
    standardise_continuous,
)
from causal_ensemble.experts._graph import EndpointGraph

_LINEAR_ASSUMPTIONS = (
    "linear mechanisms",
    "equal noise variances on the standardised scale (least-squares loss); continuous columns are "
    "standardised inside the fit, so units and offsets do not change the graph, and discrete columns "
    "enter as their integer codes",
    "causal sufficiency (no hidden confounders)",
    "non-convex optimisation: a local optimum, thresholded",
)


class NOTEARS(Expert):
    """NOTEARS (Zheng et al. 2018): least squares + L1 under a smooth acyclicity constraint."""

    name: ClassVar[str] = "notears"
    family = Family.CONTINUOUS_OPTIMISATION
    assumptions = _LINEAR_ASSUMPTIONS
    supports = frozenset({DataKind.CONTINUOUS, DataKind.MIXED})
    native_knowledge = True

    def __init__(
        self,
        lambda1: float = 0.1,
        w_threshold: float = 0.3,
        max_iter: int = 100,
        random_state: int | None = None,
    ) -> None:
        self.lambda1 = lambda1
        self.w_threshold = w_threshold
        self.max_iter = max_iter
        self.random_state = random_state

    def _fit(
        self, X: FloatMatrix, discrete: npt.NDArray[np.bool_], kind: DataKind, knowledge: KnowledgeMasks
    ) -> EndpointGraph:
        from causal_ensemble.experts._notears import notears_linear

        check_in_range("lambda1", self.lambda1, 0.0, 1e6, expert=self.name)
        w = notears_linear(
            standardise_continuous(X, discrete),
            lambda1=self.lambda1,
            w_threshold=self.w_threshold,
            max_iter=self.max_iter,
            forbidden=knowledge.forbidden,
        )
        return EndpointGraph.from_dag(w != 0)


class AdaptiveNOTEARS(Expert):
    """Adaptive NOTEARS: per-edge L1 weights 1/|W_init|^gamma from an initial estimate (adaptive lasso),
    so that sparsity comes from the penalty rather than from a fixed post-hoc threshold."""

    name: ClassVar[str] = "adaptive_notears"
    family = Family.CONTINUOUS_OPTIMISATION
    assumptions = (
        *_LINEAR_ASSUMPTIONS[:3],
        "non-convex optimisation: a local optimum, adaptive-lasso sparsity",
    )
    supports = frozenset({DataKind.CONTINUOUS, DataKind.MIXED})
    native_knowledge = True

    def __init__(
        self, gamma: float = 1.0, lambda1: float | None = None, random_state: int | None = None
    ) -> None:
        self.gamma = gamma
        self.lambda1 = lambda1
        self.random_state = random_state

    def _fit(
        self, X: FloatMatrix, discrete: npt.NDArray[np.bool_], kind: DataKind, knowledge: KnowledgeMasks
    ) -> EndpointGraph:
        from causal_ensemble.experts._notears import adaptive_notears_linear

        check_in_range("gamma", self.gamma, 0.0, 10.0, expert=self.name)
        w = adaptive_notears_linear(
            standardise_continuous(X, discrete),
            gamma=self.gamma,
            lambda1=self.lambda1,
            forbidden=knowledge.forbidden,
        )
        return EndpointGraph.from_dag(w != 0)


class DAGMA(Expert):
    """DAGMA (Bello et al. 2022): log-determinant acyclicity characterisation on a central path."""

    name: ClassVar[str] = "dagma"
    family = Family.CONTINUOUS_OPTIMISATION
    assumptions = _LINEAR_ASSUMPTIONS
    supports = frozenset({DataKind.CONTINUOUS, DataKind.MIXED})
    native_knowledge = True

    def __init__(
        self, lambda1: float = 0.03, w_threshold: float = 0.3, random_state: int | None = None
    ) -> None:
        self.lambda1 = lambda1
        self.w_threshold = w_threshold
        self.random_state = random_state

    def _fit(
        self, X: FloatMatrix, discrete: npt.NDArray[np.bool_], kind: DataKind, knowledge: KnowledgeMasks
    ) -> EndpointGraph:
        from causal_ensemble.experts._dagma import dagma_linear

        check_in_range("lambda1", self.lambda1, 0.0, 1e6, expert=self.name)
        w = dagma_linear(
            standardise_continuous(X, discrete),
            lambda1=self.lambda1,
            w_threshold=self.w_threshold,
            forbidden=knowledge.forbidden,
            rng=np.random.default_rng(self.random_state),
        )
        return EndpointGraph.from_dag(w != 0)
